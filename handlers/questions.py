"""Questions to staff: the parent asks (text, optionally a photo), staff answer with a Reply
button, the parent can write back on the same ticket.

    ask:   [district, if unknown] → question (text / photo) → anonymous or share contact → sent
    reply: Reply button on a ticket → the answer text → delivered to the other side

Staff never see the asker's name or username; only a contact the asker chose to share.
Everything that changes a ticket goes through bot/questions.py (rules and audit).
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass

from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import callbacks, info, keyboards, menu, outbox, scheduling, staff_copies
from bot import questions as rules
from bot.context import BotContext
from bot.conversations import ExclusiveConversation
from bot.crypto import cipher_for
from bot.hotline import hotline_footer
from bot.i18n import N_, Translator
from bot.materials import search as material_search
from bot.messaging import edit_buttons_quietly
from bot.text import truncate
from handlers import places
from handlers.common import anything_else, free_text, leave_handlers, step_hints
from handlers.info import danger_message, danger_words
from storage import alert_copies, audit, users
from storage import materials as material_store
from storage import questions as store
from storage.alert_copies import AlertCopy
from storage.questions import Question, QuestionMessage
from storage.users import User

log = logging.getLogger(__name__)
NS = "qst"
PRIVATE = filters.ChatType.PRIVATE
DISTRICT, QUESTION, CONTACT, REPLY = range(4)
DRAFT = "question_draft"
REPLYING = "question_reply"

# Sent in the other person's language (translated where it is sent).
ANSWER_HEADING = N_("💬 <b>Answer to your question {code}</b>")
QUOTED = N_("“{text}”")
REPLY_BUTTON = N_("↩️ Reply")
CLOSE_THANKS = N_("✅ Close, thank you")
CLOSED_BY_STAFF = N_(
    "Your question {code} was closed by the staff. You can ask a new question at any time."
)

# The three kinds of staff copy of a ticket, and the heading each one starts with.
HEADINGS = {
    "new": N_("❓ <b>New question {code}</b> · {place}"),
    "follow_up": N_("↩️ <b>The asker of {code} wrote again</b> · {place}"),
    "escalated": N_(
        "⏰ <b>Question {code}</b> has waited more than 24 hours for an answer · {place}"
    ),
}
# What every staff copy says once someone acted on the ticket (names of staff only: the
# asker is never named).
TICKET_ANSWERED = N_("✍️ Answered by {name}")
TICKET_WAITING_AGAIN = N_("↩️ Waiting for staff again; last answer by {name}")
TICKET_CLOSED_BY_ASKER = N_("✅ Closed by the asker")
TICKET_CLOSED_BY = N_("✅ Closed by {name}")
TICKET_SPAM = N_("🚫 Marked as spam by {name}")

STATE_LABELS = {
    "open": N_("waiting for staff"),
    "answered": N_("answered"),
    "closed": N_("closed"),
}


# -- asking ---------------------------------------------------------------------------------------


async def ask_start(update: Update, context: BotContext) -> int:
    _ = context.translate
    if update.callback_query:
        await update.callback_query.answer()
    message = update.effective_message
    user = context.user
    try:
        await rules.check_can_ask(context.db, user.telegram_id)
    except rules.Blocked:
        await message.reply_text(
            _(
                "Sorry, you can no longer send questions here. If a child "
                "needs help, call 111 (free, 24/7)."
            )
        )
        return ConversationHandler.END
    except rules.TooManyOpen:
        await message.reply_text(
            _(
                "You already have {count} questions waiting. Please wait for the answers, or "
                "close one you no longer need: /myquestions.",
                count=rules.MAX_OPEN_PER_USER,
            )
        )
        return ConversationHandler.END
    context.user_data[DRAFT] = {"district": user.district, "ward": user.ward}
    if user.district is None:
        await message.reply_text(
            _(
                "💬 Your question goes to the child-protection staff. Which ward or commune do "
                "you live in?"
            )
            + "\n\n"
            + places.units_text(context.services.areas, _),
            reply_markup=_district_keyboard(context),
        )
        return DISTRICT
    await _ask_for_question(message, _)
    return QUESTION


def _district_keyboard(context: BotContext):
    _ = context.translate
    rows = places.unit_rows(
        context.services.areas, _, lambda code: callbacks.encode(NS, "d", code), other=False
    )
    rows.append([(_("I am not sure"), callbacks.encode(NS, "d", "none"))])
    return keyboards.inline(rows)


async def early_question(update: Update, context: BotContext) -> int:
    """The question typed before the district was chosen: keep it (and react at once to
    danger words), then ask for the district again."""
    _ = context.translate
    kept = _kept_question(context)
    if kept is not None and rules.is_small_talk(update.message.text):
        await update.message.reply_text(
            _(
                "Your question is kept: “{text}”. Which ward or commune do you live in?",
                text=truncate(kept, 300),
            ),
            reply_markup=_district_keyboard(context),
        )
        return DISTRICT
    if await _store_question(update, context, update.message.text, None, append=True):
        await update.message.reply_text(
            _("Thank you, your question is kept. Which ward or commune do you live in?"),
            reply_markup=_district_keyboard(context),
        )
    return DISTRICT


def _kept_question(context: BotContext) -> str | None:
    sealed = (context.user_data.get(DRAFT) or {}).get("text_enc")
    return cipher_for(context.services).decrypt(sealed) if sealed else None


async def more_text_at_contact(update: Update, context: BotContext) -> int:
    """Text after the question, before it is sent: thanks or "hello" never replace it; more
    words are added to it, and the person sees exactly what will be sent."""
    _ = context.translate
    text = update.message.text
    if not rules.is_small_talk(text) and not await _store_question(
        update, context, text, None, append=True
    ):
        return CONTACT
    await _ask_contact(update.message, _, _kept_question(context))
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
    query = update.callback_query
    _ = context.translate
    data = callbacks.decode(query.data)
    code = data.arg(0) if data else None
    areas = context.services.areas
    unit = areas.unit(code)
    district = areas.group(code)  # a programme area: a button from before today's map
    if unit is None and district is None and code != "none":
        await query.answer(_("This button is not valid."), show_alert=True)
        return DISTRICT
    await query.answer()
    draft = context.user_data.setdefault(DRAFT, {})
    draft["district"] = unit.group if unit else district.code if district else None
    draft["ward"] = unit.code if unit else None
    await edit_buttons_quietly(query, None)
    if draft.get("text_enc"):  # typed before the district: straight to the contact choice
        await _ask_contact(query.message, _, _kept_question(context))
        return CONTACT
    await _ask_for_question(query.message, _)
    return QUESTION


async def question_text(update: Update, context: BotContext) -> int:
    return await _take_question(update, context, update.message.text, None)


async def question_photo(update: Update, context: BotContext) -> int:
    photo = update.message.photo[-1].file_id
    caption = update.message.caption
    if not caption:
        context.user_data.setdefault(DRAFT, {})["photo_enc"] = cipher_for(context.services).encrypt(
            photo
        )
        _ = context.translate
        await update.message.reply_text(_("📷 Photo received. Now write your question in words."))
        return QUESTION
    return await _take_question(update, context, caption, photo)


async def _take_question(update: Update, context: BotContext, raw: str, photo: str | None) -> int:
    draft = context.user_data.get(DRAFT) or {}
    if draft.get("asked") == "contact" and "text_enc" in draft:
        # The question was saved and the contact step begun, but the bot stopped before its
        # state was stored: this message is not a new question. Ask the contact step again,
        # showing what will be sent.
        await _ask_contact(update.message, context.translate, _kept_question(context))
        return CONTACT
    if not await _store_question(update, context, raw, photo):
        return QUESTION
    # Save, then ask: the question is in SQLite before the next step goes out.
    context.user_data[DRAFT]["asked"] = "contact"
    await context.application.update_persistence()
    await _ask_contact(update.message, context.translate, _kept_question(context))
    return CONTACT


async def _store_question(
    update: Update, context: BotContext, raw: str, photo: str | None, append: bool = False
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
        await update.message.reply_text(
            _(
                "Please write your question in words, up to {max} characters.",
                max=context.translate.number(rules.TEXT_MAX),
            )
        )
        return False
    draft = context.user_data.setdefault(DRAFT, {})
    # user_data is persisted in SQLite: the question waits there encrypted, like a report draft.
    cipher = cipher_for(context.services)
    draft["text_enc"] = cipher.encrypt(text)
    if photo:
        draft["photo_enc"] = cipher.encrypt(photo)
    verdict = danger_words(context).check(text)
    draft["danger"] = verdict is not None
    if verdict is not None:  # the question itself reaches staff, flagged: the numbers now
        await update.message.reply_text(danger_message(_, now=verdict.now))
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
                [(_("🙈 Stay anonymous"), callbacks.encode(NS, "anon"))],
                [(_("📱 Share my phone number"), callbacks.encode(NS, "share"))],
            ]
        ),
    )


async def stay_anonymous(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    await edit_buttons_quietly(query, None)
    return await _submit(query.message, context, None, None)


async def offer_contact(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    _ = context.translate
    await edit_buttons_quietly(query, None)
    await query.message.reply_text(
        _("Tap the button below to share your number, or “Stay anonymous”."),
        reply_markup=keyboards.request_contact(
            _("📱 Share my phone number"), [_("🙈 Stay anonymous")]
        ),
    )
    return CONTACT


async def contact_shared(update: Update, context: BotContext) -> int:
    contact = update.message.contact
    _ = context.translate
    if contact.user_id != update.effective_user.id:
        await update.message.reply_text(
            _("Please share your own number with the button below, or tap “Stay anonymous”.")
        )
        return CONTACT
    name = " ".join(part for part in (contact.first_name, contact.last_name) if part)
    return await _submit(update.message, context, name or None, contact.phone_number)


async def typed_anonymous(update: Update, context: BotContext) -> int:
    return await _submit(update.message, context, None, None)


async def _submit(
    message: Message, context: BotContext, contact_name: str | None, phone: str | None
) -> int:
    _ = context.translate
    draft = context.user_data.pop(DRAFT, None) or {}
    cipher = cipher_for(context.services)
    text = cipher.decrypt(draft["text_enc"]) if "text_enc" in draft else draft.get("text")
    photo = cipher.decrypt(draft["photo_enc"]) if "photo_enc" in draft else draft.get("photo")
    if text is None:
        await message.reply_text(
            _("Something was missing. Please start again."),
            reply_markup=menu.keyboard(context.user.menu_role, _),
        )
        return ConversationHandler.END
    try:
        question = await rules.open_question(
            context.db,
            cipher,
            context.user,
            draft.get("district"),
            draft.get("ward"),
            text,
            photo,
            bool(draft.get("danger")),
            contact_name,
            phone,
            context.now,
            then=_alert_recipients(context),
        )
    except (rules.Blocked, rules.TooManyOpen):
        await message.reply_text(
            _("Sorry, this question could not be sent. Please call 111."),
            reply_markup=menu.keyboard(context.user.menu_role, _),
        )
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
        reply_markup=menu.keyboard(context.user.menu_role, _),
    )
    return ConversationHandler.END


def _alert_recipients(context):
    """The new ticket's copies to its staff, queued in the transaction that opens it."""

    async def then(question: Question) -> None:
        await _alert_staff(context, question, await rules.recipients(context.db, question), "new")

    return then


