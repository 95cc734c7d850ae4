"""The persistent reply-keyboard menu of each role, and the filter that recognises its buttons.

A button press arrives as plain text in the user's language. `MenuButton` matches the label
in any supported language, with or without its emoji and diacritics, so "bao cao tre can ho
tro" typed by hand works as well as the button.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from telegram import Message, ReplyKeyboardMarkup
from telegram.ext.filters import MessageFilter

from bot import keyboards
from bot.callbacks import Button, Namespace
from bot.i18n import N_, I18n, Translator
from bot.text import fold, phrase_pattern

if TYPE_CHECKING:
    from bot.services import Services

# key → label (an English msgid; Vietnamese in the catalogue)
ITEMS: dict[str, str] = {
    "report": N_("📝 Report a child in need"),
    "events": N_("📅 Events"),
    "materials": N_("📚 Materials"),
    "my_reports": N_("🗂 My reports"),
    "hotline": N_("☎️ Hotline 111"),
    "cases": N_("📁 Cases"),
    "broadcast": N_("📣 Send announcement"),
    "stats": N_("📊 Statistics"),
    "parents_info": N_("ℹ️ Information for parents"),
    "ask": N_("💬 Ask a question"),
}

LAYOUTS: dict[str, list[list[str]]] = {
    "collaborator": [["report"], ["events", "materials"], ["my_reports", "hotline"]],
    "staff": [
        ["report"],
        ["cases", "broadcast"],
        ["events", "materials"],
        ["my_reports", "stats"],
        ["hotline"],
    ],
    # Parents and neighbours report too (Decree 56: anyone who learns of abuse must report).
    "public": [["parents_info"], ["report", "ask"], ["materials", "events"], ["hotline"]],
}

# Typed words that lead to a journey, accent-insensitive; longer phrases are tried first.
KEYWORDS: dict[str, tuple[str, ...]] = {
    "my_reports": ("bao cao cua toi", "my reports", "ho so cua toi"),
    "report": ("bao cao", "to giac", "report", "tre can ho tro", "can giup tre"),
    "materials": ("tai lieu", "to roi", "ap phich", "materials", "poster"),
    "events": ("su kien", "tap huan", "hoat dong", "events", "training"),
    "hotline": ("111", "113", "duong day nong", "khan cap", "hotline", "emergency"),
    "help": ("giup", "huong dan", "tro giup", "help"),
    "parents_info": ("thong tin", "phu huynh", "information", "info"),
    "ask": ("dat cau hoi", "hoi can bo", "ask a question"),
}
KEYWORD_TEXT_LIMIT = 80
KEYWORD_EXTRA_WORDS = 3
# Asked for in a whole sentence too ("cho em xin số đường dây nóng với ạ"): the numbers never
# hurt. Not its bare numbers ("hẻm 113" is an address), nor other journeys ("cách báo cáo…"
# typed in a question is part of the question).
KEYWORDS_IN_A_SENTENCE = frozenset({"hotline"})
# Typed "báo cáo" (short) starts the report even beside words of danger: its first question
# is whether the child is in danger now. Any other journey gives way to the danger answer.
DANGER_ANSWERED_BY = frozenset({"report"})
_WORDS = re.compile(r"\w+")

_NOT_WORD = re.compile(r"[^\w\s]")


def label_key(text: str) -> str:
    """Fold a label or typed text to a comparable key: no emoji, accents or case."""
    return fold(_NOT_WORD.sub(" ", text))


def keyboard(role: str, translate: Translator) -> ReplyKeyboardMarkup:
    layout = LAYOUTS.get(role, LAYOUTS["public"])
    return keyboards.reply([[translate(ITEMS[key]) for key in row] for row in layout])


class MenuButton(MessageFilter):
    """Matches the text of one menu button (`key`), or of any menu button when key is None."""

    def __init__(self, i18n: I18n, key: str | None = None) -> None:
        self._keys = [key] if key else list(ITEMS)
        self._labels = {
            label_key(i18n(language)(ITEMS[k])): k for k in self._keys for language in ("vi", "en")
        }
        super().__init__(name=f"MenuButton({key or '*'})")

    def filter(self, message: Message) -> bool:
        text = message.text
        return bool(text) and text is not None and label_key(text) in self._labels

    def key_of(self, text: str) -> str | None:
        return self._labels.get(label_key(text))


# Built once: every Intent filter asks on every text message.
_KEYWORD_PATTERNS = [
    (
        phrase_pattern(phrase),
        key,
        len(phrase.split()),
        key in KEYWORDS_IN_A_SENTENCE and not phrase.isdigit(),  # "hẻm 113" is an address
    )
    for phrase, key in sorted(
        ((phrase, key) for key, words in KEYWORDS.items() for phrase in words),
        key=lambda item: -len(item[0]),
    )
]


def keyword_intent(text: str) -> str | None:
    """The journey a short typed message asks for ("bao cao" → report), or None.

    Only when the keywords are most of the message (at most KEYWORD_EXTRA_WORDS other words):
    "giúp" asks for help, "giúp em với, ba đang đánh con em" does not (it is for the danger
    answer), nor "cách giúp con học tốt hơn" (for the closest topics)."""
    if not text or len(text) > KEYWORD_TEXT_LIMIT:
        return None
    folded = fold(text)
    words = len(_WORDS.findall(folded))
    for pattern, key, length, in_a_sentence in _KEYWORD_PATTERNS:
        if (in_a_sentence or words - length <= KEYWORD_EXTRA_WORDS) and pattern.search(folded):
            return key
    return None


def _stands(services: Services, text: str, key: str | None) -> bool:
    """Whether typed keywords' journey `key` takes the text: not when it reads as danger, for
    the emergency answer comes first (handlers/info/typed.py: the numbers and the tip),
    whatever journey words it also has — except a short "báo cáo", whose report asks about
    danger first."""
    if key is None:
        return False
    return key in DANGER_ANSWERED_BY or services.danger_matcher().found_in(text) is None


class Intent(MessageFilter):
    """A menu button or typed keywords asking for journey `key` (entry points only)."""

    def __init__(self, services: Services, key: str) -> None:
        self.key = key
        self._services = services
        self._button = MenuButton(services.i18n, key) if key in ITEMS else None
        super().__init__(name=f"Intent({key})")

    def filter(self, message: Message) -> bool:
        if not message.text or message.text.startswith("/"):
            return False
        if self._button is not None and self._button.filter(message):
            return True
        key = keyword_intent(message.text)
        return key == self.key and _stands(self._services, message.text, key)


class AnyIntent(MessageFilter):
    """Any menu button or keyword intent (for the router of last resort)."""

    def __init__(self, services: Services) -> None:
        self._buttons = MenuButton(services.i18n)
        self._services = services
        super().__init__(name="AnyIntent")

    def filter(self, message: Message) -> bool:
        text = message.text
        return (
            bool(text)
            and text is not None
            and (
                self._buttons.filter(message) or _stands(self._services, text, keyword_intent(text))
            )
        )


# -- the language -------------------------------------------------------------------------------

LANG = Namespace("lang", owner=__name__)
LANGUAGES = ("vi", "en")


class SetLanguage(Button, namespace=LANG, action="set"):
    language: str
