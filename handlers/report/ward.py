"""The ward or commune of a report, typed (today's name or an old one) or from a shared
location; a split old unit or a unit outside the programme is confirmed with a tap."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot import keyboards
from bot.reports.buttons import Pick
from bot.reports.draft import Draft
from handlers import places
from handlers.report.ui import ACTIVE, nav_row

if TYPE_CHECKING:
    from handlers.report.engine import Flow


async def typed_unit(flow: Flow, draft: Draft, text: str) -> int:
    """A ward or commune typed, today's name or an old one ("p4 q8", "xa vinh loc a")."""
    _ = flow.translate
    areas = flow.context.services.areas
    message = flow.message
    match = areas.find(text)
    if match is None:
        await message.reply_text(
            _(
                "I could not find that ward or commune. Please choose it with the buttons above, "
                "type it another way (for example “phường 4 quận 8”), or send the location."
            )
        )
        return ACTIVE
    draft.reported_place = match.old.id if match.old is not None else None
    if match.unit is not None and areas.in_programme(match.unit):
        draft.ward = match.unit
        draft.remember_message(message.message_id)
        if match.old is not None:
            await message.reply_text(places.match_text(areas, match, _))
        elif match.loose:  # read from a part of the answer: said back, to be corrected
            await message.reply_text(
                _(
                    "I understood: {place}. If that is not right, tap “‹ Back”.",
                    place=areas.unit_name(match.unit, _.language),
                )
            )
        return await flow.next(draft, "ward")
    await offer_units(
        flow,
        draft,
        match.units,
        places.match_text(areas, match, _) if match.unit is None else None,
    )
    return ACTIVE


async def offer_units(
    flow: Flow, draft: Draft, units: tuple[str, ...], heading: str | None
) -> None:
    """Candidates of a split old unit, or one unit outside the area, to confirm with a tap."""
    _ = flow.translate
    areas = flow.context.services.areas
    lines = [heading] if heading else []
    outside = [code for code in units if not areas.in_programme(code)]
    rows: list[list[keyboards.Button]]
    if len(units) == 1 and outside:
        lines.append(places.outside_text(areas, units[0], _))
        lines.append(
            _("You can still send the report: it will go to the programme's administrators.")
        )
        rows = [
            [
                (
                    _("Continue with {unit}", unit=areas.unit_name(units[0], _.language)),
                    Pick(step="ward", value=units[0]),
                )
            ]
        ]
    else:
        rows = places.candidate_rows(areas, _, units, lambda code: Pick(step="ward", value=code))
    rows.append([(_("Elsewhere / not sure"), Pick(step="ward", value=places.OTHER))])
    rows.append(nav_row(_, "ward"))
    await flow.close_prompt(draft)
    draft.step, draft.shown = "ward", False
    await flow.save(draft)  # save, then ask (see Flow.ask)
    message = await flow.chat.send_message(
        "\n\n".join(lines) or _("Which one do you mean?"), reply_markup=keyboards.inline(rows)
    )
    draft.prompt_id = message.message_id
    draft.shown = True
    await flow.save(draft)


async def located_unit(flow: Flow, draft: Draft) -> int:
    """The unit of a shared location, from the boundaries."""
    _ = flow.translate
    areas = flow.context.services.areas
    if draft.location is None:
        return ACTIVE
    unit = await places.unit_of_location(*draft.location)
    if unit is None:
        draft.location = None
        await flow.message.reply_text(
            _(
                "That location is outside Ho Chi Minh City. If a child is in danger, call 111 (free, "
                "24/7) or 113 now. Otherwise choose “Elsewhere / not sure” with the buttons above."
            )
        )
        await flow.save(draft)
        return ACTIVE
    if areas.in_programme(unit):
        draft.ward, draft.reported_place = unit, None
        await flow.restore_menu(
            _("✓ Location saved: {unit}.", unit=areas.unit_name(unit, _.language))
        )
        return await flow.next(draft, "location" if draft.step == "location" else "ward")
    await offer_units(flow, draft, (unit,), None)  # back at the ward step
    return ACTIVE
