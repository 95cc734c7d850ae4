"""Staff manage the catalogue: add by sending a file, edit, hide, reorder, make QR posters.

Send a PDF or picture → title → topic → audiences → summary → the material is published.
On a material: ✏️ edit one field, 🙈 hide / 👁 show, ⬆️ ⬇️ reorder within its topic,
🔳 a printable A4 poster whose QR code opens the bot for one ward (attributed in /materialstats).
Every change is audited; every button re-checks that the person is staff.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import callbacks, keyboards, scope
from bot.context import BotContext
from bot.conversations import ExclusiveConversation
from bot.i18n import N_
from bot.materials import deeplink, files
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
from bot.messaging import edit_buttons_quietly, edit_quietly
from bot.text import shorten
from handlers import menu as menu_handlers
from handlers.common import anything_else, free_text, leave_handlers, step_hints
from handlers.materials import material_keyboard, material_text
from storage import audit, materials, print_requests
from storage.db import Database

log = logging.getLogger(__name__)
NS = "mad"
TITLE, TOPIC, AUDIENCE, SUMMARY, FIELD = range(5)
DRAFT = "material_draft"
PRIVATE = filters.ChatType.PRIVATE
MAX_STORED_BYTES = 20 * 1024 * 1024  # what the Bot API lets a bot download
STATS_ROWS = 15


# -- adding -----------------------------------------------------------------------------------------


async def receive_file(update: Update, context: BotContext) -> int:
    """A document or photo sent to the bot: staff start adding a material with it."""
    message = update.message
    if not context.user.is_staff:
        await menu_handlers.not_understood(update, context)
        return ConversationHandler.END
    _ = context.translate
    if message.document is not None:
        file = message.document
        if not is_material_file(file.file_name, file.mime_type):
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
            "file_id": file.file_id,
            "file_name": file.file_name or "tai-lieu",
            "file_mime": file.mime_type,
            "file_size": file.file_size or 0,
        }
    else:
        file = message.photo[-1]
        draft = {
            "file_kind": "photo",
            "file_id": file.file_id,
            "file_name": "anh.jpg",
            "file_mime": "image/jpeg",
            "file_size": file.file_size or 0,
        }
    context.user_data[DRAFT] = {"mode": "add", "audiences": [], **draft}
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
    title = clean_title(update.message.text)
    if title is None:
        await update.message.reply_text(
            _("Please type a title of 3 to {max} characters.", max=TITLE_MAX)
        )
        return TITLE
    draft = context.user_data.setdefault(DRAFT, {})
    draft["title"] = title
    if draft.get("mode") == "edit":
        return await _save_edit(update, context, title=title)
    await update.message.reply_text(_("Which topic?"), reply_markup=_topic_keyboard(context))
    return TOPIC


def _topic_keyboard(context: BotContext):
    _ = context.translate
    return keyboards.inline(
        [[(_(label), callbacks.encode(NS, "tp", code))] for code, label in TOPICS.items()]
    )


async def choose_topic(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    _ = context.translate
    data = callbacks.decode(query.data)
    topic = data.arg(0) if data else None
    if topic not in TOPICS:
        await query.message.reply_text(_("That button is no longer valid. Please choose again."))
        return TOPIC
    draft = context.user_data.setdefault(DRAFT, {})
    draft["topic"] = topic
    await edit_quietly(query, _("Topic: {topic}", topic=_(TOPICS[topic])))
    if draft.get("mode") == "edit":
        return await _save_edit(update, context, topic=topic)
    await query.message.reply_text(
        _("Who is it for? Tap every audience that applies, then “Done”."),
        reply_markup=_audience_keyboard(context, draft.get("audiences", [])),
    )
    return AUDIENCE


def _audience_keyboard(context: BotContext, chosen: list[str]):
    _ = context.translate
    buttons = [
        (("✅ " if code in chosen else "▫️ ") + _(label), callbacks.encode(NS, "au", code))
        for code, label in AUDIENCES.items()
    ]
    rows = keyboards.columns(buttons, 2)
    rows.append([(_("Done"), callbacks.encode(NS, "audok"))])
    return keyboards.inline(rows)


async def toggle_audience(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    data = callbacks.decode(query.data)
    code = data.arg(0) if data else None
    draft = context.user_data.setdefault(DRAFT, {})
    chosen = list(draft.get("audiences", []))
    if code in AUDIENCES:
        chosen = [c for c in chosen if c != code] if code in chosen else [*chosen, code]
        draft["audiences"] = list(parse_audiences(chosen))
        await edit_buttons_quietly(query, _audience_keyboard(context, draft["audiences"]))
    return AUDIENCE


async def audiences_done(update: Update, context: BotContext) -> int:
    query = update.callback_query
    _ = context.translate
    draft = context.user_data.setdefault(DRAFT, {})
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
    await query.message.reply_text(
        _(
            "Last step: a short summary (what it is, for whom), up to {max} characters.",
            max=SUMMARY_MAX,
        )
    )
    return SUMMARY


async def enter_summary(update: Update, context: BotContext) -> int:
    _ = context.translate
    summary = clean_summary(update.message.text)
    if summary is None:
        await update.message.reply_text(
            _("Please type a summary of 5 to {max} characters.", max=SUMMARY_MAX)
        )
        return SUMMARY
    draft = context.user_data.get(DRAFT) or {}
    if draft.get("mode") == "edit":
        return await _save_edit(update, context, summary=summary)
    if not {"title", "topic", "audiences", "file_id"} <= draft.keys():
        context.user_data.pop(DRAFT, None)
        await update.message.reply_text(
            _("Something was missing. Please send the file again to start over.")
        )
        return ConversationHandler.END
    data = await _download(context, draft)
    material_id = await _create(context.db, context, draft, summary, data)
    context.user_data.pop(DRAFT, None)
    material = await materials.get(context.db, material_id)
    await update.message.reply_text(
        _("✅ Published: “{title}”. Everyone can find it in /materials now.", title=material.title),
        reply_markup=material_keyboard(material, context),
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


async def _create(
    db: Database, context: BotContext, draft: dict, summary: str, data: bytes | None
) -> int:
    actor = context.user.telegram_id
    async with db.transaction():
        material_id = await materials.create(
            db,
            context.now,
            actor,
            title=draft["title"],
            summary=summary,
            topic=draft["topic"],
            audiences=parse_audiences(draft["audiences"]),
            file_kind=draft["file_kind"],
            file_name=draft["file_name"],
            file_mime=draft.get("file_mime"),
            file_source="stored",
            file_id=draft["file_id"],
            file_key=files.STORED_KEY,
        )
        if data is not None:
            await materials.store_file(db, material_id, data)
        await audit.record(
            db,
            actor,
            "material_add",
            "material",
            material_id,
            context.now,
            topic=draft["topic"],
            file_kind=draft["file_kind"],
        )
    return material_id


# -- editing ----------------------------------------------------------------------------------------

EDIT_FIELDS = {"title": TITLE, "topic": TOPIC, "aud": AUDIENCE, "summary": SUMMARY}


async def start_edit(update: Update, context: BotContext) -> int:
    query = update.callback_query
    _ = context.translate
    data = callbacks.decode(query.data)
    material = await _staff_material(query, context, data.int_arg(0) if data else None)
    if material is None:
        return ConversationHandler.END
    await query.answer()
    context.user_data[DRAFT] = {
        "mode": "edit",
        "id": material.id,
        "audiences": list(material.audiences),
    }
    await query.message.reply_text(
        _("✏️ What do you want to change in “{title}”?", title=material.title),
        reply_markup=keyboards.inline(
            [
                [
                    (_("Title"), callbacks.encode(NS, "ef", "title")),
                    (_("Summary"), callbacks.encode(NS, "ef", "summary")),
                ],
                [
                    (_("Topic"), callbacks.encode(NS, "ef", "topic")),
                    (_("Audiences"), callbacks.encode(NS, "ef", "aud")),
                ],
            ]
        ),
    )
    return FIELD


async def choose_field(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    _ = context.translate
    data = callbacks.decode(query.data)
    field = data.arg(0) if data else None
    if field not in EDIT_FIELDS:
        await query.message.reply_text(_("That button is no longer valid. Please choose again."))
        return FIELD
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
        chosen = context.user_data.get(DRAFT, {}).get("audiences", [])
        await edit_quietly(
            query,
            _("Who is it for? Tap every audience that applies, then “Done”."),
            reply_markup=_audience_keyboard(context, chosen),
        )
    return EDIT_FIELDS[field]


async def _save_edit(update: Update, context: BotContext, **changes) -> int:
    _ = context.translate
    draft = context.user_data.pop(DRAFT, None) or {}
    material_id = draft.get("id")
    if not context.user.is_staff or material_id is None:
        await update.effective_message.reply_text(_("This is for staff."))
        return ConversationHandler.END
    async with context.db.transaction():
        changed = await materials.update(context.db, material_id, context.now, **changes)
        if changed:
            await audit.record(
                context.db,
                context.user.telegram_id,
                "material_edit",
                "material",
                material_id,
                context.now,
                fields=sorted(changes),
            )
    material = await materials.get(context.db, material_id)
    if material is None:
        await update.effective_message.reply_text(_("This material is no longer available."))
        return ConversationHandler.END
    await update.effective_message.reply_text(
        _("✅ Saved.") + "\n\n" + material_text(material, _),
        reply_markup=material_keyboard(material, context),
    )
    return ConversationHandler.END


# -- hide, show, reorder, posters ------------------------------------------------------------------


async def _staff_material(query, context: BotContext, material_id: int | None):
    _ = context.translate
    if not context.user.is_staff:
        await query.answer(_("This is for staff."), show_alert=True)
        return None
    material = await materials.get(context.db, material_id) if material_id else None
    if material is None:
        await query.answer(_("This material is no longer available."), show_alert=True)
        return None
    return material


async def on_admin_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    _ = context.translate
    data = callbacks.decode(query.data)
    if data is None or data.int_arg(0) is None:
        await query.answer(_("This button is not valid."), show_alert=True)
        return
    material = await _staff_material(query, context, data.int_arg(0))
    if material is None:
        return
    action = data.action
    if action in ("hide", "show"):
        await _set_hidden(query, context, material, action == "hide")
    elif action in ("up", "down"):
        await _move(query, context, material, -1 if action == "up" else 1)
    elif action == "qr":
        await _ask_poster_place(query, context, material)
    elif action == "qd" and context.services.areas.group(data.arg(1)):
        await query.answer()
        await _poster_wards(query, context, material, data.arg(1))
    elif action == "qw":
        await _poster(query, context, material, data.arg(1))
    else:
        await query.answer(_("This button is not valid."), show_alert=True)


async def _set_hidden(query, context: BotContext, material, hidden: bool) -> None:
    _ = context.translate
    async with context.db.transaction():
        await materials.update(context.db, material.id, context.now, hidden=hidden)
        await audit.record(
            context.db,
            context.user.telegram_id,
            "material_hide" if hidden else "material_show",
            "material",
            material.id,
            context.now,
        )
    await query.answer(
        _("Hidden: only staff see it now.") if hidden else _("Shown again to everyone.")
    )
    updated = await materials.get(context.db, material.id)
    if query.message.text is not None:
        await edit_quietly(
            query, material_text(updated, _), reply_markup=material_keyboard(updated, context)
        )


async def _move(query, context: BotContext, material, step: int) -> None:
    _ = context.translate
    siblings = await materials.listing(context.db, topic=material.topic, include_hidden=True)
    index = next(i for i, m in enumerate(siblings) if m.id == material.id)
    target = index + step
    if not 0 <= target < len(siblings):
        await query.answer(
            _("It is already at the top.") if step < 0 else _("It is already at the bottom.")
        )
        return
    other = siblings[target]
    async with context.db.transaction():
        await materials.swap_positions(context.db, material, other, context.now)
        await audit.record(
            context.db,
            context.user.telegram_id,
            "material_reorder",
            "material",
            material.id,
            context.now,
            swapped_with=other.id,
        )
    await query.answer(_("Moved up.") if step < 0 else _("Moved down."))


async def _ask_poster_place(query, context: BotContext, material) -> None:
    _ = context.translate
    await query.answer()
    await _poster_wards(query, context, material, None)


async def _poster_wards(query, context: BotContext, material, district: str | None) -> None:
    """The units of the person's scope (of one programme group, if given) to choose from."""
    _ = context.translate
    areas = context.services.areas
    language = _.language
    buttons = [
        (w.name(language), callbacks.encode(NS, "qw", material.id, w.code))
        for group in areas.groups()
        if district in (None, group.code)
        for w in areas.units_in(group.code)
        if scope.can_act_in_unit(context.user, w.code)
    ]
    if not buttons:
        await query.message.reply_text(
            _("You can make posters for your own wards and communes only.")
        )
        return
    await query.message.reply_text(
        _(
            "🔳 QR poster for “{title}”: which ward or commune will it hang in?",
            title=material.title,
        ),
        reply_markup=keyboards.inline(keyboards.columns(buttons, 2)),
    )