# -- what staff see -------------------------------------------------------------------------------


def _staff_keyboard(_: Translator, question_id: int):
    return keyboards.inline(
        [
            [
                (_("✍️ Reply"), callbacks.encode(NS, "reply", question_id)),
                (_("✅ Close"), callbacks.encode(NS, "close", question_id)),
            ],
            [(_("🚫 Mark as spam"), callbacks.encode(NS, "spam", question_id))],
        ]
    )


def staff_text(
    _: Translator, context: BotContext, question: Question, heading: str, text: str
) -> str:
    """A ticket as staff see it: never the asker's name or username, only a shared contact."""
    areas = context.services.areas
    place = (
        areas.place(question.ward, _.language)
        if question.ward
        else areas.group_name(question.district, _.language)
        if question.district
        else _("place unknown")
    )
    lines = [_(heading, code=rules.code(question.id), place=place)]
    if question.danger:
        lines.append(_("⚠️ May concern a child in danger: the asker was shown the hotlines."))
    lines.append("")
    lines.append(_(QUOTED, text=text))
    lines.append("")
    if question.contact_shared:
        lines.append(
            _(
                "👤 The asker shared a contact: {name}, {phone}",
                name=question.contact_name or "—",
                phone=question.contact_phone or "—",
            )
        )
    else:
        lines.append(_("👤 Anonymous asker"))
    return "\n".join(lines)


