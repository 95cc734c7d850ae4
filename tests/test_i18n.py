"""The catalogues: Vietnamese complete and faithful to the source, formatting in HCMC time."""

import ast
import datetime as dt
import io
import re
import string
import unicodedata
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import Html, I18n
from bot.text import contains_phrase, fold

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
METHOD_MAP = [("bot/**.py", "python"), ("handlers/**.py", "python"), ("storage/**.py", "python")]


def source_msgids() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), METHOD_MAP, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def catalog(language: str):
    with (ROOT / "locales" / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def tags(text: str) -> list[str]:
    return sorted(re.findall(r"</?[a-z]+", text))


def test_every_source_message_has_a_vietnamese_translation():
    vi = catalog("vi")
    missing = [m for m in source_msgids() if not (vi.get(m) and vi.get(m).string)]
    assert not missing, f"run `make i18n` and translate: {missing[:5]}"
    fuzzy = [m.id for m in vi if m.id and m.fuzzy]
    assert not fuzzy, f"fuzzy entries are not compiled: {fuzzy[:5]}"


def test_translations_keep_placeholders_and_markup():
    for message in catalog("vi"):
        if not message.id or not message.string:
            continue
        assert placeholders(message.string) == placeholders(message.id), message.id
        assert tags(message.string) == tags(message.id), message.id


def test_vietnamese_is_composed_and_not_left_in_english():
    for message in catalog("vi"):
        if not message.id:
            continue
        text = message.string
        assert unicodedata.normalize("NFC", text) == text, f"not NFC: {text!r}"
        words = re.findall(r"[^\W\d_]+", re.sub(r"\{[^}]*\}|<[^>]*>|/\w+", "", text))
        if len(words) >= 3:
            assert any(not w.isascii() for w in words), f"no Vietnamese letters in: {text!r}"


def test_key_phrases_have_correct_diacritics():
    i18n = I18n(dt.UTC, "vi")
    _ = i18n("vi")
    assert _("📝 Report a child in need") == "📝 Báo cáo trẻ cần hỗ trợ"
    assert _("☎️ Hotline 111") == "☎️ Đường dây nóng 111"
    assert _("📁 Cases") == "📁 Hồ sơ"
    assert _("🗂 My reports") == "🗂 Báo cáo của tôi"
    assert "khu vực Quận 8 và Bình Chánh cũ" in _(
        "👋 Hello! I am the child protection bot of the wards and communes of the former "
        "District 8 and Binh Chanh areas.\n"
        "• Report a child who needs help, and follow the case.\n"
        "• Events, reminders and communication materials.\n"
        "• Information for parents — and hotline 111, free, 24/7.\n\n"
        "Who are you?"
    )


def test_user_values_are_escaped_but_markup_is_kept():
    _ = I18n(dt.UTC, "vi")("vi")
    assert _("Area: {place}", place="<b>x</b> & y") == "Địa bàn: &lt;b&gt;x&lt;/b&gt; &amp; y"
    assert _("Area: {place}", place=Html("<b>x</b>")) == "Địa bàn: <b>x</b>"


def test_dates_and_numbers_in_ho_chi_minh_city_time():
    from zoneinfo import ZoneInfo

    i18n = I18n(ZoneInfo("Asia/Ho_Chi_Minh"), "vi")
    moment = dt.datetime(2021, 6, 1, 1, 0, tzinfo=dt.UTC)  # 08:00 in HCMC
    vi, en = i18n("vi"), i18n("en")
    assert vi.datetime(moment) == "Thứ Ba, 01/06/2021 08:00"
    assert en.datetime(moment) == "Tuesday, 01/06/2021 08:00"
    assert vi.long_date(moment) == "Thứ Ba, 1 tháng 6, 2021"
    assert vi.number(1234567.5) == "1.234.567,5"
    assert en.number(1234567.5) == "1,234,567.5"
    with pytest.raises(ValueError):
        vi.datetime(dt.datetime(2021, 6, 1, 8, 0))


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_catalogue_read_in_place_answers_as_gettext_does(language):
    """bot.i18n.MoCatalog keeps the .mo's bytes and searches them; gettext's GNUTranslations
    decodes it all into a dict. Every message, singular and plural, and a missing one."""
    import tracemalloc
    from gettext import GNUTranslations

    from bot.i18n import LOCALES_DIR, MoCatalog

    data = (LOCALES_DIR / language / "LC_MESSAGES" / "messages.mo").read_bytes()
    tracemalloc.start()
    ours = MoCatalog.read(data)
    ours_size = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    tracemalloc.start()
    theirs = GNUTranslations(io.BytesIO(data))
    theirs_size = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert isinstance(ours, MoCatalog)
    singular = [k for k in theirs._catalog if isinstance(k, str)]
    plural = {k[0] for k in theirs._catalog if isinstance(k, tuple)}
    assert len(ours) == len(singular) + len(plural)
    for message in singular:
        assert ours.gettext(message) == theirs.gettext(message), message
    for message in plural:
        for count in (0, 1, 2, 5, 21):
            assert ours.ngettext(message, message + "s", count) == theirs.ngettext(
                message, message + "s", count
            ), (message, count)
    for missing in ("Not a message of the bot", "Hello\0"):
        assert ours.gettext(missing) == theirs.gettext(missing) == missing
        assert ours.ngettext(missing, "many", 2) == "many"
    if language == "vi":
        assert len(singular) > 1000
        assert ours_size < theirs_size / 2, (ours_size, theirs_size)


def test_plural_messages_read_in_place_answer_as_gettext_does():
    from gettext import GNUTranslations

    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    from bot.i18n import MoCatalog

    catalog = Catalog(locale="en")  # two forms: n != 1
    catalog.add(("{count} day", "{count} days"), ("{count} ngày", "{count} ngày nữa"))
    catalog.add("{count} day left", "còn {count} ngày")
    catalog.add(("A file", "Files"), ("Một tệp", "Các tệp"))
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    ours, theirs = MoCatalog.read(buffer.getvalue()), GNUTranslations(io.BytesIO(buffer.getvalue()))
    assert isinstance(ours, MoCatalog)
    for singular, plural in (("{count} day", "{count} days"), ("A file", "Files"), ("x", "xs")):
        for count in (0, 1, 2, 5):
            assert ours.ngettext(singular, plural, count) == theirs.ngettext(
                singular, plural, count
            )
    assert ours.ngettext("{count} day", "{count} days", 2) == "{count} ngày nữa"
    assert ours.gettext("{count} day left") == "còn {count} ngày"
    assert ours.gettext("{count} day") == theirs.gettext("{count} day") == "{count} ngày"


# In a fresh interpreter: babel's caches are process-wide, and other tests load its tables.
# `subset` is written to a scratch folder by the function `make compile` runs.
_FORMATTING_PROBE = """
import datetime as dt, sys, tempfile
from gettext import NullTranslations
from pathlib import Path
from zoneinfo import ZoneInfo
from babel import Locale, core, localedata
from bot import i18n
folder = Path(tempfile.mkdtemp())
for language in ("vi", "en"):
    (folder / language).mkdir()
    if sys.argv[1] == "subset":
        i18n.write_cldr_subset(language, folder)
localedata.clear_caches()
moments = [dt.datetime(2026, month, 3 * month % 28 + 1, 3 * month % 24, 7, tzinfo=dt.UTC)
           for month in range(1, 13)]
if sys.argv[1] == "babel":  # babel's own loading, the global table and all
    i18n.babel_locale = Locale
for language in ("vi", "en"):
    if sys.argv[1] != "babel":
        i18n.babel_locale.cache_clear()
        i18n.babel_locale(language, folder)
    _ = i18n.Translator(language, NullTranslations(), ZoneInfo("Asia/Ho_Chi_Minh"))
    for moment in moments:
        print("|".join([_.datetime(moment), _.date(moment), _.long_date(moment),
                        _.short_datetime(moment), _.time(moment)]))
    print("|".join(_.number(n) for n in (0, 21, -3, 1234, 1234567.5, 0.25, 10**9)))
print("global table", core._global_data is not None, "root", "root" in localedata._cache)
print(sorted(set(core.get_global("parent_exceptions")) & {"vi", "en"}))
print(Locale("vi").languages["en"], Locale("en").territories["VN"],  # beyond the subset
      Locale.parse("en_US").territories["VN"] + "|" + Locale.parse("vi_VN").languages["en"])
"""


def _formatted(mode: str) -> list[str]:
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-c", _FORMATTING_PROBE, mode],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()


def test_dates_and_numbers_from_the_cldr_subset_are_babels_own():
    """bot.i18n.babel_locale formats with the part of babel's data the bot reads (written by
    `make compile`) and never loads babel's 2.2 MiB global table nor the whole data of a
    language until something else is asked for; the text is babel's, to the letter."""
    with_subset, without, babels = _formatted("subset"), _formatted("whole"), _formatted("babel")
    assert with_subset[:-3] == without[:-3] == babels[:-3]
    assert with_subset[0] == (
        "Chủ Nhật, 04/01/2026 10:07|Chủ Nhật, 04/01/2026|Chủ Nhật, 4 tháng 1, 2026|"
        "04/01/2026 10:07|10:07"
    )
    assert with_subset[13] == (
        "Sunday, 04/01/2026 10:07|Sunday, 04/01/2026|Sunday, January 4, 2026|04/01/2026 10:07|10:07"
    )
    assert with_subset[12] == "0|21|-3|1.234|1.234.567,5|0,25|1.000.000.000"
    assert with_subset[25] == "0|21|-3|1,234|1,234,567.5|0.25|1,000,000,000"
    assert with_subset[-3] == without[-3] == "global table False root False"
    assert babels[-3] == "global table True root True"  # what babel_locale spares
    assert with_subset[-2] == "[]"  # no parent exception for our languages
    # The whole, when asked; and a regional locale, built on a copy of its language's data.
    assert with_subset[-1] == without[-1] == babels[-1] == "Tiếng Anh Vietnam Vietnam|Tiếng Anh"


def test_language_guess_from_telegram():
    i18n = I18n(dt.UTC, "vi")
    assert i18n.guess_language("en-US") == "en"
    assert i18n.guess_language("vi") == "vi"
    assert i18n.guess_language("fr") == "vi"
    assert i18n.guess_language(None) == "vi"


def test_accent_insensitive_folding():
    assert fold("Báo Cáo") == fold("bao cao") == "bao cao"
    assert fold("Đường dây nóng") == "duong day nong"
    assert contains_phrase("Tôi muốn BÁO CÁO một trường hợp", "bao cao")
    assert not contains_phrase("baocao", "bao cao")
    decomposed = unicodedata.normalize("NFD", "Sự kiện")
    assert fold(decomposed) == "su kien"


# -- no user-facing string bypasses gettext -----------------------------------------------------

ALLOWED_CALLS = {
    "_",
    "N_",
    "debug",
    "info",
    "warning",
    "error",
    "exception",
    "Regex",
    "compile",
    "encode",
    "pattern",
    "match",
    "search",
    "execute",
    "fetchone",
    "fetchall",
    "fetchvalue",
    "ValueError",
    "RuntimeError",
    "record",
    "getLogger",
}


def _user_facing_literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        text = node.value
        if not re.search(r"[A-Za-zÀ-ỹ]{2,}\s+[A-Za-zÀ-ỹ]{2,}", text):
            continue  # identifiers, callback data, single words
        parent = parents.get(node)
        if isinstance(parent, ast.Expr):
            continue  # docstring
        if isinstance(parent, ast.Compare):
            continue  # matching an error text, not showing one
        allowed, current = False, node
        while current in parents:
            current = parents[current]
            if isinstance(current, ast.Call):
                func = current.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if name in ALLOWED_CALLS:
                    allowed = True
                    break
        if not allowed:
            found.append((node.lineno, text))
    return found


def test_handlers_send_no_string_outside_gettext():
    offenders = {}
    for path in sorted((ROOT / "handlers").glob("*.py")):
        literals = [
            (line, text)
            for line, text in _user_facing_literals(path)
            # Language names are shown in their own language, never translated.
            if not text.startswith(("Chọn ngôn ngữ / Choose",)) and not text.endswith("Tiếng Việt")
        ]
        if literals:
            offenders[path.name] = literals
    assert not offenders, f"wrap these in _() or N_(): {offenders}"
