"""/stats and /export for staff: the figures of a period, and the review workbook with its chart.

/stats [period] [district] answers with the figures and buttons for common periods (and, for
administrators, the district); /export [period] [district] sends the .xlsx workbook and the
PNG chart as documents. District staff see their own district only, administrators any or
all; every command and button re-checks that on the server.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from telegram import InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError

from bot import keyboards
from bot.context import BotContext
from bot.guards import PermissionDenied, record_refusal, require_message, require_query
from bot.i18n import N_, Translator
from bot.messaging import answer_stale_button, edit_quietly
from bot.stats import access, labels, period
from bot.stats.buttons import Export, ShowPeriod
from bot.stats.period import Period, PeriodError

log = logging.getLogger(__name__)


# The figures, their texts, the workbook and the chart (and their SQL) are imported on first
# use: most processes never draw a chart, and a small process starts faster.
def _texts():
    from bot.stats import texts

    return texts


EXPORT_LANGUAGE = "vi"  # the review pack is for the district coordination boards

QUICK_PERIODS = (
    (("this_month", N_("This month")), ("last_month", N_("Last month"))),
    (("this_quarter", N_("This quarter")), ("last_quarter", N_("Last quarter"))),
    (("this_year", N_("This year")),),
)
_QUICK = {
    "this_month": period.this_month,
    "last_month": period.last_month,
    "this_quarter": period.this_quarter,
    "last_quarter": period.last_quarter,
    "this_year": lambda today: period.year(today.year),
}
PERIOD_ERRORS = {
    "order": N_("The first date must come before the second."),
    "too_long": N_("A period can be at most five years long."),
    "date": N_("That date does not exist in the calendar."),
    "year": N_("Please give a year between 2000 and 2100."),
}


# -- reading the request ---------------------------------------------------------------------
def _today(context: BotContext):
    return context.now.astimezone(context.services.settings.timezone).date()


def split_district(words: list[str], context: BotContext) -> tuple[str, str | None]:
    """'Q1 2021 BC' → ('Q1 2021', 'BC'): a district code (or 'all') may end the arguments,
    or begin them, as people also type it ('BC quý 1')."""

    def district_code(word: str) -> str | None:
        word = word.upper()
        if word == access.ALL.upper():
            return access.ALL
        return word if context.services.areas.group(word) is not None else None

    if words and (code := district_code(words[-1])) is not None:
        return " ".join(words[:-1]), code
    if len(words) > 1 and (code := district_code(words[0])) is not None:
        return " ".join(words[1:]), code
    return " ".join(words), None


def period_help(_: Translator, reason: str | None = None, today: dt.date | None = None) -> str:
    """Examples from today's date: never a year long past."""
    today = today or dt.date.today()
    quarter = (today.month - 1) // 3 + 1
    first = dt.date(today.year, 3 * quarter - 2, 1)
    last = dt.date(today.year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - dt.timedelta(days=1)
    text = _(
        "I could not read that period. Write, for example:\n"
        "/stats this month\n/stats {month}\n/stats Q{quarter} {year}\n"
        "/stats {first}-{last}\nor choose below.",
        month=f"{today.month}/{today.year}",
        quarter=quarter,
        year=today.year,
        first=f"{first:%d/%m/%Y}",
        last=f"{last:%d/%m/%Y}",
    )
    if reason in PERIOD_ERRORS:
        text = _(PERIOD_ERRORS[reason]) + "\n\n" + text
    return text


def _denied_text(context: BotContext) -> str:
    _ = context.translate
    person = context.user
    if person is None or not person.is_staff:
        return _("Statistics are for programme staff.")
    if person.district is None and not person.is_admin:
        return _("Your account covers no ward or commune yet; please ask an administrator.")
    return _("Sorry, you can only see the figures of your own area.")


# -- the keyboard ----------------------------------------------------------------------------
def stats_keyboard(context: BotContext, shown: Period, scope: str) -> InlineKeyboardMarkup:
    _ = context.translate
    today = _today(context)
    rows: list[list[keyboards.Button]] = []
    for row in QUICK_PERIODS:
        choices: list[keyboards.Button] = []
        for key, label in row:
            candidate = _QUICK[key](today)
            mark = "✓ " if candidate == shown else ""
            choices.append((mark + _(label), ShowPeriod(period=candidate.token, group=scope)))
        rows.append(choices)
    if context.person.is_admin:
        groups = [(access.ALL, _("Whole programme"))] + [
            (d.code, d.name(_.language)) for d in context.services.areas.groups()
        ]
        rows.append(
            [
                (
                    ("✓ " if code == scope else "") + name,
                    ShowPeriod(period=shown.token, group=code),
                )
                for code, name in groups
            ]
        )
    rows.append([(_("📥 Workbook and chart"), Export(period=shown.token, group=scope))])
    return keyboards.inline(rows)


def _scope_code(district: str | None) -> str:
    return access.ALL if district is None else district


# -- /stats ----------------------------------------------------------------------------------
async def _typed_scope(update: Update, context: BotContext) -> tuple[str, str | None] | None:
    """The period text typed after the command and the district it may show (None = all);
    None after saying so when the person may not see the district they asked for."""
    text, requested = split_district(list(context.args or []), context)
    try:
        return text, access.scope_for(context.user, requested)
    except PermissionDenied:
        await record_refusal(context, "stats", "stats", requested)
        await require_message(update).reply_text(_denied_text(context))
        return None


async def stats_command(update: Update, context: BotContext) -> None:
    _ = context.translate
    typed = await _typed_scope(update, context)
    if typed is None:
        return
    text, district = typed
    try:
        shown = period.parse(text, _today(context))
    except PeriodError as error:
        await require_message(update).reply_text(
            period_help(_, str(error), _today(context)),
            reply_markup=stats_keyboard(
                context, period.this_month(_today(context)), _scope_code(district)
            ),
        )
        return
    await context.bot.send_chat_action(require_message(update).chat.id, ChatAction.TYPING)
    found = await _collect(context, shown, district)
    await require_message(update).reply_text(
        _texts().stats_text(found, context.services.areas, _),
        reply_markup=stats_keyboard(context, shown, _scope_code(district)),
    )


async def stats_button(update: Update, context: BotContext) -> None:
    """The menu button: this month's figures."""
    context.args = []
    await stats_command(update, context)


async def _collect(context: BotContext, shown: Period, district: str | None):
    from bot.stats import figures

    return await figures.collect(
        context.db, shown, district, context.now, context.services.settings.timezone
    )


# -- buttons ---------------------------------------------------------------------------------
async def on_button(update: Update, context: BotContext) -> None:
    query = require_query(update)
    _ = context.translate
    pressed = ShowPeriod.parse(query.data) or Export.parse(query.data)
    shown = period.from_token(pressed.period) if pressed else None
    if pressed is None or shown is None:
        await answer_stale_button(update, context)
        return
    try:
        district = access.scope_for(context.user, pressed.group)
    except PermissionDenied:
        await record_refusal(context, f"stats_{pressed.action}", "stats", pressed.group)
        await query.answer(_denied_text(context), show_alert=True)
        return
    if isinstance(pressed, Export):
        await query.answer(_("Preparing the workbook…"))
        await _start_export(update, context, shown, district)
        return
    await query.answer()
    found = await _collect(context, shown, district)
    await edit_quietly(
        query,
        _texts().stats_text(found, context.services.areas, _),
        stats_keyboard(context, shown, _scope_code(district)),
    )


# -- /export ---------------------------------------------------------------------------------
async def export_command(update: Update, context: BotContext) -> None:
    _ = context.translate
    typed = await _typed_scope(update, context)
    if typed is None:
        return
    text, district = typed
    try:
        shown = period.parse(text, _today(context))
    except PeriodError as error:
        await require_message(update).reply_text(
            period_help(_, str(error), _today(context)).replace("/stats", "/export")
        )
        return
    await _start_export(update, context, shown, district)


async def _start_export(
    update: Update, context: BotContext, shown: Period, district: str | None
) -> None:
    """Say it is coming, then build and send in the background: drawing the chart takes a
    moment and must not hold up everyone else's updates."""
    _ = context.translate
    chat_id = require_message(update).chat.id
    await context.bot.send_message(
        chat_id,
        _(
            "⏳ Preparing the workbook and chart for {period}, {scope}…",
            period=labels.period_label(shown, _),
            scope=labels.scope_label(district, context.services.areas, _),
        ),
    )
    context.application.create_task(_export(context, chat_id, shown, district), update=update)


def file_stem(shown: Period, district: str | None) -> str:
    """'thong-ke_Q8_q20211': ASCII, so every phone saves it under the same name."""
    return f"thong-ke_{district or 'tat-ca'}_{shown.token}"


async def _export(context: BotContext, chat_id: int, shown: Period, district: str | None) -> None:
    _ = context.translate
    actor = context.person
    found = await _collect(context, shown, district)
    areas = context.services.areas
    sheet_language = context.services.i18n(EXPORT_LANGUAGE)
    await context.bot.send_chat_action(chat_id, ChatAction.UPLOAD_DOCUMENT)
    from bot.stats import chart, workbook

    book = await asyncio.to_thread(workbook.build, found, areas, sheet_language)
    picture = await asyncio.to_thread(chart.render, found, areas, sheet_language)
    await access.record_export(
        context.db, actor, shown.token, district, len(found.cases.rows), context.now
    )
    stem = file_stem(shown, district)
    caption = _(
        "📊 Statistics, {period}, {scope}: {reports} reports, {cases} cases.",
        period=labels.period_label(shown, _),
        scope=labels.scope_label(district, areas, _),
        reports=_.number(found.reports.received),
        cases=_.number(len(found.cases.rows)),
    )
    try:
        await context.bot.send_document(
            chat_id, InputFile(book, filename=f"{stem}.xlsx"), caption=caption
        )
        await context.bot.send_document(
            chat_id,
            InputFile(picture, filename=f"{stem}.png"),
            caption=_("Reports received per month by area."),
        )
    except TelegramError as error:
        log.warning("stats export not delivered to %s: %s", chat_id, type(error).__name__)