@dataclass(frozen=True)
class _Ticket:
    """A ticket as its staff copies show it: decrypted messages and how it ended."""

    question: Question
    messages: dict[int, QuestionMessage]
    closed_by: int | None
    spam_by: int | None

    @property
    def first(self) -> QuestionMessage:
        return self.messages[min(self.messages)]

    def quoted(self, message_id: int | None) -> QuestionMessage:
        return self.messages.get(message_id or 0) or self.first


async def _load_ticket(context, question_id: int) -> _Ticket | None:
    cipher = cipher_for(context.services)
    question = await store.get(context.db, question_id, cipher)  # with the shared contact
    messages = {m.id: m for m in await store.messages(context.db, question_id, cipher)}
    if question is None or not messages:
        return None
    closed_by, spam_by = await store.closing(context.db, question_id)
    return _Ticket(question, messages, closed_by, spam_by)


async def _state_line(context, ticket: _Ticket, _: Translator) -> str | None:
    """Who answered, closed or marked the ticket as spam; None while nobody acted yet."""
    question = ticket.question
    if question.is_closed:
        if ticket.spam_by is not None:
            return _(TICKET_SPAM, name=await _staff_name(context, ticket.spam_by))
        if ticket.closed_by == question.asker_id:
            return _(TICKET_CLOSED_BY_ASKER)
        return _(TICKET_CLOSED_BY, name=await _staff_name(context, ticket.closed_by))
    answerer = next(
        (m.staff_id for m in reversed(ticket.messages.values()) if m.author == "staff"), None
    )
    if answerer is None:
        return None
    line = TICKET_ANSWERED if question.state == "answered" else TICKET_WAITING_AGAIN
    return _(line, name=await _staff_name(context, answerer))


