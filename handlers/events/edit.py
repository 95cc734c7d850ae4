"""Staff edit an event from its card: ✏️ Edit → title, time, place, places or description.

A new time is confirmed with the weekday; registered people are told of it, and people on the
waiting list are promoted when more places open (bot/events/service.py decides and tells).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler

from bot import delivery, keyboards, menu
from bot.context import BotContext
from bot.events import dates, service, texts
from bot.events.buttons import Edit, EditField
from bot.events.service import EventsService
from bot.guards import NotApplicable, PermissionDenied, require_message, require_query
from bot.messaging import answer_stale_button
from handlers.events.flow import (
    CHOOSE_AGAIN,
    EDIT,
    EDIT_END,
    EDIT_FIELD,
    EDIT_START,
    EDIT_VALUE,
    SKIP,
    capacity_from,
    edit_data,
    reminder_summary,
)

EDIT_FIELDS = {
    "title": "✏️",
    "time": "🕗",
    "place": "📍",
    "capacity": "🎟",
    "description": "📝",
}


async def start_edit(update: Update, context: BotContext) -> int:
    _ = context.translate
    query = require_query(update)
    pressed = Edit.parse(query.data)
    if pressed is None:
        await answer_stale_button(update, context)
        return ConversationHandler.END
    try:
        event = await EventsService.of(context.services).managed(
            context.person, pressed.event_id, context.now, "event_edit"
        )
    except (PermissionDenied, NotApplicable):
        await query.answer(
            _("You cannot change this event (it is outside your area or no longer exists)."),
            show_alert=True,
        )
        return ConversationHandler.END
    if not event.is_active:
        await query.answer(_("This event is cancelled."), show_alert=True)
        return ConversationHandler.END
    await query.answer()
    context.person_data[EDIT] = {"id": event.id}
    names = {
        "title": _("Event name"),
        "time": _("Time"),
        "place": _("Place"),
        "capacity": _("Places"),
        "description": _("Description"),
    }
    buttons: list[keyboards.Button] = [
        (f"{icon} {names[key]}", EditField(field=key)) for key, icon in EDIT_FIELDS.items()
    ]
    await require_message(update).reply_text(
        _("What do you want to change in “{title}”?", title=event.title),
        reply_markup=keyboards.inline(keyboards.columns(buttons, 2)),
    )
    return EDIT_FIELD


async def choose_field(update: Update, context: BotContext) -> int:
    _ = context.translate
    query = require_query(update)
    message = require_message(update)
    await query.answer()
    pressed = EditField.parse(query.data)
    if pressed is None or pressed.field not in EDIT_FIELDS or EDIT not in context.person_data:
        await message.reply_text(_(CHOOSE_AGAIN))
        return EDIT_FIELD
    edit_data(context)["field"] = pressed.field
    if pressed.field == "time":
        await message.reply_text(
            _("New start? For example: <b>8h30 1/6</b>. Registered people will be told.")
        )
        return EDIT_START
    prompts = {
        "title": _("New title?"),
        "place": _("New place?"),
        "capacity": _("How many places? A number, or “skip” for no limit."),
        "description": _("New description?"),
    }
    await message.reply_text(prompts[pressed.field])
    return EDIT_VALUE


async def enter_value(update: Update, context: BotContext) -> int:
    _ = context.translate
    message = require_message(update)
    edit = context.person_data.get(EDIT) or {}
    field, text = edit.get("field"), (message.text or "").strip()
    changes: dict[str, Any]
    if field == "capacity":
        capacity = capacity_from(text)
        if SKIP.check_update(update):
            changes = {"capacity": None}
        elif capacity is not None:
            changes = {"capacity": capacity}
        else:
            await message.reply_text(
                _(
                    "Please type a whole number of places (1 to {max}), or “skip”.",
                    max=_.number(service.CAPACITY_MAX),
                )
            )
            return EDIT_VALUE
    elif field == "title":
        if not 3 <= len(text) <= service.TITLE_MAX:
            await message.reply_text(
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
            await message.reply_text(_("That is too long (at most {max} characters).", max=limit))
            return EDIT_VALUE
        changes = {field: text}
    else:
        return ConversationHandler.END
    return await _apply(update, context, edit.get("id"), changes)


async def enter_new_start(update: Update, context: BotContext) -> int:
    _ = context.translate
    message = require_message(update)
    try:
        start = dates.parse_start(
            message.text or "", context.now, context.services.settings.timezone
        )
    except dates.DateError as error:
        await message.reply_text(texts.date_error(_, error.code))
        return EDIT_START
    edit_data(context)["starts_at"] = start.isoformat()
    await message.reply_text(
        _(
            "Start: <b>{when}</b>\nAnd the end? For example: <b>11h</b>.",
            when=texts.moment(_, start),
        )
    )
    return EDIT_END


async def enter_new_end(update: Update, context: BotContext) -> int:
    _ = context.translate
    message = require_message(update)
    edit = context.person_data.get(EDIT) or {}
    start = dt.datetime.fromisoformat(edit["starts_at"])
    try:
        end = dates.parse_end(message.text or "", start, context.services.settings.timezone)
    except dates.DateError as error:
        await message.reply_text(texts.date_error(_, error.code, start))
        return EDIT_END
    return await _apply(update, context, edit.get("id"), {"starts_at": start, "ends_at": end})


async def _apply(
    update: Update, context: BotContext, event_id: int | None, changes: dict[str, Any]
) -> int:
    _ = context.translate
    message = require_message(update)
    context.person_data.pop(EDIT, None)
    try:
        if event_id is None:
            raise NotApplicable("no event in the edit")
        change, told = await EventsService.of(context.services).update(
            context.person, event_id, context.now, **changes
        )
    except (PermissionDenied, NotApplicable):
        await message.reply_text(_("You cannot change this event any more."))
        return ConversationHandler.END
    except ValueError:
        await message.reply_text(
            _("That change is not possible (the time has passed or the end is before the start).")
        )
        return ConversationHandler.END
    text = _("✅ Updated.")
    if change.moved:
        if told:
            delivery.kick(context.application)
            text += " " + _("Registered people are being told about the new time.")
        text += "\n" + await reminder_summary(context, change.after.id)
    await message.reply_text(text, reply_markup=menu.keyboard(context.person.menu_role, _))
    return ConversationHandler.END
