"""The child-protection bot: application, configuration, emulator, sandbox and scheduling."""

import os

# python-telegram-bot 22.2+ warns on every RetryAfter unless durations are opted in as
# timedeltas; bot.messaging.retry_after_seconds reads both forms.
os.environ.setdefault("PTB_TIMEDELTA", "true")
