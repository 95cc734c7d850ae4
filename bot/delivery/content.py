"""What a delivery sends, and the ONE function that sends it (also used for previews).

Content is a text (HTML, as all our messages) or a photo/document (by Telegram file_id) with
a caption, in Vietnamese and optionally English; each person gets their language, falling
back to Vietnamese.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field

from telegram import Bot

MEDIA = ("photo", "document")
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024


def visible_length(text: str) -> int:
    """Characters a person can see: without spaces, zero-width and other format characters
    (U+200B, U+FEFF, the Hangul filler…) that make a message look empty."""
    invisible = {"\u3164", "\u115f", "\u1160", "\uffa0", "\u2800"}
    return sum(
        1
        for c in text
        if not c.isspace()
        and c not in invisible
        and unicodedata.category(c) not in ("Cf", "Cc", "Zs", "Mn")
    )


def text_problem(text: str | None, limit: int, required: bool = True) -> str | None:
    """Why a broadcast text (as Telegram counts it: without the HTML tags) cannot be sent:
    "empty" (nothing, or only invisible characters), "too_long", or None when it is fine.
    A caption of a photo or document may be left out (`required=False`)."""
    text = text or ""
    if not text and not required:
        return None
    if visible_length(text) == 0:
        return "empty"
    if len(text) > limit:
        return "too_long"
    return None


@dataclass(frozen=True)
class Content:
    texts: dict[str, str] = field(default_factory=dict)  # language → HTML text or caption
    media: str | None = None  # None | "photo" | "document"
    file_id: str | None = None

    def __post_init__(self) -> None:
        if self.media is not None and (self.media not in MEDIA or not self.file_id):
            raise ValueError("media must be 'photo' or 'document' with a file_id")
        if self.media is None and not self.texts.get("vi"):
            raise ValueError("a text message needs its Vietnamese text")

    @property
    def limit(self) -> int:
        return CAPTION_LIMIT if self.media else TEXT_LIMIT

    def text_for(self, language: str | None) -> str:
        return self.texts.get(language or "vi") or self.texts.get("vi") or ""

    @property
    def languages(self) -> list[str]:
        return [language for language in ("vi", "en") if self.texts.get(language)]

    def to_json(self) -> str:
        return json.dumps(
            {"texts": self.texts, "media": self.media, "file_id": self.file_id},
            ensure_ascii=False,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> Content:
        data = json.loads(text)
        return cls(
            texts=dict(data.get("texts") or {}),
            media=data.get("media"),
            file_id=data.get("file_id"),
        )

    @classmethod
    def text(cls, vi: str, en: str | None = None) -> Content:
        return cls(texts={"vi": vi, **({"en": en} if en else {})})


async def send_content(bot: Bot, chat_id: int, content: Content, language: str | None) -> int:
    """Send `content` to one chat in `language` (HTML and link previews from the bot's
    Defaults); returns the message id. The preview uses it too: staff see what people get."""
    text = content.text_for(language)
    if content.media == "photo" and content.file_id:
        message = await bot.send_photo(chat_id, content.file_id, caption=text or None)
    elif content.media == "document" and content.file_id:
        message = await bot.send_document(chat_id, content.file_id, caption=text or None)
    else:
        message = await bot.send_message(chat_id, text)
    return message.message_id
