"""The last steps of /newevent (handlers/events/create.py has the first ones): places and the
registration deadline (club and training) → reminders (several) → description → summary →
Save or Discard."""

from __future__ import annotations

import datetime as dt

from telegram import Update
from telegram.ext import ConversationHandler

from bot import keyboards, menu
from bot.context import BotContext
from bot.events import dates, service, texts
from bot.events.buttons import (
    Discard,
    PickDeadline,
    Save,
    ToggleReminder,
)
from bot.events.service import EventsService
from bot.guards import PermissionDenied, require_message, require_query
from bot.messaging import edit_buttons_quietly, edit_quietly
from handlers.events.flow import (
    CAPACITY,
    CHOOSE_AGAIN,
    CONFIRM,
    DEADLINE,
    DESCRIPTION,
    DRAFT,
    REMINDER_CHOICES,
    REMINDERS,
    SKIP,
    capacity_from,
    draft_data,
    draft_from,
    draft_start,
    preview,
    reminder_choice_text,
    reminder_keyboard,
    reminder_summary,
)


async def enter_capacity(update: Update, context: BotContext) -> int:
    _ = context.translate
    message = require_message(update)
    capacity = None if SKIP.check_update(update) else capacity_from(message.text or "")
    if capacity is None and not SKIP.check_update(update):
        await message.reply_text(
            _(
                "Please type a whole number of places (1 to {max}), or “skip”.",
                max=_.number(service.CAPACITY_MAX),
            )
        )
        return CAPACITY
    draft_data(context)["capacity"] = capacity
    await message.reply_text(
        _(
            "Until when can people register? Tap a choice, or type a day and time, for "
            "example: <b>{example}</b>.",
            example=_deadline_example(context),
        ),
        reply_markup=keyboards.inline(
            [
                [(_("Until it starts"), PickDeadline(choice="start"))],
                [
                    (_("1 day before"), PickDeadline(choice="1d")),
                    (_("2 days before"), PickDeadline(choice="2d")),
                ],
            ]
        ),
    )
    return DEADLINE


def _deadline_example(context: BotContext) -> str:
    """A day before the start, at 17:00, as day/month: always a sensible example."""
    day = context.translate.local(draft_start(context) - dt.timedelta(days=1))
    return f"17h {day:%d/%m}"


async def choose_deadline(update: Update, context: BotContext) -> int:
    _ = context.translate
    query = require_query(update)
    pressed = PickDeadline.parse(query.data)
    if pressed is None or pressed.choice not in service.DEADLINE_CHOICES:
        await query.answer(_(CHOOSE_AGAIN))
        return DEADLINE
    await query.answer()
    deadline = service.chosen_deadline(pressed.choice, draft_start(context), context.now)
    return await _set_deadline(update, context, deadline)


async def enter_deadline(update: Update, context: BotContext) -> int:
    _ = context.translate
    message = require_message(update)
    start = draft_start(context)
    try:
        deadline = service.typed_deadline(
            message.text or "", start, context.now, context.services.settings.timezone
        )
    except dates.DateError as error:
        if error.code == "after_start":
            await message.reply_text(
                _(
                    "Registration must close before the event starts ({start}). Please type "
                    "another day or time.",
                    start=texts.moment(_, start),
                )
            )
        else:
            await message.reply_text(texts.date_error(_, error.code))
        return DEADLINE
    return await _set_deadline(update, context, deadline)


async def _set_deadline(update: Update, context: BotContext, deadline: dt.datetime | None) -> int:
    _ = context.translate
    draft_data(context)["registration_deadline"] = deadline.isoformat() if deadline else None
    return await ask_reminders(
        update,
        context,
        _("Registration: until it starts.")
        if deadline is None
        else _("Registration closes: <b>{when}</b>", when=texts.moment(_, deadline)),
    )


async def ask_reminders(update: Update, context: BotContext, done: str = "") -> int:
    _ = context.translate
    chosen = draft_data(context).setdefault("reminders", list(service.DEFAULT_REMINDERS))
    question = _(
        "When should the bot remind people? Tap to change, then “Done” (none is fine too)."
    )
    await require_message(update).reply_text(
        f"{done}\n{question}" if done else question, reply_markup=reminder_keyboard(_, chosen)
    )
    return REMINDERS


async def toggle_reminder(update: Update, context: BotContext) -> int:
    _ = context.translate
    query = require_query(update)
    pressed = ToggleReminder.parse(query.data)
    if pressed is None or pressed.minutes not in REMINDER_CHOICES:
        await query.answer(_(CHOOSE_AGAIN))
        return REMINDERS
    await query.answer()
    chosen = draft_data(context).setdefault("reminders", [])
    if pressed.minutes in chosen:
        chosen.remove(pressed.minutes)
    else:
        chosen.append(pressed.minutes)
    await edit_buttons_quietly(query, reminder_keyboard(_, chosen))
    return REMINDERS


async def reminders_done(update: Update, context: BotContext) -> int:
    _ = context.translate
    query = require_query(update)
    await query.answer()
    chosen = draft_data(context).get("reminders") or []
    await edit_quietly(query, reminder_choice_text(_, chosen))
    await require_message(update).reply_text(
        _("A short description (what, for whom, what to bring)? Or “skip”.")
    )
    return DESCRIPTION


async def enter_description(update: Update, context: BotContext) -> int:
    _ = context.translate
    message = require_message(update)
    description = "" if SKIP.check_update(update) else (message.text or "").strip()
    if len(description) > service.DESCRIPTION_MAX:
        await message.reply_text(
            _(
                "Please keep the description under {max} characters.",
                max=_.number(service.DESCRIPTION_MAX),
            )
        )
        return DESCRIPTION
    draft_data(context)["description"] = description
    draft = draft_from(draft_data(context))
    reminders = reminder_choice_text(_, list(draft.reminder_offsets))
    await message.reply_text(
        _("Please check:")
        + "\n\n"
        + texts.card(_, preview(draft), context.services.areas, context.now)
        + "\n\n"
        + reminders,
        reply_markup=keyboards.inline([[(_("✅ Save"), Save()), (_("✖️ Discard"), Discard())]]),
    )
    return CONFIRM


async def save(update: Update, context: BotContext) -> int:
    _ = context.translate
    query = require_query(update)
    message = require_message(update)
    await query.answer()
    data = context.person_data.pop(DRAFT, None)
    if not data or "audience" not in data:
        await message.reply_text(_("This draft is no longer there. Start again with /newevent."))
        return ConversationHandler.END
    try:
        event_id = await EventsService.of(context.services).create(
            context.person, draft_from(data), context.now
        )
    except PermissionDenied:
        await message.reply_text(_("You can create events only for your own wards and communes."))
        return ConversationHandler.END
    except ValueError:
        await message.reply_text(
            _("The start has passed in the meantime. Please start again with /newevent.")
        )
        return ConversationHandler.END
    await edit_buttons_quietly(query, None)
    await message.reply_text(
        _("✅ Saved. People will see it in /events.")
        + "\n"
        + await reminder_summary(context, event_id),
        reply_markup=menu.keyboard(context.person.menu_role, _),
    )
    return ConversationHandler.END


async def discard(update: Update, context: BotContext) -> int:
    _ = context.translate
    query = require_query(update)
    await query.answer()
    context.person_data.pop(DRAFT, None)
    await edit_quietly(query, _("Discarded. Nothing was saved."))
    return ConversationHandler.END
