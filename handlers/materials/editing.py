"""Staff add a material by sending a file, and edit one field of a material.

Send a PDF or picture → title → topic → audiences → summary → the material is published.
✏️ on a material → which field → its new value. The service checks the person is staff at
every change (bot/materials/service.py); nothing is saved before the last step.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import ConversationHandler, filters

from bot import keyboards
from bot.context import BotContext
from bot.guards import (
    NotApplicable,
    PermissionDenied,
    record_refusal,
    require_message,
    require_query,
)
from bot.i18n import N_
from bot.lazy import lazy
from bot.materials.buttons import AudiencesDone, Edit, EditField, PickTopic, ToggleAudience
from bot.materials.catalogue import (
    AUDIENCES,
    SUMMARY_MAX,
    TITLE_MAX,
    TOPICS,
    clean_summary,
    clean_title,
    is_material_file,
    parse_audiences,
)
from bot.materials.service import NewFile
from bot.messaging import answer_stale_button, edit_buttons_quietly, edit_quietly
from handlers.materials.routes import AUDIENCE, FIELD, SUMMARY, TITLE, TOPIC
from handlers.materials.views import catalogue, material_keyboard, material_text

log = logging.getLogger(__name__)
# Anything else (not staff): the fallbacks' answer, imported when first needed.
NOT_UNDERSTOOD = lazy("handlers.menu.fallbacks:not_understood")
DRAFT = "material_draft"
PRIVATE = filters.ChatType.PRIVATE
MAX_STORED_BYTES = 20 * 1024 * 1024  # what the Bot API lets a bot download
EDIT_FIELDS = {"title": TITLE, "topic": TOPIC, "aud": AUDIENCE, "summary": SUMMARY}
STAFF_ONLY = N_("This is for staff.")
GONE = N_("This material is no longer available.")


def _draft(context: BotContext) -> dict:
    return context.person_data.setdefault(DRAFT, {})


# -- adding -----------------------------------------------------------------------------------------


async def receive_file(update: Update, context: BotContext) -> int:
    """A document or photo sent to the bot: staff start adding a material with it."""
    message = require_message(update)
    if not context.person.is_staff:
        await NOT_UNDERSTOOD(update, context)
        return ConversationHandler.END
    _ = context.translate
    if message.document is not None:
        document = message.document
        if not is_material_file(document.file_name, document.mime_type):
            await message.reply_text(
                _(
                    "This kind of file cannot become a material: parents could not open it on "
                    "their phones. Please send a PDF, Word or PowerPoint file, a picture, audio "
                    "or video."
                )
            )
            return ConversationHandler.END
        draft = {
            "file_kind": "document",
            "file_id": document.file_id,
            "file_name": document.file_name or "tai-lieu",
            "file_mime": document.mime_type,
            "file_size": document.file_size or 0,
        }
    else:
        photo = message.photo[-1]
        draft = {
            "file_kind": "photo",
            "file_id": photo.file_id,
            "file_name": "anh.jpg",
            "file_mime": "image/jpeg",
            "file_size": photo.file_size or 0,
        }
    context.person_data[DRAFT] = {"mode": "add", "audiences": [], **draft}
    await message.reply_text(
        _(
            "➕ New material from this file.\nWhat is its title? ({max} characters at most; "
            "/cancel to stop)",
            max=TITLE_MAX,
        )
    )
    return TITLE


async def enter_title(update: Update, context: BotContext) -> int:
    _ = context.translate
    message = require_message(update)
    title = clean_title(message.text)
    if title is None:
        await message.reply_text(_("Please type a title of 3 to {max} characters.", max=TITLE_MAX))
        return TITLE
    draft = _draft(context)
    draft["title"] = title
    if draft.get("mode") == "edit":
        return await _save_edit(update, context, title=title)
    await message.reply_text(_("Which topic?"), reply_markup=_topic_keyboard(context))
    return TOPIC


def _topic_keyboard(context: BotContext) -> InlineKeyboardMarkup:
    _ = context.translate
    return keyboards.inline([[(_(label), PickTopic(topic=code))] for code, label in TOPICS.items()])


async def choose_topic(update: Update, context: BotContext) -> int:
    query = require_query(update)
    pressed = PickTopic.parse(query.data)
    if pressed is None or pressed.topic not in TOPICS:
        await answer_stale_button(update, context)
        return TOPIC
    await query.answer()
    _ = context.translate
    draft = _draft(context)
    draft["topic"] = pressed.topic
    await edit_quietly(query, _("Topic: {topic}", topic=_(TOPICS[pressed.topic])))
    if draft.get("mode") == "edit":
        return await _save_edit(update, context, topic=pressed.topic)
    await require_message(update).reply_text(
        _("Who is it for? Tap every audience that applies, then “Done”."),
        reply_markup=_audience_keyboard(context, draft.get("audiences", [])),
    )
    return AUDIENCE


def _audience_keyboard(context: BotContext, chosen: list[str]) -> InlineKeyboardMarkup:
    _ = context.translate
    choices: list[keyboards.Button] = [
        (("✅ " if code in chosen else "▫️ ") + _(label), ToggleAudience(audience=code))
        for code, label in AUDIENCES.items()
    ]
    rows = keyboards.columns(choices, 2)
    rows.append([(_("Done"), AudiencesDone())])
    return keyboards.inline(rows)


async def toggle_audience(update: Update, context: BotContext) -> int:
    query = require_query(update)
    await query.answer()
    pressed = ToggleAudience.parse(query.data)
    draft = _draft(context)
    chosen = list(draft.get("audiences", []))
    if pressed is not None and pressed.audience in AUDIENCES:
        code = pressed.audience
        chosen = [c for c in chosen if c != code] if code in chosen else [*chosen, code]
        draft["audiences"] = list(parse_audiences(chosen))
        await edit_buttons_quietly(query, _audience_keyboard(context, draft["audiences"]))
    return AUDIENCE


async def audiences_done(update: Update, context: BotContext) -> int:
    query = require_query(update)
    _ = context.translate
    draft = _draft(context)
    chosen = parse_audiences(draft.get("audiences", []))
    if not chosen:
        await query.answer(_("Please choose at least one audience."), show_alert=True)
        return AUDIENCE
    await query.answer()
    await edit_quietly(
        query, _("For: {audiences}", audiences=", ".join(_(AUDIENCES[c]) for c in chosen))
    )
    if draft.get("mode") == "edit":
        return await _save_edit(update, context, audiences=chosen)
    await require_message(update).reply_text(
        _(
            "Last step: a short summary (what it is, for whom), up to {max} characters.",
            max=SUMMARY_MAX,
        )
    )
    return SUMMARY


async def enter_summary(update: Update, context: BotContext) -> int:
    _ = context.translate
    message = require_message(update)
    summary = clean_summary(message.text)
    if summary is None:
        await message.reply_text(
            _("Please type a summary of 5 to {max} characters.", max=SUMMARY_MAX)
        )
        return SUMMARY
    draft = context.person_data.get(DRAFT) or {}
    if draft.get("mode") == "edit":
        return await _save_edit(update, context, summary=summary)
    if not {"title", "topic", "audiences", "file_id"} <= draft.keys():
        context.person_data.pop(DRAFT, None)
        await message.reply_text(
            _("Something was missing. Please send the file again to start over.")
        )
        return ConversationHandler.END
    file = NewFile(draft["file_kind"], draft["file_id"], draft["file_name"], draft.get("file_mime"))
    try:
        material = await catalogue(context).add(
            context.person,
            file,
            draft["title"],
            draft["topic"],
            draft["audiences"],
            summary,
            await _download(context, draft),
            context.now,
        )
    except PermissionDenied:
        await message.reply_text(_(STAFF_ONLY))
        return ConversationHandler.END
    finally:
        context.person_data.pop(DRAFT, None)
    await message.reply_text(
        _("✅ Published: “{title}”. Everyone can find it in /materials now.", title=material.title),
        reply_markup=material_keyboard(material, context.person, _),
    )
    return ConversationHandler.END


async def _download(context: BotContext, draft: dict) -> bytes | None:
    """Keep the original bytes so the file can be uploaded again if its file_id stops working."""
    if draft.get("file_size", 0) > MAX_STORED_BYTES:
        return None
    try:
        telegram_file = await context.bot.get_file(draft["file_id"])
        return bytes(await telegram_file.download_as_bytearray())
    except TelegramError as error:
        log.warning("could not keep a copy of a material file: %s", type(error).__name__)
        return None


# -- editing ----------------------------------------------------------------------------------------


async def start_edit(update: Update, context: BotContext) -> int:
    query = require_query(update)
    _ = context.translate
    pressed = Edit.parse(query.data)
    if pressed is None:
        await answer_stale_button(update, context)
        return ConversationHandler.END
    try:
        material = await catalogue(context).for_staff(context.person, pressed.material_id)
    except PermissionDenied:
        await record_refusal(context, "material_edit", "material", pressed.material_id)
        await query.answer(_(STAFF_ONLY), show_alert=True)
        return ConversationHandler.END
    except NotApplicable:
        await query.answer(_(GONE), show_alert=True)
        return ConversationHandler.END
    await query.answer()
    context.person_data[DRAFT] = {
        "mode": "edit",
        "id": material.id,
        "audiences": list(material.audiences),
    }
    await require_message(update).reply_text(
        _("✏️ What do you want to change in “{title}”?", title=material.title),
        reply_markup=keyboards.inline(
            [
                [
                    (_("Title"), EditField(field="title")),
                    (_("Summary"), EditField(field="summary")),
                ],
                [(_("Topic"), EditField(field="topic")), (_("Audiences"), EditField(field="aud"))],
            ]
        ),
    )
    return FIELD


async def choose_field(update: Update, context: BotContext) -> int:
    query = require_query(update)
    pressed = EditField.parse(query.data)
    if pressed is None or pressed.field not in EDIT_FIELDS:
        await answer_stale_button(update, context)
        return FIELD
    await query.answer()
    _ = context.translate
    field = pressed.field
    if field == "title":
        await edit_quietly(
            query, _("Type the new title ({max} characters at most).", max=TITLE_MAX)
        )
    elif field == "summary":
        await edit_quietly(
            query, _("Type the new summary ({max} characters at most).", max=SUMMARY_MAX)
        )
    elif field == "topic":
        await edit_quietly(query, _("Which topic?"), reply_markup=_topic_keyboard(context))
    else:
        chosen = context.person_data.get(DRAFT, {}).get("audiences", [])
        await edit_quietly(
            query,
            _("Who is it for? Tap every audience that applies, then “Done”."),
            reply_markup=_audience_keyboard(context, chosen),
        )
    return EDIT_FIELDS[field]


async def _save_edit(update: Update, context: BotContext, **changes: object) -> int:
    _ = context.translate
    message = require_message(update)
    draft = context.person_data.pop(DRAFT, None) or {}
    material_id = draft.get("id")
    if material_id is None:
        await message.reply_text(_(STAFF_ONLY))
        return ConversationHandler.END
    try:
        material = await catalogue(context).edit(
            context.person, int(material_id), context.now, **changes
        )
    except PermissionDenied:
        await message.reply_text(_(STAFF_ONLY))
        return ConversationHandler.END
    except NotApplicable:
        await message.reply_text(_(GONE))
        return ConversationHandler.END
    await message.reply_text(
        _("✅ Saved.") + "\n\n" + material_text(material, _),
        reply_markup=material_keyboard(material, context.person, _),
    )
    return ConversationHandler.END


# -- wiring -------------------------------------------------------------------------------------
