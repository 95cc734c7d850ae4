"""The ward's child-protection contact, from /info → "📍 Ward contact": the person's own ward
at once, or the question which one (remembered for a parent's questions)."""

from __future__ import annotations

from telegram import Message, Update

from bot import keyboards
from bot.context import BotContext
from bot.guards import require_message, require_query
from bot.hotline import hotline_footer
from bot.info.buttons import AnotherWard, InfoMenu, OldDistrict, PickWard
from bot.info.service import InfoService
from bot.keyboards import Button
from bot.messaging import answer_stale_button, edit_buttons_quietly, edit_quietly
from handlers import places
from handlers.info.topics import ALL_TOPICS


def _unit_buttons(context: BotContext) -> list[list[Button]]:
    return places.unit_rows(
        context.services.areas, context.translate, lambda code: PickWard(code=code).data()
    )


def _unit_question(context: BotContext) -> str:
    _ = context.translate
    return (
        _("Which ward or commune do you live in?")
        + "\n\n"
        + places.units_text(context.services.areas, _)
    )


async def ward_start(update: Update, context: BotContext) -> None:
    """Show the contact of the person's own ward, or let them pick their ward."""
    query = require_query(update)
    await query.answer()
    ward = context.services.areas.unit(context.person.ward)
    message = require_message(update)
    if ward is not None:
        await _show_ward_contact(message, context, ward.code)
        return
    await message.reply_text(
        _unit_question(context), reply_markup=keyboards.inline(_unit_buttons(context))
    )


async def ward_change(update: Update, context: BotContext) -> None:
    query = require_query(update)
    await query.answer()
    await edit_quietly(
        query, _unit_question(context), reply_markup=keyboards.inline(_unit_buttons(context))
    )


async def ward_district(update: Update, context: BotContext) -> None:
    query = require_query(update)
    pressed = OldDistrict.parse(query.data)
    if context.services.areas.group(pressed.code if pressed else None) is None:
        await answer_stale_button(update, context)
        return
    await query.answer()  # a button of the old two-step picker: today's question instead
    await edit_quietly(
        query, _unit_question(context), reply_markup=keyboards.inline(_unit_buttons(context))
    )


async def ward_chosen(update: Update, context: BotContext) -> None:
    query = require_query(update)
    _ = context.translate
    pressed = PickWard.parse(query.data)
    if pressed is not None and pressed.code == places.OTHER:
        await query.answer()
        await edit_quietly(
            query,
            _(
                "Please go to the People's Committee (UBND) of the ward or commune where you live: "
                "it has a child-protection officer. In an emergency call 111 (free, 24/7) or 113."
            ),
        )
        return
    ward = context.services.areas.unit(pressed.code if pressed else None)
    if ward is None:
        await answer_stale_button(update, context)
        return
    await query.answer()
    await InfoService(context.services).remember_ward(context.person, ward)
    await edit_buttons_quietly(query, None)
    await _show_ward_contact(require_message(update), context, ward.code)


async def _show_ward_contact(message: Message, context: BotContext, ward_code: str) -> None:
    _ = context.translate
    place = context.services.areas.place(ward_code, _.language)
    contact = await InfoService(context.services).ward_contact(ward_code)
    if contact is None:
        text = _(
            "📍 <b>{place}</b>\nNo child-protection contact has been recorded for this "
            "ward yet. Please go to the ward People's Committee, or call 111 (free, 24/7).",
            place=place,
        )
    else:
        text = _(
            "📍 <b>{place}</b> — child-protection contact\n👤 {name}\n📞 {phone}\n🕐 {hours}",
            place=place,
            name=contact.name,
            phone=contact.phone,
            hours=contact.hours,
        )
    text += "\n\n" + hotline_footer(_)
    await message.reply_text(
        text,
        reply_markup=keyboards.inline(
            [
                [(_("🔄 Another ward"), AnotherWard().data())],
                [(_(ALL_TOPICS), InfoMenu().data())],
            ]
        ),
    )
