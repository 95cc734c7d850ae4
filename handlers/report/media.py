"""What the report takes besides text and taps: a location (ward, place and location
steps), the reporter's own contact, photos (file ids only)."""

from __future__ import annotations

from telegram import Update

from bot import keyboards
from bot.context import BotContext
from bot.reports.buttons import Pick
from bot.reports.intake import own_contact
from bot.text import normalize
from handlers.report import ward
from handlers.report.engine import Flow
from handlers.report.steps import step_of
from handlers.report.ui import ACTIVE, DONE, nav_row


async def on_location(update: Update, context: BotContext) -> int:
    flow = Flow(update, context)
    _ = flow.translate
    draft = await flow.arrived()
    if isinstance(draft, int):
        return draft
    if "location" not in step_of(draft).media:
        await flow.hint(draft)
        return ACTIVE
    message = flow.message
    where = message.location
    if where is None:
        await flow.hint(draft)
        return ACTIVE
    draft.location = (round(where.latitude, 6), round(where.longitude, 6))
    draft.remember_message(message.message_id)
    if draft.step == "ward" or not draft.ward:
        return await ward.located_unit(flow, draft)
    await flow.restore_menu(_("✓ Location saved."))
    return await flow.next(draft, "location")


async def on_contact(update: Update, context: BotContext) -> int:
    flow = Flow(update, context)
    _ = flow.translate
    draft = await flow.arrived()
    if isinstance(draft, int):
        return draft
    message = flow.message
    contact = message.contact
    if "contact" not in step_of(draft).media or contact is None:
        await flow.hint(draft)
        return ACTIVE
    sender = update.effective_user
    if not own_contact(contact.user_id, sender.id if sender is not None else 0):
        await message.reply_text(
            _("Please share your own number with the button below, or tap “Stay anonymous”.")
        )
        return ACTIVE
    person = flow.person
    name = normalize(" ".join(filter(None, [contact.first_name, contact.last_name])))
    draft.contact_consent = True
    # Staff know collaborators by the name they registered, not their Telegram name.
    registered = person.display_name if person.role != "public" else None
    draft.reporter_name = registered or name or person.display_name or None
    draft.reporter_phone = contact.phone_number
    draft.remember_message(message.message_id)
    thanks = await flow.restore_menu(
        _("✓ Thank you. Staff may call you on {phone}.", phone=contact.phone_number)
    )
    draft.remember_message(thanks.message_id)
    return await flow.next(draft, "contact")


async def on_photo(update: Update, context: BotContext) -> int:
    flow = Flow(update, context)
    _ = flow.translate
    draft = await flow.arrived()
    if isinstance(draft, int):
        return draft
    rules = flow.intake.rules
    step = step_of(draft)
    message = flow.message
    if step.photo_refusal is not None:
        await message.reply_text(step.photo_refusal(_))
        return ACTIVE
    if "photo" not in step.media or not message.photo:
        await flow.hint(draft)
        return ACTIVE
    if len(draft.photos) >= rules.max_photos:
        await message.reply_text(
            _(
                "That is already {count} photos, the most a report keeps. Tap Done.",
                count=rules.max_photos,
            )
        )
        return ACTIVE
    # Only Telegram's file id is kept: the photo itself never leaves Telegram.
    draft.photos.append(message.photo[-1].file_id)
    draft.remember_message(message.message_id)
    await flow.save(draft)
    await message.reply_text(
        _(
            "📷 Photo {number} of at most {count} saved. Send another, or tap Done.",
            number=len(draft.photos),
            count=rules.max_photos,
        ),
        reply_markup=keyboards.inline(
            [[(_(DONE), Pick(step="photos", value="done"))], nav_row(_, "photos")]
        ),
    )
    return ACTIVE
