"""The ward/commune step of the sign-up, then the phone question."""

from __future__ import annotations

import weakref

from telegram import InlineKeyboardMarkup, Update

from bot import keyboards
from bot.areas import Areas
from bot.context import BotContext
from bot.guards import require_message, require_query
from bot.lazy import lazy
from bot.messaging import answer_stale_button, edit_quietly
from handlers import places
from handlers.info import danger_words
from handlers.onboarding.steps import PHONE, SIGNUP, UNIT, BackToUnits, ChooseUnit

# The emergency answer to a typed place with danger words, imported at its first use.
answer_danger = lazy("handlers.safety.answer:answer_danger")

# The question and its keyboard of every unit (~30 buttons) depend only on the areas and the
# language: built once per language, not at every sign-up (a frozen markup may be reused).
_ASKED: weakref.WeakKeyDictionary[Areas, dict[str, tuple[str, InlineKeyboardMarkup]]] = (
    weakref.WeakKeyDictionary()
)


def _unit_keyboard(context: BotContext) -> InlineKeyboardMarkup:
    return _asked(context)[1]


def _unit_question(context: BotContext) -> str:
    return _asked(context)[0]


def _asked(context: BotContext) -> tuple[str, InlineKeyboardMarkup]:
    _ = context.translate
    areas = context.services.areas
    by_language = _ASKED.setdefault(areas, {})
    asked = by_language.get(_.language)
    if asked is None:
        question = (
            _(
                "Which ward or commune do you work in? Choose below, type its name (old names "
                "too, like “phường 4 quận 8”), or send your location with 📎."
            )
            + "\n\n"
            + places.units_text(areas, _)
        )
        keyboard = keyboards.inline(places.unit_rows(areas, _, lambda code: ChooseUnit(unit=code)))
        asked = by_language[_.language] = (question, keyboard)
    return asked


async def ask_unit(update: Update, context: BotContext) -> None:
    await require_message(update).chat.send_message(
        _unit_question(context), reply_markup=_unit_keyboard(context)
    )


async def choose_unit(update: Update, context: BotContext) -> int:
    query = require_query(update)
    _ = context.translate
    pressed = ChooseUnit.parse(query.data)
    areas = context.services.areas
    if pressed is None or (pressed.unit != places.OTHER and areas.unit(pressed.unit) is None):
        await answer_stale_button(update, context)
        return UNIT
    await query.answer()
    ward = None if pressed.unit == places.OTHER else pressed.unit
    context.person_data.setdefault(SIGNUP, {})["ward"] = ward
    await edit_quietly(
        query,
        _("Area: {place}", place=areas.unit_name(ward, _.language))
        if ward
        else _("Area: elsewhere / not sure"),
    )
    return await ask_phone(update, context)


async def ask_phone(update: Update, context: BotContext) -> int:
    _ = context.translate
    await require_message(update).chat.send_message(
        _("Would you share your phone number, so the staff can call you back? It is optional."),
        reply_markup=keyboards.request_contact(_("📱 Share my phone number"), [_("Skip")]),
    )
    return PHONE


async def back_to_units(update: Update, context: BotContext) -> int:
    query = require_query(update)
    await query.answer()
    await edit_quietly(query, _unit_question(context), reply_markup=_unit_keyboard(context))
    return UNIT


async def unit_typed(update: Update, context: BotContext) -> int:
    """A ward or commune typed, today's name or an old one."""
    _ = context.translate
    message = require_message(update)
    text = message.text or ""
    verdict = danger_words(context).check(text)
    if verdict is not None:
        await answer_danger(message, context, text, verdict)
        return UNIT
    match = context.services.areas.find(text)
    if match is None:
        await message.reply_text(
            _(
                "I could not find that ward or commune. Please choose it with the buttons above, "
                "type it another way (for example “phường 4 quận 8”), or send the location."
            )
        )
        return UNIT
    heading = (
        places.match_text(context.services.areas, match, _)
        if match.old is not None or match.unit is None
        else None
    )
    await _offer(update, context, match.units, heading)
    return UNIT


async def unit_located(update: Update, context: BotContext) -> int:
    _ = context.translate
    message = require_message(update)
    where = message.location
    assert where is not None  # registered for filters.LOCATION
    unit = await places.unit_of_location(where.latitude, where.longitude)
    if unit is None:
        await message.reply_text(
            _(
                "That location is outside Ho Chi Minh City. Please choose “Elsewhere / not sure” "
                "with the buttons above."
            )
        )
        return UNIT
    await _offer(update, context, (unit,), None)
    return UNIT


async def _offer(
    update: Update, context: BotContext, units: tuple[str, ...], heading: str | None
) -> None:
    """The unit(s) found, to confirm with one tap (outside the area: said so, with 111)."""
    _ = context.translate
    areas = context.services.areas
    encode = lambda code: ChooseUnit(unit=code)  # noqa: E731
    lines = []
    if len(units) == 1:
        lines.append(heading or _("Is it {unit}?", unit=areas.unit_name(units[0], _.language)))
        if not areas.in_programme(units[0]):
            lines.append(places.outside_text(areas, units[0], _))
        rows: list[list[keyboards.Button]] = [
            [(_("✓ Yes, {unit}", unit=areas.unit_name(units[0], _.language)), encode(units[0]))]
        ]
    else:
        lines.append(heading or _("Which one do you mean?"))
        rows = places.candidate_rows(areas, _, units, encode)
    rows.append([(_("Elsewhere / not sure"), encode(places.OTHER))])
    rows.append([(_("‹ Back"), BackToUnits())])
    await require_message(update).chat.send_message(
        "\n\n".join(lines), reply_markup=keyboards.inline(rows)
    )
