"""Information for parents: the topics (/info and the menu button, topics.py), the ward's
child-protection contact (ward.py), and answers to typed questions (typed.py: the FAQ, and
the hotlines first for text that suggests a child in danger).

The two helpers below are for other journeys that check typed text for danger words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.context import BotContext
from bot.hotline import danger_message
from bot.materials.catalogue import TOPICS

if TYPE_CHECKING:
    from bot.safety import Matcher

# Topics of the communication materials (issue 7): an entry's `materials_topic` in
# content/info/*.json is one of these codes.
MATERIAL_TOPICS = TOPICS

__all__ = ["MATERIAL_TOPICS", "danger_message", "danger_words"]


def danger_words(context: BotContext) -> Matcher:
    """The danger matcher (bot/safety, patterns in content/safety_patterns.json)."""
    return context.services.danger_matcher()
