"""/events for everyone: upcoming events relevant to the person, Join / Not going, .ics.

/events or the 📅 button → list (nearest first, 5 a page) → an event's card →
  ✅ Join / 📝 Register (trainings) · 🙅 Not going · 📅 Add to calendar (.ics) · ‹ List
Staff also see the event's figures and management buttons (handlers/events_admin.py).
"""

from __future__ import annotations

import logging

from telegram import InputFile, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler

from bot import callbacks, delivery, keyboards, menu, outbox, scheduling
from bot.context import BotContext
from bot.crypto import cipher_for
from bot.events import dispatch, ics, service, texts
from bot.events.model import for_named_groups_only, visible_to
from bot.guards import NotApplicable
from bot.i18n import Translator
from bot.messaging import edit_quietly
from handlers import events_admin
from storage import events as store
from storage import users
from storage.models import Event

log = logging.getLogger(__name__)

NS = "ev"
PAGE_SIZE = 5


async def relevant_events(context: BotContext, named_groups: bool = False) -> list[Event]:
    """The person's everyday list; with `named_groups`, the trainings for teachers,
    business owners and police that the public may look for."""
    upcoming = await store.upcoming(context.db, context.now)
    if named_groups:
        return [event for event in upcoming if for_named_groups_only(event, context.user)]
    return [event for event in upcoming if visible_to(event, context.user)]


async def events_command(update: Update, context: BotContext) -> None:
    text, markup = await _list_view(context, 0)
    await update.effective_message.reply_text(text, reply_markup=markup)


async def _list_view(context: BotContext, page: int, named_groups: bool = False):
    _ = context.translate
    found = await relevant_events(context, named_groups)
    mode = "g" if named_groups else "p"
    pages = max(1, -(-len(found) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = found[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    states = await store.user_states(
        context.db, context.user.telegram_id, [event.id for event in shown]
    )
    rows: list[list[tuple[str, str]]] = []
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
                        callbacks.encode(NS, "o", event.id, page),
                    )
                ]
            )
        lines.append("")
        lines.append(_("Tap an event to see details and register."))
    rows.append(keyboards.pager(NS, mode, page, page + 1 < pages, _("‹ Previous"), _("Next ›")))
    if named_groups:
        rows.append([(_("‹ All events"), callbacks.encode(NS, "p", 0))])
    elif hidden := len(await relevant_events(context, named_groups=True)):
        rows.append(
            [
                (
                    _(
                        "🎓 Trainings for teachers, business owners, police ({count})",
                        count=_.number(hidden),
                    ),
                    callbacks.encode(NS, "g", 0),
                )
            ]
        )
    if context.user.is_staff:
        rows.append([(_("➕ New event"), callbacks.encode(events_admin.NS, "new"))])
    return "\n".join(lines), keyboards.inline(rows) if any(rows) else None


async def _card_view(context: BotContext, event: Event, page: int):
    _ = context.translate
    user = context.user
    registration = await store.registration(context.db, event.id, user.telegram_id)
    state = registration.state if registration else None
    manager = events_admin.may_manage(user, event)
    counts = await store.counts(context.db, event.id) if (manager or event.capacity) else None
    position = (
        await service.waiting_position(context.db, event.id, user.telegram_id)
        if state == "waiting"
        else None
    )
    text = texts.card(
        _, event, context.services.areas, context.now, state, counts, position, figures=manager
    )
    rows = _registration_buttons(_, event, state, context)
    rows.append([(_("📅 Add to my calendar (.ics)"), callbacks.encode(NS, "i", event.id))])
    if manager:
        rows.extend(events_admin.manage_buttons(_, event))
    back = "g" if for_named_groups_only(event, user) else "p"
    rows.append([(_("‹ Back to the list"), callbacks.encode(NS, back, page))])
    return text, keyboards.inline(rows)


def _registration_buttons(_: Translator, event: Event, state: str | None, context: BotContext):
    if not event.registration_open(context.now):
        return []
    join_label = _("📝 Register") if event.is_training else _("✅ Join")
    join = (join_label, callbacks.encode(NS, "j", event.id))
    decline = (_("🙅 Not going"), callbacks.encode(NS, "n", event.id))
    if state in ("going", "waiting"):
        return [[decline]]
    if state == "declined":
        return [[join]]
    return [[join, decline]]


