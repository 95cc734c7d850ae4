"""/report: the conversation of a child at risk reported step by step (steps.py, driven by
engine.py). /report offers to continue an unfinished draft or discard it; the emergency
answer (hotlines) is one tap away at every step."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    ConversationHandler,
)

from bot import keyboards, menu
from bot.context import BotContext
from bot.guards import require_message, require_query
from bot.messaging import edit_quietly
from bot.reports.buttons import Discard, Resume
from bot.reports.draft import Draft
from handlers.report.engine import Flow
from handlers.report.ui import ACTIVE, RESUME, close_buttons


async def entry(update: Update, context: BotContext) -> int:
    flow = Flow(update, context)
    _ = flow.translate
    message = require_message(update)
    if await flow.intake.reports_left(flow.person, context.now) <= 0:
        await message.reply_text(
            _(
                "You have sent {count} reports in the last hour, the most the bot accepts. "
                "Please try again later. If a child is in danger now, call 111 or 113.",
                count=flow.intake.rules.reports_per_hour,
            )
        )
        return ConversationHandler.END
    changed = await flow.intake.changed_at(flow.person)
    if changed is not None:
        await message.reply_text(
            _(
                "You have an unfinished report (last changed {when}). Continue it, or discard it "
                "and start again?",
                when=_.short_datetime(changed),
            ),
            reply_markup=keyboards.inline(
                [
                    [(_("▶️ Continue"), Resume(choice="go"))],
                    [(_("🗑 Discard and start again"), Resume(choice="new"))],
                ]
            ),
        )
        return RESUME
    await flow.ask(Draft())
    return ACTIVE


async def on_resume(update: Update, context: BotContext) -> int:
    flow = Flow(update, context)
    query = require_query(update)
    await query.answer()
    _ = flow.translate
    pressed = Resume.parse(query.data)
    draft = await flow.load()
    if pressed is None:
        return RESUME
    if pressed.choice == "new" or draft is None:
        await flow.discard()
        draft = Draft()
        await edit_quietly(query, _("The old draft was discarded. Let us start again."))
    else:
        await edit_quietly(query, _("Let us continue where you stopped."))
    await flow.ask(draft)
    return ACTIVE


async def on_resume_other(update: Update, context: BotContext) -> int:
    _ = context.translate
    await require_message(update).reply_text(
        _("Please choose “Continue” or “Discard and start again” above.")
    )
    return RESUME


async def on_confirm_cancel(update: Update, context: BotContext) -> int:
    flow = Flow(update, context)
    query = require_query(update)
    await query.answer()
    _ = flow.translate
    pressed = Discard.parse(query.data)
    await close_buttons(query)
    if pressed is not None and pressed.choice == "yes":
        await flow.discard()
        await flow.message.reply_text(
            _("The report was discarded. Nothing was sent."),
            reply_markup=menu.keyboard(flow.person.menu_role, _),
        )
        return ConversationHandler.END
    draft = await flow.load()
    if draft is None:
        return await flow.lost()
    await flow.ask(draft)
    return ACTIVE