async def _staff_name(context, staff_id: int | None) -> str:
    person = await users.get(context.db, staff_id) if staff_id is not None else None
    return (person.display_name if person and person.display_name else None) or "—"


def _copy_keyboard(_: Translator, ticket: _Ticket):
    """Open or answered: reply, close, spam. Marked as spam: only undo. Closed: nothing."""
    if not ticket.question.is_closed:
        return _staff_keyboard(_, ticket.question.id)
    if ticket.spam_by is not None:
        return keyboards.inline(
            [[(_("↩️ Undo spam"), callbacks.encode(NS, "unspam", ticket.question.id))]]
        )
    return None


async def _copy_view(context, ticket: _Ticket, _: Translator, variant: str, quoted_id: int | None):
    text = staff_text(
        _,
        context,
        ticket.question,
        HEADINGS.get(variant, HEADINGS["new"]),
        ticket.quoted(quoted_id).text or "",
    )
    line = await _state_line(context, ticket, _)
    if line is not None:
        text += "\n\n" + line
    return text, _copy_keyboard(_, ticket)


async def _alert_staff(
    context,
    question: Question,
    people: list[User],
    variant: str,
    quoted_id: int | None = None,
) -> int:
    """Queue the ticket for each person in their language, with the staff buttons (in the
    caller's transaction, or one of its own); every copy is recorded when it is sent, so it
    can follow what happens to the ticket."""
    i18n = context.services.i18n
    cipher = cipher_for(context.services)
    async with context.db.atomic():
        ticket = await _load_ticket(context, question.id)
        if ticket is None:
            return 0
        first = ticket.first
        quoted = ticket.quoted(quoted_id).id
        for person in people:
            _ = i18n(person.language)
            text, markup = await _copy_view(context, ticket, _, variant, quoted_id)
            await outbox.enqueue(
                context.db,
                cipher,
                person.telegram_id,
                text,
                now=context.now,
                markup=markup,
                protect=True,
                copy=outbox.CopyOf(
                    "question", question.id, _.language, variant=variant, quoted_id=quoted
                ),
            )
            if first.photo_file_id and variant != "follow_up":
                await outbox.enqueue(
                    context.db,
                    cipher,
                    person.telegram_id,
                    rules.code(question.id),
                    now=context.now,
                    protect=True,
                    photo=first.photo_file_id,
                )
    return len(people)


async def sync_ticket(context, question_id: int) -> None:
    """Bring every staff copy of the ticket up to date after an answer, a message from the
    asker, closing or spam marking. Copies that cannot be edited any more are skipped."""
    ticket = await _load_ticket(context, question_id)
    if ticket is None:
        return
    i18n = context.services.i18n

    async def render(copy: AlertCopy):
        return await _copy_view(context, ticket, i18n(copy.language), copy.variant, copy.quoted_id)

    # Closed (and not marked as spam, which can still be undone): nothing will change again.
    final = ticket.question.is_closed and ticket.spam_by is None
    await staff_copies.sync(
        context.bot, context.db, "question", question_id, render, context.now, final=final
    )


