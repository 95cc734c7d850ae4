"""Checking a Mini App's initData exactly as Telegram specifies.

https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app:
data-check-string = every field but `hash`, as `key=value`, sorted by key, joined by "\\n";
secret key = HMAC-SHA256(key="WebAppData", message=bot token);
valid when hex(HMAC-SHA256(key=secret key, message=data-check-string)) equals `hash`.
`auth_date` (Unix seconds) must also be recent: the signature never expires by itself.
Standard library only, so it is cheap to import and to test.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

# A little clock skew between Telegram and us is normal; a date far ahead is not.
FUTURE_SKEW = dt.timedelta(minutes=5)
MAX_LENGTH = 4096


class InvalidInitData(Exception):
    """Missing, malformed, forged or expired; the reason is for logs, never for the user."""


@dataclass(frozen=True)
class WebAppUser:
    telegram_id: int
    first_name: str
    language_code: str | None
    auth_date: dt.datetime


def secret_key(bot_token: str) -> bytes:
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def _data_check_string(fields: dict[str, str]) -> str:
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields) if key != "hash")


def validate(
    init_data: str | None, bot_token: str, now: dt.datetime, max_age: dt.timedelta
) -> WebAppUser:
    """The signed-in person, or InvalidInitData."""
    if not init_data or len(init_data) > MAX_LENGTH:
        raise InvalidInitData("missing or too long")
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise InvalidInitData("not a query string") from None
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise InvalidInitData("a field given twice")
    received = fields.get("hash", "")
    expected = hmac.new(
        secret_key(bot_token), _data_check_string(fields).encode(), hashlib.sha256
    ).hexdigest()
    # Constant time: how much of a forged hash matched must not show in the response time.
    if not hmac.compare_digest(expected.encode(), received.encode()):
        raise InvalidInitData("bad signature")
    raw_date = fields.get("auth_date", "")
    if not (raw_date.isascii() and raw_date.isdigit()):
        raise InvalidInitData("no auth_date")
    auth_date = dt.datetime.fromtimestamp(int(raw_date), dt.UTC)
    if now - auth_date > max_age:
        raise InvalidInitData("expired")
    if auth_date - now > FUTURE_SKEW:
        raise InvalidInitData("from the future")
    try:
        user = json.loads(fields.get("user", ""))
        telegram_id = int(user["id"])
    except (ValueError, TypeError, KeyError):
        raise InvalidInitData("no user") from None
    if telegram_id <= 0:
        raise InvalidInitData("no user")
    return WebAppUser(
        telegram_id, str(user.get("first_name") or ""), user.get("language_code") or None, auth_date
    )


def sign(bot_token: str, user: dict, auth_date: dt.datetime, **extra: str) -> str:
    """initData as Telegram would send it for `user` (the sandbox and tests sign with it)."""
    fields = {
        "auth_date": str(int(auth_date.timestamp())),
        "user": json.dumps(user, ensure_ascii=False, separators=(",", ":")),
        **extra,
    }
    fields["hash"] = hmac.new(
        secret_key(bot_token), _data_check_string(fields).encode(), hashlib.sha256
    ).hexdigest()
    return urlencode(fields)
