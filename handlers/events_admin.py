"""Staff manage events: create (guided), edit, cancel, figures and CSV; admins import files.

/newevent or ➕ New event:
  title → kind → start ("8h30 1/6", confirmed with the weekday) → end ("11h") → place →
  district (administrators; staff get their own) → audience (several) → places and the
  registration deadline (club and training) → reminders (several) → description → summary
  → Save
On an event's card (handlers/events.py): ✏️ Edit (title, time, place, places, description),
❌ Cancel event (confirmed), 📋 Registrations (.csv), ✅ Take attendance
(handlers/events_attendance.py).
An administrator who sends a .json or .csv calendar file to the bot imports it.
"""

from __future__ import annotations

import datetime as dt
import logging

from telegram import InputFile, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import callbacks, delivery, keyboards, menu, scope
from bot.context import BotContext
from bot.conversations import ExclusiveConversation
from bot.crypto import cipher_for
from bot.events import dates, service, texts
from bot.events.model import AUDIENCES, KIND_ICONS, KINDS
from bot.guards import NotApplicable, PermissionDenied
from bot.i18n import N_, Translator
from bot.messaging import edit_buttons_quietly, edit_quietly
from bot.text import whole_number
from handlers import events_attendance
from handlers.common import anything_else, free_text, leave_handlers, step_hints
from storage import attendance as attendance_store
from storage import audit
from storage import events as store
from storage import reminders as reminder_store
from storage.models import Event

log = logging.getLogger(__name__)

NS = "eva"
TITLE, KIND, START, END, PLACE, DISTRICT, AUDIENCE, CAPACITY, DESCRIPTION, CONFIRM = range(10)
EDIT_FIELD, EDIT_VALUE, EDIT_START, EDIT_END = range(10, 14)
DEADLINE, REMINDERS = range(14, 16)
# Reminder choices of /newevent, in minutes before the start (the default is ticked).
REMINDER_CHOICES: dict[int, str] = {
    7 * 24 * 60: N_("7 days before"),
    3 * 24 * 60: N_("3 days before"),
    24 * 60: N_("1 day before"),
    2 * 60: N_("2 hours before"),
    60: N_("1 hour before"),
}
DEADLINE_CHOICES: dict[str, int | None] = {"start": None, "1d": 24 * 60, "2d": 2 * 24 * 60}
DRAFT = "event_draft"
EDIT = "event_edit"
SKIP = filters.Regex(r"(?i)^\s*(skip|bỏ qua|bo qua|không|khong)\s*$")
IMPORT_FILE = filters.Document.FileExtension("json") | filters.Document.FileExtension("csv")


def may_manage(user, event: Event) -> bool:
    try:
        service.check_may_manage(user, event.district, event.ward)
    except PermissionDenied:
        return False
    return True


def manage_buttons(_: Translator, event: Event) -> list[list[tuple[str, str]]]:
    rows = [[(_("📋 Registrations (.csv)"), callbacks.encode(NS, "csv", event.id))]]
    if event.is_active and event.takes_registrations:
        rows.insert(0, [events_attendance.open_button(_, event)])
    if event.is_active:
        rows.append(
            [
                (_("✏️ Edit"), callbacks.encode(NS, "edit", event.id)),
                (_("❌ Cancel event"), callbacks.encode(NS, "cancel", event.id)),
            ]
        )
    return rows


# -- create ------------------------------------------------------------------------------------
async def new_event(update: Update, context: BotContext) -> int | None:
    _ = context.translate
    if update.callback_query:
        await update.callback_query.answer()
    if not context.user.is_staff:
        await update.effective_message.reply_text(_("Only staff can create events."))
        return ConversationHandler.END
    context.user_data[DRAFT] = {}
    await update.effective_message.reply_text(
        _("➕ <b>New event</b>\nWhat is its title? (for example: Children's club summer day)")
    )
    return TITLE


async def enter_title(update: Update, context: BotContext) -> int:
    _ = context.translate
    title = " ".join(update.message.text.split())
    if not 3 <= len(title) <= service.TITLE_MAX:
        await update.message.reply_text(
            _(
                "Please type an event name of 3 to {max} characters.",
                max=_.number(service.TITLE_MAX),
            )
        )
        return TITLE
    context.user_data[DRAFT]["title"] = title
    buttons = [
        (f"{KIND_ICONS[key]} {_(name)}", callbacks.encode(NS, "kind", key))
        for key, name in KINDS.items()
    ]
    await update.message.reply_text(
        _("What kind of event is it?"), reply_markup=keyboards.inline(keyboards.columns(buttons, 2))
    )
    return KIND