async def _is_recorded_copy(context: BotContext, query) -> bool:
    message = query.message
    return (
        message is not None
        and await alert_copies.find(context.db, message.chat.id, message.message_id) is not None
    )


async def _clear_buttons(query, markup=None) -> None:
    """The pressed message when it is not a recorded staff copy (the asker's, or one sent
    before copies were recorded)."""
    with contextlib.suppress(TelegramError):  # 'not modified' or gone: nothing to fix
        await edit_buttons_quietly(query, markup)


# -- replying (staff and asker) -------------------------------------------------------------------


@dataclass(frozen=True)
class _Side:
    question: Question
    as_staff: bool


async def _side(context: BotContext, question_id: int | None) -> _Side | str:
    """Which side the presser is on for this ticket, or the reason they may not reply."""
    _ = context.translate
    if question_id is None:
        return _("This button is not valid.")
    user = context.user
    question = await store.get(context.db, question_id)
    if question is None:
        return _("This button is not valid.")
    if question.is_closed:
        return _("This question is closed.")
    if question.asker_id == user.telegram_id:
        return _Side(question, as_staff=False)
    if rules.can_handle(user, question):
        return _Side(question, as_staff=True)
    return _("Only the staff of the question's ward or commune can answer it.")


async def reply_start(update: Update, context: BotContext) -> int | None:
    query = update.callback_query
    _ = context.translate
    data = callbacks.decode(query.data)
    side = await _side(context, data.int_arg(0) if data else None)
    if isinstance(side, str):
        await query.answer(side, show_alert=True)
        return None  # stay wherever they were
    await query.answer()
    context.user_data[REPLYING] = {"id": side.question.id, "staff": side.as_staff}
    code = rules.code(side.question.id)
    prompt = (
        _("✍️ Write your answer to question {code} in one message. /cancel to stop.", code=code)
        if side.as_staff
        else _("✍️ Write your message about question {code}. /cancel to stop.", code=code)
    )
    await query.message.reply_text(prompt)
    return REPLY


async def reply_text(update: Update, context: BotContext) -> int:
    _ = context.translate
    text = rules.clean_text(update.message.text)
    if text is None:
        await update.message.reply_text(
            _(
                "Please write your message in words, up to {max} characters.",
                max=_.number(rules.TEXT_MAX),
            )
        )
        return REPLY
    replying = context.user_data.pop(REPLYING, None) or {}
    question_id = replying.get("id")
    try:
        if replying.get("staff"):

            async def deliver(question: Question) -> None:
                await _deliver_answer(context, question, text)

            question = await rules.answer(
                context.db,
                cipher_for(context.services),
                context.user,
                question_id,
                text,
                context.now,
                then=deliver,
            )
            await sync_ticket(context, question.id)
            await update.message.reply_text(
                _(
                    "✅ Your answer to {code} was sent. The asker can write back.",
                    code=rules.code(question.id),
                )
            )
        else:

            async def deliver(question: Question) -> None:
                await _deliver_follow_up(context, question)

            question = await rules.follow_up(
                context.db,
                cipher_for(context.services),
                context.user,
                question_id,
                text,
                context.now,
                then=deliver,
            )
            await sync_ticket(context, question.id)  # the copies sent so far
            await update.message.reply_text(
                _("✅ Sent to the staff on question {code}.", code=rules.code(question.id))
            )
    except (rules.PermissionDenied, rules.NotApplicable) as refusal:
        if isinstance(refusal, rules.PermissionDenied):
            await audit.refused(
                context.db,
                context.user.telegram_id,
                "question_reply",
                "question",
                question_id,
                context.now,
            )
        await update.message.reply_text(
            _("This question is closed or no longer yours to answer. Nothing was sent.")
        )
    return ConversationHandler.END


async def _deliver_answer(context: BotContext, question: Question, text: str) -> None:
    asker = await users.get(context.db, question.asker_id)
    if asker is None:
        return
    theirs = context.services.i18n(asker.language)
    code = rules.code(question.id)
    await outbox.enqueue(
        context.db,
        cipher_for(context.services),
        asker.telegram_id,
        theirs(ANSWER_HEADING, code=code)
        + "\n\n"
        + theirs(QUOTED, text=text)
        + "\n\n"
        + hotline_footer(theirs),
        now=context.now,
        markup=keyboards.inline(
            [
                [(theirs(REPLY_BUTTON), callbacks.encode(NS, "reply", question.id))],
                [(theirs(CLOSE_THANKS), callbacks.encode(NS, "close", question.id))],
            ]
        ),
    )


