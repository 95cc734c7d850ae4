"""Asking for printed copies: 🖨 on a material → how many → area (administrators) → ward →
delivery place → wanted by → confirm. Nothing is saved before “Send request”; then the
request and the staff's alerts are committed together."""

from __future__ import annotations

import datetime as dt

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from bot import keyboards
from bot.context import BotContext
from bot.guards import NotApplicable, PermissionDenied, require_message, require_query
from bot.materials import printing
from bot.materials.buttons import (
    DropRequest,
    PrintGroup,
    PrintUnit,
    RequestCopies,
    SendRequest,
    WantedIn,
)
from bot.messaging import answer_stale_button, edit_buttons_quietly, edit_quietly
from handlers.printing.routes import CONFIRM, DISTRICT, PLACE, QUANTITY, WARD, WHEN
from handlers.printing.views import desk, tell_staff

DRAFT = "print_draft"
QUICK_DAYS = (7, 14, 30)


def _today(context: BotContext) -> dt.date:
    return context.translate.local(context.now).date()


def _draft(context: BotContext) -> dict:
    return context.person_data.setdefault(DRAFT, {})


async def start_request(update: Update, context: BotContext) -> int:
    query = require_query(update)
    _ = context.translate
    pressed = RequestCopies.parse(query.data)
    if pressed is None:
        await answer_stale_button(update, context)
        return ConversationHandler.END
    try:
        material = await desk(context).material_to_print(context.person, pressed.material_id)
    except PermissionDenied:
        await query.answer(
            _("Printed copies can be requested by collaborators and staff."), show_alert=True
        )
        return ConversationHandler.END
    except NotApplicable:
        await query.answer(_("This material is no longer available."), show_alert=True)
        return ConversationHandler.END
    await query.answer()
    context.person_data[DRAFT] = {"material": material.id, "title": material.title}
    await require_message(update).reply_text(
        _(
            "🖨 Printed copies of “{title}”.\nHow many copies do you need? Type a number from "
            "1 to 1,000. (/cancel to stop)",
            title=material.title_in(_.language),
        )
    )
    return QUANTITY


async def enter_quantity(update: Update, context: BotContext) -> int:
    _ = context.translate
    message = require_message(update)
    quantity = printing.parse_quantity(message.text)
    if quantity is None:
        await message.reply_text(_("Please type a number of copies from 1 to 1,000, e.g. 200."))
        return QUANTITY
    _draft(context)["quantity"] = quantity
    if context.person.is_admin:
        await message.reply_text(
            _("For which area of the programme?"), reply_markup=_group_keyboard(context)
        )
        return DISTRICT
    return await _ask_unit(update, context, None)


def _group_keyboard(context: BotContext) -> InlineKeyboardMarkup:
    language = context.translate.language
    return keyboards.inline(
        [
            [(group.name(language), PrintGroup(group=group.code))]
            for group in context.services.areas.groups()
        ]
    )


async def choose_group(update: Update, context: BotContext) -> int:
    query = require_query(update)
    pressed = PrintGroup.parse(query.data)
    group = context.services.areas.group(pressed.group if pressed else None)
    if group is None or not context.person.is_admin:
        await answer_stale_button(update, context)
        return DISTRICT
    await query.answer()
    _ = context.translate
    # The chosen area stays in words; its buttons go (a later tap would only be stale).
    await edit_quietly(query, _("Area: {place}", place=group.name(_.language)))
    return await _ask_unit(update, context, group.code)


async def _ask_unit(update: Update, context: BotContext, group: str | None) -> int:
    _ = context.translate
    message = require_message(update)
    units = desk(context).units_for(context.person, group)
    if not units:
        await message.reply_text(
            _(
                "Your account has no ward or commune of the programme yet, so I cannot take a "
                "print request. Please ask the programme staff."
            )
        )
        context.person_data.pop(DRAFT, None)
        return ConversationHandler.END
    _draft(context)["district"] = group
    own = context.person.ward
    ordered = sorted(units, key=lambda unit: unit.code != own)  # their own ward first
    choices: list[keyboards.Button] = [
        (unit.name(_.language), PrintUnit(unit=unit.code)) for unit in ordered
    ]
    await message.reply_text(
        _("For which ward or commune?"),
        reply_markup=keyboards.inline(keyboards.columns(choices, 3)),
    )
    return WARD


