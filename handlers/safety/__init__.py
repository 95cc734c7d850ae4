"""The answer to anything that may be about a child in danger, from any step of the bot
(answer.py: `answer_danger`, `danger_keyboard`; its buttons declared in routes.py). The
report's emergency alert is bot/safety/emergency.py."""
