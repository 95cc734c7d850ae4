"""Typed questions: text that matches an information entry's keywords gets that entry; text
that suggests a child in danger gets the hotlines first (handlers/safety). Registered after
every conversation and journey, just before the router of last resort, so "bao cao" and the
menu buttons keep their journeys."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Message, Update
from telegram.ext import MessageHandler, filters
from telegram.ext.filters import MessageFilter

from bot import info, menu
from bot.context import BotContext
from bot.guards import require_message
from bot.info.service import InfoService
from bot.services import Services
from handlers.info.topics import catalogue, send_entry
from handlers.safety.answer import SELF_HARM_ENTRY, WHAT_TO_DO_ENTRY, answer_danger

if TYPE_CHECKING:
    from bot.application import BotApplication

PRIVATE = filters.ChatType.PRIVATE
# Topics that already say what to do after a disclosure: no "What to do" button above them.
ANSWERS_WHAT_TO_DO = frozenset({WHAT_TO_DO_ENTRY, SELF_HARM_ENTRY, "call"})


class FaqOrDanger(MessageFilter):
    """Free text that matches an information entry or contains a danger word."""

    def __init__(self, services: Services) -> None:
        self._services = services  # the matcher is compiled on first use, not at start-up
        super().__init__(name="FaqOrDanger")

    def filter(self, message: Message) -> bool:
        text = message.text or ""
        return bool(text) and (
            info.match(text) is not None
            or self._services.danger_matcher().found_in(text) is not None
        )


async def answer_typed_question(update: Update, context: BotContext) -> None:
    message = require_message(update)
    text = message.text or ""
    entry = catalogue(context).get(info.match(text))
    verdict = context.services.danger_matcher().check(text)
    if verdict is not None:
        await answer_danger(
            message,
            context,
            text,
            verdict,
            # "What to do" stays one tap away unless the topic that follows is that one
            # (a matched prevention topic, "dạy con tự bảo vệ", is not what a disclosure needs).
            entry_id=None
            if entry is not None and entry.id in ANSWERS_WHAT_TO_DO
            else WHAT_TO_DO_ENTRY,
        )
    if entry is not None:
        await InfoService(context.services).count_view(entry.id, "faq")
        await send_entry(message, context, entry)


def register(application: BotApplication) -> None:
    """Typed FAQ and danger words, just before section 4 (the last resort)."""
    application.add_handler(
        MessageHandler(
            PRIVATE
            & filters.TEXT
            & ~filters.COMMAND
            & ~menu.AnyIntent(application.services)
            & FaqOrDanger(application.services),
            answer_typed_question,
        )
    )
