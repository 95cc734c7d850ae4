"""Settings from the environment (and an optional `.env` file; the environment wins).

The variable names are a public contract documented in the README.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

SUPPORTED_LANGUAGES = ("vi", "en")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(ValueError):
    """A malformed setting; the message names the variable and fits on one line."""


@dataclass(frozen=True)
class Settings:
    bot_token: str | None = None
    telegram_api_url: str = "https://api.telegram.org"
    database_path: Path = Path("data/bot.sqlite3")
    admin_ids: frozenset[int] = field(default_factory=frozenset)
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Ho_Chi_Minh"))
    default_language: str = "vi"
    log_level: str = "INFO"
    data_key: str | None = None
    data_key_file: Path | None = None
    # Flood limits: Telegram allows about 30 messages a second overall.
    overall_rate: float = 30.0
    # Conversation and persistence tuning.
    persistence_interval: float = 5.0
    # How often the dispatcher looks for due reminders, deadlines and sends (0 = never:
    # tests drive it with a fake clock instead).
    dispatcher_interval: float = 20.0
    # Retention: personal data of closed cases, and untouched report drafts.
    retention_years: int = 5
    draft_retention_days: int = 30
    # The programme's yearly calendar (content/calendar.json) is written at the first start;
    # tests that build their own events turn it off.
    seed_calendar: bool = True
    # Webhook mode (python -m bot --webhook).
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_path: str = "telegram"
    # The staff dashboard (a Telegram Mini App). WEBAPP_URL is the public HTTPS address of
    # /app/ that Telegram opens; it is served by this process: on the webhook's server in
    # webhook mode, else on WEBAPP_LISTEN. None = no dashboard (and no web server at all).
    webapp_url: str | None = None
    webapp_listen: tuple[str, int] = ("127.0.0.1", 8080)
    # How old a Mini App's sign-in (initData auth_date) may be: it is signed once, when
    # Telegram opens the dashboard, and carried by every request while it stays open.
    webapp_auth_max_age: int = 86_400

    @property
    def timezone_name(self) -> str:
        return self.timezone.key

    def with_overrides(self, **changes: Any) -> Settings:
        return replace(self, **changes)

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, env_file: str | Path | None = ".env"
    ) -> Settings:
        values: dict[str, str] = {}
        if env_file is not None and Path(env_file).is_file():
            values.update(read_env_file(Path(env_file)))
        values.update(os.environ if environ is None else environ)
        return cls(
            bot_token=values.get("BOT_TOKEN") or None,
            telegram_api_url=_parse_url(values.get("TELEGRAM_API_URL", "https://api.telegram.org")),
            database_path=Path(values.get("DATABASE_PATH") or "data/bot.sqlite3"),
            admin_ids=_parse_ids(values.get("ADMIN_IDS", "")),
            timezone=_parse_timezone(values.get("BOT_TIMEZONE") or "Asia/Ho_Chi_Minh"),
            default_language=_parse_language(values.get("DEFAULT_LANGUAGE") or "vi"),
            log_level=_parse_log_level(values.get("LOG_LEVEL") or "INFO"),
            data_key=values.get("DATA_KEY") or None,
            data_key_file=Path(values["DATA_KEY_FILE"]) if values.get("DATA_KEY_FILE") else None,
            overall_rate=_parse_rate(values.get("BROADCAST_RATE") or "30"),
            retention_years=_parse_positive_int(
                "RETENTION_YEARS", values.get("RETENTION_YEARS") or "5"
            ),
            draft_retention_days=_parse_positive_int(
                "DRAFT_RETENTION_DAYS", values.get("DRAFT_RETENTION_DAYS") or "30"
            ),
            webhook_url=values.get("WEBHOOK_URL") or None,
            webhook_secret=_parse_secret(values.get("WEBHOOK_SECRET") or None),
            webhook_listen=values.get("WEBHOOK_LISTEN") or "127.0.0.1",
            webhook_port=_parse_port(values.get("WEBHOOK_PORT") or "8443"),
            webhook_path=(values.get("WEBHOOK_PATH") or "telegram").strip("/"),
            webapp_url=_parse_webapp_url(values.get("WEBAPP_URL") or None),
            webapp_listen=parse_listen(
                "WEBAPP_LISTEN", values.get("WEBAPP_LISTEN") or "127.0.0.1:8080"
            ),
            webapp_auth_max_age=_parse_positive_int(
                "WEBAPP_AUTH_MAX_AGE", values.get("WEBAPP_AUTH_MAX_AGE") or "86400"
            ),
        )


def read_env_file(path: Path) -> dict[str, str]:
    """Parse KEY=VALUE lines; blank lines and # comments are skipped, quotes are stripped."""
    result: dict[str, str] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :]
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"{path}:{number}: expected KEY=VALUE")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        result[key.strip()] = value
    return result


