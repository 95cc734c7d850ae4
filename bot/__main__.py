"""`python -m bot`: the live bot, and the offline tools.

    python -m bot                 live bot, long polling (needs BOT_TOKEN)
    python -m bot sandbox         offline terminal chat with the real bot on the emulator
    python -m bot emulator        the Bot API emulator over HTTP on loopback
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from bot.config import ConfigError, Settings

EXIT_CONFIG = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Child-protection Telegram bot (District 8 and Binh Chanh, HCMC).",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("run", help="run the live bot with long polling (the default)")
    sandbox = sub.add_parser("sandbox", help="chat with the real bot offline, in the terminal")
    sandbox.add_argument("--db", default="data/sandbox.sqlite3", help="SQLite file of the sandbox")
    sandbox.add_argument("--fresh", action="store_true", help="start from an empty database")
    emulator = sub.add_parser("emulator", help="serve the Bot API emulator over HTTP on loopback")
    emulator.add_argument("--port", type=int, default=8081)
    emulator.add_argument("--journal", default=None, help="append every accepted send to FILE")
    return parser


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # httpx logs every request URL, and the URL carries the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = args.command or "run"
    try:
        settings = Settings.from_env()
    except ConfigError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return EXIT_CONFIG
    if command == "sandbox":
        # The chat is the output; only problems are logged unless LOG_LEVEL asks for more.
        configure_logging(settings.log_level if "LOG_LEVEL" in os.environ else "WARNING")
        from bot.sandbox import run_sandbox

        return run_sandbox(settings, args.db, fresh=args.fresh)
    configure_logging(settings.log_level)
    if command == "emulator":
        from bot.emulator.http import run_emulator_cli

        return run_emulator_cli(args.port, args.journal) or 0
    return run_live(settings)


def run_live(settings: Settings) -> int:
    if not settings.bot_token:
        print(
            "BOT_TOKEN is not set: put your bot's token in the environment or .env, "
            "or try the bot offline with `make sandbox`.",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    from bot.application import build_application

    application = build_application(settings)
    logging.getLogger(__name__).info("starting long polling (pending updates are kept)")
    # Pending updates are never dropped: people may have written while the bot was down.
    application.run_polling(drop_pending_updates=False, allowed_updates=ALLOWED_UPDATES)
    return 0


ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]


if __name__ == "__main__":
    sys.exit(main())