async def _deliver_follow_up(context: BotContext, question: Question) -> None:
    person = await rules.last_staff_member(context.db, question)
    people = [person] if person else await rules.recipients(context.db, question)
    latest = (await store.messages(context.db, question.id))[-1]
    await _alert_staff(context, question, people, "follow_up", quoted_id=latest.id)


# -- no dead end: what nothing else understood ---------------------------------------------------

PENDING = "unanswered_text"


async def offer_ways_forward(update: Update, context: BotContext) -> bool:
    """Typed text nothing understood: the closest topics and materials, and one tap to send
    exactly this text to staff (or to add it to the person's open question). False when the
    text is not something to answer this way (the caller then says it did not understand)."""
    _ = context.translate
    raw = update.message.text if update.message else None
    text = rules.clean_text(raw)
    if text is None or rules.is_small_talk(text):
        return False
    context.user_data[PENDING] = cipher_for(context.services).encrypt(text)
    entries = info.closest(text, _.language)
    visible = await material_store.listing(context.db)
    found = material_search.closest(visible, text)
    rows = [[(entry.title, callbacks.encode("info", "show", entry.id))] for entry in entries]
    rows += [
        [("📄 " + truncate(m.title_in(_.language), 50), callbacks.encode("mat", "open", m.id))]
        for m in found
    ]
    rows.append([(_("💬 Send this question to staff"), callbacks.encode(NS, "send"))])
    latest = next(iter(await store.of_asker(context.db, context.user.telegram_id, limit=1)), None)
    if latest is not None and not latest.is_closed:
        rows.append(
            [
                (
                    _("↩️ Add it to my question {code}", code=rules.code(latest.id)),
                    callbacks.encode(NS, "add", latest.id),
                )
            ]
        )
    heading = (
        _("I did not quite understand. These may help:")
        if entries or found
        else _("I did not quite understand. Staff can answer you here:")
    )
    await update.message.reply_text(heading, reply_markup=keyboards.inline(rows))
    return True


async def send_pending(update: Update, context: BotContext) -> None:
    """ "Send this question to staff": exactly the text typed, anonymously, in one tap."""
    query = update.callback_query
    _ = context.translate
    sealed = context.user_data.pop(PENDING, None)
    if sealed is None:
        await query.answer(_("Please type your question again."), show_alert=True)
        return
    cipher = cipher_for(context.services)
    text = cipher.decrypt(sealed)
    user = context.user
    try:
        question = await rules.open_question(
            context.db,
            cipher,
            user,
            user.district,
            user.ward,
            text,
            None,
            danger_words(context).check(text) is not None,
            None,
            None,
            context.now,
            then=_alert_recipients(context),
        )
    except rules.Blocked:
        await query.answer(
            _("Sorry, this question could not be sent. Please call 111."), show_alert=True
        )
        return
    except rules.TooManyOpen:
        await query.answer(
            _(
                "You already have {count} questions waiting. Please wait for the "
                "answers, or close one you no longer need: /myquestions.",
                count=rules.MAX_OPEN_PER_USER,
            ),
            show_alert=True,
        )
        return
    await query.answer()
    await _clear_buttons(query)
    await query.message.reply_text(
        _(
            "✅ Your question <b>{code}</b> was sent to staff, without your name: “{text}”. The "
            "answer will come here; you can write back on the same question.",
            code=rules.code(question.id),
            text=truncate(text, 300),
        )
    )


async def add_pending(update: Update, context: BotContext) -> None:
    """ "Add it to my question": the text goes into the same ticket, as the bot promised."""
    query = update.callback_query
    _ = context.translate
    data = callbacks.decode(query.data)
    sealed = context.user_data.get(PENDING)
    question_id = data.int_arg(0) if data else None
    if sealed is None or question_id is None:
        await query.answer(_("Please type your message again."), show_alert=True)
        return
    text = cipher_for(context.services).decrypt(sealed)

    async def deliver(question: Question) -> None:  # in the follow-up's transaction
        await _deliver_follow_up(context, question)

    try:
        question = await rules.follow_up(
            context.db,
            cipher_for(context.services),
            context.user,
            question_id,
            text,
            context.now,
            then=deliver,
        )
    except (rules.PermissionDenied, rules.NotApplicable) as refusal:
        if isinstance(refusal, rules.PermissionDenied):
            await audit.refused(
                context.db,
                context.user.telegram_id,
                "question_add",
                "question",
                question_id,
                context.now,
            )
        await query.answer(
            _("This question is closed or no longer yours to answer. Nothing was sent."),
            show_alert=True,
        )
        return
    context.user_data.pop(PENDING, None)
    await query.answer()
    await _clear_buttons(query)
    await sync_ticket(context, question.id)
    await query.message.reply_text(
        _("✅ Sent to the staff on question {code}.", code=rules.code(question.id))
    )


