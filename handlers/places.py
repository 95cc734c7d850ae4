"""Choosing today's ward/commune, shared by sign-up, the report's place step and the one-time
confirmation after an old unit was split: the programme's units as buttons (grouped by its
areas) plus "Elsewhere / not sure", a typed name (old names too) or a shared location.

Each caller passes `encode(value)` for its own callback data; values are an official unit
code or OTHER.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, TypeHandler

from bot import keyboards, people
from bot.areas import Areas, Match
from bot.callbacks import Button, Namespace
from bot.content import load_json
from bot.context import BotContext
from bot.geo import unit_at_async
from bot.guards import require_query
from bot.i18n import Html, Translator
from bot.messaging import answer_stale_button, edit_quietly

OTHER = "other"

Encode = Callable[[str], str | Button]  # a unit code → its button's data


def units_text(areas: Areas, _: Translator) -> str:
    """The programme's units by area, in the order of the buttons."""
    language = _.language
    lines = [
        f"<b>{Html(group.name(language))}</b>: "
        + ", ".join(areas.unit_name(code, language) for code in group.units)
        for group in areas.groups()
    ]
    return "\n".join(lines)


def unit_rows(
    areas: Areas, _: Translator, encode: Encode, other: bool = True
) -> list[list[keyboards.Button]]:
    language = _.language
    rows: list[list[keyboards.Button]] = []
    for group in areas.groups():
        choices: list[keyboards.Button] = [
            (areas.unit_name(code, language), encode(code)) for code in group.units
        ]
        rows += keyboards.columns(choices, 2)
    if other:
        rows.append([(_("Elsewhere / not sure"), encode(OTHER))])
    return rows


def candidate_rows(
    areas: Areas, _: Translator, units: Sequence[str], encode: Encode
) -> list[list[keyboards.Button]]:
    language = _.language
    rows: list[list[keyboards.Button]] = []
    for code in units:
        label = areas.unit_name(code, language)
        if not areas.in_programme(code):
            label = _("{unit} (outside the programme)", unit=label)
        rows.append([(label, encode(code))])
    return rows


def outside_text(areas: Areas, unit: str, _: Translator) -> str:
    """A unit of the city outside the programme's area: say so, and where help is."""
    name = areas.unit_name(unit, _.language)
    hotline = load_json("hotlines.json")["child_protection"]["number"]
    return _(
        "📍 {unit} is outside the programme's area ({area}).\n"
        "If a child there is in danger, call <b>{hotline}</b> (free, 24/7) — or 113 if it "
        "is happening now. The child-protection officer of the People's Committee of {unit} "
        "(UBND {unit}) can also help.",
        unit=name,
        hotline=Html(hotline),
        area=", ".join(group.name(_.language) for group in areas.groups()),
    )


def match_text(areas: Areas, match: Match, _: Translator) -> str:
    """What a typed old name led to, before the candidates' buttons."""
    language = _.language
    if match.old is not None and match.old.split:
        return _(
            "{old} was divided on 1 July 2025. Which one is it now?", old=match.old.name(language)
        )
    if match.old is not None:
        return _(
            "{old} is now part of {unit}.",
            old=match.old.name(language),
            unit=areas.unit_name(match.units[0], language),
        )
    return _("Which one do you mean?")


async def unit_of_location(latitude: float, longitude: float) -> str | None:
    return await unit_at_async(latitude, longitude)


# -- once after the map changed: "your old ward was split, which unit are you in now?" ------
UNITS = Namespace("unit", owner=__name__)


class ConfirmUnit(Button, namespace=UNITS, action="confirm"):
    unit: str  # a unit code, or OTHER


async def ask_to_confirm(update: Update, context: BotContext) -> None:
    """Runs after every private update (group 1): a person whose old ward was split is asked
    once which unit they are in now; the question is not repeated if they do not answer."""
    user = context.user
    if (
        user is None
        or not user.ward_confirm
        or update.effective_chat is None
        or update.effective_chat.type != "private"
    ):
        return
    areas: Areas = context.services.areas
    old = areas.old_unit(user.ward_confirm)
    await people.unit_confirmed_later(context.db, user.telegram_id, context.now)
    if old is None:
        return
    _ = context.translate
    rows = candidate_rows(areas, _, old.successors, lambda code: ConfirmUnit(unit=code))
    rows.append([(_("Elsewhere / not sure"), ConfirmUnit(unit=OTHER))])
    await update.effective_chat.send_message(
        _(
            "📍 Since 1 July 2025 {old} is divided between several wards and communes. Which "
            "one are you in now? (We ask only once; you can tell the staff later too.)",
            old=old.name(_.language),
        ),
        reply_markup=keyboards.inline(rows),
    )


async def on_confirm(update: Update, context: BotContext) -> None:
    query = require_query(update)
    _ = context.translate
    pressed = ConfirmUnit.parse(query.data)
    areas: Areas = context.services.areas
    if pressed is None or (pressed.unit != OTHER and areas.unit(pressed.unit) is None):
        await answer_stale_button(update, context)
        return
    await query.answer()
    ward = None if pressed.unit == OTHER else pressed.unit
    await people.confirm_unit(context.db, areas, context.person.telegram_id, ward, context.now)
    await edit_quietly(
        query,
        _("✓ Thank you! Your ward or commune: {unit}.", unit=areas.unit_name(ward, _.language))
        if ward
        else _("✓ Thank you! Noted: elsewhere / not sure."),
    )


def register(application: Application) -> None:
    application.add_handler(CallbackQueryHandler(on_confirm, pattern=ConfirmUnit.pattern()))
    application.add_handler(TypeHandler(Update, ask_to_confirm), group=1)
