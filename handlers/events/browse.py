"""/events for everyone: upcoming events relevant to the person, Join / Not going, .ics.

/events or the 📅 button → list (nearest first, 5 a page) → an event's card →
  ✅ Join / 📝 Register (trainings) · 🙅 Not going · 📅 Add to calendar (.ics) · ‹ List
Staff also see the event's figures and management buttons (handlers/events/manage.py,
edit.py, import_export.py, attendance.py).
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, InputFile, Update

from bot import keyboards
from bot.context import BotContext
from bot.events import ics, texts
from bot.events.buttons import (
    Calendar,
    Cancel,
    Decline,
    Edit,
    GroupsPage,
    Join,
    ListPage,
    NewEvent,
    OpenEvent,
    OpenRoster,
    Registrations,
)
from bot.events.model import for_named_groups_only
from bot.events.service import EventsService
from bot.guards import NotApplicable, require_message, require_query
from bot.i18n import Translator
from bot.messaging import answer_stale_button, edit_quietly
from storage.models import Event

log = logging.getLogger(__name__)

PAGE_SIZE = 5
Rows = list[list[keyboards.Button]]


def _events(context: BotContext) -> EventsService:
    return EventsService.of(context.services)


def manage_buttons(_: Translator, event: Event) -> Rows:
    """The staff card's buttons: attendance, registrations, edit and cancel."""
    rows: Rows = [[(_("📋 Registrations (.csv)"), Registrations(event_id=event.id))]]
    if event.is_active and event.takes_registrations:
        rows.insert(0, [(_("✅ Take attendance"), OpenRoster(event_id=event.id, page=0))])
    if event.is_active:
        rows.append(
            [
                (_("✏️ Edit"), Edit(event_id=event.id)),
                (_("❌ Cancel event"), Cancel(event_id=event.id)),
            ]
        )
    return rows


async def events_command(update: Update, context: BotContext) -> None:
    text, markup = await _list_view(context, 0)
    await require_message(update).reply_text(text, reply_markup=markup)