async def _poster(query, context: BotContext, material, ward_code: str | None) -> None:
    _ = context.translate
    areas = context.services.areas
    ward = areas.unit(ward_code)
    if ward is None or not scope.can_act_in_unit(context.user, ward.code):
        await query.answer(
            _("You can make posters for your own wards and communes only."), show_alert=True
        )
        return
    await query.answer(_("Making the poster…"))
    place = areas.place(ward.code, "vi")  # posters are printed in Vietnamese
    username = context.bot.username
    code, pdf = await asyncio.to_thread(
        files.render_poster_pdf, material, username, ward.code, place
    )
    async with context.db.transaction():
        await materials.save_poster(
            context.db, code, material.id, ward.code, context.user.telegram_id, context.now
        )
        await audit.record(
            context.db,
            context.user.telegram_id,
            "poster",
            "material",
            material.id,
            context.now,
            code=code,
            ward=ward.code,
        )
    await context.bot.send_document(
        query.message.chat.id,
        pdf,
        filename=f"ap-phich-{code}.pdf",
        caption=_(
            "🔳 A4 poster: “{title}” · {place}\nThe QR code opens {link}. People who "
            "start the bot with it are counted in /materialstats.",
            title=shorten(material.title, 200),
            place=areas.place(ward.code, _.language),
            link=deeplink.link(username, code),
        ),
    )


