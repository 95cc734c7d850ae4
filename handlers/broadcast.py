"""/broadcast (staff): compose → English (optional) → audience with an exact count → preview
exactly as recipients see it → send now or later. /broadcasts: history with figures.
Pause / Resume / Cancel buttons on the progress message work anywhere (namespace "bc").

/broadcast → COMPOSE (text, or photo/document with caption) → ENGLISH (text or Skip)
           → AUDIENCE (toggles, live count) → CONFIRM (preview) ─ Send now → queued
                                                              └ Send later → WHEN → scheduled
"""

from __future__ import annotations

import datetime as dt
import re

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

from bot import audience as audiences
from bot import callbacks, delivery, keyboards, menu
from bot.audience import Audience
from bot.context import BotContext
from bot.conversations import ExclusiveConversation
from bot.delivery import Content, progress
from bot.delivery.content import CAPTION_LIMIT, TEXT_LIMIT
from bot.i18n import N_, Translator
from bot.people import PermissionDenied
from handlers.common import free_text, leave_handlers
from storage import delivery as store

COMPOSE, ENGLISH, AUDIENCE, WARDS, CONFIRM, WHEN = range(6)
NS = "bcc"  # the conversation's buttons; "bc" (progress.NS) are the global controls
DRAFT = "broadcast_draft"
PRIVATE = filters.ChatType.PRIVATE
MAX_AHEAD = dt.timedelta(days=90)
WHEN_PATTERN = re.compile(
    r"^\s*(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}))?\s+(\d{1,2})\s*[:hg]\s*(\d{2})\s*$", re.I
)

ROLE_LABELS = {
    "public": N_("Parents"),
    "collaborator": N_("Collaborators"),
    "staff": N_("Staff"),
}
LANGUAGE_LABELS = {None: N_("all languages"), "vi": N_("Vietnamese only"),
                   "en": N_("English only")}
NEXT_LANGUAGE = {None: "vi", "vi": "en", "en": None}


# -- the draft (kept in user_data, JSON-friendly) ------------------------------------------

def _draft(context: BotContext) -> dict:
    return context.user_data.setdefault(DRAFT, {})


def _content(draft: dict) -> Content:
    texts = {"vi": draft.get("vi") or ""}
    if draft.get("en"):
        texts["en"] = draft["en"]
    return Content(texts=texts, media=draft.get("media"), file_id=draft.get("file_id"))


def _audience(draft: dict) -> Audience:
    return Audience(
        roles=frozenset(draft.get("roles") or ["public"]),
        districts=frozenset(draft.get("districts") or []),
        wards=frozenset(draft.get("wards") or []),
        language=draft.get("language"),
    )


def _kind(draft: dict) -> str:
    return "urgent" if draft.get("urgent") else "broadcast"


async def _allowed(update: Update, context: BotContext) -> bool:
    if context.user is not None and context.user.is_staff and (
        context.user.is_admin or context.user.district
    ):
        return True
    _ = context.translate
    await update.effective_message.reply_text(
        _("Announcements are sent by programme staff. If you are staff, your sign-up must be "
          "approved first.")
    )
    return False


# -- compose -------------------------------------------------------------------------------

async def start(update: Update, context: BotContext) -> int:
    if not await _allowed(update, context):
        return ConversationHandler.END
    _ = context.translate
    user = context.user
    context.user_data[DRAFT] = {
        "roles": ["public"],
        "districts": [] if user.is_admin else [user.district],
    }
    await update.effective_message.reply_text(
        _("📣 <b>New announcement</b>\nSend me the message in Vietnamese: a text (bold, italic "
          "and links are kept), or a photo or document with a caption.\n/cancel to stop.")
    )
    return COMPOSE


async def compose_text(update: Update, context: BotContext) -> int:
    message = update.message
    draft = _draft(context)
    draft.update(media=None, file_id=None, vi=message.text_html)
    return await _ask_english(update, context)


async def compose_media(update: Update, context: BotContext) -> int:
    message = update.message
    draft = _draft(context)
    if message.photo:
        draft.update(media="photo", file_id=message.photo[-1].file_id)
    else:
        draft.update(media="document", file_id=message.document.file_id)
    draft["vi"] = message.caption_html or ""
    return await _ask_english(update, context)


async def _ask_english(update: Update, context: BotContext) -> int:
    _ = context.translate
    draft = _draft(context)
    limit = CAPTION_LIMIT if draft.get("media") else TEXT_LIMIT
    await update.message.reply_text(
        _("Got it. Would you add an English version for people who use the bot in English? "
          "Send the English text (at most {limit} characters), or tap Skip.", limit=limit),
        reply_markup=keyboards.inline([[(_("Skip ›"), callbacks.encode(NS, "skipen"))]]),
    )
    return ENGLISH