async def choose_kind(update: Update, context: BotContext) -> int:
    _ = context.translate
    query = update.callback_query
    await query.answer()
    data = callbacks.decode(query.data)
    kind = data.arg(0) if data else None
    if kind not in KINDS:
        await query.message.reply_text(_("That button is no longer valid. Please choose again."))
        return KIND
    context.user_data[DRAFT]["kind"] = kind
    await edit_quietly(query, _("Kind: {kind}", kind=_(KINDS[kind])))
    await query.message.reply_text(
        _(
            "When does it start? Type the date and time, for example: <b>8h30 1/6</b> or "
            "<b>1/6 8:00</b>."
        )
    )
    return START


async def enter_start(update: Update, context: BotContext) -> int:
    _ = context.translate
    timezone = context.services.settings.timezone
    try:
        start = dates.parse_start(update.message.text, context.now, timezone)
    except dates.DateError as error:
        await update.message.reply_text(texts.date_error(_, error.code))
        return START
    context.user_data[DRAFT]["starts_at"] = start.isoformat()
    await update.message.reply_text(
        _(
            "Start: <b>{when}</b>\nWhen does it end? For example: <b>11h</b> (same day) or "
            "<b>17h 3/6</b>.",
            when=texts.moment(_, start),
        )
    )
    return END


async def enter_end(update: Update, context: BotContext) -> int:
    _ = context.translate
    start = dt.datetime.fromisoformat(context.user_data[DRAFT]["starts_at"])
    try:
        end = dates.parse_end(update.message.text, start, context.services.settings.timezone)
    except dates.DateError as error:
        await update.message.reply_text(texts.date_error(_, error.code, start))
        return END
    context.user_data[DRAFT]["ends_at"] = end.isoformat()
    await update.message.reply_text(
        _(
            "End: <b>{when}</b>\nWhere does it take place? (address or place; “skip” if not "
            "decided yet)",
            when=texts.moment(_, end),
        )
    )
    return PLACE


async def enter_place(update: Update, context: BotContext) -> int:
    _ = context.translate
    place = "" if SKIP.check_update(update) else " ".join(update.message.text.split())
    if len(place) > service.PLACE_MAX:
        await update.message.reply_text(
            _("Please keep the place under {max} characters.", max=_.number(service.PLACE_MAX))
        )
        return PLACE
    context.user_data[DRAFT]["place"] = place
    if context.user.is_admin:
        language = _.language
        buttons = [[(_("🌐 Whole programme"), callbacks.encode(NS, "district", "ALL"))]] + [
            [(d.name(language), callbacks.encode(NS, "district", d.code))]
            for d in context.services.areas.groups()
        ]
        await update.message.reply_text(
            _("Which area is it for?"), reply_markup=keyboards.inline(buttons)
        )
        return DISTRICT
    # Staff: an event of their programme area, or of their one unit if that is all they cover.
    units = scope.units_of(context.user) or frozenset()
    group = scope.home_group(context.user)
    context.user_data[DRAFT]["district"] = group
    if group is not None and not scope.can_act_in_group(context.user, group) and len(units) == 1:
        context.user_data[DRAFT]["ward"] = next(iter(units))
    return await _ask_audience(update, context)


async def choose_district(update: Update, context: BotContext) -> int:
    _ = context.translate
    query = update.callback_query
    await query.answer()
    data = callbacks.decode(query.data)
    code = data.arg(0) if data else None
    if code != "ALL" and context.services.areas.group(code) is None:
        await query.message.reply_text(_("That button is no longer valid. Please choose again."))
        return DISTRICT
    context.user_data[DRAFT]["district"] = None if code == "ALL" else code
    await edit_quietly(
        query,
        _(
            "Area: {area}",
            area=(
                _("whole programme (the former District 8 and Binh Chanh areas)")
                if code == "ALL"
                else context.services.areas.group_name(code, _.language)
            ),
        ),
    )
    return await _ask_audience(update, context)


def _audience_keyboard(_: Translator, chosen: list[str]):
    buttons = [
        (("✅ " if key in chosen else "▫️ ") + _(name), callbacks.encode(NS, "aud", key))
        for key, name in AUDIENCES.items()
    ]
    rows = keyboards.columns(buttons, 2)
    rows.append([(_("Done ›"), callbacks.encode(NS, "audok"))])
    return keyboards.inline(rows)