# -- statistics -------------------------------------------------------------------------------------


async def stats_command(update: Update, context: BotContext) -> None:
    _ = context.translate
    user = context.user
    if not user.is_staff:
        await update.message.reply_text(_("This command is for staff."))
        return
    areas = context.services.areas
    counts = await materials.delivery_counts(context.db)
    lines = [_("📊 <b>Materials delivered</b> (times · files · people):")]
    for row in counts[:STATS_ROWS]:
        lines.append(
            _(
                "• {title}: {deliveries} · {files} · {people}",
                title=shorten(row.title, 60),
                deliveries=_.number(row.deliveries),
                files=_.number(row.files),
                people=_.number(row.people),
            )
        )
    titles = {row.material_id: row.title for row in counts}
    lines.append("")
    lines.append(_("🔳 <b>People who came through a poster or link</b>:"))
    sources = [(s, deeplink.decode(s.source)) for s in await materials.source_counts(context.db)]
    sources = [(s, code) for s, code in sources if code is not None]
    if not sources:
        lines.append(_("Nobody yet."))
    for source, code in sources[:STATS_ROWS]:
        where = areas.place(code.ward, _.language) if code.ward else _("no ward")
        lines.append(
            _(
                "• {title} · {place} ({code}): {people}",
                title=shorten(titles.get(code.material_id, "—"), 50),
                place=where,
                code=source.source,
                people=_.number(source.people),
            )
        )
    status_counts = await print_requests.counts_by_status(context.db, scope.units_of(user))
    if status_counts:
        lines.append("")
        lines.append(
            _(
                "🖨 <b>Print requests</b>: {requested} waiting, {approved} approved, "
                "{printed} printed, {delivered} delivered, {rejected} not approved.",
                **{
                    s: _.number(status_counts.get(s, 0))
                    for s in ("requested", "approved", "printed", "delivered", "rejected")
                },
            )
        )
    await update.message.reply_text("\n".join(lines))


