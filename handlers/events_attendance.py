"""Staff take attendance at an event: who of the registered people came.

An event's staff card (handlers/events.py) → ✅ Take attendance, or /attendance → recent
events → a page of registered people, one button each (✓ came / ▫️ not marked):
  tap a name to mark it, tap again to unmark · ‹ Previous / Next › · ‹ Back to the event
Every press re-checks the role, the district and that the event has started; the button
carries the state it sets, so a double tap or two staff at once never undo each other.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot import callbacks, keyboards
from bot.context import BotContext
from bot.events import attendance, texts
from bot.guards import NotApplicable, PermissionDenied
from bot.i18n import Translator
from bot.messaging import edit_quietly
from storage import attendance as store
from storage import events as events_store
from storage.models import Event

log = logging.getLogger(__name__)

NS = "evt"
EVENTS_NS = "ev"  # handlers/events.py: the event's card
PAGE_SIZE = 10  # people a page: 10 rows + pager + back, far under Telegram's 100 buttons
NAME_IN_BUTTON = 30
LIST_LIMIT = 20  # events listed by /attendance


def open_button(_: Translator, event: Event) -> tuple[str, str]:
    """The staff card's button (handlers/events_admin.manage_buttons)."""
    return (_("✅ Take attendance"), callbacks.encode(NS, "o", event.id, 0))


def _name(_: Translator, entry: store.RosterEntry) -> str:
    name = " ".join((entry.name or "").split()) or _("Person {id}", id=entry.telegram_id)
    if len(name) > NAME_IN_BUTTON:
        name = name[: NAME_IN_BUTTON - 1] + "…"
    if entry.state == "waiting":
        name = _("{name} (waiting list)", name=name)
    return ("✓ " if entry.attended else "▫️ ") + name


async def _roster_view(context: BotContext, event: Event, page: int):
    _ = context.translate
    size = await store.roster_size(context.db, event.id)
    pages = max(1, -(-size.listed // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    entries = await store.roster(context.db, event.id, page * PAGE_SIZE, PAGE_SIZE)
    lines = [
        _("✅ <b>Attendance: {title}</b>", title=event.title),
        texts.when(_, event),
        _(
            "Attended: <b>{attended}</b> of {listed} registered",
            attended=_.number(size.attended),
            listed=_.number(size.listed),
        ),
    ]
    if entries:
        if pages > 1:
            lines.append(_("Page {page}/{pages}", page=page + 1, pages=pages))
        lines.append("")
        lines.append(_("Tap a name to mark that the person came; tap again to undo."))
    else:
        lines.append("")
        lines.append(_("Nobody registered for this event."))
    rows: list[list[tuple[str, str]]] = []
    for entry in entries:
        action = "u" if entry.attended else "m"
        rows.append(
            [(_name(_, entry), callbacks.encode(NS, action, event.id, entry.telegram_id, page))]
        )
    rows.append(
        keyboards.pager(NS, "o", page, page + 1 < pages, _("‹ Previous"), _("Next ›"), event.id)
    )
    rows.append([(_("‹ Back to the event"), callbacks.encode(EVENTS_NS, "o", event.id, 0))])
    return "\n".join(lines), keyboards.inline(rows)


async def _show(update: Update, context: BotContext, event: Event, page: int) -> None:
    text, markup = await _roster_view(context, event, page)
    await edit_quietly(update.callback_query, text, markup)


async def _refuse(
    update: Update, context: BotContext, event: Event | None, error: Exception | None
) -> None:
    """A polite alert for a press that changes nothing (stale, forged or not allowed)."""
    _ = context.translate
    if isinstance(error, PermissionDenied):
        text = _(
            "You cannot take attendance at this event: only the staff of its ward, commune or area can."
        )
    elif isinstance(error, attendance.NotStarted) and event is not None:
        text = _(
            "Attendance opens when the event starts: {when}.", when=texts.moment(_, event.starts_at)
        )
    elif isinstance(error, attendance.NotRegistered):
        text = _("This person is not registered for the event. Open the list again.")
    else:
        text = _("This event is no longer available. Open /events again.")
    await update.callback_query.answer(text, show_alert=True)


async def _event_of(update: Update, context: BotContext):
    """(decoded data, event or None, error) for a press, permissions and clock checked."""
    data = callbacks.decode(update.callback_query.data)
    event_id = data.int_arg(0) if data else None
    event = await events_store.get(context.db, event_id) if event_id is not None else None
    if event is None:
        return data, None, NotApplicable()
    try:
        attendance.check_may_take(context.user, event, context.now)
    except (PermissionDenied, NotApplicable) as error:
        return data, event, error
    return data, event, None


async def on_open(update: Update, context: BotContext) -> None:
    data, event, error = await _event_of(update, context)
    if error is not None:
        await _refuse(update, context, event, error)
        return
    await update.callback_query.answer()
    await _show(update, context, event, data.int_arg(1) or 0)


async def on_mark(update: Update, context: BotContext) -> None:
    _ = context.translate
    data, event, error = await _event_of(update, context)
    person = data.int_arg(1) if data else None
    if error is None and person is None:
        error = NotApplicable()
    if error is not None:
        await _refuse(update, context, event, error)
        return
    came = data.action == "m"
    try:
        await attendance.set_attended(context.db, context.user, event.id, person, came, context.now)
    except (PermissionDenied, NotApplicable) as refused:
        await _refuse(update, context, event, refused)
        return
    await update.callback_query.answer(_("✓ Marked as present.") if came else _("Mark removed."))
    await _show(update, context, event, data.int_arg(2) or 0)


async def attendance_command(update: Update, context: BotContext) -> None:
    """Events of the last days the person may take attendance at (also after they ended,
    when they no longer show in /events)."""
    _ = context.translate
    if not context.user.is_staff:
        await update.message.reply_text(_("Only staff can take attendance at events."))
        return
    found = (await attendance.recent_for(context.db, context.user, context.now))[:LIST_LIMIT]
    if not found:
        await update.message.reply_text(
            _(
                "No event to take attendance at: none of your events started in the last "
                "{days} days. Attendance opens when an event starts.",
                days=attendance.RECENT_DAYS,
            )
        )
        return
    rows = [
        [(texts.button_label(_, event, 48, with_time=True), callbacks.encode(NS, "o", event.id, 0))]
        for event in found
    ]
    await update.message.reply_text(
        _(
            "✅ <b>Take attendance</b>\nChoose an event (the last {days} days):",
            days=attendance.RECENT_DAYS,
        ),
        reply_markup=keyboards.inline(rows),
    )


def register(application: Application) -> None:
    """Section 3: the /attendance command and the roster's buttons."""
    application.add_handler(
        CommandHandler("attendance", attendance_command, filters=filters.ChatType.PRIVATE)
    )
    application.add_handler(CallbackQueryHandler(on_open, pattern=rf"^{NS}:o:"))
    application.add_handler(CallbackQueryHandler(on_mark, pattern=rf"^{NS}:[mu]:"))
