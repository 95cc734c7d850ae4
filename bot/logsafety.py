"""Private logs at every level: a filter on the root handler (see `install`).

The README promises that the bot token and what people write (names, phone numbers, the
story of a child) are never logged. Our own log lines carry ids, types and counts only. The
libraries are not so careful at DEBUG: python-telegram-bot's ExtBot logs every request with
its parameters (message texts), its Application logs every update (names, texts, phones),
aiosqlite logs every statement with its values. So for records of other packages below
WARNING the filter keeps the format string and replaces every argument that is not a plain
identifier or a number by "<redacted>"; a message that is not a format string is dropped to
its type. Everything, ours included and at every level, has the token (and anything shaped
like a bot token) replaced.
"""

from __future__ import annotations

import logging
import re

OUR_PACKAGES = ("bot", "handlers", "storage", "bench", "__main__")
TOKEN_SHAPE = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")
# Arguments kept as they are: method names, module names, state names, numbers.
PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]{0,60}$")
REDACTED = "<redacted>"


def _ours(name: str) -> bool:
    return name.split(".", 1)[0] in OUR_PACKAGES


def _plain(value: object) -> object:
    if isinstance(value, bool | int | float) or value is None:
        return value
    if isinstance(value, str) and PLAIN.match(value):
        return value
    return REDACTED


class PrivacyFilter(logging.Filter):
    def __init__(self, token: str | None = None) -> None:
        super().__init__()
        self._secrets = [s for s in {token, (token or "").replace(":", "%3A")} if s]

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "<token>")
        return TOKEN_SHAPE.sub("<token>", text)

    def filter(self, record: logging.LogRecord) -> bool:
        if not _ours(record.name) and record.levelno < logging.WARNING:
            if not isinstance(record.msg, str):
                record.msg, record.args = f"<{type(record.msg).__name__} {REDACTED}>", None
            elif record.args:
                args = record.args
                if isinstance(args, dict):
                    record.args = {key: _plain(value) for key, value in args.items()}
                else:
                    record.args = tuple(_plain(value) for value in args)
            record.exc_info, record.exc_text, record.stack_info = None, None, None
        message = self._scrub(record.getMessage())
        record.msg, record.args = message, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._scrub(record.exc_text)
        return True


def install(token: str | None, root: logging.Logger | None = None) -> PrivacyFilter:
    """Put the filter on every handler of the root logger (records of every logger pass
    there), so no library can write around it."""
    root = root or logging.getLogger()
    privacy = PrivacyFilter(token)
    for handler in root.handlers:
        if not any(isinstance(f, PrivacyFilter) for f in handler.filters):
            handler.addFilter(privacy)
    return privacy
