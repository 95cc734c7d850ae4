"""/myreports: the reports a person sent, each step in plain words (never staff notes or
anyone's details), and "Add information" to an open one: text or a photo that reaches the
staff in charge. The rules are in bot/cases/service.py (reporter_adds)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import callbacks, keyboards, menu
from bot.cases.service import CaseService
from bot.context import BotContext
from bot.conversations import ExclusiveConversation
from bot.messaging import edit_markup_quietly, edit_quietly
from bot.reports import casework, lifecycle
from handlers.common import anything_else, free_text, leave_handlers
from handlers.info import danger_message, danger_words
from storage import cases

PRIVATE = filters.ChatType.PRIVATE
SHOWN = 20
NS = "mrp"
ADDING = 0


async def my_reports(update: Update, context: BotContext) -> None:
    _ = context.translate
    found = await cases.by_reporter(context.db, context.user.telegram_id, context.now, SHOWN)
    if not found:
        await update.message.reply_text(
            _("You have not sent any report yet. To report a child who needs help, use /report."),
            reply_markup=menu.keyboard(context.user.menu_role, _),
        )
        return
    areas = context.services.areas
    lines = [_("🗂 <b>Your reports</b> (the latest {count}):", count=_.number(len(found)))]
    rows = []
    for case in found:
        status = _(lifecycle.REPORTER_STATUS.get(case.status, lifecycle.REPORTER_STATUS_DEFAULT))
        lines.append(
            _(
                "• <b>{code}</b>, {date}, {place}: {status}",
                code=case.code,
                date=_.short_datetime(case.received_at),
                place=areas.place(case.ward, _.language) if case.ward else "—",
                status=status,
            )
        )
        if lifecycle.is_open(case.status) and len(rows) < 8:
            rows.append(
                [
                    (
                        _("➕ Add information to {code}", code=case.code),
                        callbacks.encode(NS, "add", case.id),
                    )
                ]
            )
    lines.append(
        _(
            "Staff handle each report confidentially; you are told here at each step. "
            "Learned something new? Add it to an open report below."
        )
    )
    await update.message.reply_text(
        "\n".join(lines), reply_markup=keyboards.inline(rows) if rows else None
    )


async def start_adding(update: Update, context: BotContext) -> int:
    query = update.callback_query
    _ = context.translate
    data = callbacks.decode(query.data)
    case_id = data.int_arg(0) if data else None
    service = CaseService.of(context.services)
    try:
        case = await service.reporter_case(context.user, case_id or 0, context.now)
    except casework.PermissionDenied:
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
        reply_markup=keyboards.inline([[(_("✖️ Cancel"), callbacks.encode(NS, "cancel"))]]),
    )
    context.user_data["report_addition"] = {"case": case.id, "prompt": prompt.message_id}
    return ADDING


async def receive(update: Update, context: BotContext) -> int:
    _ = context.translate
    pending = context.user_data.get("report_addition") or {}
    message = update.message
    photo = message.photo[-1].file_id if message.photo else None
    text = message.text or message.caption
    service = CaseService.of(context.services)
    verdict = danger_words(context).check(text) if text else None
    if verdict is not None:  # the numbers first, always; the staff hear it may be urgent
        await message.reply_text(danger_message(_, now=bool(verdict.now)))
    try:
        change = await service.reporter_adds(
            context.user,
            pending.get("case") or 0,
            context.now,
            text=text,
            photo=photo,
            danger=verdict is not None,
        )
    except casework.PermissionDenied:
        answer = _("You can add information only to a report you sent.")
    except casework.NotApplicable:
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
    context.user_data.pop("report_addition", None)
    if pending.get("prompt"):
        await edit_markup_quietly(context.bot, update.effective_chat.id, pending["prompt"])
    await message.reply_text(answer)
    return ConversationHandler.END


async def cancel(update: Update, context: BotContext) -> int:
    _ = context.translate
    query = update.callback_query
    await query.answer()
    context.user_data.pop("report_addition", None)
    await edit_quietly(query, _("Cancelled. Nothing was sent."))
    return ConversationHandler.END


async def hint(update: Update, context: BotContext) -> int:
    _ = context.translate
    await update.effective_message.reply_text(
        _("Please type the information or send a photo, or tap Cancel.")
    )
    return ADDING


def register_conversation(application: Application) -> None:
    i18n = application.services.i18n
    application.add_handler(
        ExclusiveConversation(
            name="report_addition",
            persistent=True,
            entry_points=[CallbackQueryHandler(start_adding, pattern=rf"^{NS}:add:")],
            states={
                ADDING: [
                    MessageHandler(free_text(i18n) | filters.PHOTO, receive),
                    CallbackQueryHandler(cancel, pattern=rf"^{NS}:cancel"),
                    CallbackQueryHandler(start_adding, pattern=rf"^{NS}:add:"),
                    MessageHandler(anything_else(i18n), hint),
                ]
            },
            fallbacks=leave_handlers(i18n),
        )
    )


def register(application: Application) -> None:
    i18n = application.services.i18n
    application.add_handler(CommandHandler("myreports", my_reports, filters=PRIVATE))
    application.add_handler(MessageHandler(PRIVATE & menu.Intent(i18n, "my_reports"), my_reports))
