"""A material as a message: its text, its buttons (by role), and sending it with its file."""

from __future__ import annotations

import html
import logging

from telegram import InlineKeyboardMarkup

from bot import keyboards
from bot.context import BotContext
from bot.hotline import hotline_footer
from bot.i18n import Html, Translator
from bot.materials import buttons, files, printing
from bot.materials.service import MaterialsService
from bot.text import truncate
from storage.models import Material
from storage.users import User

log = logging.getLogger(__name__)


def catalogue(context: BotContext) -> MaterialsService:
    """The materials service of this update's application."""
    return MaterialsService.of(context.services)


def material_text(material: Material, _: Translator) -> str:
    parts = [f"<b>{html.escape(material.title_in(_.language), quote=False)}</b>"]
    summary = material.summary_in(_.language)
    if summary:
        parts.append(_("<i>{summary}</i>", summary=summary))
    if material.body:
        if material.language != _.language:
            parts.append(_("(This material is in Vietnamese.)"))
        parts.append(Html(material.body))
    if material.hidden:
        parts.append(_("🙈 Hidden: only staff can see this material."))
    parts.append(hotline_footer(_))
    return "\n\n".join(parts)


def material_keyboard(material: Material, viewer: User, _: Translator) -> InlineKeyboardMarkup:
    rows: list[list[keyboards.Button]] = []
    if printing.may_request(viewer):
        rows.append(
            [(_("🖨 Request printed copies"), buttons.RequestCopies(material_id=material.id))]
        )
    if viewer.is_staff:
        rows.append([(_("🔳 QR poster for a ward"), buttons.Poster(material_id=material.id))])
        rows.append(
            [
                (_("✏️ Edit"), buttons.Edit(material_id=material.id)),
                (_("👁 Show"), buttons.Show(material_id=material.id))
                if material.hidden
                else (_("🙈 Hide"), buttons.Hide(material_id=material.id)),
            ]
        )
        rows.append(
            [
                (_("⬆️ Move up"), buttons.MoveUp(material_id=material.id)),
                (_("⬇️ Move down"), buttons.MoveDown(material_id=material.id)),
            ]
        )
    rows.append([(_("📚 Materials"), buttons.Home())])
    return keyboards.inline(rows)


async def deliver(context: BotContext, chat_id: int, material: Material) -> None:
    """Send a material to a person: its text, then its file (cached upload), and count it."""
    _ = context.translate
    viewer = context.person
    await context.bot.send_message(
        chat_id, material_text(material, _), reply_markup=material_keyboard(material, viewer, _)
    )
    kind = "text"
    if material.has_file:
        caption = truncate(material.title_in(_.language), 1000)
        try:
            await files.send_material_file(
                context.bot, context.db, chat_id, material, caption=caption, parse_mode=None
            )
            kind = "file"
        except files.MissingFile:
            log.warning("material %s has no file bytes", material.id)
            await context.bot.send_message(
                chat_id, _("Sorry, the file of this material is not available right now.")
            )
    await catalogue(context).delivered(viewer, material, kind, context.now)
