"""Staff keep the child-protection contact of each ward: /wardcontact.

/wardcontact → [district, administrators only] → ward → the contact in three lines
(name, phone, hours) or Remove. Parents see it from /info → Ward contact.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import CallbackQuery, Update
from telegram.ext import (
    ConversationHandler,
    filters,
)

from bot import keyboards, menu, scope
from bot import ward_contacts as contacts
from bot.areas import Unit
from bot.context import BotContext
from bot.guards import record_refusal, require_message, require_query, staff_only
from bot.i18n import N_
from bot.messaging import answer_stale_button, edit_buttons_quietly, edit_quietly
from handlers import places
from handlers.routes import PICK, TEXT, PickGroup, PickUnit, RemoveContact

PRIVATE = filters.ChatType.PRIVATE
EDITING = "ward_contact_editing"
OWN_UNITS_ONLY = N_("You can only change the contacts of your own wards and communes.")


@staff_only
async def start(update: Update, context: BotContext) -> int:
    await _show_wards(require_message(update).reply_text, context, None)
    return PICK


async def _show_wards(
    send: Callable[..., Awaitable[object]], context: BotContext, district: str | None
) -> None:
    """The units the person covers (in one programme group, if given), grouped by area."""
    _ = context.translate
    areas = context.services.areas
    have = await contacts.units_with_contact(context.db)
    rows: list[list[keyboards.Button]] = []
    for group in areas.groups():
        if district is not None and group.code != district:
            continue
        choices: list[keyboards.Button] = [
            (("✓ " if w.code in have else "") + w.name(_.language), PickUnit(unit=w.code))
            for w in areas.units_in(group.code)
            if scope.can_act_in_unit(context.person, w.code, areas)
        ]
        rows += keyboards.columns(choices, 2)
    await send(
        _("Ward and commune contacts: choose one (✓ = contact recorded).")
        + "\n\n"
        + places.units_text(areas, _),
        reply_markup=keyboards.inline(rows),
    )


async def choose_district(update: Update, context: BotContext) -> int:
    query = require_query(update)
    pressed = PickGroup.parse(query.data)
    district = context.services.areas.group(pressed.group if pressed else None)
    if district is None or not scope.touches_group(context.person, district.code):
        await answer_stale_button(update, context)
        return PICK
    await query.answer()
    await _show_wards(query.edit_message_text, context, district.code)
    return PICK


async def _ward_pressed(query: CallbackQuery, context: BotContext, unit: str | None) -> Unit | None:
    """The ward a button names if the presser may change its contact; else a polite alert
    (and the refusal audited)."""
    ward = context.services.areas.unit(unit)
    if ward is None or not scope.can_act_in_unit(context.person, ward.code):
        await record_refusal(context, "ward_contact", "ward", unit)
        await query.answer(context.translate(OWN_UNITS_ONLY), show_alert=True)
        return None
    return ward


async def choose_ward(update: Update, context: BotContext) -> int:
    query = require_query(update)
    _ = context.translate
    pressed = PickUnit.parse(query.data)
    ward = await _ward_pressed(query, context, pressed.unit if pressed else None)
    if ward is None:
        return PICK
    await query.answer()
    context.person_data[EDITING] = ward.code
    place = context.services.areas.place(ward.code, _.language)
    current = await contacts.for_unit(context.db, ward.code)
    now_text = (
        _(
            "Now: {name}, {phone}, {hours}.",
            name=current.name,
            phone=current.phone,
            hours=current.hours,
        )
        if current
        else _("No contact recorded yet.")
    )
    rows: list[list[keyboards.Button]] = (
        [[(_("🗑 Remove the contact"), RemoveContact(unit=ward.code))]] if current else []
    )
    await edit_quietly(
        query,
        _(
            "📍 <b>{place}</b>\n{now}\n\nSend the contact in three lines:\nname\nphone\nopening "
            "hours\n\nFor example:\nNguyễn Thị Hoa\n0909 123 456\nThứ 2 – Thứ 6, 7:30 – 17:00",
            place=place,
            now=now_text,
        ),
        reply_markup=keyboards.inline(rows) if rows else None,
    )
    return TEXT


async def save(update: Update, context: BotContext) -> int:
    _ = context.translate
    message = require_message(update)
    parsed = contacts.parse_contact(message.text or "")
    areas = context.services.areas
    ward = areas.unit(context.person_data.get(EDITING))
    if ward is None or not scope.can_act_in_unit(context.person, ward.code, areas):
        await message.reply_text(_("Something was missing. Please start again with /wardcontact."))
        return ConversationHandler.END
    if parsed is None:
        await message.reply_text(
            _(
                "Please send exactly three lines: the name, a phone number (8 to 15 digits) and "
                "the opening hours."
            )
        )
        return TEXT
    await contacts.save(context.db, areas, context.person, ward.code, parsed, context.now)
    context.person_data.pop(EDITING, None)
    await message.reply_text(
        _(
            "✅ Saved. Parents who choose {place} now see this contact.",
            place=context.services.areas.place(ward.code, _.language),
        ),
        reply_markup=menu.keyboard(context.person.menu_role, _),
    )
    return ConversationHandler.END


async def remove(update: Update, context: BotContext) -> int:
    query = require_query(update)
    _ = context.translate
    pressed = RemoveContact.parse(query.data)
    ward = await _ward_pressed(query, context, pressed.unit if pressed else None)
    if ward is None:
        return TEXT
    removed = await contacts.remove(
        context.db, context.services.areas, context.person, ward.code, context.now
    )
    await query.answer(_("Removed.") if removed else _("There was no contact to remove."))
    await edit_buttons_quietly(query, None)
    context.person_data.pop(EDITING, None)
    return ConversationHandler.END
