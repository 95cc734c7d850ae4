"""Staff keep the child-protection contact of each ward: /wardcontact.

/wardcontact → [district, administrators only] → ward → the contact in three lines
(name, phone, hours) or Remove. Parents see it from /info → Ward contact.
"""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import callbacks, keyboards, menu, scope
from bot.areas import Unit
from bot.context import BotContext
from bot.conversations import ExclusiveConversation
from bot.i18n import N_
from bot.messaging import edit_buttons_quietly, edit_quietly
from handlers import places
from handlers.common import anything_else, free_text, leave_handlers, step_hints
from storage import audit, ward_contacts

NS = "wct"
PRIVATE = filters.ChatType.PRIVATE
PICK, TEXT = range(2)
EDITING = "ward_contact_editing"
NAME_MAX, HOURS_MAX = 80, 120
PHONE = re.compile(r"^\+?[0-9][0-9 .\-]{6,18}[0-9]$")


def parse_contact(text: str) -> tuple[str, str, str] | None:
    """Three non-empty lines: name, phone (8–15 digits), opening hours."""
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    if len(lines) != 3:
        return None
    name, phone, hours = lines
    digits = re.sub(r"\D", "", phone)
    if not (
        2 <= len(name) <= NAME_MAX
        and PHONE.match(phone)
        and 8 <= len(digits) <= 15
        and 2 <= len(hours) <= HOURS_MAX
    ):
        return None
    return name, phone, hours


async def start(update: Update, context: BotContext) -> int:
    _ = context.translate
    user = context.user
    if not user.is_staff:
        await update.message.reply_text(_("This command is for staff."))
        return ConversationHandler.END
    await _show_wards(update.message.reply_text, context, None)
    return PICK


async def _show_wards(send, context: BotContext, district: str | None) -> None:
    """The units the person covers (in one programme group, if given), grouped by area."""
    _ = context.translate
    areas = context.services.areas
    have = await ward_contacts.wards_with_contact(context.db)
    rows = []
    for group in areas.groups():
        if district is not None and group.code != district:
            continue
        buttons = [
            (
                ("✓ " if w.code in have else "") + w.name(_.language),
                callbacks.encode(NS, "w", w.code),
            )
            for w in areas.units_in(group.code)
            if scope.can_act_in_unit(context.user, w.code)
        ]
        rows += keyboards.columns(buttons, 2)
    await send(
        _("Ward and commune contacts: choose one (✓ = contact recorded).")
        + "\n\n"
        + places.units_text(areas, _),
        reply_markup=keyboards.inline(rows),
    )


async def choose_district(update: Update, context: BotContext) -> int:
    query = update.callback_query
    _ = context.translate
    data = callbacks.decode(query.data)
    district = context.services.areas.group(data.arg(0) if data else None)
    if district is None or not scope.touches_group(context.user, district.code):
        await query.answer(_("This button is not valid."), show_alert=True)
        return PICK
    await query.answer()
    await _show_wards(query.edit_message_text, context, district.code)
    return PICK


async def _ward_pressed(query, context: BotContext) -> Unit | None:
    """The ward a button names if the presser may change its contact; else a polite alert."""
    _ = context.translate
    data = callbacks.decode(query.data)
    ward = context.services.areas.unit(data.arg(0) if data else None)
    if ward is None or not scope.can_act_in_unit(context.user, ward.code):
        await query.answer(
            _("You can only change the contacts of your own wards and communes."), show_alert=True
        )
        return None
    return ward


async def choose_ward(update: Update, context: BotContext) -> int:
    query = update.callback_query
    _ = context.translate
    ward = await _ward_pressed(query, context)
    if ward is None:
        return PICK
    await query.answer()
    context.user_data[EDITING] = ward.code
    place = context.services.areas.place(ward.code, _.language)
    current = await ward_contacts.get(context.db, ward.code)
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
    rows = (
        [[(_("🗑 Remove the contact"), callbacks.encode(NS, "del", ward.code))]] if current else []
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
    parsed = parse_contact(update.message.text)
    ward_code = context.user_data.get(EDITING)
    ward = context.services.areas.unit(ward_code)
    if ward is None or not scope.can_act_in_unit(context.user, ward.code):
        await update.message.reply_text(
            _("Something was missing. Please start again with /wardcontact.")
        )
        return ConversationHandler.END
    if parsed is None:
        await update.message.reply_text(
            _(
                "Please send exactly three lines: the name, a phone number (8 to 15 digits) and "
                "the opening hours."
            )
        )
        return TEXT
    name, phone, hours = parsed
    async with context.db.transaction():
        await ward_contacts.put(
            context.db, ward.code, name, phone, hours, context.user.telegram_id, context.now
        )
        await audit.record(
            context.db, context.user.telegram_id, "ward_contact_set", "ward", ward.code, context.now
        )
    context.user_data.pop(EDITING, None)
    await update.message.reply_text(
        _(
            "✅ Saved. Parents who choose {place} now see this contact.",
            place=context.services.areas.place(ward.code, _.language),
        ),
        reply_markup=menu.keyboard(context.user.menu_role, _),
    )
    return ConversationHandler.END


async def remove(update: Update, context: BotContext) -> int:
    query = update.callback_query
    _ = context.translate
    ward = await _ward_pressed(query, context)
    if ward is None:
        return TEXT
    async with context.db.transaction():
        removed = await ward_contacts.delete(context.db, ward.code)
        if removed:
            await audit.record(
                context.db,
                context.user.telegram_id,
                "ward_contact_delete",
                "ward",
                ward.code,
                context.now,
            )
    await query.answer(_("Removed.") if removed else _("There was no contact to remove."))
    await edit_buttons_quietly(query, None)
    context.user_data.pop(EDITING, None)
    return ConversationHandler.END


_hint = step_hints(
    {
        PICK: N_("Please choose with the buttons above, or /cancel."),
        TEXT: N_("Please send the contact as three lines of text, or /cancel."),
    }
)


def register(application: Application) -> None:
    i18n = application.services.i18n
    other = anything_else(i18n)
    application.add_handler(
        ExclusiveConversation(
            name="ward_contacts",
            persistent=True,
            entry_points=[CommandHandler("wardcontact", start, filters=PRIVATE)],
            states={
                PICK: [
                    CallbackQueryHandler(choose_district, pattern=rf"^{NS}:d:"),
                    CallbackQueryHandler(choose_ward, pattern=rf"^{NS}:w:"),
                    MessageHandler(other, _hint(PICK)),
                ],
                TEXT: [
                    MessageHandler(free_text(i18n), save),
                    CallbackQueryHandler(remove, pattern=rf"^{NS}:del:"),
                    MessageHandler(other, _hint(TEXT)),
                ],
            },
            fallbacks=leave_handlers(i18n),
        )
    )
