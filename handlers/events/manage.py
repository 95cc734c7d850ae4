"""Staff cancel an event from its card: ❌ Cancel event → confirmed → registered people are
told and its reminders stop. Every press re-checks that the event is theirs."""

from __future__ import annotations

from telegram import Update

from bot import delivery, keyboards
from bot.context import BotContext
from bot.events.buttons import Cancel, ConfirmCancel, Keep
from bot.events.service import EventsService
from bot.guards import NotApplicable, PermissionDenied, require_message, require_query
from bot.messaging import answer_stale_button, edit_quietly


async def not_yours(update: Update, context: BotContext) -> None:
    """A staff button for an event outside the person's area, or gone."""
    _ = context.translate
    await require_query(update).answer(
        _("You cannot change this event (it is outside your area or no longer exists)."),
        show_alert=True,
    )


async def ask_cancel(update: Update, context: BotContext) -> None:
    _ = context.translate
    query = require_query(update)
    pressed = Cancel.parse(query.data)
    if pressed is None:
        await answer_stale_button(update, context)
        return
    events = EventsService.of(context.services)
    try:
        event = await events.managed(context.person, pressed.event_id, context.now, "event_cancel")
        counts = await events.registration_counts(context.person, event.id, context.now)
    except (PermissionDenied, NotApplicable):
        await not_yours(update, context)
        return
    await query.answer()
    await require_message(update).reply_text(
        _(
            "Cancel “{title}”? The {count} registered people will be told.",
            title=event.title,
            count=counts.going + counts.waiting,
        ),
        reply_markup=keyboards.inline(
            [
                [
                    (_("❌ Yes, cancel it"), ConfirmCancel(event_id=event.id)),
                    (_("‹ No, keep it"), Keep(event_id=event.id)),
                ]
            ]
        ),
    )


async def confirm_cancel(update: Update, context: BotContext) -> None:
    _ = context.translate
    query = require_query(update)
    pressed = ConfirmCancel.parse(query.data)
    if pressed is None:
        await answer_stale_button(update, context)
        return
    events = EventsService.of(context.services)
    try:
        event = await events.managed(context.person, pressed.event_id, context.now, "event_cancel")
    except (PermissionDenied, NotApplicable):
        await not_yours(update, context)
        return
    try:
        _cancelled, told = await events.cancel(context.person, event.id, context.now)
    except PermissionDenied:
        await not_yours(update, context)
        return
    except NotApplicable:
        await query.answer(_("This event is already cancelled."), show_alert=True)
        return
    await query.answer()
    if told:
        delivery.kick(context.application)
    await edit_quietly(
        query,
        _("❌ “{title}” is cancelled. Its reminders are stopped.", title=event.title)
        + (" " + _("Registered people are being told.") if told else ""),
    )


async def keep(update: Update, context: BotContext) -> None:
    _ = context.translate
    query = require_query(update)
    await query.answer()
    await edit_quietly(query, _("Nothing changed."))