def _parse_ids(raw: str) -> frozenset[int]:
    ids = set()
    for part in raw.replace(" ", "").split(","):
        if not part:
            continue
        if not (part.lstrip("-").isascii() and part.lstrip("-").isdigit()):
            raise ConfigError(
                f"ADMIN_IDS must be comma-separated Telegram user ids (numbers), got {part!r}"
            )
        ids.add(int(part))
    return frozenset(ids)


def _parse_url(raw: str) -> str:
    url = raw.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"TELEGRAM_API_URL must start with http:// or https://, got {raw!r}")
    return url


def _parse_timezone(raw: str) -> ZoneInfo:
    try:
        return ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"BOT_TIMEZONE is not a known time zone: {raw!r}") from None


def _parse_language(raw: str) -> str:
    if raw not in SUPPORTED_LANGUAGES:
        raise ConfigError(f"DEFAULT_LANGUAGE must be one of {', '.join(SUPPORTED_LANGUAGES)}")
    return raw


def _parse_log_level(raw: str) -> str:
    level = raw.upper()
    if level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {raw!r}")
    return level


def _parse_secret(raw: str | None) -> str | None:
    # Telegram accepts 1-256 characters of A-Z a-z 0-9 _ - as secret_token.
    if raw is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", raw):
        raise ConfigError("WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
    return raw


def _parse_positive_int(name: str, raw: str) -> int:
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        raise ConfigError(f"{name} must be a whole number of at least 1, got {raw!r}")
    return int(raw)


def _parse_webapp_url(raw: str | None) -> str | None:
    """Telegram opens Mini Apps over HTTPS only; plain http is for a browser on this machine."""
    if raw is None:
        return None
    url = raw.strip()
    loopback = re.match(r"^http://(127\.0\.0\.1|localhost|\[::1\])(:\d+)?/", url + "/")
    if not (url.startswith("https://") or loopback):
        raise ConfigError(
            "WEBAPP_URL must be an https:// address (Telegram opens Mini Apps "
            f"over HTTPS only), got {raw!r}"
        )
    return url if url.endswith("/") else url + "/"


def parse_listen(name: str, raw: str) -> tuple[str, int]:
    """'HOST:PORT' (e.g. 127.0.0.1:8080, [::1]:8080) → (host, port)."""
    host, sep, port = raw.strip().rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not (port.isascii() and port.isdigit()) or not 0 < int(port) < 65536:
        raise ConfigError(f"{name} must be HOST:PORT, e.g. 127.0.0.1:8080, got {raw!r}")
    return host, int(port)


def _parse_port(raw: str) -> int:
    if not (raw.isascii() and raw.isdigit()) or not 0 < int(raw) < 65536:
        raise ConfigError(f"WEBHOOK_PORT must be a port number, got {raw!r}")
    return int(raw)


def _parse_rate(raw: str) -> float:
    try:
        rate = float(raw)
    except ValueError:
        raise ConfigError(
            f"BROADCAST_RATE must be a number of messages a second, got {raw!r}"
        ) from None
    if not 0 < rate <= 1000:
        raise ConfigError("BROADCAST_RATE must be between 1 and 1000 messages a second")
    return rate
