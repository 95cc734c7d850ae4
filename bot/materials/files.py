"""Sending a material's file: upload once, then resend by Telegram's cached file_id.

A file_id can stop working (Telegram answers "wrong file identifier" after a bot token
change or a file purge). Then the cached id is forgotten and the bytes are uploaded again,
transparently: the person only sees their file arrive.
"""

from __future__ import annotations

import logging

from telegram import Bot, InputFile, Message
from telegram.error import BadRequest

from bot.content import load_json
from bot.materials import deeplink, poster
from bot.materials.starter import poster_labels, poster_spec, poster_version
from storage import materials
from storage.db import Database
from storage.models import Material

log = logging.getLogger(__name__)

_REJECTED = (
    "file identifier",
    "file_id",
    "file reference",
    "file_reference",
    "remote file",
    "wrong type of the web page content",
    "failed to get http url content",
)
STORED_KEY = "stored"


class MissingFile(RuntimeError):
    """The material names a file whose bytes are nowhere to be found."""


def file_rejected(error: BadRequest) -> bool:
    text = str(error).lower()
    return any(marker in text for marker in _REJECTED)


def poster_text(material: Material, link: str, place: str | None = None) -> poster.PosterText:
    """What a poster for `material` prints: its poster wording if it ships one, else its
    title and summary."""
    labels = poster_labels()
    spec = poster_spec(material.slug) or {}
    return poster.PosterText(
        organisation=labels["organisation"],
        banner=labels["banner"],
        headline=spec.get("headline") or material.title,
        lines=tuple(spec.get("lines") or (material.summary,)),
        link=link,
        call_to_action=labels["call_to_action"],
        hotline_number=load_json("hotlines.json")["child_protection"]["number"],
        hotline_line=labels["hotline_line"],
        place=place,
        footer=labels["footer"],
    )


def render_poster_pdf(
    material: Material, bot_username: str, ward: str | None = None, place: str | None = None
) -> tuple[str, bytes]:
    """(deep-link code, A4 PDF bytes) of a poster whose QR opens the bot for this material."""
    code = deeplink.encode(material.id, ward)
    image = poster.render(poster_text(material, deeplink.link(bot_username, code), place))
    return code, poster.to_pdf(image)


def _cache_key(material: Material, bot_username: str) -> str:
    if material.file_source == "poster":
        spec = poster_spec(material.slug) or {}
        # The QR holds the bot's username: another bot needs another print.
        return f"poster:{bot_username}:{poster_version(spec)}"
    return STORED_KEY


async def _file_bytes(db: Database, material: Material, bot_username: str) -> bytes:
    if material.file_source == "poster":
        return render_poster_pdf(material, bot_username)[1]
    data = await materials.file_data(db, material.id)
    if data is None:
        raise MissingFile(material.id)
    return data


async def _send(
    bot: Bot, chat_id: int, material: Material, media, caption: str | None, **kwargs
) -> Message:
    if material.file_kind == "photo":
        return await bot.send_photo(chat_id, media, caption=caption, **kwargs)
    return await bot.send_document(chat_id, media, caption=caption, **kwargs)


def _file_id_of(message: Message) -> str | None:
    if message.document is not None:
        return message.document.file_id
    if message.photo:
        return message.photo[-1].file_id
    return None


async def send_material_file(
    bot: Bot,
    db: Database,
    chat_id: int,
    material: Material,
    caption: str | None = None,
    **kwargs,
) -> Message:
    """Send by cached file_id when there is one; otherwise (or if Telegram rejects it) upload
    the bytes and remember the new file_id."""
    key = _cache_key(material, bot.username)
    if material.file_id and material.file_key == key:
        try:
            return await _send(bot, chat_id, material, material.file_id, caption, **kwargs)
        except BadRequest as error:
            if not file_rejected(error):
                raise
            log.info("material %s: cached file_id rejected, uploading again", material.id)
            await materials.remember_file_id(db, material.id, None, None)
    data = await _file_bytes(db, material, bot.username)
    upload = InputFile(data, filename=material.file_name or f"material-{material.id}")
    message = await _send(bot, chat_id, material, upload, caption, **kwargs)
    await materials.remember_file_id(db, material.id, _file_id_of(message), key)
    return message
