"""/myreports: the reports a person sent and their status (status only, never staff notes)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler, MessageHandler, filters

from bot import menu
from bot.context import BotContext
from bot.reports import lifecycle
from storage import cases

PRIVATE = filters.ChatType.PRIVATE
SHOWN = 20


async def my_reports(update: Update, context: BotContext) -> None:
    _ = context.translate
    found = await cases.by_reporter(context.db, context.user.telegram_id, context.now, SHOWN)
    if not found:
        await update.message.reply_text(
            _("You have not sent any report yet. To report a child who needs help, use "
              "/report."),
            reply_markup=menu.keyboard(context.user.menu_role, _))
        return
    areas = context.services.areas
    lines = [_("🗂 <b>Your reports</b> (the latest {count}):", count=_.number(len(found)))]
    for case in found:
        status = _(lifecycle.REPORTER_STATUS.get(case.status, lifecycle.REPORTER_STATUS_DEFAULT))
        lines.append(_("• <b>{code}</b>, {date}, {place}: {status}", code=case.code,
                       date=_.short_datetime(case.received_at),
                       place=areas.unit_name(case.ward, _.language), status=status))
    lines.append(_("Staff handle each report confidentially; you are told when it is accepted "
                   "and when it is closed."))
    await update.message.reply_text("\n".join(lines))


def register(application: Application) -> None:
    i18n = application.services.i18n
    application.add_handler(CommandHandler("myreports", my_reports, filters=PRIVATE))
    application.add_handler(MessageHandler(PRIVATE & menu.Intent(i18n, "my_reports"), my_reports))