async def _list_view(
    context: BotContext, page: int, named_groups: bool = False
) -> tuple[str, InlineKeyboardMarkup | None]:
    _ = context.translate
    events = _events(context)
    person = context.person
    found = await events.relevant(person, context.now, named_groups)
    pages = max(1, -(-len(found) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = found[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    states = await events.states(person, [event.id for event in shown])
    rows: Rows = []
    if named_groups:
        lines = [_("🎓 <b>Trainings for teachers, business owners and police</b>")]
        if not shown:
            lines.append(_("None is planned at the moment."))
    elif not shown:
        lines = [_("📅 No upcoming events for you right now. We will remind you when there are.")]
    else:
        lines = [_("📅 <b>Upcoming events</b> (page {page}/{pages})", page=page + 1, pages=pages)]
    if shown:
        for number, event in enumerate(shown, start=page * PAGE_SIZE + 1):
            lines.append("")
            lines.append(texts.list_line(_, number, event, states.get(event.id)))
            rows.append(
                [
                    (
                        f"{number}. {texts.button_label(_, event)}",
                        OpenEvent(event_id=event.id, page=page),
                    )
                ]
            )
        lines.append("")
        lines.append(_("Tap an event to see details and register."))
    pager = GroupsPage if named_groups else ListPage
    rows.append(
        keyboards.page_row(
            page, page + 1 < pages, _("‹ Previous"), _("Next ›"), lambda n: pager(page=n)
        )
    )
    if named_groups:
        rows.append([(_("‹ All events"), ListPage(page=0))])
    elif hidden := len(await events.relevant(person, context.now, named_groups=True)):
        rows.append(
            [
                (
                    _(
                        "🎓 Trainings for teachers, business owners, police ({count})",
                        count=_.number(hidden),
                    ),
                    GroupsPage(page=0),
                )
            ]
        )
    if person.is_staff:
        rows.append([(_("➕ New event"), NewEvent())])
    return "\n".join(lines), keyboards.inline(rows) if any(rows) else None


async def _card_view(
    context: BotContext, event: Event, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    _ = context.translate
    person = context.person
    facts = await _events(context).card(person, event)
    text = texts.card(
        _,
        event,
        context.services.areas,
        context.now,
        facts.state,
        facts.counts,
        facts.position,
        figures=facts.manager,
    )
    rows = _registration_buttons(_, event, facts.state, context)
    rows.append([(_("📅 Add to my calendar (.ics)"), Calendar(event_id=event.id))])
    if facts.manager:
        rows.extend(manage_buttons(_, event))
    back = GroupsPage(page=page) if for_named_groups_only(event, person) else ListPage(page=page)
    rows.append([(_("‹ Back to the list"), back)])
    return text, keyboards.inline(rows)


def _registration_buttons(
    _: Translator, event: Event, state: str | None, context: BotContext
) -> Rows:
    if not event.registration_open(context.now):
        return []
    join_label = _("📝 Register") if event.is_training else _("✅ Join")
    join: keyboards.Button = (join_label, Join(event_id=event.id))
    decline: keyboards.Button = (_("🙅 Not going"), Decline(event_id=event.id))
    if state in ("going", "waiting"):
        return [[decline]]
    if state == "declined":
        return [[join]]
    return [[join, decline]]


async def _gone(update: Update, context: BotContext) -> None:
    _ = context.translate
    await require_query(update).answer(
        _("This event is no longer available. Open /events again."), show_alert=True
    )


async def on_page(update: Update, context: BotContext) -> None:
    query = require_query(update)
    pressed = ListPage.parse(query.data) or GroupsPage.parse(query.data)
    if pressed is None:
        await answer_stale_button(update, context)
        return
    await query.answer()
    text, markup = await _list_view(
        context, pressed.page, named_groups=isinstance(pressed, GroupsPage)
    )
    await edit_quietly(query, text, markup)


async def on_open(update: Update, context: BotContext) -> None:
    query = require_query(update)
    pressed = OpenEvent.parse(query.data)
    if pressed is None:
        await answer_stale_button(update, context)
        return
    event = await _events(context).visible(context.person, pressed.event_id)
    if event is None:
        await _gone(update, context)
        return
    await query.answer()
    text, markup = await _card_view(context, event, pressed.page)
    await edit_quietly(query, text, reply_markup=markup)


async def on_join(update: Update, context: BotContext) -> None:
    _ = context.translate
    query = require_query(update)
    pressed = Join.parse(query.data)
    if pressed is None:
        await answer_stale_button(update, context)
        return
    events = _events(context)
    if await events.visible(context.person, pressed.event_id) is None:
        await _gone(update, context)
        return
    try:
        state = await events.join(context.person, pressed.event_id, context.now)
    except NotApplicable:
        await query.answer(_("Registration for this event is closed."), show_alert=True)
        return
    await query.answer(
        _("You are registered. See you there!")
        if state == "going"
        else _(
            "The event is full: you are on the waiting list. We will tell you "
            "as soon as a place frees up."
        ),
        show_alert=state == "waiting",
    )
    await _refresh(update, context, pressed.event_id)


async def on_decline(update: Update, context: BotContext) -> None:
    _ = context.translate
    query = require_query(update)
    pressed = Decline.parse(query.data)
    if pressed is None:
        await answer_stale_button(update, context)
        return
    events = _events(context)
    if await events.visible(context.person, pressed.event_id) is None:
        await _gone(update, context)
        return
    try:
        promoted = await events.decline(context.person, pressed.event_id, context.now)
    except NotApplicable:
        await query.answer(_("This event has already started."), show_alert=True)
        return
    await query.answer(_("Noted: you are not going. You will get no reminders for it."))
    await _refresh(update, context, pressed.event_id)
    await events.tell_promoted(pressed.event_id, promoted, context.now)


async def _refresh(update: Update, context: BotContext, event_id: int) -> None:
    event = await _events(context).visible(context.person, event_id)
    if event is None:
        return
    text, markup = await _card_view(context, event, 0)
    await edit_quietly(require_query(update), text, reply_markup=markup)


async def on_ics(update: Update, context: BotContext) -> None:
    _ = context.translate
    query = require_query(update)
    pressed = Calendar.parse(query.data)
    if pressed is None:
        await answer_stale_button(update, context)
        return
    event = await _events(context).visible(context.person, pressed.event_id)
    if event is None:
        await _gone(update, context)
        return
    await query.answer()
    data = ics.calendar([event], context.services.settings.timezone, context.now, name=event.title)
    await require_message(update).reply_document(
        InputFile(data, filename=ics.file_name(event)),
        caption=_("Open this file to add “{title}” to your phone's calendar.", title=event.title),
    )
