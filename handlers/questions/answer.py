"""Answering on a ticket: staff reply and the asker writes back (steps of the questions
conversation, built in ask.py), the Close and spam buttons, and /myquestions.

Every change goes through bot/questions/service.py, which checks who may do it (and audits a
refusal); the other side's message is queued with the change.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ConversationHandler

from bot import keyboards
from bot import questions as rules
from bot.context import BotContext
from bot.guards import require_message, require_query, staff_only
from bot.i18n import N_
from bot.messaging import answer_stale_button
from bot.questions import notices
from bot.questions.buttons import Close, MarkSpam, Reply, UndoSpam
from bot.questions.service import Gone, QuestionService
from handlers.questions.conversation import REPLY
from handlers.questions.staff import clear_buttons, is_recorded_copy, sync_ticket

REPLYING = "question_reply"

ONLY_LOCAL_STAFF = N_("Only the staff of the question's ward or commune can do this.")
NOTHING_SENT = N_("This question is closed or no longer yours to answer. Nothing was sent.")
STATE_LABELS = {
    "open": N_("waiting for staff"),
    "answered": N_("answered"),
    "closed": N_("closed"),
}


# -- replying (staff and asker) -------------------------------------------------------------------


async def reply_start(update: Update, context: BotContext) -> int | None:
    query = require_query(update)
    _ = context.translate
    pressed = Reply.parse(query.data)
    if pressed is None:
        await answer_stale_button(update, context)
        return None  # stay wherever they were
    try:
        side = await QuestionService(context.services).side(context.person, pressed.question_id)
    except Gone:
        await answer_stale_button(update, context)
        return None
    except rules.NotApplicable:
        await query.answer(_("This question is closed."), show_alert=True)
        return None
    except rules.PermissionDenied:
        await query.answer(
            _("Only the staff of the question's ward or commune can answer it."), show_alert=True
        )
        return None
    await query.answer()
    context.person_data[REPLYING] = {"id": side.question.id, "staff": side.as_staff}
    code = rules.code(side.question.id)
    prompt = (
        _("✍️ Write your answer to question {code} in one message. /cancel to stop.", code=code)
        if side.as_staff
        else _("✍️ Write your message about question {code}. /cancel to stop.", code=code)
    )
    await require_message(update).reply_text(prompt)
    return REPLY


async def reply_text(update: Update, context: BotContext) -> int:
    _ = context.translate
    message = require_message(update)
    text = rules.clean_text(message.text)
    if text is None:
        await message.reply_text(
            _(
                "Please write your message in words, up to {max} characters.",
                max=_.number(rules.TEXT_MAX),
            )
        )
        return REPLY
    replying = context.person_data.pop(REPLYING, None) or {}
    question_id = replying.get("id")
    service = QuestionService(context.services)
    try:
        if question_id is None:
            raise rules.NotApplicable(None)
        if replying.get("staff"):
            question = await service.answer(context.person, question_id, text)
            await sync_ticket(context, question.id)
            await message.reply_text(
                _(
                    "✅ Your answer to {code} was sent. The asker can write back.",
                    code=rules.code(question.id),
                )
            )
        else:
            question = await service.follow_up(context.person, question_id, text)
            await sync_ticket(context, question.id)  # the copies sent so far
            await message.reply_text(
                _("✅ Sent to the staff on question {code}.", code=rules.code(question.id))
            )
    except (rules.PermissionDenied, rules.NotApplicable):
        await message.reply_text(_(NOTHING_SENT))
    return ConversationHandler.END


# -- buttons that act at once ---------------------------------------------------------------------


async def close_button(update: Update, context: BotContext) -> None:
    query = require_query(update)
    _ = context.translate
    pressed = Close.parse(query.data)
    if pressed is None:
        await answer_stale_button(update, context)
        return
    person = context.person
    try:
        question = await QuestionService(context.services).close(person, pressed.question_id)
    except rules.PermissionDenied:
        await query.answer(_(ONLY_LOCAL_STAFF), show_alert=True)
        return
    except rules.NotApplicable:
        await query.answer(_("This question is already closed."), show_alert=True)
        return
    await query.answer(_("Closed."))
    if not await is_recorded_copy(context, query):
        await clear_buttons(query)
    await sync_ticket(context, question.id)  # every staff copy shows who closed it
    code = rules.code(question.id)
    message = require_message(update)
    if question.asker_id == person.telegram_id:
        await message.reply_text(_("✅ Question {code} is closed. Thank you!", code=code))
        return
    await message.reply_text(_("✅ Question {code} closed.", code=code))


@staff_only
async def spam_button(update: Update, context: BotContext) -> None:
    query = require_query(update)
    _ = context.translate
    pressed = MarkSpam.parse(query.data)
    if pressed is None:
        await answer_stale_button(update, context)
        return
    try:
        question = await QuestionService(context.services).mark_spam(
            context.person, pressed.question_id
        )
    except rules.PermissionDenied:
        await query.answer(_(ONLY_LOCAL_STAFF), show_alert=True)
        return
    except rules.NotApplicable:
        await answer_stale_button(update, context)
        return
    await query.answer(_("Marked as spam."))
    if not await is_recorded_copy(context, query):
        await clear_buttons(query, notices.undo_spam_keyboard(_, question.id))
    await sync_ticket(context, question.id)
    await require_message(update).reply_text(
        _(
            "🚫 Question {code} was closed and its asker can no longer send questions.",
            code=rules.code(question.id),
        )
    )


@staff_only
async def undo_spam_button(update: Update, context: BotContext) -> None:
    query = require_query(update)
    _ = context.translate
    pressed = UndoSpam.parse(query.data)
    if pressed is None:
        await answer_stale_button(update, context)
        return
    try:
        question = await QuestionService(context.services).unmark_spam(
            context.person, pressed.question_id
        )
    except rules.PermissionDenied:
        await query.answer(_(ONLY_LOCAL_STAFF), show_alert=True)
        return
    except rules.NotApplicable:
        await answer_stale_button(update, context)
        return
    await query.answer(_("Undone: the asker can send questions again."))
    if not await is_recorded_copy(context, query):
        await clear_buttons(query)
    await sync_ticket(context, question.id)


async def my_questions(update: Update, context: BotContext) -> None:
    _ = context.translate
    message = require_message(update)
    mine = await QuestionService(context.services).of_asker(context.person)
    if not mine:
        await message.reply_text(_("You have not asked any questions yet."))
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
                    Close(question_id=question.id).data(),
                )
            )
    await message.reply_text(
        "\n".join(lines),
        reply_markup=keyboards.inline(keyboards.columns(buttons, 2)) if buttons else None,
    )
