"""The end of /broadcast: the preview exactly as recipients see it, the confirmation with the
exact count, send now or later (a time read by the one date parser), or cancel. The service
checks the sender and the audience again when it queues."""

from __future__ import annotations

import datetime as dt

from telegram import Update
from telegram.ext import ConversationHandler

from bot import delivery, keyboards, menu
from bot.broadcast.buttons import Abort, ChangeAudience, SendLater, SendNow
from bot.broadcast.service import NotStaff, TimeRefused, check_time
from bot.context import BotContext
from bot.events import dates
from bot.events import texts as event_texts
from bot.guards import PermissionDenied, require_message, require_query
from bot.messaging import edit_markup_quietly, edit_quietly
from handlers.broadcast.audience import show_audience
from handlers.broadcast.routes import AUDIENCE, CONFIRM, WHEN
from handlers.broadcast.views import (
    DRAFT,
    audience_of,
    audience_summary,
    chat_id,
    content_of,
    draft_of,
    drop_draft,
    kind_of,
    service,
)
from handlers.common import leave_and_redispatch

# The draft's key of the message whose buttons end the conversation (the confirmation, then
# the time's question it becomes): they go when it ends another way.
PROMPT = "when_prompt"


async def show_preview(update: Update, context: BotContext) -> int:
    query = require_query(update)
    _ = context.translate
    draft = draft_of(context)
    broadcasts = service(context)
    try:
        reach, event = await broadcasts.reach(context.person, audience_of(draft), context.now)
    except PermissionDenied:  # the event was cancelled or moved out of reach meanwhile
        await query.answer(
            _("The event you chose can no longer be used. Please choose the audience again."),
            show_alert=True,
        )
        await show_audience(update, context, edit=True)
        return AUDIENCE
    count = await broadcasts.count(reach, kind_of(draft))
    if count == 0:
        await query.answer(
            _("Nobody matches this audience yet. Please choose other people or places."),
            show_alert=True,
        )
        return AUDIENCE
    await query.answer()
    content = content_of(context, draft)
    chat = require_message(update).chat
    await edit_quietly(query, _("Preview — exactly what recipients will see:"))
    # The same function the engine uses: what staff see here is what people get.
    await delivery.send_content(context.bot, chat.id, content, "vi")
    if "en" in content.languages:
        await chat.send_message(_("English version:"))
        await delivery.send_content(context.bot, chat.id, content, "en")
    text = _(
        "It will go to <b>{count}</b> people: {audience}.\nSend it?",
        count=_.number(count),
        audience=audience_summary(_, context, reach, event),
    )
    if draft.get("urgent"):
        text = f"{_('🚨 Urgent notice to staff')}\n{text}"
    confirmation = await chat.send_message(
        text,
        reply_markup=keyboards.inline(
            [
                [(_("✅ Send now"), SendNow()), (_("🕒 Send later"), SendLater())],
                [(_("✏️ Change audience"), ChangeAudience()), (_("✖ Cancel"), Abort())],
            ]
        ),
    )
    draft_of(context)[PROMPT] = confirmation.message_id  # its buttons go if it is left
    return CONFIRM


async def change_audience(update: Update, context: BotContext) -> int:
    await require_query(update).answer()
    await show_audience(update, context, edit=True)
    return AUDIENCE


async def _queue(update: Update, context: BotContext, when: dt.datetime) -> int:
    """The delivery's id; PermissionDenied when the sender may not (or no longer) send it."""
    draft = draft_of(context)
    try:
        return await service(context).queue(
            context.person,
            kind=kind_of(draft),
            content=content_of(context, draft),
            audience=audience_of(draft),
            when=when,
            now=context.now,
            report_chat_id=chat_id(update),
        )
    finally:
        drop_draft(context)


async def send_now(update: Update, context: BotContext) -> int:
    query = require_query(update)
    await query.answer()
    _ = context.translate
    try:
        delivery_id = await _queue(update, context, context.now)
    except NotStaff:
        await edit_quietly(query, _("Only staff can send announcements."))
        return ConversationHandler.END
    except PermissionDenied:
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
    query = require_query(update)
    await query.answer()
    _ = context.translate
    await edit_quietly(
        query,
        _(
            "When should it go out? Type the day and time (Ho Chi Minh City time), for example "
            "<code>{example}</code>.",
            example=_example_day(context),
        ),
        keyboards.inline([[(_("✖ Cancel"), Abort())]]),
    )
    if query.message is not None:  # its Cancel goes once a time is taken, or it is left
        draft_of(context)[PROMPT] = query.message.message_id
    return WHEN


def _example_day(context: BotContext) -> str:
    """Tomorrow at 8:00, as day/month: an example that is always in the future."""
    local = context.services.i18n(context.translate.language).local(
        context.now + dt.timedelta(days=1)
    )
    return local.strftime("%d/%m") + " 8:00"


async def enter_when(update: Update, context: BotContext) -> int:
    _ = context.translate
    message = require_message(update)
    try:
        when = check_time(message.text or "", context.now, context.services.settings.timezone)
    except dates.DateError as error:
        await message.reply_text(event_texts.date_error(_, error.code))
        return WHEN
    except TimeRefused as refused:
        if refused.code == "passed":
            await message.reply_text(
                _("That time has already passed. Please choose a time in the future.")
            )
        else:
            await message.reply_text(_("Please choose a time within the next 90 days."))
        return WHEN
    await close_prompt(context, message.chat_id)  # the question's Cancel: nothing to cancel
    try:
        delivery_id = await _queue(update, context, when)
    except PermissionDenied:
        await message.reply_text(_("You can reach people of your own wards and communes only."))
        return ConversationHandler.END
    await message.reply_text(
        _(
            "🕒 Announcement #{number} is scheduled for {when}. The recipients are counted then, "
            "and you will see the progress here. /broadcasts lets you cancel it.",
            number=delivery_id,
            when=_.datetime(when),
        ),
        reply_markup=menu.keyboard(context.person.menu_role, _),
    )
    return ConversationHandler.END


async def close_prompt(context: BotContext, chat: int) -> None:
    """The confirmation or the time's question loses its buttons: nothing left to press."""
    draft = context.person_data.get(DRAFT)
    prompt = draft.pop(PROMPT, None) if isinstance(draft, dict) else None
    if isinstance(prompt, int):
        await edit_markup_quietly(context.bot, chat, prompt)


async def leave(update: Update, context: BotContext) -> int:
    """/cancel, another command or a menu button half-way: as every conversation is left
    (handlers/common.py), after the buttons of the confirmation or the time's question went."""
    chat = update.effective_chat
    if chat is not None:
        await close_prompt(context, chat.id)
    return await leave_and_redispatch(update, context)


async def abort(update: Update, context: BotContext) -> int:
    query = require_query(update)
    await query.answer()
    _ = context.translate
    drop_draft(context)
    await edit_quietly(query, _("Cancelled. Nothing was sent."))
    return ConversationHandler.END