async def _event_for(update: Update, context: BotContext) -> tuple[Event | None, int]:
    """The event a button names, if it still exists and the person may see it."""
    data = callbacks.decode(update.callback_query.data)
    event_id = data.int_arg(0) if data else None
    page = (data.int_arg(1) or 0) if data else 0
    event = await store.get(context.db, event_id) if event_id is not None else None
    if event is None or not (
        visible_to(event, context.user, named_groups=True)
        or events_admin.may_manage(context.user, event)
    ):
        return None, page
    return event, page


async def _gone(update: Update, context: BotContext) -> None:
    _ = context.translate
    await update.callback_query.answer(
        _("This event is no longer available. Open /events again."), show_alert=True
    )


async def on_page(update: Update, context: BotContext) -> None:
    query = update.callback_query
    data = callbacks.decode(query.data)
    await query.answer()
    text, markup = await _list_view(
        context,
        (data.int_arg(0) or 0) if data else 0,
        named_groups=bool(data and data.action == "g"),
    )
    await edit_quietly(query, text, markup)


async def on_open(update: Update, context: BotContext) -> None:
    event, page = await _event_for(update, context)
    if event is None:
        await _gone(update, context)
        return
    await update.callback_query.answer()
    text, markup = await _card_view(context, event, page)
    await edit_quietly(update.callback_query, text, reply_markup=markup)


async def on_join(update: Update, context: BotContext) -> None:
    _ = context.translate
    query = update.callback_query
    event, page = await _event_for(update, context)
    if event is None:
        await _gone(update, context)
        return
    try:
        state = await service.join(context.db, context.user, event.id, context.now)
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
    await _refresh(update, context, event.id, page)


async def on_decline(update: Update, context: BotContext) -> None:
    _ = context.translate
    query = update.callback_query
    event, page = await _event_for(update, context)
    if event is None:
        await _gone(update, context)
        return
    try:
        promoted = await service.decline(context.db, context.user, event.id, context.now)
    except NotApplicable:
        await query.answer(_("This event has already started."), show_alert=True)
        return
    await query.answer(_("Noted: you are not going. You will get no reminders for it."))
    await _refresh(update, context, event.id, page)
    await tell_promoted(context, event.id, promoted)


async def tell_promoted(context: BotContext, event_id: int, promoted: list[int]) -> None:
    """A place freed up: each promoted person hears it at once, in their language."""
    event = await store.get(context.db, event_id)
    async with context.db.atomic():  # sent by the outbox
        for telegram_id in promoted:
            person = await users.get(context.db, telegram_id)
            their = context.services.i18n(person.language if person else None)
            await outbox.enqueue(
                context.db,
                cipher_for(context.services),
                telegram_id,
                texts.promoted(their, event),
                now=context.now,
            )


async def _refresh(update: Update, context: BotContext, event_id: int, page: int) -> None:
    event = await store.get(context.db, event_id)
    text, markup = await _card_view(context, event, page)
    await edit_quietly(update.callback_query, text, reply_markup=markup)


async def on_ics(update: Update, context: BotContext) -> None:
    _ = context.translate
    query = update.callback_query
    event, _page = await _event_for(update, context)
    if event is None:
        await _gone(update, context)
        return
    await query.answer()
    data = ics.calendar([event], context.services.settings.timezone, context.now, name=event.title)
    await query.message.reply_document(
        InputFile(data, filename=ics.file_name(event)),
        caption=_("Open this file to add “{title}” to your phone's calendar.", title=event.title),
    )


def register(application: Application) -> None:
    i18n = application.services.i18n
    # Reminders go out through the one delivery engine.
    delivery.install(application)
    scheduling.add_tick(application, "events", dispatch.tick)
    application.add_handler(CommandHandler("events", events_command))
    application.add_handler(MessageHandler(menu.Intent(i18n, "events"), events_command))
    application.add_handler(CallbackQueryHandler(on_page, pattern=rf"^{NS}:[pg]:"))
    application.add_handler(CallbackQueryHandler(on_open, pattern=rf"^{NS}:o:"))
    application.add_handler(CallbackQueryHandler(on_join, pattern=rf"^{NS}:j:"))
    application.add_handler(CallbackQueryHandler(on_decline, pattern=rf"^{NS}:n:"))
    application.add_handler(CallbackQueryHandler(on_ics, pattern=rf"^{NS}:i:"))