async def _ask_audience(update: Update, context: BotContext) -> int:
    _ = context.translate
    chosen = context.user_data[DRAFT].setdefault("audience", [])
    await update.effective_message.reply_text(
        _("Who is it for? Tap one or more, then “Done”."),
        reply_markup=_audience_keyboard(_, chosen),
    )
    return AUDIENCE


async def toggle_audience(update: Update, context: BotContext) -> int:
    _ = context.translate
    query = update.callback_query
    data = callbacks.decode(query.data)
    key = data.arg(0) if data else None
    chosen = context.user_data[DRAFT].setdefault("audience", [])
    if key not in AUDIENCES:
        await query.answer(_("That button is no longer valid. Please choose again."))
        return AUDIENCE
    await query.answer()
    if key in chosen:
        chosen.remove(key)
    else:
        chosen.append(key)
    await edit_buttons_quietly(query, _audience_keyboard(_, chosen))
    return AUDIENCE


async def audience_done(update: Update, context: BotContext) -> int:
    _ = context.translate
    query = update.callback_query
    draft = context.user_data[DRAFT]
    if not draft.get("audience"):
        await query.answer(_("Please choose at least one group."), show_alert=True)
        return AUDIENCE
    await query.answer()
    await edit_quietly(
        query,
        _(
            "For: {audience}",
            audience=", ".join(_(AUDIENCES[key]) for key in AUDIENCES if key in draft["audience"]),
        ),
    )
    if draft["kind"] in ("club", "training"):
        await query.message.reply_text(
            _("How many places are there? Type a number, or “skip” if there is no limit.")
        )
        return CAPACITY
    return await _ask_reminders(update, context)


def _ask_description(_: Translator) -> str:
    return _("A short description (what, for whom, what to bring)? Or “skip”.")


async def enter_capacity(update: Update, context: BotContext) -> int:
    _ = context.translate
    text = update.message.text.strip()
    if SKIP.check_update(update):
        capacity = None
    elif 1 <= (whole_number(text) or 0) <= service.CAPACITY_MAX:
        capacity = whole_number(text)
    else:
        await update.message.reply_text(
            _(
                "Please type a whole number of places (1 to {max}), or “skip”.",
                max=_.number(service.CAPACITY_MAX),
            )
        )
        return CAPACITY
    context.user_data[DRAFT]["capacity"] = capacity
    await update.message.reply_text(
        _(
            "Until when can people register? Tap a choice, or type a day and time, for "
            "example: <b>{example}</b>.",
            example=_deadline_example(context),
        ),
        reply_markup=keyboards.inline(
            [
                [(_("Until it starts"), callbacks.encode(NS, "dl", "start"))],
                [
                    (_("1 day before"), callbacks.encode(NS, "dl", "1d")),
                    (_("2 days before"), callbacks.encode(NS, "dl", "2d")),
                ],
            ]
        ),
    )
    return DEADLINE


def _draft_start(context: BotContext) -> dt.datetime:
    return dt.datetime.fromisoformat(context.user_data[DRAFT]["starts_at"])


def _deadline_example(context: BotContext) -> str:
    """A day before the start, at 17:00, as day/month: always a sensible example."""
    day = context.translate.local(_draft_start(context) - dt.timedelta(days=1))
    return f"17h {day:%d/%m}"


async def choose_deadline(update: Update, context: BotContext) -> int:
    _ = context.translate
    query = update.callback_query
    data = callbacks.decode(query.data)
    key = data.arg(0) if data else None
    if key not in DEADLINE_CHOICES:
        await query.answer(_("That button is no longer valid. Please choose again."))
        return DEADLINE
    await query.answer()
    minutes = DEADLINE_CHOICES[key]
    deadline = None if minutes is None else _draft_start(context) - dt.timedelta(minutes=minutes)
    if deadline is not None and deadline <= context.now:
        deadline = None  # too close to the start for that: registration stays open until then
    return await _set_deadline(update, context, deadline)


async def enter_deadline(update: Update, context: BotContext) -> int:
    _ = context.translate
    timezone = context.services.settings.timezone
    start = _draft_start(context)
    try:
        moment = dates.parse(update.message.text, dates.local_today(context.now, timezone))
    except dates.DateError as error:
        await update.message.reply_text(texts.date_error(_, error.code))
        return DEADLINE
    day = moment.date or start.astimezone(timezone).date()
    deadline = dates.combine(day, moment.time or dt.time(23, 59), timezone)
    if deadline <= context.now:
        await update.message.reply_text(texts.date_error(_, "past"))
        return DEADLINE
    if deadline > start:
        await update.message.reply_text(
            _(
                "Registration must close before the event starts ({start}). Please type "
                "another day or time.",
                start=texts.moment(_, start),
            )
        )
        return DEADLINE
    return await _set_deadline(update, context, deadline)


