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
import os
import pickle
import struct
import sys
from array import array
from functools import cache, lru_cache
from gettext import GNUTranslations, NullTranslations, c2py
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
        return MoCatalog.read(mo_path.read_bytes())
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
    return MoCatalog.read(buffer.getvalue())


class MoCatalog(NullTranslations):
    """A compiled catalogue (.mo) looked up where it lies: the file's bytes (~160 KB for
    Vietnamese) and a binary search of its sorted messages, where gettext's GNUTranslations
    decodes every message into a dict for the life of the process (~450 KiB). The messages in
    use are cached. The same answers as GNUTranslations (tests/test_i18n.py)."""

    def __init__(self, data: bytes, order: str, count: int, originals: int, strings: int):
        super().__init__()
        self._data = data
        self._count = count
        # (length, offset) of every message and of its translation, read once.
        self._originals = array("I", data[originals : originals + 8 * count])
        self._strings = array("I", data[strings : strings + 8 * count])
        if order != ("<" if sys.byteorder == "little" else ">"):
            self._originals.byteswap()
            self._strings.byteswap()
        self.plural = lambda n: int(n != 1)  # gettext's default, replaced by the header's
        for line in self._find(b"").split("\n"):
            key, _, value = line.partition(":")
            if key.strip().lower() == "plural-forms":
                self.plural = c2py(value.split(";")[1].split("plural=")[1])
        self.gettext = lru_cache(maxsize=512)(self._gettext)  # type: ignore[method-assign]

    @classmethod
    def read(cls, data: bytes) -> NullTranslations:
        """The catalogue; gettext's own reader if the file's messages are not sorted (the
        binary search needs them so; babel and msgfmt both sort them)."""
        magic = struct.unpack("<I", data[:4])[0]
        order = "<" if magic == 0x950412DE else ">"
        _version, count, originals, strings = struct.unpack(order + "4I", data[4:20])
        catalog = cls(data, order, count, originals, strings)
        if any(catalog._key(i) >= catalog._key(i + 1) for i in range(count - 1)):
            return GNUTranslations(io.BytesIO(data))
        return catalog

    def __len__(self) -> int:
        return self._count

    def _key(self, index: int) -> bytes:
        length, offset = self._originals[2 * index], self._originals[2 * index + 1]
        return self._data[offset : offset + length]

    def _find(self, key: bytes, plural: bool = False) -> str:
        """The translation of a message; of a plural one by its singular ("singular\\0plural"
        in the file, as gettext finds it). "" if absent."""
        wanted = key + b"\0" if plural else key
        low, high = 0, self._count
        while low < high:
            middle = (low + high) // 2
            if self._key(middle) < wanted:
                low = middle + 1
            else:
                high = middle
        if low == self._count:
            return ""
        found = self._key(low)
        if not (found.startswith(wanted) if plural else found == key):
            return ""
        length, offset = self._strings[2 * low], self._strings[2 * low + 1]
        return self._data[offset : offset + length].decode()

    def _gettext(self, message: str) -> str:
        found = self._find(message.encode())
        if not found:  # a plural message asked for in the singular: its form for 1, as gettext
            forms = self._find(message.encode(), plural=True).split("\0")
            found = forms[self.plural(1)] if self.plural(1) < len(forms) else ""
        return found or message

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        found = self._find(msgid1.encode(), plural=True)
        index = self.plural(n)
        forms = found.split("\0") if found else []
        if index < len(forms):
            return forms[index]
        return msgid1 if n == 1 else msgid2


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


def _size(catalog: MoCatalog | GNUTranslations) -> int:
    return len(catalog) if isinstance(catalog, MoCatalog) else len(catalog._catalog)  # type: ignore[attr-defined]


# locales/<language>/cldr.pickle (`make compile`): the part of babel's CLDR data the bot's
# dates and numbers read, ~10 KB instead of the whole (root 0.6 + Vietnamese 0.7 MiB, English
# 1.1 MiB in memory).
CLDR_FILE = "cldr.pickle"


@cache
def babel_locale(language: str, locales_dir: Path = LOCALES_DIR) -> Locale:
    """babel's Locale of a supported language, with only the CLDR data the bot formats with
    (CLDR_FILE; anything else babel asks for loads the whole at once: `_LocaleData`), and
    never babel's global table: `babel.localedata.load` reads all of global.dat (2.2 MiB) only
    to look up the language's "parent exception", and Vietnamese and English have none
    (tests/test_i18n.py checks it)."""
    from babel import Locale, localedata

    with localedata._cache_lock:
        if language not in localedata._cache:
            subset = _subset(language, locales_dir)
            localedata._cache[language] = (
                _LocaleData(language, subset) if subset else merged_locale_data(language)
            )
    return Locale(language)


