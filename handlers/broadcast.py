"""/broadcast (staff): compose → English (optional) → audience with an exact count → preview
exactly as recipients see it → send now or later. /broadcasts: history with figures.
Pause / Resume / Cancel buttons on the progress message work anywhere (namespace "bc").

/broadcast → COMPOSE (text, or photo/document with caption) → ENGLISH (text or Skip)
           → AUDIENCE (toggles, live count) → CONFIRM (preview) ─ Send now → queued
               ├ WARDS                                        └ Send later → WHEN → scheduled
               └ EVENTS: "only people registered for an event" (pages of the events the
                 sender may address; chosen again → cleared; waiting list optional)
"""

from __future__ import annotations

import datetime as dt
import html

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
from bot import callbacks, delivery, keyboards, menu, scope
from bot.audience import Audience
from bot.context import BotContext
from bot.conversations import ExclusiveConversation
from bot.delivery import Content, progress
from bot.delivery.content import CAPTION_LIMIT, TEXT_LIMIT, text_problem
from bot.events import addressing, dates
from bot.events import texts as event_texts
from bot.events.model import KIND_ICONS
from bot.guards import PermissionDenied
from bot.i18n import N_, Html, Translator
from bot.messaging import edit_quietly
from bot.text import join_within
from handlers.common import anything_else, free_text, leave_handlers, step_hints
from storage import delivery as store
from storage import events as event_store
from storage.models import Event

COMPOSE, ENGLISH, AUDIENCE, WARDS, CONFIRM, WHEN, EVENTS = range(7)
NS = "bcc"  # the conversation's buttons; "bc" (progress.NS) are the global controls
DRAFT = "broadcast_draft"
PRIVATE = filters.ChatType.PRIVATE
MAX_AHEAD = dt.timedelta(days=90)

ROLE_LABELS = {
    "public": N_("Parents and public"),
    "collaborator": N_("Collaborators"),
    "staff": N_("Staff"),
}
LANGUAGE_LABELS = {None: N_("all languages"), "vi": N_("Vietnamese only"), "en": N_("English only")}
NEXT_LANGUAGE = {None: "vi", "vi": "en", "en": None}


# -- the draft (kept in user_data, JSON-friendly) ------------------------------------------


def _draft(context: BotContext) -> dict:
    return context.user_data.setdefault(DRAFT, {})


def sender_line(_: Translator, context: BotContext) -> str:
    """'📣 Từ: Ban quản lý dự án' above every announcement, so people know who writes."""
    user = context.user
    if user.is_admin or not user.scope:
        return _("📣 From: the programme's management board")
    return _(
        "📣 From: the staff of {place}",
        place=context.services.areas.scope_label(user.scope, _.language),
    )


def _with_sender(context: BotContext, language: str, body: str) -> str:
    head = html.escape(sender_line(context.services.i18n(language), context), quote=False)
    return f"{head}\n\n{body}" if body else head


def _room(context: BotContext, draft: dict) -> int:
    """Characters left for the message once the sender line is added."""
    limit = CAPTION_LIMIT if draft.get("media") else TEXT_LIMIT
    return limit - len(_with_sender(context, "vi", ""))


def _content(context: BotContext, draft: dict) -> Content:
    texts = {"vi": _with_sender(context, "vi", draft.get("vi") or "")}
    if draft.get("en"):
        texts["en"] = _with_sender(context, "en", draft["en"])
    return Content(texts=texts, media=draft.get("media"), file_id=draft.get("file_id"))


def _audience(draft: dict) -> Audience:
    return Audience(
        roles=frozenset(draft.get("roles") or ["public"]),
        districts=frozenset(draft.get("districts") or []),
        wards=frozenset(draft.get("wards") or []),
        language=draft.get("language"),
        event_id=draft.get("event_id"),
        event_waiting=bool(draft.get("event_waiting")),
    )


async def _chosen_event(context: BotContext, draft: dict) -> Event | None:
    """The draft's event if the sender may still address it (re-checked every time)."""
    return await addressing.find(context.db, context.user, draft.get("event_id"), context.now)


async def _reach(context: BotContext, draft: dict) -> tuple[Audience, Event | None]:
    """The audience as it will be stored, within the sender's limits, and its event.
    PermissionDenied when the sender may not reach it (any more)."""
    return await audiences.reach(context.db, context.user, _audience(draft), context.now)


