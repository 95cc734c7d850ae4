"""The one conversation of the questions slice, persisted as "questions":

    ask:   [district, if unknown] → question (text / photo) → anonymous or share contact → sent
           (ask.py)
    reply: Reply button on a ticket → the answer text → delivered to the other side
           (answer.py)

Any command or menu button leaves it (handlers.common.leave_handlers); "Ask a question" and
Reply start over from any step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import menu
from bot.conversations import ExclusiveConversation
from bot.i18n import N_
from bot.questions.buttons import (
    NewQuestion,
    PickDistrict,
    Reply,
    ShareContact,
    StayAnonymous,
)
from bot.questions.service import QuestionService
from handlers.common import anything_else, free_text, leave_handlers, step_hints
from handlers.questions.answer import REPLY, reply_start, reply_text
from handlers.questions.ask import (
    CONTACT,
    DISTRICT,
    PRIVATE,
    QUESTION,
    ask_start,
    choose_district,
    contact_shared,
    early_question,
    more_text_at_contact,
    offer_contact,
    question_photo,
    question_text,
    stay_anonymous,
    typed_anonymous,
)

if TYPE_CHECKING:
    from bot.application import BotApplication

_hint = step_hints(
    {
        DISTRICT: N_("Please choose your ward or commune with the buttons above."),
        QUESTION: N_("Please write your question as text (you may add one photo)."),
        CONTACT: N_("Please tap “Stay anonymous” or “Share my phone number”."),
        REPLY: N_("Please write your message as text, or /cancel."),
    }
)


def build_conversation(application: BotApplication) -> ConversationHandler:
    i18n = application.services.i18n
    text = free_text(i18n)
    other = anything_else(i18n)
    anonymous = filters.Regex(
        r"(?i)^\s*(🙈\s*)?(stay anonymous|ẩn danh|giữ ẩn danh|"
        r"an danh)\s*$"
    ) | filters.Regex(r"^\s*🙈")
    start_over: list[BaseHandler[Update, Any, Any]] = [
        CallbackQueryHandler(ask_start, pattern=NewQuestion.pattern()),
        CallbackQueryHandler(reply_start, pattern=Reply.pattern()),
    ]
    return ExclusiveConversation(
        name="questions",
        left_notice=N_("⏸ Your question was not sent. /ask lets you write it again."),
        persistent=True,
        entry_points=[
            CommandHandler("ask", ask_start, filters=PRIVATE),
            MessageHandler(PRIVATE & menu.Intent(application.services, "ask"), ask_start),
            *start_over,
        ],
        states={
            DISTRICT: [
                CallbackQueryHandler(choose_district, pattern=PickDistrict.pattern()),
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
                CallbackQueryHandler(stay_anonymous, pattern=StayAnonymous.pattern()),
                CallbackQueryHandler(offer_contact, pattern=ShareContact.pattern()),
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


async def seal_legacy_questions(application: BotApplication) -> None:
    await QuestionService(application.services).seal_legacy()


def register(application: BotApplication) -> None:
    """The ask / reply conversation (section 2), and the start-up sealing of old rows."""
    application.add_handler(build_conversation(application))
    application.start_hooks.append(seal_legacy_questions)