# -- buttons that act at once ---------------------------------------------------------------------


async def close_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    _ = context.translate
    data = callbacks.decode(query.data)
    question_id = data.int_arg(0) if data else None

    async def tell_asker(question: Question) -> None:
        if question.asker_id == context.user.telegram_id:
            return
        asker = await users.get(context.db, question.asker_id)
        if asker is not None:
            theirs = context.services.i18n(asker.language)
            await outbox.enqueue(
                context.db,
                cipher_for(context.services),
                asker.telegram_id,
                theirs(CLOSED_BY_STAFF, code=rules.code(question.id)),
                now=context.now,
            )

    try:
        question = await rules.close(
            context.db, context.user, question_id or 0, context.now, then=tell_asker
        )
    except rules.PermissionDenied:
        await audit.refused(
            context.db,
            context.user.telegram_id,
            f"question_{data.action if data else None}",
            "question",
            question_id,
            context.now,
        )
        await query.answer(
            _("Only the staff of the question's ward or commune can do this."), show_alert=True
        )
        return
    except rules.NotApplicable:
        await query.answer(_("This question is already closed."), show_alert=True)
        return
    await query.answer(_("Closed."))
    if not await _is_recorded_copy(context, query):
        await _clear_buttons(query)
    await sync_ticket(context, question.id)  # every staff copy shows who closed it
    code = rules.code(question.id)
    if question.asker_id == context.user.telegram_id:
        await query.message.reply_text(_("✅ Question {code} is closed. Thank you!", code=code))
        return
    await query.message.reply_text(_("✅ Question {code} closed.", code=code))


async def spam_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    _ = context.translate
    data = callbacks.decode(query.data)
    question_id = data.int_arg(0) if data else None
    undo = data is not None and data.action == "unspam"
    try:
        if undo:
            question = await rules.unmark_spam(
                context.db, context.user, question_id or 0, context.now
            )
        else:
            question = await rules.mark_spam(
                context.db, context.user, question_id or 0, context.now
            )
    except rules.PermissionDenied:
        await audit.refused(
            context.db,
            context.user.telegram_id,
            f"question_{data.action if data else None}",
            "question",
            question_id,
            context.now,
        )
        await query.answer(
            _("Only the staff of the question's ward or commune can do this."), show_alert=True
        )
        return
    except rules.NotApplicable:
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    code = rules.code(question.id)
    recorded = await _is_recorded_copy(context, query)
    if undo:
        await query.answer(_("Undone: the asker can send questions again."))
        if not recorded:
            await _clear_buttons(query)
        await sync_ticket(context, question.id)
        return
    await query.answer(_("Marked as spam."))
    if not recorded:
        await _clear_buttons(
            query,
            keyboards.inline(
                [
                    [(_("↩️ Undo spam"), callbacks.encode(NS, "unspam", question.id))],
                ]
            ),
        )
    await sync_ticket(context, question.id)
    await query.message.reply_text(
        _("🚫 Question {code} was closed and its asker can no longer send questions.", code=code)
    )


async def my_questions(update: Update, context: BotContext) -> None:
    _ = context.translate
    mine = await store.of_asker(context.db, context.user.telegram_id)
    if not mine:
        await update.message.reply_text(_("You have not asked any questions yet."))
        return
    lines = [_("<b>Your questions</b>")]
    buttons = []
    for question in mine:
        lines.append(
            _(
                "{code} · {date} · {state}",
                code=rules.code(question.id),
                date=_.date(question.created_at),
                state=_(STATE_LABELS[question.state]),
            )
        )
        if not question.is_closed:
            buttons.append(
                (
                    _("✅ Close {code}", code=rules.code(question.id)),
                    callbacks.encode(NS, "close", question.id),
                )
            )
    await update.message.reply_text(
        "\n".join(lines),
        reply_markup=keyboards.inline(keyboards.columns(buttons, 2)) if buttons else None,
    )