async def _set_deadline(update: Update, context: BotContext, deadline: dt.datetime | None):
    _ = context.translate
    context.user_data[DRAFT]["registration_deadline"] = deadline.isoformat() if deadline else None
    return await _ask_reminders(
        update,
        context,
        _("Registration: until it starts.")
        if deadline is None
        else _("Registration closes: <b>{when}</b>", when=texts.moment(_, deadline)),
    )


def _reminder_keyboard(_: Translator, chosen: list[int]):
    buttons = [
        (("✅ " if minutes in chosen else "▫️ ") + _(label), callbacks.encode(NS, "rem", minutes))
        for minutes, label in REMINDER_CHOICES.items()
    ]
    rows = keyboards.columns(buttons, 2)
    rows.append([(_("Done ›"), callbacks.encode(NS, "remok"))])
    return keyboards.inline(rows)


async def _ask_reminders(update: Update, context: BotContext, done: str = "") -> int:
    _ = context.translate
    chosen = context.user_data[DRAFT].setdefault("reminders", list(service.DEFAULT_REMINDERS))
    question = _(
        "When should the bot remind people? Tap to change, then “Done” (none is fine too)."
    )
    await update.effective_message.reply_text(
        f"{done}\n{question}" if done else question, reply_markup=_reminder_keyboard(_, chosen)
    )
    return REMINDERS


async def toggle_reminder(update: Update, context: BotContext) -> int:
    _ = context.translate
    query = update.callback_query
    data = callbacks.decode(query.data)
    minutes = data.int_arg(0) if data else None
    if minutes not in REMINDER_CHOICES:
        await query.answer(_("That button is no longer valid. Please choose again."))
        return REMINDERS
    await query.answer()
    chosen = context.user_data[DRAFT].setdefault("reminders", [])
    if minutes in chosen:
        chosen.remove(minutes)
    else:
        chosen.append(minutes)
    await edit_buttons_quietly(query, _reminder_keyboard(_, chosen))
    return REMINDERS


def reminder_choice_text(_: Translator, chosen: list[int]) -> str:
    if not chosen:
        return _("Reminders: none.")
    labels = [_(REMINDER_CHOICES[m]) for m in sorted(chosen, reverse=True) if m in REMINDER_CHOICES]
    # Inside a sentence: "Nhắc lịch: trước 3 ngày, trước 1 ngày" (the buttons are capitalised).
    return _(
        "Reminders: {choices}.",
        choices=", ".join(label[:1].lower() + label[1:] for label in labels),
    )


async def reminders_done(update: Update, context: BotContext) -> int:
    _ = context.translate
    query = update.callback_query
    await query.answer()
    chosen = context.user_data[DRAFT].get("reminders") or []
    await edit_quietly(query, reminder_choice_text(_, chosen))
    await query.message.reply_text(_ask_description(_))
    return DESCRIPTION


async def enter_description(update: Update, context: BotContext) -> int:
    _ = context.translate
    description = "" if SKIP.check_update(update) else update.message.text.strip()
    if len(description) > service.DESCRIPTION_MAX:
        await update.message.reply_text(
            _(
                "Please keep the description under {max} characters.",
                max=_.number(service.DESCRIPTION_MAX),
            )
        )
        return DESCRIPTION
    context.user_data[DRAFT]["description"] = description
    draft = _draft_from(context.user_data[DRAFT])
    preview = _preview(draft)
    reminders = reminder_choice_text(_, list(draft.reminder_offsets))
    await update.message.reply_text(
        _("Please check:")
        + "\n\n"
        + texts.card(_, preview, context.services.areas, context.now)
        + "\n\n"
        + reminders,
        reply_markup=keyboards.inline(
            [
                [
                    (_("✅ Save"), callbacks.encode(NS, "save")),
                    (_("✖️ Discard"), callbacks.encode(NS, "discard")),
                ]
            ]
        ),
    )
    return CONFIRM