def _drop_event(draft: dict) -> None:
    draft.pop("event_id", None)
    draft.pop("event_waiting", None)


def _kind(draft: dict) -> str:
    return "urgent" if draft.get("urgent") else "broadcast"


async def _allowed(update: Update, context: BotContext) -> bool:
    if (
        context.user is not None
        and context.user.is_staff
        and (context.user.is_admin or scope.units_of(context.user))
    ):
        return True
    _ = context.translate
    await update.effective_message.reply_text(
        _(
            "Announcements are sent by programme staff. If you are staff, your sign-up must be "
            "approved first."
        )
    )
    return False


# -- compose -------------------------------------------------------------------------------


async def start(update: Update, context: BotContext) -> int:
    if not await _allowed(update, context):
        return ConversationHandler.END
    _ = context.translate
    draft = context.user_data[DRAFT] = {
        "districts": [],  # staff are confined to their units by audience.limit_for
    }
    draft["roles"] = await _default_roles(context, draft)
    await update.effective_message.reply_text(
        _(
            "📣 <b>New announcement</b>\nSend me the message in Vietnamese: a text (bold, italic "
            "and links are kept), or a photo or document with a caption.\n/cancel to stop."
        )
    )
    return COMPOSE


async def _default_roles(context: BotContext, draft: dict) -> list[str]:
    """Parents and collaborators who can be reached; staff only when nobody else can be;
    never a default that reaches nobody while someone could be reached."""
    counts = await _role_counts(context, draft)
    people = [role for role in ("public", "collaborator") if counts[role]]
    if people:
        return people
    return ["staff"] if counts["staff"] else ["public"]


async def _refused(
    update: Update, context: BotContext, draft: dict, text: str | None, required: bool = True
) -> bool:
    """A text (in either language) that cannot go out: empty, only invisible characters, or
    longer than the room left once the sender line is added. The sender is told why and
    stays at the step; False when the text is fine."""
    room = _room(context, draft)
    problem = text_problem(text, room, required=required)
    if problem is None:
        return False
    _ = context.translate
    if problem == "empty":
        await update.message.reply_text(
            _(
                "This message looks empty: it has only spaces or invisible characters. Please "
                "send the text people should read."
            )
        )
    else:
        await update.message.reply_text(
            _(
                "That is too long: {length} characters, at most {limit} here. Please shorten it.",
                length=_.number(len(text or "")),
                limit=_.number(room),
            )
        )
    return True


async def compose_text(update: Update, context: BotContext) -> int:
    message = update.message
    draft = _draft(context)
    draft.update(media=None, file_id=None)
    if await _refused(update, context, draft, message.text):
        return COMPOSE
    draft["vi"] = message.text_html
    return await _ask_english(update, context)


async def compose_media(update: Update, context: BotContext) -> int:
    message = update.message
    draft = _draft(context)
    if message.photo:
        draft.update(media="photo", file_id=message.photo[-1].file_id)
    else:
        draft.update(media="document", file_id=message.document.file_id)
    if await _refused(update, context, draft, message.caption, required=False):
        return COMPOSE
    draft["vi"] = message.caption_html or ""
    return await _ask_english(update, context)


async def _ask_english(update: Update, context: BotContext) -> int:
    _ = context.translate
    draft = _draft(context)
    await update.message.reply_text(
        _(
            "Got it. Would you add an English version for people who use the bot in English? "
            "Send the English text (at most {limit} characters), or tap Skip.",
            limit=_.number(_room(context, draft)),
        ),
        reply_markup=keyboards.inline([[(_("Skip ›"), callbacks.encode(NS, "skipen"))]]),
    )
    return ENGLISH


async def english_text(update: Update, context: BotContext) -> int:
    draft = _draft(context)
    if await _refused(update, context, draft, update.message.text):
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