def merged_locale_data(language: str) -> dict:
    """A language's CLDR data merged as babel merges it: root, then the language."""
    from babel import localedata

    with open(localedata.resolve_locale_filename("root"), "rb") as handle:
        data = pickle.load(handle)
    with open(localedata.resolve_locale_filename(language), "rb") as handle:
        localedata.merge(data, pickle.load(handle))
    return data


class _LocaleData(dict):
    """What babel's cache holds for a language: the keys of its subset, and the whole data
    loaded the first time babel reads a key the subset does not have."""

    def __init__(self, language: str, subset: dict) -> None:
        super().__init__(subset)
        self.language = language
        self.complete = False

    def __missing__(self, key: object) -> object:
        if self.complete:
            raise KeyError(key)
        self._load_all()
        return self[key]

    def copy(self) -> dict:
        """babel builds a regional locale (en_US, vi_VN) on a copy of its language's data:
        the whole of it."""
        self._load_all()
        return dict(self)

    def _load_all(self) -> None:
        if not self.complete:
            for name, value in merged_locale_data(self.language).items():
                self.setdefault(name, value)
            self.complete = True


def _subset(language: str, locales_dir: Path) -> dict:
    """The subset written by `make compile` for this very babel; {} (all of it, then) if it
    is missing, unreadable or written for another version (read first, on its own: another
    babel's objects may not even load)."""
    import babel

    path = locales_dir / language / CLDR_FILE
    try:
        with open(path, "rb") as handle:
            if pickle.load(handle) != babel.__version__:
                log.warning("%s is for another babel: run `make compile`", path)
                return {}
            subset = pickle.load(handle)
    except FileNotFoundError:
        return {}
    except Exception as error:  # a broken file must not break every date: the whole data
        log.warning("could not read %s (%s): run `make compile`", path, type(error).__name__)
        return {}
    return subset if isinstance(subset, dict) else {}


def write_cldr_subset(language: str, locales_dir: Path = LOCALES_DIR) -> set[str]:
    """Write CLDR_FILE: the keys of the language's data that the Translator's dates and
    numbers read, found by formatting every month, weekday and hour, and numbers of every
    shape, with a data dict that notes what is read. Returns those keys."""
    import babel
    from babel import Locale, localedata
    from babel.dates import format_date, format_datetime, format_time
    from babel.numbers import format_decimal

    read: set[str] = set()

    class Noting(dict):
        def __getitem__(self, key: str) -> object:
            read.add(key)
            return super().__getitem__(key)

    full = merged_locale_data(language)
    with localedata._cache_lock:
        saved = localedata._cache.get(language), localedata._dict_cache.pop(language, None)
        localedata._cache[language] = Noting(full)
        try:
            locale = Locale(language)
            timezone = ZoneInfo("Asia/Ho_Chi_Minh")
            for month in range(1, 13):
                for day in range(1, 8):
                    for hour in (0, 7, 12, 19):
                        moment = dt.datetime(2026, month, day, hour, 5, tzinfo=timezone)
                        for pattern in ("EEEE, dd/MM/yyyy HH:mm", "dd/MM/yyyy HH:mm"):
                            format_datetime(moment, pattern, tzinfo=timezone, locale=locale)
                        format_date(moment.date(), "EEEE, dd/MM/yyyy", locale=locale)
                        format_date(moment.date(), "full", locale=locale)
                        format_time(moment, "HH:mm", tzinfo=timezone, locale=locale)
            for number in (0, 1, 7, -3, 21, 1234, 1234567.5, 3.25, 0.5, 10**9):
                format_decimal(number, locale=locale)
        finally:
            localedata._dict_cache.pop(language, None)
            if saved[0] is None:
                localedata._cache.pop(language, None)
            else:
                localedata._cache[language] = saved[0]
            if saved[1] is not None:
                localedata._dict_cache[language] = saved[1]
    subset = {key: full[key] for key in read}
    path = locales_dir / language / CLDR_FILE
    partial = path.with_suffix(".partial")  # never a half-written file where make sees one
    with open(partial, "wb") as handle:
        pickle.dump(babel.__version__, handle, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.dump(subset, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(partial, path)
    return read


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
        if not isinstance(vi_catalog, MoCatalog | GNUTranslations) or _size(vi_catalog) < 10:
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