def _draft_from(data: dict) -> service.Draft:
    return service.Draft(
        title=data["title"],
        kind=data["kind"],
        starts_at=dt.datetime.fromisoformat(data["starts_at"]),
        ends_at=dt.datetime.fromisoformat(data["ends_at"]),
        audience=frozenset(data["audience"]),
        description=data.get("description", ""),
        place=data.get("place", ""),
        district=data.get("district"),
        ward=data.get("ward"),
        capacity=data.get("capacity"),
        registration_deadline=(
            dt.datetime.fromisoformat(data["registration_deadline"])
            if data.get("registration_deadline")
            else None
        ),
        reminder_offsets=tuple(
            sorted(set(data.get("reminders", service.DEFAULT_REMINDERS)), reverse=True)
        ),
    )


def _preview(draft: service.Draft) -> Event:
    return Event(
        id=0,
        sequence=0,
        status="active",
        ward=draft.ward,
        registration_deadline=draft.registration_deadline,
        all_day=False,
        recurrence="none",
        countdown_days=(),
        reminder_offsets=draft.reminder_offsets,
        title=draft.title,
        description=draft.description,
        kind=draft.kind,
        starts_at=draft.starts_at,
        ends_at=draft.ends_at,
        place=draft.place,
        district=draft.district,
        audience=draft.audience,
        capacity=draft.capacity,
    )


async def save(update: Update, context: BotContext) -> int:
    _ = context.translate
    query = update.callback_query
    await query.answer()
    data = context.user_data.pop(DRAFT, None)
    if not data or "audience" not in data:
        await query.message.reply_text(
            _("This draft is no longer there. Start again with /newevent.")
        )
        return ConversationHandler.END
    draft = _draft_from(data)
    settings = context.services.settings
    try:
        event_id = await service.create(
            context.db, context.user, draft, context.now, settings.timezone, context.services.areas
        )
    except PermissionDenied:
        await query.message.reply_text(
            _("You can create events only for your own wards and communes.")
        )
        return ConversationHandler.END
    except ValueError:
        await query.message.reply_text(
            _("The start has passed in the meantime. Please start again with /newevent.")
        )
        return ConversationHandler.END
    await edit_buttons_quietly(query, None)
    await query.message.reply_text(
        _("✅ Saved. People will see it in /events.")
        + "\n"
        + await reminder_summary(context, event_id),
        reply_markup=menu.keyboard(context.user.menu_role, _),
    )
    return ConversationHandler.END


async def reminder_summary(context: BotContext, event_id: int) -> str:
    _ = context.translate
    pending = await reminder_store.for_event(context.db, event_id, "pending")
    if not pending:
        return _("No reminder is planned (the event is too close or has none).")
    return _(
        "Reminders: {times}", times="; ".join(texts.moment(_, item.due_at) for item in pending)
    )


async def discard(update: Update, context: BotContext) -> int:
    _ = context.translate
    await update.callback_query.answer()
    context.user_data.pop(DRAFT, None)
    await edit_quietly(update.callback_query, _("Discarded. Nothing was saved."))
    return ConversationHandler.END


# -- edit ----------------------------------------------------------------------------------------
EDIT_FIELDS = {
    "title": "✏️",
    "time": "🕗",
    "place": "📍",
    "capacity": "🎟",
    "description": "📝",
}


async def _managed_event(update: Update, context: BotContext) -> Event | None:
    data = callbacks.decode(update.callback_query.data)
    event_id = data.int_arg(0) if data else None
    event = await store.get(context.db, event_id) if event_id is not None else None
    if event is None or not may_manage(context.user, event):
        _ = context.translate
        await update.callback_query.answer(
            _("You cannot change this event (it is outside your area or no longer exists)."),
            show_alert=True,
        )
        return None
    return event


async def start_edit(update: Update, context: BotContext) -> int | None:
    _ = context.translate
    event = await _managed_event(update, context)
    if event is None:
        return ConversationHandler.END
    if not event.is_active:
        await update.callback_query.answer(_("This event is cancelled."), show_alert=True)
        return ConversationHandler.END
    await update.callback_query.answer()
    context.user_data[EDIT] = {"id": event.id}
    names = {
        "title": _("Title"),
        "time": _("Time"),
        "place": _("Place"),
        "capacity": _("Places"),
        "description": _("Description"),
    }
    buttons = [
        (f"{icon} {names[key]}", callbacks.encode(NS, "field", key))
        for key, icon in EDIT_FIELDS.items()
    ]
    await update.callback_query.message.reply_text(
        _("What do you want to change in “{title}”?", title=event.title),
        reply_markup=keyboards.inline(keyboards.columns(buttons, 2)),
    )
    return EDIT_FIELD


