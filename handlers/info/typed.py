"""Typed questions: text that matches an information entry's keywords gets that entry; text
that suggests a child in danger gets the hotlines first (handlers/safety). Registered after
every conversation and journey, just before the router of last resort, so "bao cao" and the
menu buttons keep their journeys."""

from __future__ import annotations

from telegram import Update

from bot import info
from bot.context import BotContext
from bot.guards import require_message
from bot.info.service import InfoService
from handlers.info.topics import catalogue, send_entry
from handlers.safety.answer import SELF_HARM_ENTRY, WHAT_TO_DO_ENTRY, answer_danger

# Topics that already say what to do after a disclosure: no "What to do" button above them.
ANSWERS_WHAT_TO_DO = frozenset({WHAT_TO_DO_ENTRY, SELF_HARM_ENTRY, "call"})


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
