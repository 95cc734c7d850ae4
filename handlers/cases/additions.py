"""A reporter's later information to their own open report ("Add information" under
/myreports): text or a photo that reaches the staff in charge (CaseService.reporter_adds).
Registered among the conversations, before the report's."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import ConversationHandler

from bot import keyboards
from bot.cases.buttons import AddInformation, CancelAddition
from bot.cases.service import CaseService
from bot.context import BotContext
from bot.guards import NotApplicable, PermissionDenied, require_message, require_query
from bot.messaging import answer_stale_button, edit_markup_quietly, edit_quietly
from bot.reports import lifecycle
from handlers.cases.routes import ADDING
from handlers.info import danger_message, danger_words


async def start_adding(update: Update, context: BotContext) -> int:
    query = require_query(update)
    _ = context.translate
    pressed = AddInformation.parse(query.data)
    if pressed is None or not isinstance(query.message, Message):
        await answer_stale_button(update, context)
        return ConversationHandler.END
    service = CaseService.of(context.services)
    try:
        case = await service.reporter_case(context.person, pressed.case_id, context.now)
    except PermissionDenied:
        await query.answer(_("You can add information only to a report you sent."), show_alert=True)
        return ConversationHandler.END
    if not lifecycle.is_open(case.status):
        await query.answer(
            _(
                "This report is closed. If the child needs help again, please "
                "send a new report with /report."
            ),
            show_alert=True,
        )
        return ConversationHandler.END
    await query.answer()
    prompt = await query.message.reply_text(
        _(
            "➕ What else should the staff know about {code}? Type it, or send a photo (you can "
            "add a caption). In danger now? Call 111 or 113 first.",
            code=case.code,
        ),
        reply_markup=keyboards.inline([[(_("✖️ Cancel"), CancelAddition())]]),
    )
    context.person_data["report_addition"] = {"case": case.id, "prompt": prompt.message_id}
    return ADDING


async def receive(update: Update, context: BotContext) -> int:
    _ = context.translate
    pending = context.person_data.get("report_addition") or {}
    message = require_message(update)
    photo = message.photo[-1].file_id if message.photo else None
    text = message.text or message.caption
    service = CaseService.of(context.services)
    verdict = danger_words(context).check(text) if text else None
    if verdict is not None:  # the numbers first, always; the staff hear it may be urgent
        await message.reply_text(danger_message(_, now=bool(verdict.now)))
    try:
        change = await service.reporter_adds(
            context.person,
            pending.get("case") or 0,
            context.now,
            text=text,
            photo=photo,
            danger=verdict is not None,
        )
    except PermissionDenied:
        answer = _("You can add information only to a report you sent.")
    except NotApplicable:
        answer = _(
            "This report is closed. If the child needs help again, please send a new "
            "report with /report."
        )
    except ValueError:
        await message.reply_text(
            _(
                "Please type the information (up to {limit} characters) or send a photo.",
                limit=service.rules.description_max_chars,
            )
        )
        return ADDING
    else:
        answer = _(
            "Thank you. It was added to {code} and the staff in charge were told.",
            code=change.case.code,
        )
    context.person_data.pop("report_addition", None)
    if pending.get("prompt") and update.effective_chat is not None:
        await edit_markup_quietly(context.bot, update.effective_chat.id, pending["prompt"])
    await message.reply_text(answer)
    return ConversationHandler.END


async def cancel(update: Update, context: BotContext) -> int:
    _ = context.translate
    query = require_query(update)
    await query.answer()
    context.person_data.pop("report_addition", None)
    await edit_quietly(query, _("Cancelled. Nothing was sent."))
    return ConversationHandler.END


async def hint(update: Update, context: BotContext) -> int:
    _ = context.translate
    await require_message(update).reply_text(
        _("Please type the information or send a photo, or tap Cancel.")
    )
    return ADDING
