"""`python -m bot`: the live bot, and the offline tools.

python -m bot                 live bot, long polling (needs BOT_TOKEN)
python -m bot --webhook       live bot behind a webhook (needs WEBHOOK_URL, WEBHOOK_SECRET)
python -m bot sandbox         offline terminal chat with the real bot on the emulator
python -m bot import-events FILE   import a calendar file (content/calendar.json)
python -m bot emulator        the Bot API emulator over HTTP on loopback
                              (--flood-limits: 429s as Telegram would answer them)
python -m bot backup PATH     consistent copy of the live database
python -m bot check           integrity, schema version and row counts
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from types import SimpleNamespace
from typing import TYPE_CHECKING

from bot.config import ConfigError, Settings

if TYPE_CHECKING:
    import argparse

EXIT_CONFIG = 2


def _parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Child-protection Telegram bot (the former District 8 and Binh Chanh areas, HCMC).",
    )
    parser.add_argument(
        "--webhook",
        action="store_true",
        help="receive updates through a webhook instead of long polling",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("run", help="run the live bot (long polling unless --webhook)")
    backup = sub.add_parser("backup", help="write a consistent copy of the database to PATH")
    backup.add_argument("path")
    sub.add_parser("check", help="verify the database: integrity, schema version, row counts")
    import_events = sub.add_parser("import-events", help="import a calendar file (.json/.csv)")
    import_events.add_argument("file", help="e.g. content/calendar.json")
    sandbox = sub.add_parser("sandbox", help="chat with the real bot offline, in the terminal")
    sandbox.add_argument("--db", default="data/sandbox.sqlite3", help="SQLite file of the sandbox")
    sandbox.add_argument("--fresh", action="store_true", help="start from an empty database")
    sandbox.add_argument(
        "--web",
        metavar="HOST:PORT",
        default=None,
        help="also serve the staff dashboard, e.g. 127.0.0.1:8090",
    )
    emulator = sub.add_parser("emulator", help="serve the Bot API emulator over HTTP on loopback")
    emulator.add_argument("--port", type=int, default=8081)
    emulator.add_argument("--journal", default=None, help="append every accepted send to FILE")
    emulator.add_argument(
        "--flood-limits",
        action="store_true",
        help="answer 429 as Telegram would: 30/s overall, 1/s per private chat, 20/min per group",
    )
    return parser


def configure_logging(level: str, token: str | None = None) -> None:
    from bot import logsafety

    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # At every level: no token, nothing people wrote (see bot/logsafety.py).
    logsafety.install(token)
    # httpx logs every request URL, and the URL carries the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    # The live bot is started bare (`python -m bot`): argparse (~0.3 MiB) only for the others.
    args = (
        _parser().parse_args(arguments)
        if arguments
        else SimpleNamespace(command=None, webhook=False)
    )
    command = args.command or "run"
    try:
        settings = Settings.from_env()
    except ConfigError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return EXIT_CONFIG
    if command == "sandbox":
        # The chat is the output; only problems are logged unless LOG_LEVEL asks for more.
        configure_logging(
            settings.log_level if "LOG_LEVEL" in os.environ else "WARNING", settings.bot_token
        )
        from bot.config import parse_listen
        from devkit.sandbox import run_sandbox

        try:
            web = parse_listen("--web", args.web) if args.web else None
        except ConfigError as error:
            print(f"configuration error: {error}", file=sys.stderr)
            return EXIT_CONFIG
        return run_sandbox(settings, args.db, fresh=args.fresh, web=web)
    configure_logging(settings.log_level, settings.bot_token)
    if command == "emulator":
        from devkit.emulator.http import run_emulator_cli

        run_emulator_cli(args.port, args.journal, flood_limits=args.flood_limits)
        return 0
    if command == "backup":
        return run_backup(settings, args.path)
    if command == "check":
        return run_check(settings)
    if command == "import-events":
        from bot.events.cli import run_import

        return run_import(settings, args.file)
    return run_live(settings, webhook=args.webhook)


def run_backup(settings: Settings, path: str) -> int:
    from pathlib import Path

    from bot.operations import backup

    try:
        target = backup(settings.database_path, Path(path))
    except (FileNotFoundError, RuntimeError) as error:
        print(f"backup failed: {error}", file=sys.stderr)
        return 1
    print(f"backup written: {target}")
    return 0


def run_check(settings: Settings) -> int:
    from bot.operations import check

    try:
        report = check(settings.database_path)
    except FileNotFoundError:
        print(f"no database at {settings.database_path}", file=sys.stderr)
        return 1
    print(f"database: {settings.database_path}")
    print(f"integrity: {report.integrity}")
    print(f"schema version: {report.schema_version}")
    for table, count in report.row_counts.items():
        print(f"  {table:<28} {count:>10}")
    return 0 if report.ok else 1


def run_live(settings: Settings, webhook: bool = False) -> int:
    if not settings.bot_token:
        print(
            "BOT_TOKEN is not set: put your bot's token in the environment or .env, "
            "or try the bot offline with `make sandbox`.",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    # Start-up creates ~100,000 long-lived objects (modules, handlers) and almost no garbage;
    # the cycle collector would walk them ~150 times on the way (~80 ms, a tenth of the
    # start). It is switched back on once the bot is up (bot.application.collector_back_on).
    import gc

    gc.disable()
    from bot.crypto import KEY_HELP, has_live_key

    if not has_live_key(settings):
        print(
            f"DATA_KEY is not set: live mode needs the key that encrypts reports; {KEY_HELP}",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    from bot.application import build_application, warm_up_in_background

    if webhook and not (settings.webhook_url and settings.webhook_secret):
        print("webhook mode needs WEBHOOK_URL and WEBHOOK_SECRET", file=sys.stderr)
        return EXIT_CONFIG
    application = build_application(settings)
    log = logging.getLogger(__name__)
    # Pending updates are never dropped: people may have written while the bot was down.
    # run_* stop cleanly on SIGTERM/SIGINT: the update in hand is finished, jobs and the
    # delivery engine stop after the current message, persistence is flushed, the database closed.
    if webhook:
        # Compile the danger patterns in the background after start-up, not on the first
        # message (polling does it once the first getUpdates has left: start_live).
        application.start_hooks.append(warm_up_in_background)
        # Telegram's updates (and the dashboard when WEBAPP_URL is set) on one aiohttp server.
        import asyncio

        from bot.webapp.server import run_webhook

        log.info(
            "starting webhook%s on %s:%s",
            " and dashboard" if settings.webapp_url else "",
            settings.webhook_listen,
            settings.webhook_port,
        )
        asyncio.run(run_webhook(application, settings, ALLOWED_UPDATES))
    else:
        log.info("starting long polling (pending updates are kept)")
        application.run_polling(drop_pending_updates=False, allowed_updates=ALLOWED_UPDATES)
    return 0


ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]


if __name__ == "__main__":
    sys.exit(main())
