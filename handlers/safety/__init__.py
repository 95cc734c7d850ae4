"""The answer to anything that may be about a child in danger, from any step of the bot
(answer.py; its buttons declared in routes.py). The report's emergency alert is
bot/safety/emergency.py."""

from __future__ import annotations

from handlers.safety.answer import WHAT_TO_DO_ENTRY, answer_danger, danger_keyboard

__all__ = ["WHAT_TO_DO_ENTRY", "answer_danger", "danger_keyboard"]
