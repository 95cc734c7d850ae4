"""/materials: browse by audience, then topic (paginated); search; open a material.

/materials           → who is it for? → topics → materials → the material (text and file)
/materials bạo lực   → search, accent- and case-insensitive, title matches first
Typed text while in the materials menu is a search too. Buttons are handled anywhere (also
from old messages), and everything a button carries is checked again on the server.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import math

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import callbacks, keyboards, menu
from bot.context import BotContext
from bot.conversations import ExclusiveConversation
from bot.hotline import hotline_footer
from bot.i18n import Html, Translator
from bot.materials import deeplink, files, printing, search, starter
from bot.materials.catalogue import AUDIENCES, TOPICS, audience_for
from bot.messaging import edit_quietly
from bot.text import shorten, truncate
from handlers.common import anything_else, free_text, leave_and_redispatch, leave_handlers
from storage import materials
from storage.models import Material

log = logging.getLogger(__name__)
NS = "mat"
ADMIN_NS = "mad"
PRINT_NS = "prq"
SEARCH = 0
PAGE_SIZE = keyboards.PAGE_SIZE
ALL = "all"
# Typed text counts as a search only this long after the last use of the materials menu.
SEARCH_MODE_FOR = dt.timedelta(hours=1)
QUERY_KEY = "materials_query"
SEEN_KEY = "materials_seen"
PRIVATE = filters.ChatType.PRIVATE


def _note_seen(context: BotContext) -> None:
    context.user_data[SEEN_KEY] = context.now.isoformat()


def _visible(context: BotContext) -> bool:
    """Staff see hidden materials too (to show them again); everyone else does not."""
    return bool(context.user and context.user.is_staff)


# -- screens --------------------------------------------------------------------------------------


def _home(context: BotContext) -> tuple[str, object]:
    _ = context.translate
    buttons = [(_(label), callbacks.encode(NS, "aud", code)) for code, label in AUDIENCES.items()]
    rows = keyboards.columns(buttons, 2)
    rows.append([(_("📚 All materials"), callbacks.encode(NS, "aud", ALL))])
    text = _(
        "📚 <b>Communication materials</b>\nWho is it for?\n\n"
        "Or type a few words to search, e.g. “abuse”, “111”, “online”."
    )
    if context.user.is_staff:
        text += "\n\n" + _(
            "Staff: send me a PDF or a picture to add a material. "
            "/printqueue — print requests, /materialstats — figures."
        )
    elif printing.may_request(context.user):
        text += "\n\n" + _("/myrequests — your requests for printed copies.")
    return text, keyboards.inline(rows)


async def _topics(context: BotContext, audience: str) -> tuple[str, object]:
    _ = context.translate
    found = await materials.listing(
        context.db, audience=None if audience == ALL else audience, include_hidden=_visible(context)
    )
    counts = {code: sum(1 for m in found if m.topic == code) for code in TOPICS}
    buttons = [
        (f"{_(label)} ({counts[code]})", callbacks.encode(NS, "top", audience, code, 0))
        for code, label in TOPICS.items()
        if counts[code]
    ]
    rows = [[button] for button in buttons]
    if found:
        rows.append(
            [
                (
                    _("All topics ({count})", count=_.number(len(found))),
                    callbacks.encode(NS, "top", audience, ALL, 0),
                )
            ]
        )
    rows.append([(_("‹ Back"), callbacks.encode(NS, "home"))])
    who = _("All materials") if audience == ALL else _(AUDIENCES[audience])
    if not found:
        return _("{who}: there are no materials yet.", who=who), keyboards.inline(rows)
    return _("{who}: choose a topic.", who=who), keyboards.inline(rows)


def _material_label(material: Material, language: str) -> str:
    prefix = "🙈 " if material.hidden else ("📄 " if material.has_file else "📝 ")
    return prefix + shorten(material.title_in(language), 60)


def _page(items: list, page: int) -> tuple[list, int, int]:
    pages = max(1, math.ceil(len(items) / PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    return items[page * PAGE_SIZE : (page + 1) * PAGE_SIZE], page, pages


async def _listing(context: BotContext, audience: str, topic: str, page: int):
    _ = context.translate
    found = await materials.listing(
        context.db,
        audience=None if audience == ALL else audience,
        topic=None if topic == ALL else topic,
        include_hidden=_visible(context),
    )
    shown, page, pages = _page(found, page)
    rows = [[(_material_label(m, _.language), callbacks.encode(NS, "open", m.id))] for m in shown]
    rows.append(
        keyboards.pager(
            NS, "top", page, page + 1 < pages, _("‹ Previous"), _("Next ›"), audience, topic
        )
    )
    rows.append([(_("‹ Back"), callbacks.encode(NS, "aud", audience))])
    who = _("All materials") if audience == ALL else _(AUDIENCES[audience])
    what = _("All topics") if topic == ALL else _(TOPICS[topic])
    if not found:
        return _("{who} · {what}: nothing here yet.", who=who, what=what), keyboards.inline(rows)
    text = _(
        "{who} · {what} — page {page} of {pages}. Tap a material to open it.",
        who=who,
        what=what,
        page=page + 1,
        pages=pages,
    )
    return text, keyboards.inline(rows)


async def show_topic(update: Update, context: BotContext, topic: str) -> bool:
    """The materials of one topic, for the reader's audience (by role), sent below the
    message that asked for them; every audience when there is none for theirs yet."""
    if topic not in TOPICS:
        return False
    audience = audience_for(context.user.role if context.user.is_active else None) or ALL
    if audience != ALL and not await materials.listing(
        context.db, audience=audience, topic=topic, include_hidden=_visible(context)
    ):
        audience = ALL
    _note_seen(context)
    text, markup = await _listing(context, audience, topic, 0)
    await update.effective_message.reply_text(text, reply_markup=markup)
    return True


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


def material_keyboard(material: Material, context: BotContext):
    _ = context.translate
    user = context.user
    rows = []
    if printing.may_request(user):
        rows.append(
            [(_("🖨 Request printed copies"), callbacks.encode(PRINT_NS, "new", material.id))]
        )
    if user.is_staff:
        rows.append([(_("🔳 QR poster for a ward"), callbacks.encode(ADMIN_NS, "qr", material.id))])
        rows.append(
            [
                (_("✏️ Edit"), callbacks.encode(ADMIN_NS, "edit", material.id)),
                (
                    _("👁 Show") if material.hidden else _("🙈 Hide"),
                    callbacks.encode(ADMIN_NS, "show" if material.hidden else "hide", material.id),
                ),
            ]
        )
        rows.append(
            [
                (_("⬆️ Move up"), callbacks.encode(ADMIN_NS, "up", material.id)),
                (_("⬇️ Move down"), callbacks.encode(ADMIN_NS, "down", material.id)),
            ]
        )
    rows.append([(_("📚 Materials"), callbacks.encode(NS, "home"))])
    return keyboards.inline(rows)


async def deliver(context: BotContext, chat_id: int, material: Material) -> None:
    """Send a material to a person: its text, then its file (cached upload), and count it."""
    _ = context.translate
    await context.bot.send_message(
        chat_id, material_text(material, _), reply_markup=material_keyboard(material, context)
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
    await materials.record_delivery(
        context.db, material.id, context.user.telegram_id, kind, context.now
    )


# -- entry points ---------------------------------------------------------------------------------


async def materials_command(update: Update, context: BotContext) -> int:
    _note_seen(context)
    query = " ".join(context.args or [])
    if not query and update.message.text and not update.message.text.startswith("/"):
        # Typed anywhere: "tìm tài liệu bạo lực" is a search, not just the menu.
        query = search.typed_query(update.message.text) or ""
    if query:
        await _search_and_answer(update, context, query)
        return SEARCH
    text, markup = _home(context)
    await update.message.reply_text(text, reply_markup=markup)
    return SEARCH


async def typed_search(update: Update, context: BotContext) -> int | None:
    """Free text inside the materials menu; after a long pause it is not a search any more."""
    seen = context.user_data.get(SEEN_KEY)
    if not seen or context.now - dt.datetime.fromisoformat(seen) > SEARCH_MODE_FOR:
        return await leave_and_redispatch(update, context)
    _note_seen(context)
    text = update.message.text
    await _search_and_answer(update, context, search.typed_query(text) or text)
    return SEARCH


async def _search_and_answer(update: Update, context: BotContext, text: str) -> None:
    _ = context.translate
    query = search.clean_query(text)
    if query is None:
        await update.message.reply_text(_("Please type at least one word of two letters or more."))
        return
    context.user_data[QUERY_KEY] = query
    message_text, markup = await _search_page(context, query, 0)
    await update.message.reply_text(message_text, reply_markup=markup)


async def _search_page(context: BotContext, query: str, page: int):
    _ = context.translate
    visible = await materials.listing(context.db, include_hidden=_visible(context))
    found = search.rank(visible, query)
    if not found:
        return (
            _("No material matches “{query}”. Try other words, or browse:", query=query),
            keyboards.inline([[(_("📚 Browse materials"), callbacks.encode(NS, "home"))]]),
        )
    shown, page, pages = _page(found, page)
    rows = [[(_material_label(m, _.language), callbacks.encode(NS, "open", m.id))] for m in shown]
    rows.append(keyboards.pager(NS, "sp", page, page + 1 < pages, _("‹ Previous"), _("Next ›")))
    rows.append([(_("📚 Browse materials"), callbacks.encode(NS, "home"))])
    text = _(
        "🔍 Results for “{query}”: {count} — page {page} of {pages}:",
        count=_.number(len(found)),
        query=query,
        page=page + 1,
        pages=pages,
    )
    return text, keyboards.inline(rows)


async def search_hint(update: Update, context: BotContext) -> None:
    _ = context.translate
    await update.effective_message.reply_text(
        _("In the materials menu, type a few words to search, or use the buttons above.")
    )


# -- buttons --------------------------------------------------------------------------------------


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    _ = context.translate
    data = callbacks.decode(query.data)
    if data is None:
        await query.answer(_("This button is no longer active. Please use /menu."), show_alert=True)
        return
    _note_seen(context)
    action = data.action
    if action == "home":
        await query.answer()
        text, markup = _home(context)
        await edit_quietly(query, text, markup)
    elif action == "aud" and (data.arg(0) in AUDIENCES or data.arg(0) == ALL):
        await query.answer()
        text, markup = await _topics(context, data.arg(0))
        await edit_quietly(query, text, markup)
    elif (
        action == "top"
        and (data.arg(0) in AUDIENCES or data.arg(0) == ALL)
        and (data.arg(1) in TOPICS or data.arg(1) == ALL)
        and data.int_arg(2) is not None
    ):
        await query.answer()
        text, markup = await _listing(context, data.arg(0), data.arg(1), data.int_arg(2))
        await edit_quietly(query, text, markup)
    elif action == "sp" and data.int_arg(0) is not None:
        last = context.user_data.get(QUERY_KEY)
        if not last:
            await query.answer(_("Please type your search again."), show_alert=True)
            return
        await query.answer()
        text, markup = await _search_page(context, last, data.int_arg(0))
        await edit_quietly(query, text, markup)
    elif action == "open" and data.int_arg(0) is not None:
        material = await materials.get(context.db, data.int_arg(0))
        if material is None or (material.hidden and not context.user.is_staff):
            await query.answer(_("This material is no longer available."), show_alert=True)
            return
        await query.answer()
        await deliver(context, query.message.chat.id, material)
    else:
        await query.answer(_("This button is no longer active. Please use /menu."), show_alert=True)


def build_conversation(application: Application) -> ConversationHandler:
    i18n = application.services.i18n
    return ExclusiveConversation(
        name="materials",
        persistent=True,
        entry_points=[
            CommandHandler("materials", materials_command, filters=PRIVATE),
            MessageHandler(PRIVATE & menu.Intent(i18n, "materials"), materials_command),
        ],
        states={
            SEARCH: [
                MessageHandler(free_text(i18n), typed_search),
                MessageHandler(anything_else(i18n), search_hint),
            ],
        },
        fallbacks=leave_handlers(i18n),
    )


async def install_starter_set(application) -> None:
    """Start-up hook: add the shipped starter materials that are not in the database yet."""
    services = application.services
    added = await starter.install(services.database, services.clock.now())
    if added:
        log.info("installed %d starter materials", len(added))


async def show_poster_material(update: Update, context: BotContext, payload: str) -> None:
    """/start from a poster's QR code: show the material the poster is about."""
    code = deeplink.decode(payload)
    if code is None:
        return
    material = await materials.get(context.db, code.material_id)
    if material is None or material.hidden:
        return
    await deliver(context, update.effective_chat.id, material)


def register(application: Application) -> None:
    """Section 2 (the menu conversation) and its buttons, which work from any message."""
    application.start_hooks.append(install_starter_set)
    application.services.hooks.topic_materials = show_topic  # info → materials of a topic
    application.services.hooks.start_links.append(show_poster_material)
    application.add_handler(build_conversation(application))
    application.add_handler(CallbackQueryHandler(on_button, pattern=callbacks.pattern(NS)))