async def choose_field(update: Update, context: BotContext) -> int:
    _ = context.translate
    query = update.callback_query
    await query.answer()
    data = callbacks.decode(query.data)
    field = data.arg(0) if data else None
    if field not in EDIT_FIELDS or EDIT not in context.user_data:
        await query.message.reply_text(_("That button is no longer valid. Please choose again."))
        return EDIT_FIELD
    context.user_data[EDIT]["field"] = field
    if field == "time":
        await query.message.reply_text(
            _("New start? For example: <b>8h30 1/6</b>. Registered people will be told.")
        )
        return EDIT_START
    prompts = {
        "title": _("New title?"),
        "place": _("New place?"),
        "capacity": _("How many places? A number, or “skip” for no limit."),
        "description": _("New description?"),
    }
    await query.message.reply_text(prompts[field])
    return EDIT_VALUE


async def enter_value(update: Update, context: BotContext) -> int:
    _ = context.translate
    edit = context.user_data.get(EDIT) or {}
    field, text = edit.get("field"), update.message.text.strip()
    if field == "capacity":
        if SKIP.check_update(update):
            changes = {"capacity": None}
        elif 1 <= (whole_number(text) or 0) <= service.CAPACITY_MAX:
            changes = {"capacity": whole_number(text)}
        else:
            await update.message.reply_text(
                _(
                    "Please type a whole number of places (1 to {max}), or “skip”.",
                    max=_.number(service.CAPACITY_MAX),
                )
            )
            return EDIT_VALUE
    elif field == "title":
        if not 3 <= len(text) <= service.TITLE_MAX:
            await update.message.reply_text(
                _(
                    "Please type an event name of 3 to {max} characters.",
                    max=_.number(service.TITLE_MAX),
                )
            )
            return EDIT_VALUE
        changes = {"title": " ".join(text.split())}
    elif field in ("place", "description"):
        limit = service.PLACE_MAX if field == "place" else service.DESCRIPTION_MAX
        if len(text) > limit:
            await update.message.reply_text(
                _("That is too long (at most {max} characters).", max=limit)
            )
            return EDIT_VALUE
        changes = {field: text}
    else:
        return ConversationHandler.END
    return await _apply(update, context, edit.get("id"), changes)


async def enter_new_start(update: Update, context: BotContext) -> int:
    _ = context.translate
    try:
        start = dates.parse_start(
            update.message.text, context.now, context.services.settings.timezone
        )
    except dates.DateError as error:
        await update.message.reply_text(texts.date_error(_, error.code))
        return EDIT_START
    context.user_data[EDIT]["starts_at"] = start.isoformat()
    await update.message.reply_text(
        _(
            "Start: <b>{when}</b>\nAnd the end? For example: <b>11h</b>.",
            when=texts.moment(_, start),
        )
    )
    return EDIT_END


async def enter_new_end(update: Update, context: BotContext) -> int:
    _ = context.translate
    edit = context.user_data.get(EDIT) or {}
    start = dt.datetime.fromisoformat(edit["starts_at"])
    try:
        end = dates.parse_end(update.message.text, start, context.services.settings.timezone)
    except dates.DateError as error:
        await update.message.reply_text(texts.date_error(_, error.code, start))
        return EDIT_END
    return await _apply(update, context, edit.get("id"), {"starts_at": start, "ends_at": end})


async def _apply(update: Update, context: BotContext, event_id: int | None, changes: dict) -> int:
    _ = context.translate
    context.user_data.pop(EDIT, None)
    settings = context.services.settings
    try:
        change = await service.update(
            context.db,
            context.user,
            event_id,
            context.now,
            settings.timezone,
            context.services.areas,
            **changes,
        )
    except (PermissionDenied, NotApplicable):
        await update.message.reply_text(_("You cannot change this event any more."))
        return ConversationHandler.END
    except ValueError:
        await update.message.reply_text(
            _("That change is not possible (the time has passed or the end is before the start).")
        )
        return ConversationHandler.END
    text = _("✅ Updated.")
    if change.moved:
        if await service.notify_change(context.db, context.services.i18n, change, context.now):
            delivery.kick(context.application)
            text += " " + _("Registered people are being told about the new time.")
        text += "\n" + await reminder_summary(context, change.after.id)
    await update.message.reply_text(text, reply_markup=menu.keyboard(context.user.menu_role, _))
    from handlers.events import tell_promoted

    await tell_promoted(context, change.after.id, change.promoted)
    return ConversationHandler.END


