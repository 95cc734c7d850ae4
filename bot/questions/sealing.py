"""Start-up: the questions (and phones) stored in plain text before encryption at rest are
encrypted. Light on purpose: it runs before the first getUpdates, and imports none of the
questions' journey (bot/questions/service.py)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.crypto import cipher_for
from storage import questions, users

if TYPE_CHECKING:
    from bot.application import BotApplication

log = logging.getLogger(__name__)


async def seal_legacy(application: BotApplication) -> None:
    """Start-up hook: encrypt what was stored in plain text before encryption at rest."""
    services = application.services
    cipher = cipher_for(services)
    sealed = await questions.seal_legacy(services.database, cipher)
    if sealed:
        log.info("encrypted %d question rows stored before encryption", sealed)
    phones = await users.seal_phones(services.database, cipher)
    if phones:
        log.info("encrypted %d people's phones stored before encryption", phones)
