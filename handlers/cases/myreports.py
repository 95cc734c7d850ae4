"""/myreports: the reports a person sent, each step in plain words (never staff notes or
anyone's details), and "Add information" to an open one: text or a photo that reaches the
staff in charge. The rules are in bot/cases/service.py (reporter_adds); adding is
handlers/cases/additions.py."""

from __future__ import annotations

from telegram import Update

from bot import keyboards, menu
from bot.cases.buttons import AddInformation
from bot.cases.service import CaseService
from bot.context import BotContext
from bot.guards import require_message
from bot.reports import lifecycle

SHOWN = 20


async def my_reports(update: Update, context: BotContext) -> None:
    _ = context.translate
    message = require_message(update)
    service = CaseService.of(context.services)
    found = await service.reporter_cases(context.person, context.now, SHOWN)
    if not found:
        await message.reply_text(
            _("You have not sent any report yet. To report a child who needs help, use /report."),
            reply_markup=menu.keyboard(context.person.menu_role, _),
        )
        return
    areas = context.services.areas
    lines = [_("🗂 <b>Your reports</b> (the latest {count}):", count=_.number(len(found)))]
    rows: list[list[keyboards.Button]] = []
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
                        AddInformation(case.id),
                    )
                ]
            )
    lines.append(
        _(
            "Staff handle each report confidentially; you are told here at each step. "
            "Learned something new? Add it to an open report below."
        )
    )
    await message.reply_text(
        "\n".join(lines), reply_markup=keyboards.inline(rows) if rows else None
    )