def audience_summary(
    _: Translator, context: BotContext, audience: Audience, event: Event | None = None
) -> Html:
    """'Parents · Khu vực Quận 8 cũ · all wards · all languages', plus the event's line if
    any. An event of a staff member's own units stands for the place (no place line)."""
    areas = context.services.areas
    roles = ", ".join(_(ROLE_LABELS[r]) for r in audiences.ROLES if r in audience.roles)
    parts = [roles]
    wards = ", ".join(areas.unit_name(code, _.language) for code in sorted(audience.wards))
    if audience.districts:
        places = ", ".join(
            areas.group_name(code, _.language) for code in sorted(audience.districts)
        )
        parts.append(places + " · " + (wards or _("all wards")))
    elif wards:
        parts.append(wards)
    elif audience.event_id is None:
        parts.append(_("the whole programme"))
    parts.append(_(LANGUAGE_LABELS[audience.language]))
    text = html.escape(" · ".join(parts), quote=False)
    if audience.event_id is not None:
        text += "\n" + event_line(_, audience, event)  # escaped by the translator
    return Html(text)


def event_line(_: Translator, audience: Audience, event: Event | None) -> str:
    if event is None:  # deleted since (history only)
        return _("📅 Registered for event #{number}", number=audience.event_id)
    if audience.event_waiting:
        return _(
            "📅 Registered for “{title}” ({when}), waiting list included",
            title=event.title,
            when=_.short_datetime(event.starts_at),
        )
    return _(
        "📅 Registered for “{title}” ({when})",
        title=event.title,
        when=_.short_datetime(event.starts_at),
    )


async def _count(context: BotContext, draft: dict) -> int:
    reach, _event = await _reach(context, draft)
    return await audiences.count(context.db, reach, _kind(draft))


async def _count_with(context: BotContext, draft: dict, **changes) -> int:
    """How many the audience would reach with one choice changed (the figure on a button)."""
    try:
        return await _count(context, {**draft, **changes})
    except PermissionDenied:
        return 0


async def _role_counts(context: BotContext, draft: dict) -> dict[str, int]:
    return {role: await _count_with(context, draft, roles=[role]) for role in audiences.ROLES}


def _mark(on: bool, label: str, count: int | None = None, _: Translator | None = None) -> str:
    figure = f" ({_.number(count)})" if count is not None and _ is not None else ""
    return f"{'✅' if on else '▫️'} {label}{figure}"


async def _show_audience(update: Update, context: BotContext, edit: bool = False) -> None:
    _ = context.translate
    draft = _draft(context)
    user = context.user
    notes: list[str] = []
    event = await _chosen_event(context, draft)
    if draft.get("event_id") is not None and event is None:
        _drop_event(draft)  # cancelled, out of reach or long past since it was chosen
        notes.append(_("The event you chose can no longer be used, so I removed it."))
    chosen = _audience(draft)
    reach, event = await _reach(context, draft)
    count = await audiences.count(context.db, reach, _kind(draft))
    rows: list[list[tuple[str, str]]] = []
    if not draft.get("urgent"):
        # Beside each group: how many of its people the rest of the choice reaches.
        role_counts = await _role_counts(context, draft)
        rows.append(
            [
                (
                    _mark(role in chosen.roles, _(ROLE_LABELS[role]), role_counts[role], _),
                    callbacks.encode(NS, "role", role),
                )
                for role in audiences.ROLES
            ]
        )
    if user.is_admin:
        districts = context.services.areas.groups()
        everywhere = await _count_with(context, draft, districts=[], wards=[])
        rows.append(
            [
                (
                    _mark(not chosen.districts, _("Whole programme"), everywhere, _),
                    callbacks.encode(NS, "dist", "all"),
                )
            ]
            + [
                (
                    _mark(
                        d.code in chosen.districts,
                        d.name(_.language),
                        await _count_with(context, draft, districts=[d.code], wards=[]),
                        _,
                    ),
                    callbacks.encode(NS, "dist", d.code),
                )
                for d in districts
            ]
        )
    if len(chosen.districts) == 1 or not user.is_admin:
        label = (
            _("🏘 Wards: all")
            if not chosen.wards
            else _("🏘 Wards: {count} chosen", count=_.number(len(chosen.wards)))
        )
        rows.append([(label, callbacks.encode(NS, "wards"))])
    rows.append(
        [
            (
                _("🌐 Language: {language}", language=_(LANGUAGE_LABELS[chosen.language])),
                callbacks.encode(NS, "lang"),
            )
        ]
    )
    if event is None:
        rows.append([(_("📅 Only people registered for an event"), callbacks.encode(NS, "evs", 0))])
    else:
        rows.append(
            [
                (
                    _mark(True, f"📅 {event_texts.button_label(_, event)}"),
                    callbacks.encode(NS, "evoff"),
                )
            ]
        )
        rows.append(
            [
                (
                    _mark(chosen.event_waiting, _("⏳ Include the waiting list")),
                    callbacks.encode(NS, "evw"),
                )
            ]
        )
    rows.append(
        [
            (
                _mark(bool(draft.get("urgent")), _("🚨 Urgent notice to staff")),
                callbacks.encode(NS, "urgent"),
            )
        ]
    )
    rows.append(
        [
            (_("Continue ›"), callbacks.encode(NS, "next")),
            (_("✖ Cancel"), callbacks.encode(NS, "abort")),
        ]
    )
    lines = [
        *notes,
        _("<b>Who should receive it?</b>"),
        audience_summary(_, context, reach, event),
        _("Recipients now: <b>{count}</b>", count=_.number(count)),
    ]
    if event is not None:
        lines.append(
            _(
                "Only people registered for this event receive it. Tap the event "
                "again to remove this choice."
            )
        )
    if draft.get("urgent"):
        lines.append(
            _(
                "Urgent notices go to staff only, also to those who turned "
                "announcements off. Use them for real emergencies."
            )
        )
    if not user.is_admin:
        lines.append(_("You can reach people of your own wards and communes only."))
    text = "\n".join(lines)
    markup = keyboards.inline(rows)
    if edit and update.callback_query is not None:
        try:
            # One picker, edited in place: pressing the only ticked group changes nothing,
            # and "not modified" is no reason to post a second picker.
            await edit_quietly(update.callback_query, text, markup)
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
        elif areas.group(value) is not None:
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
    elif action == "evoff":
        _drop_event(draft)
    elif action == "evw" and draft.get("event_id") is not None:
        draft["event_waiting"] = not draft.get("event_waiting")
    await _show_audience(update, context, edit=True)
    return AUDIENCE