# -- cancel, figures, CSV ----------------------------------------------------------------------
async def ask_cancel(update: Update, context: BotContext) -> None:
    _ = context.translate
    event = await _managed_event(update, context)
    if event is None:
        return
    await update.callback_query.answer()
    counts = await store.counts(context.db, event.id)
    await update.callback_query.message.reply_text(
        _(
            "Cancel “{title}”? The {count} registered people will be told.",
            title=event.title,
            count=counts.going + counts.waiting,
        ),
        reply_markup=keyboards.inline(
            [
                [
                    (_("❌ Yes, cancel it"), callbacks.encode(NS, "cancelok", event.id)),
                    (_("‹ No, keep it"), callbacks.encode(NS, "keep", event.id)),
                ]
            ]
        ),
    )


async def confirm_cancel(update: Update, context: BotContext) -> None:
    _ = context.translate
    query = update.callback_query
    event = await _managed_event(update, context)
    if event is None:
        return
    try:
        cancelled = await service.cancel(context.db, context.user, event.id, context.now)
    except NotApplicable:
        await query.answer(_("This event is already cancelled."), show_alert=True)
        return
    await query.answer()
    queued = await service.notify_cancelled(
        context.db, context.services.i18n, cancelled, context.now
    )
    if queued:
        delivery.kick(context.application)
    await edit_quietly(
        query,
        _("❌ “{title}” is cancelled. Its reminders are stopped.", title=event.title)
        + (" " + _("Registered people are being told.") if queued else ""),
    )


async def keep(update: Update, context: BotContext) -> None:
    _ = context.translate
    await update.callback_query.answer()
    await edit_quietly(update.callback_query, _("Nothing changed."))


async def export_csv(update: Update, context: BotContext) -> None:
    _ = context.translate
    query = update.callback_query
    event = await _managed_event(update, context)
    if event is None:
        return
    await query.answer()
    rows = await store.registration_rows(context.db, event.id)
    counts = await store.counts(context.db, event.id)
    from bot.events import export  # on first use: few processes ever export

    data = export.registrations_csv(rows, context.services.areas, _, cipher_for(context.services))
    await audit.record(
        context.db,
        context.user.telegram_id,
        "event_registrations_exported",
        "event",
        event.id,
        context.now,
        rows=len(rows),
    )
    caption = _(
        "{title}\nRegistered: {going} · waiting: {waiting} · not going: {declined}",
        title=event.title,
        going=counts.going,
        waiting=counts.waiting,
        declined=counts.declined,
    )
    if event.has_started(context.now):
        caption += " · " + _(
            "attended: {count}", count=await attendance_store.count(context.db, event.id)
        )
    await query.message.reply_document(
        InputFile(data, filename=export.file_name(event.id)), caption=caption
    )


# -- import (administrators) -----------------------------------------------------------------------
async def import_document(update: Update, context: BotContext) -> None:
    _ = context.translate
    document = update.message.document
    if not context.user.is_admin:
        await update.message.reply_text(
            _("Only administrators can import a calendar file. To add an event, use /newevent.")
        )
        return
    from bot.events import calendar_file  # on first use: imports are rare

    if document.file_size and document.file_size > calendar_file.MAX_BYTES:
        await update.message.reply_text(
            _(calendar_file.PROBLEMS["too_big"], max_rows=calendar_file.MAX_ROWS)
        )
        return
    data = bytes(await (await document.get_file()).download_as_bytearray())
    settings = context.services.settings
    result, errors = await calendar_file.import_file(
        context.db,
        context.services.i18n,
        context.user,
        data,
        document.file_name or "",
        context.now,
        settings.timezone,
        context.services.areas,
    )
    if errors:
        lines = [_("❌ Nothing was imported. Please fix these rows and send the file again:")]
        lines += calendar_file.error_lines(_, errors)
        await update.message.reply_text(_truncate("\n".join(lines)))
        return
    delivery.kick(context.application)
    await update.message.reply_text(
        _(
            "✅ Calendar imported: {created} new, {updated} updated. See /events.",
            created=result.created,
            updated=result.updated,
        )
    )


def _truncate(text: str, limit: int = 4000) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