async def english_text(update: Update, context: BotContext) -> int:
    _ = context.translate
    draft = _draft(context)
    limit = CAPTION_LIMIT if draft.get("media") else TEXT_LIMIT
    if len(update.message.text) > limit:
        await update.message.reply_text(
            _("That is too long: at most {limit} characters here. Please shorten it.",
              limit=limit))
        return ENGLISH
    draft["en"] = update.message.text_html
    await _show_audience(update, context)
    return AUDIENCE


async def skip_english(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    _draft(context).pop("en", None)
    await _show_audience(update, context, edit=True)
    return AUDIENCE


# -- audience --------------------------------------------------------------------------------

def audience_summary(_: Translator, context: BotContext, audience: Audience) -> str:
    areas = context.services.areas
    roles = ", ".join(_(ROLE_LABELS[r]) for r in audiences.ROLES if r in audience.roles)
    if audience.districts:
        places = ", ".join(areas.district_name(code, _.language)
                           for code in sorted(audience.districts))
    else:
        places = _("all districts")
    if audience.wards:
        places += " · " + ", ".join(areas.ward_name(code, _.language)
                                    for code in sorted(audience.wards))
    else:
        places += " · " + _("all wards")
    return f"{roles} · {places} · {_(LANGUAGE_LABELS[audience.language])}"


async def _count(context: BotContext, draft: dict) -> int:
    reach = audiences.limit_for(context.user, _audience(draft))
    return await audiences.count(context.db, reach, _kind(draft))


def _mark(on: bool, label: str) -> str:
    return f"{'✅' if on else '▫️'} {label}"


async def _show_audience(update: Update, context: BotContext, edit: bool = False) -> None:
    _ = context.translate
    draft = _draft(context)
    user = context.user
    chosen = _audience(draft)
    count = await _count(context, draft)
    rows: list[list[tuple[str, str]]] = []
    if not draft.get("urgent"):
        rows.append([(_mark(role in chosen.roles, _(ROLE_LABELS[role])),
                      callbacks.encode(NS, "role", role)) for role in audiences.ROLES])
    if user.is_admin:
        districts = context.services.areas.districts()
        rows.append([(_mark(not chosen.districts, _("All districts")),
                      callbacks.encode(NS, "dist", "all"))]
                    + [(_mark(d.code in chosen.districts, d.name(_.language)),
                        callbacks.encode(NS, "dist", d.code)) for d in districts])
    if len(chosen.districts) == 1:
        label = _("🏘 Wards: all") if not chosen.wards else _(
            "🏘 Wards: {count} chosen", count=len(chosen.wards))
        rows.append([(label, callbacks.encode(NS, "wards"))])
    rows.append([(_("🌐 Language: {language}", language=_(LANGUAGE_LABELS[chosen.language])),
                  callbacks.encode(NS, "lang"))])
    rows.append([(_mark(bool(draft.get("urgent")), _("🚨 Urgent notice to staff")),
                  callbacks.encode(NS, "urgent"))])
    rows.append([(_("Continue ›"), callbacks.encode(NS, "next")),
                 (_("✖ Cancel"), callbacks.encode(NS, "abort"))])
    lines = [_("<b>Who should receive it?</b>"), audience_summary(_, context, chosen),
             _("Recipients now: <b>{count}</b>", count=_.number(count))]
    if draft.get("urgent"):
        lines.append(_("Urgent notices go to staff only, also to those who turned "
                       "announcements off. Use them for real emergencies."))
    if not user.is_admin:
        lines.append(_("You can reach people of your district only."))
    text = "\n".join(lines)
    markup = keyboards.inline(rows)
    if edit and update.callback_query is not None:
        try:
            await update.callback_query.edit_message_text(text, reply_markup=markup)
            return
        except TelegramError:
            pass  # e.g. the message was a photo: send a fresh one
    await update.effective_chat.send_message(text, reply_markup=markup)


async def audience_button(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    data = callbacks.decode(query.data)
    if data is None:
        return AUDIENCE
    draft = _draft(context)
    user = context.user
    action, value = data.action, data.arg(0)
    if action == "role" and value in audiences.ROLES:
        roles = set(draft.get("roles") or [])
        roles ^= {value}
        draft["roles"] = sorted(roles) or [value]  # at least one role stays chosen
    elif action == "dist" and user.is_admin:
        areas = context.services.areas
        if value == "all":
            draft["districts"] = []
        elif areas.district(value) is not None:
            districts = set(draft.get("districts") or []) ^ {value}
            draft["districts"] = sorted(districts)
        draft["wards"] = []
    elif action == "lang":
        draft["language"] = NEXT_LANGUAGE[draft.get("language")]
    elif action == "urgent":
        draft["urgent"] = not draft.get("urgent")
        if draft["urgent"]:
            draft["roles"] = ["staff"]
    elif action == "wards":
        return await _show_wards(update, context)
    await _show_audience(update, context, edit=True)
    return AUDIENCE


async def _show_wards(update: Update, context: BotContext) -> int:
    _ = context.translate
    draft = _draft(context)
    districts = draft.get("districts") or []
    if len(districts) != 1:
        await _show_audience(update, context, edit=True)
        return AUDIENCE
    chosen = set(draft.get("wards") or [])
    wards = context.services.areas.wards(districts[0])
    buttons = [(_mark(w.code in chosen, w.name(_.language)), callbacks.encode(NS, "ward", w.code))
               for w in wards]
    rows = keyboards.columns(buttons, 3)
    rows.append([(_mark(not chosen, _("All wards")), callbacks.encode(NS, "ward", "all")),
                 (_("‹ Done"), callbacks.encode(NS, "wardsdone"))])
    await update.callback_query.edit_message_text(
        _("Choose one or more wards (or all):"), reply_markup=keyboards.inline(rows))
    return WARDS


async def ward_button(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    data = callbacks.decode(query.data)
    if data is None:
        return WARDS
    draft = _draft(context)
    if data.action == "wardsdone":
        await _show_audience(update, context, edit=True)
        return AUDIENCE
    code = data.arg(0)
    districts = draft.get("districts") or []
    ward = context.services.areas.ward(code)
    if code == "all":
        draft["wards"] = []
    elif ward is not None and len(districts) == 1 and ward.district == districts[0]:
        draft["wards"] = sorted(set(draft.get("wards") or []) ^ {code})
    return await _show_wards(update, context)


# -- preview and confirmation ----------------------------------------------------------------

async def show_preview(update: Update, context: BotContext) -> int:
    query = update.callback_query
    _ = context.translate
    draft = _draft(context)
    count = await _count(context, draft)
    if count == 0:
        await query.answer(
            _("Nobody matches this audience yet. Please choose other people or places."),
            show_alert=True)
        return AUDIENCE
    await query.answer()
    content = _content(draft)
    chat_id = update.effective_chat.id
    await query.edit_message_text(_("Preview — exactly what recipients will see:"))
    # The same function the engine uses: what staff see here is what people get.
    await delivery.send_content(context.bot, chat_id, content, "vi")
    if "en" in content.languages:
        await update.effective_chat.send_message(_("English version:"))
        await delivery.send_content(context.bot, chat_id, content, "en")
    await _ask_confirmation(update, context, count)
    return CONFIRM


async def _ask_confirmation(update: Update, context: BotContext, count: int) -> None:
    _ = context.translate
    draft = _draft(context)
    kind_line = _("🚨 Urgent notice to staff") if draft.get("urgent") else ""
    text = _("It will go to <b>{count}</b> people: {audience}.\nSend it?",
             count=_.number(count), audience=audience_summary(_, context, _audience(draft)))
    if kind_line:
        text = f"{kind_line}\n{text}"
    await update.effective_chat.send_message(text, reply_markup=keyboards.inline([
        [(_("✅ Send now"), callbacks.encode(NS, "now")),
         (_("🕒 Send later"), callbacks.encode(NS, "later"))],
        [(_("✏️ Change audience"), callbacks.encode(NS, "edit")),
         (_("✖ Cancel"), callbacks.encode(NS, "abort"))],
    ]))


async def change_audience(update: Update, context: BotContext) -> int:
    await update.callback_query.answer()
    await _show_audience(update, context, edit=True)
    return AUDIENCE


async def _enqueue(update: Update, context: BotContext, when: dt.datetime) -> int | None:
    user = context.user
    draft = _draft(context)
    try:
        reach = audiences.limit_for(user, _audience(draft))
    except PermissionDenied:
        return None
    return await delivery.enqueue(
        context.db, kind=_kind(draft), content=_content(draft), now=context.now,
        audience=reach, scheduled_at=when, created_by=user.telegram_id,
        district=audiences.scope_district(user), report_chat_id=update.effective_chat.id,
    )


async def send_now(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    _ = context.translate
    if not context.user.is_staff:
        await query.edit_message_text(_("Only staff can send announcements."))
        return ConversationHandler.END
    delivery_id = await _enqueue(update, context, context.now)
    context.user_data.pop(DRAFT, None)
    if delivery_id is None:
        await query.edit_message_text(_("You can reach people of your district only."))
        return ConversationHandler.END
    await query.edit_message_text(
        _("📣 Announcement #{number} is being sent. The progress appears below; you can pause "
          "or cancel it there.", number=delivery_id))
    delivery.kick(context.application)
    return ConversationHandler.END


async def ask_when(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    _ = context.translate
    example = context.services.i18n(_.language).local(context.now + dt.timedelta(days=1))
    await query.edit_message_text(
        _("When should it go out? Type the date and time in Ho Chi Minh City time, for example "
          "<code>{example}</code>.", example=example.strftime("%d/%m %H:%M")))
    return WHEN


def parse_when(text: str, now: dt.datetime, timezone) -> dt.datetime | None:
    """'01/06 08:00' or '01/06/2021 8h00' (local time) → aware UTC, or None if unreadable.
    Without a year: this year, or next year if that day has passed."""
    match = WHEN_PATTERN.match(text or "")
    if not match:
        return None
    day, month, year, hour, minute = match.groups()
    local_now = now.astimezone(timezone)
    try:
        moment = dt.datetime(int(year or local_now.year), int(month), int(day), int(hour),
                             int(minute), tzinfo=timezone)
        if year is None and moment < local_now - dt.timedelta(days=1):
            moment = moment.replace(year=local_now.year + 1)
    except ValueError:
        return None
    return moment.astimezone(dt.UTC)


async def enter_when(update: Update, context: BotContext) -> int:
    _ = context.translate
    now = context.now
    when = parse_when(update.message.text, now, context.services.settings.timezone)
    if when is None:
        await update.message.reply_text(
            _("I could not read that time. Please type day/month and hours:minutes, for "
              "example <code>01/06 08:00</code>."))
        return WHEN
    if when <= now + dt.timedelta(minutes=1):
        await update.message.reply_text(
            _("That time has already passed. Please choose a time in the future."))
        return WHEN
    if when > now + MAX_AHEAD:
        await update.message.reply_text(
            _("Please choose a time within the next 90 days."))
        return WHEN
    delivery_id = await _enqueue(update, context, when)
    context.user_data.pop(DRAFT, None)
    if delivery_id is None:
        await update.message.reply_text(_("You can reach people of your district only."))
        return ConversationHandler.END
    await update.message.reply_text(
        _("🕒 Announcement #{number} is scheduled for {when}. The recipients are counted then, "
          "and you will see the progress here. /broadcasts lets you cancel it.",
          number=delivery_id, when=_.datetime(when)),
        reply_markup=menu.keyboard(context.user.menu_role, _),
    )
    return ConversationHandler.END


async def abort(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    _ = context.translate
    context.user_data.pop(DRAFT, None)
    await query.edit_message_text(_("Cancelled. Nothing was sent."))
    return ConversationHandler.END


def _hint(state: int):
    async def answer(update: Update, context: BotContext) -> None:
        _ = context.translate
        hints = {
            COMPOSE: _("Please send the announcement as a text, a photo or a document. "
                       "Stickers, voice messages and videos cannot be sent to everyone."),
            ENGLISH: _("Please send the English text, or tap Skip."),
            AUDIENCE: _("Please choose the recipients with the buttons above, then tap "
                        "Continue."),
            WARDS: _("Please choose wards with the buttons above, then tap Done."),
            CONFIRM: _("Please tap Send now, Send later, Change audience or Cancel above."),
            WHEN: _("Please type the date and time, for example 01/06 08:00."),
        }
        await update.effective_message.reply_text(hints[state])

    return answer


# -- global: progress controls and history ---------------------------------------------------

async def control(update: Update, context: BotContext) -> None:
    """⏸ Pause / ▶️ Resume / ✖ Cancel on a progress message or in /broadcasts."""
    query = update.callback_query
    _ = context.translate
    data = callbacks.decode(query.data)
    delivery_id = data.int_arg(0) if data else None
    found = await store.get(context.db, delivery_id) if delivery_id else None
    if data is None or data.action not in ("pause", "resume", "cancel") or found is None:
        await query.answer(_("This button is no longer active. Please use /menu."),
                           show_alert=True)
        return
    if context.user is None or not delivery.may_control(context.user, found):
        await query.answer(_("Only the sender or an administrator can do this."),
                           show_alert=True)
        return
    app, now, actor = context.application, context.now, context.user.telegram_id
    engine = delivery.engine_of(app)
    if data.action == "pause" and await delivery.pause(app, found.id, actor, now):
        await query.answer(_("Paused. Tap Resume to continue."))
        await engine.show_state(await store.get(context.db, found.id))
    elif data.action == "resume" and await delivery.resume(app, found.id, actor, now):
        await query.answer(_("Sending again."))
        await engine.show_state(await store.get(context.db, found.id))
    elif data.action == "cancel" and (counts := await delivery.cancel(app, found.id, actor, now)):
        await query.answer(_("Cancelled."))
        await engine.report(await store.get(context.db, found.id), counts, "cancelled", now)
    else:
        await query.answer(_("This announcement has already ended."), show_alert=True)


async def history(update: Update, context: BotContext) -> None:
    _ = context.translate
    user = context.user
    if user is None or not user.is_staff:
        await update.effective_message.reply_text(_("Only staff can see past announcements."))
        return
    rows = await store.history(context.db, user.district, all_districts=user.is_admin)
    if not rows:
        await update.effective_message.reply_text(
            _("No announcements yet. /broadcast sends the first one."))
        return
    lines, buttons = [_("<b>Latest announcements</b>")], []
    for row in rows:
        counts = (await store.counts(context.db, row.id) if row.is_open else
                  store.Counts(row.total, row.total - row.sent_count - row.failed_count
                               - row.blocked_count - row.skipped_count, row.sent_count,
                               row.failed_count, row.blocked_count, row.skipped_count))
        lines.append(progress.history_line(_, row, counts))
        if row.is_open and delivery.may_control(user, row):
            buttons.append((_("✖ Cancel #{number}", number=row.id),
                            callbacks.encode(progress.NS, "cancel", row.id)))
    await update.effective_message.reply_text(
        "\n\n".join(lines), reply_markup=keyboards.inline(keyboards.columns(buttons, 2))
        if buttons else None)


def build_conversation(application: Application) -> ConversationHandler:
    i18n = application.services.i18n
    text = free_text(i18n)
    anything_else = ~filters.COMMAND & ~menu.MenuButton(i18n)
    media = filters.PHOTO | filters.Document.ALL

    def button(*actions: str):
        return rf"^{NS}:({'|'.join(actions)})(:|$)"

    return ExclusiveConversation(
        name="broadcast",
        persistent=True,
        entry_points=[
            CommandHandler("broadcast", start, filters=PRIVATE),
            MessageHandler(PRIVATE & menu.Intent(i18n, "broadcast"), start),
        ],
        states={
            COMPOSE: [
                MessageHandler(text, compose_text),
                MessageHandler(media, compose_media),
                MessageHandler(anything_else, _hint(COMPOSE)),
            ],
            ENGLISH: [
                MessageHandler(text, english_text),
                CallbackQueryHandler(skip_english, pattern=button("skipen")),
                MessageHandler(anything_else, _hint(ENGLISH)),
            ],
            AUDIENCE: [
                CallbackQueryHandler(show_preview, pattern=button("next")),
                CallbackQueryHandler(abort, pattern=button("abort")),
                CallbackQueryHandler(audience_button,
                                     pattern=button("role", "dist", "lang", "urgent", "wards")),
                MessageHandler(anything_else, _hint(AUDIENCE)),
            ],
            WARDS: [
                CallbackQueryHandler(ward_button, pattern=button("ward", "wardsdone")),
                MessageHandler(anything_else, _hint(WARDS)),
            ],
            CONFIRM: [
                CallbackQueryHandler(send_now, pattern=button("now")),
                CallbackQueryHandler(ask_when, pattern=button("later")),
                CallbackQueryHandler(change_audience, pattern=button("edit")),
                CallbackQueryHandler(abort, pattern=button("abort")),
                MessageHandler(anything_else, _hint(CONFIRM)),
            ],
            WHEN: [
                MessageHandler(text, enter_when),
                MessageHandler(anything_else, _hint(WHEN)),
            ],
        },
        fallbacks=leave_handlers(i18n),
    )


def register(application: Application) -> None:
    """Section 2 (conversations): the /broadcast conversation."""
    delivery.install(application)
    application.add_handler(build_conversation(application))


def register_commands(application: Application) -> None:
    """Section 3 (global): /broadcasts and the progress buttons."""
    delivery.install(application)
    application.add_handler(CommandHandler("broadcasts", history, filters=PRIVATE))
    application.add_handler(CallbackQueryHandler(control, pattern=callbacks.pattern(progress.NS)))