# -- wiring -------------------------------------------------------------------------------------

_hint = step_hints(
    {
        TITLE: N_("Please type the title as text."),
        TOPIC: N_("Please choose the topic with the buttons above."),
        AUDIENCE: N_("Please tap the audiences above, then “Done”."),
        SUMMARY: N_("Please type the summary as text."),
        FIELD: N_("Please choose what to change with the buttons above."),
    }
)


def build_conversation(application: Application) -> ConversationHandler:
    i18n = application.services.i18n
    text = free_text(i18n)
    other = anything_else(i18n)
    return ExclusiveConversation(
        name="materials_admin",
        persistent=True,
        entry_points=[
            MessageHandler(PRIVATE & (filters.Document.ALL | filters.PHOTO), receive_file),
            CallbackQueryHandler(start_edit, pattern=rf"^{NS}:edit:"),
        ],
        states={
            TITLE: [MessageHandler(text, enter_title), MessageHandler(other, _hint(TITLE))],
            TOPIC: [
                CallbackQueryHandler(choose_topic, pattern=rf"^{NS}:tp:"),
                MessageHandler(other, _hint(TOPIC)),
            ],
            AUDIENCE: [
                CallbackQueryHandler(toggle_audience, pattern=rf"^{NS}:au:"),
                CallbackQueryHandler(audiences_done, pattern=rf"^{NS}:audok"),
                MessageHandler(other, _hint(AUDIENCE)),
            ],
            SUMMARY: [MessageHandler(text, enter_summary), MessageHandler(other, _hint(SUMMARY))],
            FIELD: [
                CallbackQueryHandler(choose_field, pattern=rf"^{NS}:ef:"),
                MessageHandler(other, _hint(FIELD)),
            ],
        },
        fallbacks=leave_handlers(i18n),
    )


def register(application: Application) -> None:
    """Section 2: adding and editing are conversations."""
    application.add_handler(build_conversation(application))


def register_commands(application: Application) -> None:
    """Section 3: hide/show/reorder/poster buttons and /materialstats."""
    application.add_handler(CommandHandler("materialstats", stats_command, filters=PRIVATE))
    application.add_handler(
        CallbackQueryHandler(on_admin_button, pattern=rf"^{NS}:(hide|show|up|down|qr|qd|qw):")
    )
