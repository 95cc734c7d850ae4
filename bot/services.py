"""What every handler and job needs, built once per application in `build_application` (the
composition root): settings, clock, database, catalogs, data files and the shared engines.
Handlers reach it as `context.services`; each shared thing is a typed field, never a key.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.areas import Areas
from bot.clock import Clock
from bot.config import Settings
from bot.i18n import I18n
from storage.db import Database

if TYPE_CHECKING:
    from bot.crypto import FieldCipher
    from bot.delivery.engine import DeliveryEngine
    from bot.delivery.limiter import SendBudget
    from bot.safety.matcher import Matcher
    from bot.scheduling import RegisteredTick
    from bot.webapp.server import WebServer

# /start <payload> links made by a feature (a poster's material): (update, context, payload).
StartLinkHook = Callable[[Any, Any, str], Awaitable[None]]
# The information topics' "materials on this topic" button: (update, context, topic) → shown?
TopicMaterialsHook = Callable[[Any, Any, str], Awaitable[bool]]


@dataclass
class Hooks:
    """How one feature reaches another without importing it (registered at start-up)."""

    start_links: list[StartLinkHook] = field(default_factory=list)
    topic_materials: TopicMaterialsHook | None = None


@dataclass
class Services:
    settings: Settings
    clock: Clock
    i18n: I18n
    areas: Areas
    db: Database | None = None
    # One budget of Telegram's rate shared by replies and mass sending (bot/delivery/limiter).
    budget: SendBudget | None = None
    # Built on first use (bot.delivery.install, bot.crypto.cipher_for, danger_matcher()).
    delivery: DeliveryEngine | None = None
    cipher: FieldCipher | None = None
    matcher: Matcher | None = None
    # The dispatcher's ticks in registration order, and the lock that keeps rounds apart.
    ticks: list[RegisteredTick] = field(default_factory=list)
    tick_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # Report drafts written by this process, by person (SQLite stays the source of truth).
    report_drafts: dict[int, str] = field(default_factory=dict)
    # The staff dashboard's web server while it runs.
    webapp: WebServer | None = None
    hooks: Hooks = field(default_factory=Hooks)

    @property
    def database(self) -> Database:
        if self.db is None:
            raise RuntimeError("the database is not open yet: initialize the application first")
        return self.db

    def danger_matcher(self) -> Matcher:
        """The danger matcher (bot/safety, patterns in content/safety_patterns.json), compiled
        once: in the background after the first getUpdates (bot.application), or by the first
        caller that needs it earlier (which waits for a compile already under way)."""
        if self.matcher is None:
            with _MATCHER_LOCK:
                if self.matcher is None:
                    from bot import safety

                    self.matcher = safety.load()
        return self.matcher


# Compiling the matcher may run in a worker thread while a handler needs it.
_MATCHER_LOCK = threading.Lock()
