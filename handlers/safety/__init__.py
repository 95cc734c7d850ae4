"""The answer to anything that may be about a child in danger, from any step of the bot
(answer.py), and the report's emergency alert (bot/safety/emergency.py, named here for the
report journey)."""

from __future__ import annotations

from bot.safety.emergency import emergency_alert_text, queue_emergency_alert
from handlers.safety.answer import WHAT_TO_DO_ENTRY, answer_danger, danger_keyboard

__all__ = [
    "WHAT_TO_DO_ENTRY",
    "answer_danger",
    "danger_keyboard",
    "emergency_alert_text",
    "queue_emergency_alert",
]
