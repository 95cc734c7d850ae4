"""/cases and /case for staff: the list with its filters (open, mine, overdue, closed, all;
a ward or commune), finding a case by a loosely typed code or a place name, old names too."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot import keyboards
from bot import scope as access
from bot.areas import Areas
from bot.cases.buttons import NO_UNIT, FindCase, ListCases, OpenCase, PickUnit
from bot.cases.service import code_pattern
from bot.context import BotContext
from bot.guards import PermissionDenied, record_refusal, require_message, require_query, staff_only
from bot.i18n import N_, Translator
from bot.messaging import edit_buttons_quietly, edit_or_say_unchanged
from bot.reports import lifecycle
from handlers.cases.detail import OPEN_PRIVATELY, case_callback, detail, in_private, service_for
from storage.cases import CaseSummary

SCOPE_LABELS = {
    "open": N_("Open"),
    "mine": N_("Mine"),
    "overdue": N_("Overdue"),
    "closed": N_("Closed"),
    "all": N_("All"),
}
OPEN_DASHBOARD = N_("📋 Open the case dashboard")
SAME_FILTER = N_("You are already viewing this filter")
SAME_PAGE = N_("You are already on this page")
UNIT_PAGE = 12


@staff_only
async def cases_command(update: Update, context: BotContext) -> None:
    text, markup = await list_view(context, "open", None, 0)
    await require_message(update).reply_text(text, reply_markup=markup, protect_content=True)


@staff_only
async def case_command(update: Update, context: BotContext) -> None:
    """/case TE-2026-0001 (or "te 26 1", "0001") opens it; /case Chánh Hưng (or an old name,
    "phường 4 quận 8") lists the cases of that ward or commune."""
    _ = context.translate
    typed = " ".join(context.args or ())
    if not typed:
        await require_message(update).reply_text(
            _(
                "Please type the case code after the command, e.g. /case TE-2026-0001 (or just: "
                "/case te 26 1), or a ward or commune: /case Chánh Hưng."
            )
        )
        return
    await reply_found(update, context, typed)


async def reply_found(update: Update, context: BotContext, typed: str) -> None:
    """The case typed (its detail view), the cases of a place typed, or what matches."""
    service = service_for(context)
    person = context.person
    message = require_message(update)
    if code_pattern(typed, [service.areas.case_prefix]) is None:
        units = service.units_typed(typed)
        units = tuple(u for u in units if access.can_act_in_unit(person, u))
        if not units and service.units_typed(typed):  # a place outside the person's scope
            await reply_matches(update, context, typed, [], False)
            return
        if len(units) == 1:  # a ward or commune, today's name or an old one
            text, markup = await list_view(context, "open", units[0], 0)
            await message.reply_text(text, reply_markup=markup, protect_content=True)
            return
        if units:  # an old unit split between two or three of today's
            found, has_next = await service.find(person, context.now, scope="open", units=units)
            await reply_matches(update, context, typed, found, has_next)
            return
    found, has_next = await service.find(person, context.now, scope="all", typed_code=typed)
    if len(found) == 1:
        case = await service.view(person, found[0].id, context.now, what="found")
        text, markup = await detail(context, case)
        await message.reply_text(text, reply_markup=markup, protect_content=True)
        return
    await reply_matches(update, context, typed, found, has_next)


async def reply_matches(
    update: Update, context: BotContext, typed: str, found: list[CaseSummary], has_next: bool
) -> None:
    _ = context.translate
    message = require_message(update)
    if not found:
        await message.reply_text(
            _(
                "No case you can open matches “{typed}”. Please check the code (e.g. TE-2026-0001) "
                "or the ward/commune name, or use /cases.",
                typed=typed,
            )
        )
        return
    areas = context.services.areas
    rows: list[list[keyboards.Button]] = [
        [(case_label(c, _, areas), OpenCase(c.id))] for c in found
    ]
    text = _("🔎 Cases matching “{typed}”:", typed=typed)
    if has_next:
        text += "\n" + _("More match: type more of the code, or use /cases.")
    await message.reply_text(text, reply_markup=keyboards.inline(rows), protect_content=True)


def case_label(case: CaseSummary, _: Translator, areas: Areas) -> str:
    marks = ("⏰" if case.overdue else "") + ("🚨" if case.urgent else "")
    place = areas.place(case.ward, _.language) if case.ward else _("ward/commune not known")
    return (f"{marks}{case.code} · {place} · {_(lifecycle.STATE_LABELS[case.status])}").strip()


async def list_view(
    context: BotContext, scope: str, unit: str | None, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    _ = context.translate
    person = context.person
    found, has_next = await service_for(context).find(
        person, context.now, scope=scope, units=(unit,) if unit else (), page=page
    )
    areas = context.services.areas
    unit_arg = unit or NO_UNIT

    def scope_button(name: str) -> keyboards.Button:
        label = _(SCOPE_LABELS[name])
        return ("✓ " + label if name == scope else label, ListCases(name, unit_arg, 0))

    rows: list[list[keyboards.Button]] = [
        [scope_button(s) for s in ("open", "mine", "overdue")],
        [scope_button(s) for s in ("closed", "all")],
    ]
    webapp_url = context.services.settings.webapp_url
    if webapp_url:  # the same cases, with filters and clocks
        rows.insert(0, [keyboards.WebApp(_(OPEN_DASHBOARD), webapp_url)])
    unit_label = areas.unit_name(unit, _.language) if unit else _("all")
    rows.append(
        [
            (_("📍 Unit: {unit}", unit=unit_label), PickUnit(scope, 0)),
            (_("🔎 Find a case"), FindCase(0)),
        ]
    )
    for case in found:
        rows.append([(case_label(case, _, areas), OpenCase(case.id))])
    rows.append(
        keyboards.page_row(
            page,
            has_next,
            _("‹ Previous"),
            _("Next ›"),
            lambda n: ListCases(scope, unit_arg, n, turn=True),
        )
    )
    area = (
        _("all wards and communes")
        if person.is_admin
        else areas.scope_label(person.scope, _.language)
    )
    label = _(SCOPE_LABELS[scope]).lower()
    if unit:
        area += " · " + areas.unit_name(unit, _.language)
    if found:
        text = _(
            "📁 <b>Cases — {scope}</b> ({filter}), page {page}. Overdue (⏰) first, then "
            "urgent (🚨). Tap a case to open it.",
            scope=area,
            filter=label,
            page=_.number(page + 1),
        )
    else:
        text = _(
            "📁 <b>Cases — {scope}</b> ({filter}): no case matches these filters.",
            scope=area,
            filter=label,
        )
    return text, keyboards.inline(rows)


async def pick_unit(update: Update, context: BotContext, data: PickUnit) -> None:
    """Pick a unit (ward/commune) to filter the list by: the units of the person's area."""
    query = require_query(update)
    _ = context.translate
    person = context.person
    if not person.is_staff:
        await record_refusal(context, "case_unit", "case")
        raise PermissionDenied("staff_only")
    scope = data.scope if data.scope in SCOPE_LABELS else "open"
    page = data.page
    areas = context.services.areas
    covered = access.units_of(person, areas)  # None: administrators, every unit
    wards = [u for u in areas.programme_units() if covered is None or u.code in covered]
    wards += [
        unit
        for code in sorted(covered or ())
        if not areas.in_programme(code) and (unit := areas.unit(code)) is not None
    ]
    shown = wards[page * UNIT_PAGE : (page + 1) * UNIT_PAGE]
    rows: list[list[keyboards.Button]] = [[(_("📍 All units"), ListCases(scope, NO_UNIT, 0))]]
    rows += keyboards.columns(
        [(areas.unit_name(w.code, _.language), ListCases(scope, w.code, 0)) for w in shown]
    )
    rows.append(
        keyboards.page_row(
            page,
            len(wards) > (page + 1) * UNIT_PAGE,
            _("‹ Previous"),
            _("Next ›"),
            lambda n: PickUnit(scope, n),
        )
    )
    await query.answer()
    await edit_buttons_quietly(query, keyboards.inline(rows))


async def show_list(update: Update, context: BotContext, data: ListCases) -> None:
    query = require_query(update)
    _ = context.translate
    if not in_private(query):  # a forged list button on a group alert: no list in the group
        await query.answer(_(OPEN_PRIVATELY), show_alert=True)
        return
    scope = data.scope if data.scope in SCOPE_LABELS else "open"
    ward: str | None = data.unit if data.unit not in ("", NO_UNIT) else None
    if ward is not None and context.services.areas.unit(ward) is None:
        ward = None  # a forged unit: the list of all the person's units
    text, markup = await list_view(context, scope, ward, data.page)
    # The filter or page already shown pressed again (a double tap): a toast, not silence.
    await edit_or_say_unchanged(query, text, markup, _(SAME_PAGE if data.turn else SAME_FILTER))


# The list's buttons, registered by handlers/cases/routes.py (imported at the first press).
on_list = case_callback(ListCases, show_list)
on_pick_unit = case_callback(PickUnit, pick_unit)