# -- "only people registered for an event" --------------------------------------------------


async def _still_sender(update: Update, context: BotContext) -> bool:
    """Role re-checked on every press: someone demoted mid-way can no longer choose."""
    user = context.user
    if user is not None and user.is_staff and (user.is_admin or scope.units_of(user)):
        return True
    _ = context.translate
    await update.callback_query.answer(_("Only staff can send announcements."), show_alert=True)
    return False


async def show_events(update: Update, context: BotContext) -> int:
    """A page of the events the sender may address, with how many are registered."""
    query = update.callback_query
    if not await _still_sender(update, context):
        return ConversationHandler.END
    await query.answer()
    data = callbacks.decode(query.data)
    page = (data.int_arg(0) if data else None) or 0
    return await _show_event_page(update, context, page)


async def _show_event_page(update: Update, context: BotContext, page: int) -> int:
    _ = context.translate
    user = context.user
    found, has_next = await addressing.choices(
        context.db, user, context.now, page, keyboards.PAGE_SIZE
    )
    if not found and page > 0:  # the list shrank since: back to the first page
        page = 0
        found, has_next = await addressing.choices(
            context.db, user, context.now, page, keyboards.PAGE_SIZE
        )
    rows: list[list[tuple[str, str]]] = []
    for event in found:
        going = (await event_store.counts(context.db, event.id)).going
        label = (
            f"{KIND_ICONS.get(event.kind, '📅')} {event_texts.button_label(_, event)} "
            f"({_.number(going)})"
        )
        rows.append([(label, callbacks.encode(NS, "ev", event.id))])
    rows.append(keyboards.pager(NS, "evs", page, has_next, _("‹ Previous"), _("Next ›")))
    rows.append([(_("‹ Back"), callbacks.encode(NS, "evback"))])
    lines = [_("<b>Only people registered for an event</b>")]
    if found:
        lines.append(
            _(
                "Choose the event: upcoming ones and those of the past 7 days. The "
                "number is how many people have a place."
            )
        )
    else:
        lines.append(
            _(
                "There is no upcoming event (or one of the past 7 days) with "
                "registrations that you can choose."
            )
        )
    if not user.is_admin:
        lines.append(_("You see the events of your wards and communes and programme-wide ones."))
    await edit_quietly(update.callback_query, "\n".join(lines), reply_markup=keyboards.inline(rows))
    return EVENTS


