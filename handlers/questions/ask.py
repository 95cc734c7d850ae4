"""Asking staff a question: the steps of the questions conversation (conversation.py).

    ask:   [district, if unknown] → question (text / photo) → anonymous or share contact → sent

A question in progress is never overwritten: thanks or "hello" never replace it, more words
are added to it, and the person sees exactly what will be sent. Everything that changes a
ticket goes through bot/questions/service.py (rules, audit, transaction).
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import (
    ConversationHandler,
)

from bot import keyboards, menu
from bot import questions as rules
from bot.context import BotContext
from bot.crypto import cipher_for
from bot.guards import require_message, require_query
from bot.hotline import hotline_footer
from bot.i18n import N_, Translator
from bot.messaging import answer_stale_button, edit_buttons_quietly, edit_markup_quietly
from bot.questions.buttons import (
    NOT_SURE,
    PickDistrict,
    ShareContact,
    StayAnonymous,
)
from bot.questions.service import QuestionService
from bot.text import truncate
from handlers import places
from handlers.questions.conversation import CONTACT, DISTRICT, QUESTION
from handlers.safety.answer import answer_danger

DRAFT = "question_draft"

STAY_ANONYMOUS = N_("🙈 Stay anonymous")
SHARE_PHONE = N_("📱 Share my phone number")
TOO_MANY_OPEN = N_(
    "You already have {count} questions waiting. Please wait for the answers, or "
    "close one you no longer need: /myquestions."
)
NOT_SENT = N_("Sorry, this question could not be sent. Please call 111.")


def _draft(context: BotContext) -> dict[str, Any]:
    return context.person_data.setdefault(DRAFT, {})


def _kept_question(context: BotContext) -> str | None:
    sealed = (context.person_data.get(DRAFT) or {}).get("text_enc")
    return cipher_for(context.services).decrypt(sealed) if sealed else None


async def ask_start(update: Update, context: BotContext) -> int:
    _ = context.translate
    if update.callback_query:
        await update.callback_query.answer()
    message = require_message(update)
    person = context.person
    try:
        await QuestionService(context.services).check_can_ask(person)
    except rules.Blocked:
        await message.reply_text(
            _(
                "Sorry, you can no longer send questions here. If a child "
                "needs help, call 111 (free, 24/7)."
            )
        )
        return ConversationHandler.END
    except rules.TooManyOpen:
        await message.reply_text(_(TOO_MANY_OPEN, count=rules.MAX_OPEN_PER_USER))
        return ConversationHandler.END
    context.person_data[DRAFT] = {"district": person.district, "ward": person.ward}
    if person.district is None:
        await _ask_district(
            message,
            context,
            _(
                "💬 Your question goes to the child-protection staff. Which ward or commune do "
                "you live in?"
            )
            + "\n\n"
            + places.units_text(context.services.areas, _),
        )
        return DISTRICT
    await _ask_for_question(message, _)
    return QUESTION


def _district_keyboard(context: BotContext) -> InlineKeyboardMarkup:
    _ = context.translate
    rows = places.unit_rows(
        context.services.areas, _, lambda code: PickDistrict(code=code).data(), other=False
    )
    rows.append([(_("I am not sure"), PickDistrict(code=NOT_SURE).data())])
    return keyboards.inline(rows)


async def early_question(update: Update, context: BotContext) -> int:
    """The question typed before the district was chosen: keep it (and react at once to
    danger words), then ask for the district again."""
    _ = context.translate
    message = require_message(update)
    kept = _kept_question(context)
    if kept is not None and rules.is_small_talk(message.text):
        await _ask_district(
            message,
            context,
            _(
                "Your question is kept: “{text}”. Which ward or commune do you live in?",
                text=truncate(kept, 300),
            ),
        )
        return DISTRICT
    if await _store_question(message, context, message.text, None, append=True):
        await _ask_district(
            message,
            context,
            _("Thank you, your question is kept. Which ward or commune do you live in?"),
        )
    return DISTRICT


async def _ask_district(message: Message, context: BotContext, text: str) -> None:
    """The ward picker; an earlier picker of the same question loses its buttons, so only
    the latest one can be tapped (an older tap would only be stale)."""
    draft = _draft(context)
    earlier = draft.get("picker")
    if earlier:
        await edit_markup_quietly(context.bot, message.chat_id, int(earlier))
    sent = await message.reply_text(text, reply_markup=_district_keyboard(context))
    draft["picker"] = sent.message_id


async def more_text_at_contact(update: Update, context: BotContext) -> int:
    """Text after the question, before it is sent: thanks or "hello" never replace it; more
    words are added to it, and the person sees exactly what will be sent."""
    message = require_message(update)
    text = message.text
    if not rules.is_small_talk(text) and not await _store_question(
        message, context, text, None, append=True
    ):
        return CONTACT
    await _ask_contact(message, context.translate, _kept_question(context))
    return CONTACT


async def _ask_for_question(message: Message, _: Translator) -> None:
    await message.reply_text(
        _(
            "💬 Write your question in one message. You may add one photo (with your question as "
            "its caption).\nStaff will not see your name or username.\n\n"
            "If a child is in danger right now, do not wait: call 111 or 113."
        )
    )


async def choose_district(update: Update, context: BotContext) -> int:
    query = require_query(update)
    _ = context.translate
    pressed = PickDistrict.parse(query.data)
    code = pressed.code if pressed else None
    areas = context.services.areas
    unit = areas.unit(code)
    district = areas.group(code)  # a programme area: a button from before today's map
    if unit is None and district is None and code != NOT_SURE:
        await answer_stale_button(update, context)
        return DISTRICT
    await query.answer()
    draft = _draft(context)
    draft["district"] = unit.group if unit else district.code if district else None
    draft["ward"] = unit.code if unit else None
    await edit_buttons_quietly(query, None)
    message = require_message(update)
    if draft.get("text_enc"):  # typed before the district: straight to the contact choice
        await _ask_contact(message, _, _kept_question(context))
        return CONTACT
    await _ask_for_question(message, _)
    return QUESTION


async def question_text(update: Update, context: BotContext) -> int:
    message = require_message(update)
    return await _take_question(message, context, message.text, None)


async def question_photo(update: Update, context: BotContext) -> int:
    message = require_message(update)
    photo = message.photo[-1].file_id
    caption = message.caption
    if not caption:
        _draft(context)["photo_enc"] = cipher_for(context.services).encrypt(photo)
        _ = context.translate
        await message.reply_text(_("📷 Photo received. Now write your question in words."))
        return QUESTION
    return await _take_question(message, context, caption, photo)


async def _take_question(
    message: Message, context: BotContext, raw: str | None, photo: str | None
) -> int:
    draft = context.person_data.get(DRAFT) or {}
    if draft.get("asked") == "contact" and "text_enc" in draft:
        # The question was saved and the contact step begun, but the bot stopped before its
        # state was stored: this message is not a new question. Ask the contact step again,
        # showing what will be sent.
        await _ask_contact(message, context.translate, _kept_question(context))
        return CONTACT
    if not await _store_question(message, context, raw, photo):
        return QUESTION
    # Save, then ask: the question is in SQLite before the next step goes out.
    _draft(context)["asked"] = "contact"
    await context.application.update_persistence()
    await _ask_contact(message, context.translate, _kept_question(context))
    return CONTACT


async def _store_question(
    message: Message,
    context: BotContext,
    raw: str | None,
    photo: str | None,
    append: bool = False,
) -> bool:
    """Keep the question in the draft (with `append`, added to what is already kept); danger
    words get the hotlines at once. False if the text is not usable (the person was told
    why)."""
    _ = context.translate
    kept = _kept_question(context) if append else None
    if kept and raw:
        raw = f"{kept}\n{raw}"
    text = rules.clean_text(raw)
    if text is None:
        await message.reply_text(
            _(
                "Please write your question in words, up to {max} characters.",
                max=_.number(rules.TEXT_MAX),
            )
        )
        return False
    draft = _draft(context)
    # user_data is persisted in SQLite: the question waits there encrypted, like a report draft.
    cipher = cipher_for(context.services)
    draft["text_enc"] = cipher.encrypt(text)
    if photo:
        draft["photo_enc"] = cipher.encrypt(photo)
    verdict = context.services.danger_matcher().check(text)
    draft["danger"] = verdict is not None
    if verdict is not None:  # the question reaches staff flagged; the numbers now, and one
        # tap to make it a case at once (a disclosure written as a question)
        await answer_danger(message, context, text, verdict, entry_id=None)
    return True


async def _ask_contact(message: Message, _: Translator, text: str | None = None) -> None:
    quoted = (_("You will send: “{text}”", text=truncate(text, 600)) + "\n\n") if text else ""
    await message.reply_text(
        quoted
        + _(
            "Staff will see your question without your name or username. Would you "
            "like them to be able to call you back?"
        ),
        reply_markup=keyboards.inline(
            [
                [(_(STAY_ANONYMOUS), StayAnonymous().data())],
                [(_(SHARE_PHONE), ShareContact().data())],
            ]
        ),
    )


async def stay_anonymous(update: Update, context: BotContext) -> int:
    query = require_query(update)
    await query.answer()
    await edit_buttons_quietly(query, None)
    return await _submit(require_message(update), context, None, None)


async def offer_contact(update: Update, context: BotContext) -> int:
    query = require_query(update)
    await query.answer()
    _ = context.translate
    await edit_buttons_quietly(query, None)
    await require_message(update).reply_text(
        _("Tap the button below to share your number, or “Stay anonymous”."),
        reply_markup=keyboards.request_contact(_(SHARE_PHONE), [_(STAY_ANONYMOUS)]),
    )
    return CONTACT


async def contact_shared(update: Update, context: BotContext) -> int:
    message = require_message(update)
    contact = message.contact
    _ = context.translate
    if contact is None or contact.user_id != context.person.telegram_id:
        await message.reply_text(
            _("Please share your own number with the button below, or tap “Stay anonymous”.")
        )
        return CONTACT
    name = " ".join(part for part in (contact.first_name, contact.last_name) if part)
    return await _submit(message, context, name or None, contact.phone_number)


async def typed_anonymous(update: Update, context: BotContext) -> int:
    return await _submit(require_message(update), context, None, None)


async def _submit(
    message: Message, context: BotContext, contact_name: str | None, phone: str | None
) -> int:
    _ = context.translate
    person = context.person
    draft = context.person_data.pop(DRAFT, None) or {}
    cipher = cipher_for(context.services)
    text = cipher.decrypt(draft["text_enc"]) if "text_enc" in draft else draft.get("text")
    photo = cipher.decrypt(draft["photo_enc"]) if "photo_enc" in draft else draft.get("photo")
    if text is None:
        await message.reply_text(
            _("Something was missing. Please start again."),
            reply_markup=menu.keyboard(person.menu_role, _),
        )
        return ConversationHandler.END
    try:
        question = await QuestionService(context.services).open(
            person,
            text,
            district=draft.get("district"),
            ward=draft.get("ward"),
            photo_file_id=photo,
            danger=bool(draft.get("danger")),
            contact_name=contact_name,
            contact_phone=phone,
        )
    except (rules.Blocked, rules.TooManyOpen):
        await message.reply_text(_(NOT_SENT), reply_markup=menu.keyboard(person.menu_role, _))
        return ConversationHandler.END
    district = context.services.areas.group_name(question.district, _.language)
    where = (
        _("the staff of {district}", district=district)
        if question.district
        else _("the programme staff")
    )
    await message.reply_text(
        _(
            "✅ Your question <b>{code}</b> was sent to {where}. The answer will come here, "
            "usually within one working day. You can write back on the same question.",
            code=rules.code(question.id),
            where=where,
        )
        + "\n\n"
        + hotline_footer(_),
        reply_markup=menu.keyboard(person.menu_role, _),
    )
    return ConversationHandler.END
