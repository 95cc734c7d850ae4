"""Staff take attendance at an event: who of the registered people came.

An event's staff card (handlers/events/browse.py) → ✅ Take attendance, or /attendance →
recent events → a page of registered people, one button each (✓ came / ▫️ not marked):
  tap a name to mark it, tap again to unmark · ‹ Previous / Next › · ‹ Back to the event
Every press re-checks the role, the district and that the event has started
(bot/events/attendance.py); the button carries the state it sets, so a double tap or two
staff at once never undo each other.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Update

from bot import keyboards
from bot.context import BotContext
from bot.events import attendance, texts
from bot.events.attendance import AttendanceDesk
from bot.events.buttons import MarkCame, OpenEvent, OpenRoster, Unmark
from bot.guards import NotApplicable, PermissionDenied, refuse, require_message, require_query
from bot.i18n import N_, Translator
from bot.messaging import answer_stale_button, edit_quietly
from storage.attendance import RosterEntry
from storage.models import Event

log = logging.getLogger(__name__)

PAGE_SIZE = 10  # people a page: 10 rows + pager + back, far under Telegram's 100 buttons
NAME_IN_BUTTON = 30
LIST_LIMIT = 20  # events listed by /attendance
ONLY_STAFF_ATTEND = N_("Only staff can take attendance at events.")


def _name(_: Translator, entry: RosterEntry) -> str:
    name = " ".join((entry.name or "").split()) or _("Person {id}", id=entry.telegram_id)
    if len(name) > NAME_IN_BUTTON:
        name = name[: NAME_IN_BUTTON - 1] + "…"
    if entry.state == "waiting":
        name = _("{name} (waiting list)", name=name)
    return ("✓ " if entry.attended else "▫️ ") + name


async def _roster_view(
    context: BotContext, event: Event, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    _ = context.translate
    page, size, entries = await AttendanceDesk.of(context.services).roster(
        event.id, page, PAGE_SIZE
    )
    pages = max(1, -(-size.listed // PAGE_SIZE))
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
    rows: list[list[keyboards.Button]] = []
    for entry in entries:
        spec = Unmark if entry.attended else MarkCame
        rows.append(
            [(_name(_, entry), spec(event_id=event.id, telegram_id=entry.telegram_id, page=page))]
        )
    rows.append(
        keyboards.page_row(
            page,
            page + 1 < pages,
            _("‹ Previous"),
            _("Next ›"),
            lambda n: OpenRoster(event_id=event.id, page=n),
        )
    )
    rows.append([(_("‹ Back to the event"), OpenEvent(event_id=event.id, page=0))])
    return "\n".join(lines), keyboards.inline(rows)


async def _refuse(update: Update, context: BotContext, error: Exception) -> None:
    """A polite alert for a press that changes nothing (stale, forged or not allowed)."""
    _ = context.translate
    if isinstance(error, PermissionDenied):
        text = _(
            "You cannot take attendance at this event: only the staff of its ward, commune or area can."
        )
    elif isinstance(error, attendance.NotStarted):
        text = _(
            "Attendance opens when the event starts: {when}.", when=texts.moment(_, error.starts_at)
        )
    elif isinstance(error, attendance.NotRegistered):
        text = _("This person is not registered for the event. Open the list again.")
    else:
        text = _("This event is no longer available. Open /events again.")
    await require_query(update).answer(text, show_alert=True)


async def on_open(update: Update, context: BotContext) -> None:
    query = require_query(update)
    pressed = OpenRoster.parse(query.data)
    if pressed is None:
        await answer_stale_button(update, context)
        return
    try:
        event = await AttendanceDesk.of(context.services).event(
            context.person, pressed.event_id, context.now
        )
    except (PermissionDenied, NotApplicable) as error:
        await _refuse(update, context, error)
        return
    await query.answer()
    text, markup = await _roster_view(context, event, pressed.page)
    await edit_quietly(query, text, markup)


async def on_mark(update: Update, context: BotContext) -> None:
    _ = context.translate
    query = require_query(update)
    pressed = MarkCame.parse(query.data) or Unmark.parse(query.data)
    if pressed is None:
        await answer_stale_button(update, context)
        return
    desk = AttendanceDesk.of(context.services)
    came = isinstance(pressed, MarkCame)
    try:
        event = await desk.event(context.person, pressed.event_id, context.now)
        await desk.set_attended(context.person, event.id, pressed.telegram_id, came, context.now)
    except (PermissionDenied, NotApplicable) as refused:
        await _refuse(update, context, refused)
        return
    await query.answer(_("✓ Marked as present.") if came else _("Mark removed."))
    text, markup = await _roster_view(context, event, pressed.page)
    await edit_quietly(query, text, markup)


async def attendance_command(update: Update, context: BotContext) -> None:
    """Events of the last days the person may take attendance at (also after they ended,
    when they no longer show in /events)."""
    _ = context.translate
    message = require_message(update)
    if not context.person.is_staff:
        await refuse(update, context, "attendance_command", ONLY_STAFF_ATTEND)
        return
    recent = await AttendanceDesk.of(context.services).recent(context.person, context.now)
    found = recent[:LIST_LIMIT]
    if not found:
        await message.reply_text(
            _(
                "No event to take attendance at: none of your events started in the last "
                "{days} days. Attendance opens when an event starts.",
                days=attendance.RECENT_DAYS,
            )
        )
        return
    rows: list[list[keyboards.Button]] = [
        [(texts.button_label(_, event, 48, with_time=True), OpenRoster(event_id=event.id, page=0))]
        for event in found
    ]
    await message.reply_text(
        _(
            "✅ <b>Take attendance</b>\nChoose an event (the last {days} days):",
            days=attendance.RECENT_DAYS,
        ),
        reply_markup=keyboards.inline(rows),
    )