async def choose_event(update: Update, context: BotContext) -> int:
    query = update.callback_query
    _ = context.translate
    if not await _still_sender(update, context):
        return ConversationHandler.END
    data = callbacks.decode(query.data)
    event = await addressing.find(
        context.db, context.user, data.int_arg(0) if data else None, context.now
    )
    if event is None:  # forged, another district's, cancelled or long past: change nothing
        await query.answer(
            _(
                "You cannot choose this event: it is outside your wards and communes, "
                "cancelled, or ended more than 7 days ago."
            ),
            show_alert=True,
        )
        return EVENTS
    await query.answer()
    draft = _draft(context)
    draft.update(event_id=event.id, event_waiting=False)
    if not draft.get("urgent"):
        # Registration is what matters now: whoever registered, parent or collaborator.
        draft["roles"] = list(audiences.ROLES)
    await _show_audience(update, context, edit=True)
    return AUDIENCE


async def events_back(update: Update, context: BotContext) -> int:
    await update.callback_query.answer()
    await _show_audience(update, context, edit=True)
    return AUDIENCE


async def _show_wards(update: Update, context: BotContext) -> int:
    _ = context.translate
    draft = _draft(context)
    wards = _offered_wards(context, draft)
    if not wards:
        await _show_audience(update, context, edit=True)
        return AUDIENCE
    chosen = set(draft.get("wards") or [])
    buttons = [
        (_mark(w.code in chosen, w.name(_.language)), callbacks.encode(NS, "ward", w.code))
        for w in wards
    ]
    rows = keyboards.columns(buttons, 3)
    rows.append(
        [
            (_mark(not chosen, _("All wards")), callbacks.encode(NS, "ward", "all")),
            (_("‹ Done"), callbacks.encode(NS, "wardsdone")),
        ]
    )
    await edit_quietly(
        update.callback_query,
        _("Choose one or more wards (or all):"),
        reply_markup=keyboards.inline(rows),
    )
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
    if code == "all":
        draft["wards"] = []
    elif code in {ward.code for ward in _offered_wards(context, draft)}:
        draft["wards"] = sorted(set(draft.get("wards") or []) ^ {code})
    return await _show_wards(update, context)


def _offered_wards(context: BotContext, draft: dict) -> list:
    """Administrators: the units of the one chosen group; staff: the units of their scope."""
    areas = context.services.areas
    districts = draft.get("districts") or []
    if context.user.is_admin:
        return areas.units_in(districts[0]) if len(districts) == 1 else []
    return [
        unit
        for unit in areas.programme_units()
        if scope.can_act_in_unit(context.user, unit.code, areas)
    ]


# -- preview and confirmation ----------------------------------------------------------------


async def show_preview(update: Update, context: BotContext) -> int:
    query = update.callback_query
    _ = context.translate
    draft = _draft(context)
    try:
        count = await _count(context, draft)
    except PermissionDenied:  # the event was cancelled or moved out of reach meanwhile
        await query.answer(
            _("The event you chose can no longer be used. Please choose the audience again."),
            show_alert=True,
        )
        await _show_audience(update, context, edit=True)
        return AUDIENCE
    if count == 0:
        await query.answer(
            _("Nobody matches this audience yet. Please choose other people or places."),
            show_alert=True,
        )
        return AUDIENCE
    await query.answer()
    content = _content(context, draft)
    chat_id = update.effective_chat.id
    await edit_quietly(query, _("Preview — exactly what recipients will see:"))
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
    reach, event = await _reach(context, draft)
    kind_line = _("🚨 Urgent notice to staff") if draft.get("urgent") else ""
    text = _(
        "It will go to <b>{count}</b> people: {audience}.\nSend it?",
        count=_.number(count),
        audience=audience_summary(_, context, reach, event),
    )
    if kind_line:
        text = f"{kind_line}\n{text}"
    await update.effective_chat.send_message(
        text,
        reply_markup=keyboards.inline(
            [
                [
                    (_("✅ Send now"), callbacks.encode(NS, "now")),
                    (_("🕒 Send later"), callbacks.encode(NS, "later")),
                ],
                [
                    (_("✏️ Change audience"), callbacks.encode(NS, "edit")),
                    (_("✖ Cancel"), callbacks.encode(NS, "abort")),
                ],
            ]
        ),
    )