_hint = step_hints(
    {
        TITLE: N_("Please type the event's title."),
        KIND: N_("Please choose the kind with the buttons above."),
        START: N_("Please type the start, for example: 8h30 1/6."),
        END: N_("Please type the end, for example: 11h."),
        PLACE: N_("Please type the place, or “skip”."),
        DISTRICT: N_("Please choose the area with the buttons above."),
        AUDIENCE: N_("Please tap the groups above, then “Done”."),
        CAPACITY: N_("Please type a number of places, or “skip”."),
        DESCRIPTION: N_("Please type a short description, or “skip”."),
        CONFIRM: N_("Please tap “Save” or “Discard” above."),
        DEADLINE: N_("Please tap a choice above, or type a day and time, for example: 17h 31/5."),
        REMINDERS: N_("Please tap the reminders above, then “Done”."),
        EDIT_FIELD: N_("Please choose what to change with the buttons above."),
        EDIT_VALUE: N_("Please type the new value."),
        EDIT_START: N_("Please type the new start, for example: 8h30 1/6."),
        EDIT_END: N_("Please type the new end, for example: 11h."),
    }
)


def build_conversation(application: Application) -> ConversationHandler:
    i18n = application.services.i18n
    text = free_text(i18n)
    other = anything_else(i18n)

    def step(state: int, *handlers) -> list:
        return [*handlers, MessageHandler(other, _hint(state))]

    return ExclusiveConversation(
        name="events_admin",
        persistent=True,
        entry_points=[
            CommandHandler("newevent", new_event),
            CallbackQueryHandler(new_event, pattern=rf"^{NS}:new$"),
            CallbackQueryHandler(start_edit, pattern=rf"^{NS}:edit:"),
        ],
        states={
            TITLE: step(TITLE, MessageHandler(text, enter_title)),
            KIND: step(KIND, CallbackQueryHandler(choose_kind, pattern=rf"^{NS}:kind:")),
            START: step(START, MessageHandler(text, enter_start)),
            END: step(END, MessageHandler(text, enter_end)),
            PLACE: step(PLACE, MessageHandler(text, enter_place)),
            DISTRICT: step(
                DISTRICT, CallbackQueryHandler(choose_district, pattern=rf"^{NS}:district:")
            ),
            AUDIENCE: step(
                AUDIENCE,
                CallbackQueryHandler(toggle_audience, pattern=rf"^{NS}:aud:"),
                CallbackQueryHandler(audience_done, pattern=rf"^{NS}:audok$"),
            ),
            CAPACITY: step(CAPACITY, MessageHandler(text, enter_capacity)),
            DEADLINE: step(
                DEADLINE,
                MessageHandler(text, enter_deadline),
                CallbackQueryHandler(choose_deadline, pattern=rf"^{NS}:dl:"),
            ),
            REMINDERS: step(
                REMINDERS,
                CallbackQueryHandler(toggle_reminder, pattern=rf"^{NS}:rem:"),
                CallbackQueryHandler(reminders_done, pattern=rf"^{NS}:remok$"),
            ),
            DESCRIPTION: step(DESCRIPTION, MessageHandler(text, enter_description)),
            CONFIRM: step(
                CONFIRM,
                CallbackQueryHandler(save, pattern=rf"^{NS}:save$"),
                CallbackQueryHandler(discard, pattern=rf"^{NS}:discard$"),
            ),
            EDIT_FIELD: step(
                EDIT_FIELD, CallbackQueryHandler(choose_field, pattern=rf"^{NS}:field:")
            ),
            EDIT_VALUE: step(EDIT_VALUE, MessageHandler(text, enter_value)),
            EDIT_START: step(EDIT_START, MessageHandler(text, enter_new_start)),
            EDIT_END: step(EDIT_END, MessageHandler(text, enter_new_end)),
        },
        fallbacks=leave_handlers(i18n),
    )


def register(application: Application) -> None:
    """The conversation (section 2) plus the buttons and the import (section 3)."""
    application.add_handler(build_conversation(application))
    application.add_handler(CallbackQueryHandler(ask_cancel, pattern=rf"^{NS}:cancel:"))
    application.add_handler(CallbackQueryHandler(confirm_cancel, pattern=rf"^{NS}:cancelok:"))
    application.add_handler(CallbackQueryHandler(keep, pattern=rf"^{NS}:keep:"))
    application.add_handler(CallbackQueryHandler(export_csv, pattern=rf"^{NS}:csv:"))
    # A calendar is a .json or .csv file (never a material, which the materials upload
    # registered after this takes); import_document checks the sender is an administrator.
    application.add_handler(MessageHandler(filters.ChatType.PRIVATE & IMPORT_FILE, import_document))
