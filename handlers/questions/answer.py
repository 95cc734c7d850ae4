"""Answering on a ticket: staff reply and the asker writes back (steps of the questions
conversation, built in ask.py), the Close and spam buttons, and /myquestions.

Every change goes through bot/questions/service.py, which checks who may do it (and audits a
refusal); the other side's message is queued with the change.
"""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from bot import keyboards
from bot import questions as rules
from bot.context import BotContext
from bot.guards import require_message, require_query, staff_only
from bot.i18n import N_
from bot.messaging import answer_stale_button, edit_quietly
from bot.questions import notices
from bot.questions.buttons import Close, CloseListed, MarkSpam, Reply, UndoSpam
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
    pressed = Close.parse(require_query(update).data)
    if pressed is None:
        await answer_stale_button(update, context)
        return
    await _close(update, context, pressed.question_id, in_list=False)


async def close_listed_button(update: Update, context: BotContext) -> None:
    """✅ Close pressed in /myquestions: the list it was pressed in shows the new state."""
    pressed = CloseListed.parse(require_query(update).data)
    if pressed is None:
        await answer_stale_button(update, context)
        return
    await _close(update, context, pressed.question_id, in_list=True)


async def _close(update: Update, context: BotContext, question_id: int, in_list: bool) -> None:
    query = require_query(update)
    _ = context.translate
    person = context.person
    try:
        question = await QuestionService(context.services).close(person, question_id)
    except rules.PermissionDenied:
        await query.answer(_(ONLY_LOCAL_STAFF), show_alert=True)
        return
    except rules.NotApplicable:
        await query.answer(_("This question is already closed."), show_alert=True)
        if in_list:
            await show_list_again(query, context)
        return
    code = rules.code(question.id)
    if in_list:  # the list, edited in place, says it is closed: a toast is enough
        await query.answer(_("✅ Question {code} closed.", code=code))
        await show_list_again(query, context)
        await sync_ticket(context, question.id)
        return
    await query.answer(_("Closed."))
    if not await is_recorded_copy(context, query):
        await clear_buttons(query)
    await sync_ticket(context, question.id)  # every staff copy shows who closed it
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
    text, markup = await questions_view(context)
    await require_message(update).reply_text(text, reply_markup=markup)


async def show_list_again(query: CallbackQuery, context: BotContext) -> None:
    text, markup = await questions_view(context)
    await edit_quietly(query, text, markup, fail_quietly=True)  # too old to edit: left as is


async def questions_view(context: BotContext) -> tuple[str, InlineKeyboardMarkup | None]:
    """/myquestions: the person's questions with their state, ✅ Close under the open ones."""
    _ = context.translate
    mine = await QuestionService(context.services).of_asker(context.person)
    if not mine:
        return _("You have not asked any questions yet."), None
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
                    CloseListed(question_id=question.id),
                )
            )
    return (
        "\n".join(lines),
        keyboards.inline(keyboards.columns(buttons, 2)) if buttons else None,
    )