async def change_audience(update: Update, context: BotContext) -> int:
    await update.callback_query.answer()
    await _show_audience(update, context, edit=True)
    return AUDIENCE


async def _enqueue(update: Update, context: BotContext, when: dt.datetime) -> int | None:
    user = context.user
    draft = _draft(context)
    try:
        reach, _event = await _reach(context, draft)  # re-checked: the event may be gone
    except PermissionDenied:
        return None
    return await delivery.enqueue(
        context.db,
        kind=_kind(draft),
        content=_content(context, draft),
        now=context.now,
        audience=reach,
        scheduled_at=when,
        created_by=user.telegram_id,
        district=audiences.scope_district(user),
        report_chat_id=update.effective_chat.id,
    )


async def send_now(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    _ = context.translate
    if not context.user.is_staff:
        await edit_quietly(query, _("Only staff can send announcements."))
        return ConversationHandler.END
    delivery_id = await _enqueue(update, context, context.now)
    context.user_data.pop(DRAFT, None)
    if delivery_id is None:
        await edit_quietly(query, _("You can reach people of your own wards and communes only."))
        return ConversationHandler.END
    await edit_quietly(
        query,
        _(
            "📣 Announcement #{number} is being sent. The progress appears below; you can pause "
            "or cancel it there.",
            number=delivery_id,
        ),
    )
    delivery.kick(context.application)
    return ConversationHandler.END


async def ask_when(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    _ = context.translate
    await edit_quietly(
        query,
        _(
            "When should it go out? Type the day and time (Ho Chi Minh City time), for example "
            "<code>{example}</code>.",
            example=_example_day(context),
        ),
    )
    return WHEN


def _example_day(context: BotContext) -> str:
    """Tomorrow at 8:00, as day/month: an example that is always in the future."""
    local = context.services.i18n(context.translate.language).local(
        context.now + dt.timedelta(days=1)
    )
    return local.strftime("%d/%m") + " 8:00"


async def enter_when(update: Update, context: BotContext) -> int:
    _ = context.translate
    now = context.now
    try:
        # The one date parser of the bot: what /newevent reads, a broadcast reads too.
        when = dates.parse_start(update.message.text, now, context.services.settings.timezone)
    except dates.DateError as error:
        await update.message.reply_text(event_texts.date_error(_, error.code))
        return WHEN
    if when <= now + dt.timedelta(minutes=1):
        await update.message.reply_text(
            _("That time has already passed. Please choose a time in the future.")
        )
        return WHEN
    if when > now + MAX_AHEAD:
        await update.message.reply_text(_("Please choose a time within the next 90 days."))
        return WHEN
    delivery_id = await _enqueue(update, context, when)
    context.user_data.pop(DRAFT, None)
    if delivery_id is None:
        await update.message.reply_text(
            _("You can reach people of your own wards and communes only.")
        )
        return ConversationHandler.END
    await update.message.reply_text(
        _(
            "🕒 Announcement #{number} is scheduled for {when}. The recipients are counted then, "
            "and you will see the progress here. /broadcasts lets you cancel it.",
            number=delivery_id,
            when=_.datetime(when),
        ),
        reply_markup=menu.keyboard(context.user.menu_role, _),
    )
    return ConversationHandler.END


async def abort(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    _ = context.translate
    context.user_data.pop(DRAFT, None)
    await edit_quietly(query, _("Cancelled. Nothing was sent."))
    return ConversationHandler.END


_hint = step_hints(
    {
        COMPOSE: N_(
            "Please send the announcement as a text, a photo or a document. "
            "Stickers, voice messages and videos cannot be sent to everyone."
        ),
        ENGLISH: N_("Please send the English text, or tap Skip."),
        AUDIENCE: N_("Please choose the recipients with the buttons above, then tap Continue."),
        WARDS: N_("Please choose wards with the buttons above, then tap Done."),
        EVENTS: N_("Please choose an event with the buttons above, or tap Back."),
        CONFIRM: N_("Please tap Send now, Send later, Change audience or Cancel above."),
        WHEN: N_("Please type the day and time, for example 1/6 8:00."),
    }
)


# -- global: progress controls and history ---------------------------------------------------


async def control(update: Update, context: BotContext) -> None:
    """⏸ Pause / ▶️ Resume / ✖ Cancel on a progress message or in /broadcasts."""
    query = update.callback_query
    _ = context.translate
    data = callbacks.decode(query.data)
    delivery_id = data.int_arg(0) if data else None
    found = await store.get(context.db, delivery_id) if delivery_id else None
    if data is None or data.action not in ("pause", "resume", "cancel") or found is None:
        await query.answer(_("This button is no longer active. Please use /menu."), show_alert=True)
        return
    if context.user is None or not delivery.may_control(context.user, found):
        await query.answer(_("Only the sender or an administrator can do this."), show_alert=True)
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
    rows = await store.history(context.db, scope.home_group(user), all_districts=user.is_admin)
    if not rows:
        await update.effective_message.reply_text(
            _("No announcements yet. /broadcast sends the first one.")
        )
        return
    lines, buttons = [_("<b>Latest announcements</b>")], []
    for row in rows:
        counts = (
            await store.counts(context.db, row.id)
            if row.is_open
            else store.Counts(
                row.total,
                row.total
                - row.sent_count
                - row.failed_count
                - row.blocked_count
                - row.skipped_count,
                row.sent_count,
                row.failed_count,
                row.blocked_count,
                row.skipped_count,
            )
        )
        entry = progress.history_line(_, row, counts)
        if row.audience:
            entry += "\n" + await _history_audience(context, Audience.from_json(row.audience))
        lines.append(entry)
        if row.is_open and delivery.may_control(user, row):
            buttons.append(
                (
                    _("✖ Cancel #{number}", number=row.id),
                    callbacks.encode(progress.NS, "cancel", row.id),
                )
            )
    await update.effective_message.reply_text(
        join_within(lines, TEXT_LIMIT, "\n\n"),  # audiences with wards and events are long
        reply_markup=keyboards.inline(keyboards.columns(buttons, 2)) if buttons else None,
    )


async def _history_audience(context: BotContext, audience: Audience) -> str:
    _ = context.translate
    event = (
        await event_store.get(context.db, audience.event_id)
        if audience.event_id is not None
        else None
    )
    return _("To: {audience}", audience=audience_summary(_, context, audience, event))


def build_conversation(application: Application) -> ConversationHandler:
    i18n = application.services.i18n
    text = free_text(i18n)
    other = anything_else(i18n)
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
                MessageHandler(other, _hint(COMPOSE)),
            ],
            ENGLISH: [
                MessageHandler(text, english_text),
                CallbackQueryHandler(skip_english, pattern=button("skipen")),
                MessageHandler(other, _hint(ENGLISH)),
            ],
            AUDIENCE: [
                CallbackQueryHandler(show_preview, pattern=button("next")),
                CallbackQueryHandler(abort, pattern=button("abort")),
                CallbackQueryHandler(show_events, pattern=button("evs")),
                CallbackQueryHandler(
                    audience_button,
                    pattern=button("role", "dist", "lang", "urgent", "wards", "evoff", "evw"),
                ),
                MessageHandler(other, _hint(AUDIENCE)),
            ],
            EVENTS: [
                CallbackQueryHandler(show_events, pattern=button("evs")),
                CallbackQueryHandler(choose_event, pattern=button("ev")),
                CallbackQueryHandler(events_back, pattern=button("evback")),
                MessageHandler(other, _hint(EVENTS)),
            ],
            WARDS: [
                CallbackQueryHandler(ward_button, pattern=button("ward", "wardsdone")),
                MessageHandler(other, _hint(WARDS)),
            ],
            CONFIRM: [
                CallbackQueryHandler(send_now, pattern=button("now")),
                CallbackQueryHandler(ask_when, pattern=button("later")),
                CallbackQueryHandler(change_audience, pattern=button("edit")),
                CallbackQueryHandler(abort, pattern=button("abort")),
                MessageHandler(other, _hint(CONFIRM)),
            ],
            WHEN: [
                MessageHandler(text, enter_when),
                MessageHandler(other, _hint(WHEN)),
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
