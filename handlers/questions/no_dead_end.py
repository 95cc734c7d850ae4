"""No dead end: typed text nothing else understood gets the closest topics and materials, and
one tap to send exactly this text to staff ("Send this question to staff") or to add it to the
person's open question (a follow-up goes into the same thread)."""

from __future__ import annotations

from telegram import Update

from bot import info, keyboards
from bot import questions as rules
from bot.context import BotContext
from bot.crypto import cipher_for
from bot.guards import require_message, require_query
from bot.i18n import N_
from bot.info.buttons import ShowEntry
from bot.materials.buttons import OpenMaterial
from bot.messaging import answer_stale_button
from bot.questions.buttons import AddPending, SendPending
from bot.questions.service import QuestionService
from bot.text import truncate
from handlers.questions.ask import NOT_SENT, TOO_MANY_OPEN
from handlers.questions.staff import clear_buttons, sync_ticket

PENDING = "unanswered_text"
SEND_TO_STAFF = N_("💬 Send this question to staff")


async def offer_ways_forward(update: Update, context: BotContext) -> bool:
    """Typed text nothing understood: the closest topics and materials, and one tap to send
    exactly this text to staff (or to add it to the person's open question). False when the
    text is not something to answer this way (the caller then says it did not understand)."""
    _ = context.translate
    message = update.message
    text = rules.clean_text(message.text if message else None)
    if message is None or text is None or rules.is_small_talk(text):
        return False
    context.person_data[PENDING] = cipher_for(context.services).encrypt(text)
    entries = info.closest(text, _.language)
    found = await QuestionService(context.services).ways_forward(context.person, text)
    rows = [[(entry.title, ShowEntry(entry_id=entry.id, below=True).data())] for entry in entries]
    rows += [
        [
            (
                "📄 " + truncate(m.title_in(_.language), 50),
                OpenMaterial(material_id=m.id).data(),
            )
        ]
        for m in found.materials
    ]
    rows.append([(_(SEND_TO_STAFF), SendPending().data())])
    latest = found.open_question
    if latest is not None:
        # Most likely a follow-up of the person's open question: that first, as promised.
        code = rules.code(latest.id)
        rows.insert(
            0,
            [
                (
                    _("↩️ Add it to my question {code}", code=code),
                    AddPending(question_id=latest.id).data(),
                )
            ],
        )
        heading = _(
            "Is this about your question {code}? Add it there in one tap, or send it to "
            "staff as a new question:",
            code=code,
        )
    elif entries or found.materials:
        heading = _("I did not quite understand. These may help:")
    else:
        heading = _("I did not quite understand. Staff can answer you here:")
    await message.reply_text(heading, reply_markup=keyboards.inline(rows))
    return True


async def send_pending(update: Update, context: BotContext) -> None:
    """ "Send this question to staff": exactly the text typed, anonymously, in one tap."""
    query = require_query(update)
    _ = context.translate
    sealed = context.person_data.pop(PENDING, None)
    if sealed is None:
        await query.answer(_("Please type your question again."), show_alert=True)
        return
    text = cipher_for(context.services).decrypt(sealed)
    person = context.person
    try:
        question = await QuestionService(context.services).open(
            person,
            text,
            district=person.district,
            ward=person.ward,
            danger=context.services.danger_matcher().check(text) is not None,
        )
    except rules.Blocked:
        await query.answer(_(NOT_SENT), show_alert=True)
        return
    except rules.TooManyOpen:
        await query.answer(_(TOO_MANY_OPEN, count=rules.MAX_OPEN_PER_USER), show_alert=True)
        return
    await query.answer()
    await clear_buttons(query)
    await require_message(update).reply_text(
        _(
            "✅ Your question <b>{code}</b> was sent to staff, without your name: “{text}”. The "
            "answer will come here; you can write back on the same question.",
            code=rules.code(question.id),
            text=truncate(text, 300),
        )
    )


async def add_pending(update: Update, context: BotContext) -> None:
    """ "Add it to my question": the text goes into the same ticket, as the bot promised."""
    query = require_query(update)
    _ = context.translate
    pressed = AddPending.parse(query.data)
    if pressed is None:
        await answer_stale_button(update, context)
        return
    data = context.person_data
    sealed = data.get(PENDING)
    if sealed is None:
        await query.answer(_("Please type your message again."), show_alert=True)
        return
    text = cipher_for(context.services).decrypt(sealed)
    try:
        question = await QuestionService(context.services).follow_up(
            context.person, pressed.question_id, text, attempted="question_add"
        )
    except (rules.PermissionDenied, rules.NotApplicable):
        await query.answer(
            _("This question is closed or no longer yours to answer. Nothing was sent."),
            show_alert=True,
        )
        return
    data.pop(PENDING, None)
    await query.answer()
    await clear_buttons(query)
    await sync_ticket(context, question.id)
    await require_message(update).reply_text(
        _("✅ Sent to the staff on question {code}.", code=rules.code(question.id))
    )