# -- escalation -----------------------------------------------------------------------------------


@dataclass
class _TickContext:
    """What _alert_staff needs, outside an update (the escalation tick)."""

    bot: object
    db: object
    now: object
    services: object


async def escalate(application: Application, now) -> None:
    db = application.services.database
    context = _TickContext(application.bot, db, now, application.services)

    async def alert_admins(question: Question) -> None:
        sent = await _alert_staff(context, question, await users.admins(db), "escalated")
        log.info("question %s escalated to %d administrators", question.id, sent)

    await rules.escalate_due(db, now, then=alert_admins)


async def seal_legacy_questions(application: Application) -> None:
    """Encrypt the questions stored in plain text before encryption at rest existed."""
    sealed = await store.seal_legacy(
        application.services.database, cipher_for(application.services)
    )
    if sealed:
        log.info("encrypted %d question rows stored before encryption", sealed)
    phones = await users.seal_phones(
        application.services.database, cipher_for(application.services)
    )
    if phones:
        log.info("encrypted %d people's phones stored before encryption", phones)


# -- wiring ---------------------------------------------------------------------------------------

_hint = step_hints(
    {
        DISTRICT: N_("Please choose your ward or commune with the buttons above."),
        QUESTION: N_("Please write your question as text (you may add one photo)."),
        CONTACT: N_("Please tap “Stay anonymous” or “Share my phone number”."),
        REPLY: N_("Please write your message as text, or /cancel."),
    }
)


def build_conversation(application: Application) -> ConversationHandler:
    i18n = application.services.i18n
    text = free_text(i18n)
    other = anything_else(i18n)
    anonymous = filters.Regex(
        r"(?i)^\s*(🙈\s*)?(stay anonymous|ẩn danh|giữ ẩn danh|"
        r"an danh)\s*$"
    ) | filters.Regex(r"^\s*🙈")
    start_over = [
        CallbackQueryHandler(ask_start, pattern=rf"^{NS}:new$"),
        CallbackQueryHandler(reply_start, pattern=rf"^{NS}:reply:"),
    ]
    return ExclusiveConversation(
        name="questions",
        persistent=True,
        entry_points=[
            CommandHandler("ask", ask_start, filters=PRIVATE),
            MessageHandler(PRIVATE & menu.Intent(i18n, "ask"), ask_start),
            *start_over,
        ],
        states={
            DISTRICT: [
                CallbackQueryHandler(choose_district, pattern=rf"^{NS}:d:"),
                MessageHandler(text, early_question),
                *start_over,
                MessageHandler(other, _hint(DISTRICT)),
            ],
            QUESTION: [
                MessageHandler(text, question_text),
                MessageHandler(filters.PHOTO, question_photo),
                *start_over,
                MessageHandler(other, _hint(QUESTION)),
            ],
            CONTACT: [
                CallbackQueryHandler(stay_anonymous, pattern=rf"^{NS}:anon$"),
                CallbackQueryHandler(offer_contact, pattern=rf"^{NS}:share$"),
                MessageHandler(filters.CONTACT, contact_shared),
                MessageHandler(filters.TEXT & anonymous, typed_anonymous),
                *start_over,
                MessageHandler(text, more_text_at_contact),
                MessageHandler(other, _hint(CONTACT)),
            ],
            REPLY: [
                MessageHandler(text, reply_text),
                *start_over,
                MessageHandler(other, _hint(REPLY)),
            ],
        },
        fallbacks=leave_handlers(i18n),
    )


def register(application: Application) -> None:
    """Section 2: the ask / reply conversation. Section-3 buttons are added here too, after
    it, because they only act on tickets."""
    application.add_handler(build_conversation(application))
    application.start_hooks.append(seal_legacy_questions)
    application.add_handler(CommandHandler("myquestions", my_questions, filters=PRIVATE))
    application.add_handler(CallbackQueryHandler(close_button, pattern=rf"^{NS}:close:"))
    application.add_handler(CallbackQueryHandler(send_pending, pattern=rf"^{NS}:send$"))
    application.add_handler(CallbackQueryHandler(add_pending, pattern=rf"^{NS}:add:"))
    application.add_handler(CallbackQueryHandler(spam_button, pattern=rf"^{NS}:(un)?spam:"))
    scheduling.add_tick(application, "question_escalation", escalate)
