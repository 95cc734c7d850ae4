"""Gettext catalogs (Vietnamese first, English second) and babel formatting.

Messages are written in code as English msgids with named placeholders:

    _("Hello, {name}!", name=user.display_name)

`Translator.__call__` translates, then fills placeholders. Plain `str` values are HTML-escaped
because every message is sent with parse_mode=HTML; wrap trusted markup in `Html` to keep it.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import logging
import pickle
from functools import cache
from gettext import GNUTranslations, NullTranslations
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.config import SUPPORTED_LANGUAGES

if TYPE_CHECKING:
    from babel import Locale

# Catalogues are read with the standard library's gettext (the .mo format babel compiles);
# babel's formatting functions and its locale data are imported at the first date or number
# formatted, not at start.

log = logging.getLogger(__name__)

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"


class Html(str):
    """Markup we built ourselves: inserted into a message without escaping."""


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated later, where the language is known."""
    return message


class CatalogError(RuntimeError):
    pass


def _load_catalog(language: str, locales_dir: Path) -> NullTranslations:
    """Load the compiled .mo; compile the .po in memory when the .mo is missing or stale."""
    folder = locales_dir / language / "LC_MESSAGES"
    po_path, mo_path = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo_path.exists() and (
        not po_path.exists() or mo_path.stat().st_mtime >= po_path.stat().st_mtime
    ):
        with mo_path.open("rb") as handle:
            return GNUTranslations(handle)
    if not po_path.exists():
        return NullTranslations()
    # A development fallback (`make compile` writes the .mo): babel's catalogue tools are
    # slow to import, so they stay off the normal start path.
    log.warning("compiling %s in memory: run `make compile`", po_path)
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return GNUTranslations(buffer)


class Translator:
    """Everything language-dependent for one language: messages, dates and numbers."""

    def __init__(self, language: str, catalog: NullTranslations, timezone: ZoneInfo) -> None:
        self.language = language
        self._catalog = catalog
        self.timezone = timezone

    def __call__(self, message: str, /, **values: object) -> str:
        text = self._catalog.gettext(message)
        if not values:
            return text
        return text.format(**{key: _escape(value) for key, value in values.items()})

    def plural(self, singular: str, plural: str, count: int, /, **values: object) -> str:
        text = self._catalog.ngettext(singular, plural, count)
        values.setdefault("count", self.number(count))
        return text.format(**{key: _escape(value) for key, value in values.items()})

    # -- formatting in the bot's time zone ----------------------------------------------------
    def local(self, moment: dt.datetime) -> dt.datetime:
        if moment.tzinfo is None:
            raise ValueError("naive datetime: store and pass aware UTC datetimes")
        return moment.astimezone(self.timezone)

    def datetime(self, moment: dt.datetime) -> str:
        """'Thứ Ba, 01/06/2021 08:00' in Vietnamese, 'Tuesday, 01/06/2021 08:00' in English."""
        from babel.dates import format_datetime

        return format_datetime(
            self.local(moment),
            "EEEE, dd/MM/yyyy HH:mm",
            tzinfo=self.timezone,
            locale=babel_locale(self.language),
        )

    def date(self, day: dt.date | dt.datetime) -> str:
        from babel.dates import format_date

        if isinstance(day, dt.datetime):
            day = self.local(day).date()
        return format_date(day, "EEEE, dd/MM/yyyy", locale=babel_locale(self.language))

    def long_date(self, day: dt.date | dt.datetime) -> str:
        """'Thứ Ba, 1 tháng 6, 2021' — babel's full format."""
        from babel.dates import format_date

        if isinstance(day, dt.datetime):
            day = self.local(day).date()
        return format_date(day, "full", locale=babel_locale(self.language))

    def short_datetime(self, moment: dt.datetime) -> str:
        from babel.dates import format_datetime

        return format_datetime(
            self.local(moment),
            "dd/MM/yyyy HH:mm",
            tzinfo=self.timezone,
            locale=babel_locale(self.language),
        )

    def time(self, moment: dt.datetime) -> str:
        from babel.dates import format_time

        return format_time(
            self.local(moment), "HH:mm", tzinfo=self.timezone, locale=babel_locale(self.language)
        )

    def number(self, value: float) -> str:
        from babel.numbers import format_decimal

        return format_decimal(value, locale=babel_locale(self.language))


@cache
def babel_locale(language: str) -> Locale:
    """babel's Locale of a supported language, its CLDR data loaded without babel's global
    table: `babel.localedata.load` reads all of global.dat (2.2 MiB in memory, for the life of
    the process) only to look up the language's "parent exception", and Vietnamese and
    English have none (tests/test_i18n.py checks it). So the data is merged here as babel
    merges it, root then the language, into babel's own cache."""
    from babel import Locale, localedata

    with localedata._cache_lock:
        if language not in localedata._cache:
            data = localedata.load("root").copy()
            with open(localedata.resolve_locale_filename(language), "rb") as handle:
                localedata.merge(data, pickle.load(handle))
            localedata._cache[language] = data
    return Locale(language)


def _escape(value: object) -> object:
    if isinstance(value, Html):
        return value
    if isinstance(value, str):
        return html.escape(value, quote=False)
    return value


class I18n:
    """The loaded catalogs for every supported language."""

    def __init__(
        self, timezone: ZoneInfo, default_language: str = "vi", locales_dir: Path = LOCALES_DIR
    ):
        self.default_language = default_language
        self.timezone = timezone
        self._translators = {
            language: Translator(language, _load_catalog(language, locales_dir), timezone)
            for language in SUPPORTED_LANGUAGES
        }
        # A missing catalogue loads silently as empty: refuse to run half in English.
        vi_catalog = self._translators["vi"]._catalog
        if not isinstance(vi_catalog, GNUTranslations) or len(vi_catalog._catalog) < 10:  # type: ignore[attr-defined]
            raise CatalogError(f"the Vietnamese catalogue did not load from {locales_dir}")

    def __call__(self, language: str | None) -> Translator:
        return (
            self._translators.get(language or self.default_language)
            or self._translators[self.default_language]
        )

    def guess_language(self, telegram_language_code: str | None) -> str:
        """Telegram's language_code is a first guess; Vietnamese is the default."""
        code = (telegram_language_code or "").lower()
        for language in SUPPORTED_LANGUAGES:
            if code == language or code.startswith(f"{language}-"):
                return language
        return self.default_language
