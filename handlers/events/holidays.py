"""/holidays [YEAR]: the days off and working Saturdays the legal clocks count with (staff);
administrators add a year: `/holidays add` with lines below it, or a .csv/.json file sent
with the caption /holidays."""

from __future__ import annotations

from telegram import Update
from telegram.ext import filters

from bot.cases import holidays
from bot.context import BotContext
from bot.guards import admin_only, require_message, staff_only
from bot.reports import casework
from bot.text import join_within, whole_number

PRIVATE = filters.ChatType.PRIVATE


@staff_only
async def holidays_command(update: Update, context: BotContext) -> None:
    _ = context.translate
    message = require_message(update)
    text = message.text or ""
    if context.args and context.args[0].lower() in ("add", "them", "thêm"):
        typed = text.split("\n", 1)[1] if "\n" in text else ""
        await _import(update, context, *holidays.parse_lines(typed))
        return
    calendar = await casework.work_calendar(context.db)
    this_year = context.now.astimezone(context.services.settings.timezone).year
    asked = whole_number(context.args[0], 2100) if context.args else None
    years = [asked] if asked else [this_year, this_year + 1]
    lines: list[str] = []
    for year in years:
        entries = calendar.year(year)
        lines.append(_("📅 <b>Days off and working days, {year}</b>", year=year))
        if not entries:
            lines.append(
                _("Not entered yet: weekends only. Administrators add it with /holidays add.")
            )
        for entry in entries:
            mark = "🏖" if entry.kind == "off" else "💼"
            line = f"{mark} {_.date(entry.day)} — {entry.name}"
            if entry.provisional:
                line += " " + _("(provisional)")
            lines.append(line)
        for entry in calendar.proposed:
            if entry.day.year == year:
                lines.append(
                    f"❔ {_.date(entry.day)} — {entry.name} " + _("(proposed, not counted)")
                )
    if context.person.is_admin:
        lines.append(
            _(
                "To add a year: /holidays add, then one line per day: "
                "2028-01-01, off, Tết Dương lịch (or: work, for a Saturday worked; add "
                "“, provisional” if not decided yet). A .csv or .json file sent with "
                "the caption /holidays works too."
            )
        )
    await message.reply_text(join_within(lines, 4000))


@admin_only
async def holidays_file(update: Update, context: BotContext) -> None:
    _ = context.translate
    message = require_message(update)
    document = message.document
    if document is None:
        return
    if document.file_size and document.file_size > holidays.MAX_BYTES:
        await message.reply_text(_("This file is too big for a list of days."))
        return
    data = bytes(await (await document.get_file()).download_as_bytearray())
    await _import(update, context, *holidays.parse_file(data, document.file_name or ""))


async def _import(
    update: Update,
    context: BotContext,
    days: list[holidays.CalendarDay],
    problems: list[holidays.Problem],
) -> None:
    _ = context.translate
    message = require_message(update)
    if problems or not days:
        lines = [
            _(
                "❌ Nothing was saved. Each line needs a date, off or work (work only on a "
                "weekend), and a name, e.g. 2028-01-01, off, Tết Dương lịch."
            )
        ]
        lines += [_("Line {number}: {text}", number=p.line, text=p.text) for p in problems[:10]]
        await message.reply_text("\n".join(lines))
        return
    try:
        count = await holidays.save(context.db, context.person, days, context.now)
    except holidays.PermissionDenied:
        await message.reply_text(_("Only administrators can do this."))
        return
    except ValueError:
        await message.reply_text(
            _("Please send at most {count} days at a time.", count=holidays.MAX_DAYS)
        )
        return
    await message.reply_text(
        _(
            "✅ {count} days saved. New legal clocks count with them; see /holidays {year}.",
            count=count,
            year=days[0].day.year,
        )
    )