async def choose_unit(update: Update, context: BotContext) -> int:
    query = require_query(update)
    _ = context.translate
    pressed = PrintUnit.parse(query.data)
    draft = _draft(context)
    allowed = {unit.code for unit in desk(context).units_for(context.person, draft.get("district"))}
    if pressed is None or pressed.unit not in allowed:
        await answer_stale_button(update, context)
        return WARD
    await query.answer()
    draft["ward"] = pressed.unit
    place = context.services.areas.place(pressed.unit, _.language)
    await edit_quietly(query, _("Area: {place}", place=place))
    await require_message(update).reply_text(
        _(
            "Where should the copies be delivered? E.g. “Ward People's Committee, 1 Main St.” "
            "or a school or club address."
        )
    )
    return PLACE


async def enter_place(update: Update, context: BotContext) -> int:
    _ = context.translate
    message = require_message(update)
    place = printing.clean_place(message.text)
    if place is None:
        await message.reply_text(
            _(
                "Please type the delivery place in {min} to {max} characters.",
                min=printing.PLACE_MIN,
                max=printing.PLACE_MAX,
            )
        )
        return PLACE
    _draft(context)["place"] = place
    choices: list[keyboards.Button] = [
        (_("In {days} days", days=days), WantedIn(days=days)) for days in QUICK_DAYS
    ]
    await message.reply_text(
        _(
            "By when do you need them? Type a date such as {example}, or choose:",
            example=(_today(context) + dt.timedelta(days=10)).strftime("%d/%m/%Y"),
        ),
        reply_markup=keyboards.inline([choices]),
    )
    return WHEN


async def enter_date(update: Update, context: BotContext) -> int:
    _ = context.translate
    message = require_message(update)
    try:
        wanted = printing.parse_wanted_by(message.text, _today(context))
    except printing.DateError as error:
        reason = str(error)
        if reason == "past":
            text = _("That date has passed. Please type a date from tomorrow on.")
        elif reason == "far":
            text = _("Please choose a date within the next 12 months.")
        else:
            text = _("Please type the date as day/month, e.g. 15/06.")
        await message.reply_text(text)
        return WHEN
    return await _confirm(update, context, wanted)


async def choose_date(update: Update, context: BotContext) -> int:
    query = require_query(update)
    pressed = WantedIn.parse(query.data)
    if pressed is None or pressed.days not in QUICK_DAYS:
        await answer_stale_button(update, context)
        return WHEN
    await query.answer()
    await edit_buttons_quietly(query, None)
    return await _confirm(update, context, _today(context) + dt.timedelta(days=pressed.days))


async def _confirm(update: Update, context: BotContext, wanted: dt.date) -> int:
    _ = context.translate
    message = require_message(update)
    draft = _draft(context)
    draft["wanted_by"] = wanted.isoformat()
    if not {"material", "quantity", "ward", "place"} <= draft.keys():
        context.person_data.pop(DRAFT, None)
        await message.reply_text(
            _("Something was missing. Please open the material and tap 🖨 again.")
        )
        return ConversationHandler.END
    await message.reply_text(
        _(
            "Please check your request:\n<b>{title}</b>\n{quantity} copies · {ward}\n"
            "Deliver to: {place}\nWanted by: {date}",
            title=draft["title"],
            quantity=_.number(draft["quantity"]),
            ward=context.services.areas.place(draft["ward"], _.language),
            place=draft["place"],
            date=_.date(wanted),
        ),
        reply_markup=keyboards.inline(
            [[(_("✅ Send request"), SendRequest()), (_("✖️ Cancel"), DropRequest())]]
        ),
    )
    return CONFIRM


async def send_request(update: Update, context: BotContext) -> int:
    query = require_query(update)
    _ = context.translate
    draft = context.person_data.pop(DRAFT, None) or {}
    try:
        request_id = await desk(context).submit(
            context.person,
            int(draft["material"]),
            int(draft["quantity"]),
            draft["ward"],
            draft["place"],
            dt.date.fromisoformat(draft["wanted_by"]),
            context.now,
            then=lambda request: tell_staff(context, request),
        )
    except (KeyError, ValueError, PermissionDenied, NotApplicable):
        await query.answer(
            _("This request can no longer be sent. Please start again."), show_alert=True
        )
        return ConversationHandler.END
    await query.answer()
    await edit_quietly(
        query,
        _(
            "📨 Request #{id} sent. The staff will look at it; I will tell you here at "
            "every step. /myrequests shows your requests.",
            id=request_id,
        ),
    )
    return ConversationHandler.END


async def drop_request(update: Update, context: BotContext) -> int:
    query = require_query(update)
    await query.answer()
    context.person_data.pop(DRAFT, None)
    _ = context.translate
    await edit_quietly(query, _("Cancelled. Nothing was sent."))
    return ConversationHandler.END
