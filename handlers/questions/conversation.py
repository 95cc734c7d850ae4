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
from bot.lazy import lazy
from bot.questions import sealing
from bot.questions.buttons import (
    NewQuestion,
    PickDistrict,
    Reply,
    ShareContact,
    StayAnonymous,
)
from handlers.common import anything_else, free_text, leave_handlers, step_hints

if TYPE_CHECKING:
    from bot.application import BotApplication

# The conversation's states (persisted as numbers): asking (handlers/questions/ask.py), and a
# reply being written (answer.py). Its callbacks are imported when first called (bot/lazy.py).
DISTRICT, QUESTION, CONTACT, REPLY = range(4)
PRIVATE = filters.ChatType.PRIVATE
ASK = "handlers.questions.ask"
ANSWER = "handlers.questions.answer"

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
        CallbackQueryHandler(lazy(f"{ASK}:ask_start"), pattern=NewQuestion.pattern()),
        CallbackQueryHandler(lazy(f"{ANSWER}:reply_start"), pattern=Reply.pattern()),
    ]
    return ExclusiveConversation(
        name="questions",
        left_notice=N_("⏸ Your question was not sent. /ask lets you write it again."),
        persistent=True,
        entry_points=[
            CommandHandler("ask", lazy(f"{ASK}:ask_start"), filters=PRIVATE),
            MessageHandler(
                PRIVATE & menu.Intent(application.services, "ask"), lazy(f"{ASK}:ask_start")
            ),
            *start_over,
        ],
        states={
            DISTRICT: [
                CallbackQueryHandler(
                    lazy(f"{ASK}:choose_district"), pattern=PickDistrict.pattern()
                ),
                MessageHandler(text, lazy(f"{ASK}:early_question")),
                *start_over,
                MessageHandler(other, _hint(DISTRICT)),
            ],
            QUESTION: [
                MessageHandler(text, lazy(f"{ASK}:question_text")),
                MessageHandler(filters.PHOTO, lazy(f"{ASK}:question_photo")),
                *start_over,
                MessageHandler(other, _hint(QUESTION)),
            ],
            CONTACT: [
                CallbackQueryHandler(
                    lazy(f"{ASK}:stay_anonymous"), pattern=StayAnonymous.pattern()
                ),
                CallbackQueryHandler(lazy(f"{ASK}:offer_contact"), pattern=ShareContact.pattern()),
                MessageHandler(filters.CONTACT, lazy(f"{ASK}:contact_shared")),
                MessageHandler(filters.TEXT & anonymous, lazy(f"{ASK}:typed_anonymous")),
                *start_over,
                MessageHandler(text, lazy(f"{ASK}:more_text_at_contact")),
                MessageHandler(other, _hint(CONTACT)),
            ],
            REPLY: [
                MessageHandler(text, lazy(f"{ANSWER}:reply_text")),
                *start_over,
                MessageHandler(other, _hint(REPLY)),
            ],
        },
        fallbacks=leave_handlers(i18n),
    )


def register(application: BotApplication) -> None:
    """The ask / reply conversation (section 2), and the start-up sealing of old rows."""
    application.add_handler(build_conversation(application))
    application.start_hooks.append(sealing.seal_legacy)
