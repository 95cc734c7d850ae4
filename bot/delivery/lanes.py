"""The priority lane: every request of the application passes through one `SendBudget`.

PTB hands each API call to `BudgetRateLimiter.process_request`. Calls made by the delivery
engine (its task sets `BULK_LANE`) are mass sending: the engine booked the recipient's slot
itself, and anything else it sends (its progress message, its report) waits for a bulk slot
here. Every other call is an interactive reply: it waits only when the window is full or for
its own chat, so it never queues behind a broadcast.

A 429 stops mass sending for `retry_after`, whoever caused it. A reply that got one is tried
again after the wait (up to `max_retries`); the engine sees its own 429s and keeps the
recipient pending. Unlike PTB's AIORateLimiter nothing else is held during a retry.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.delivery.limiter import SendBudget
from bot.messaging import retry_after_seconds

log = logging.getLogger(__name__)

# True inside the delivery engine's task (and the send tasks it starts).
BULK_LANE: contextvars.ContextVar[bool] = contextvars.ContextVar("bulk_lane", default=False)

# Methods that put a message into a chat: Telegram's per-chat limits apply to them.
_MESSAGE_PREFIXES = ("send", "copymessage", "forwardmessage")
_NOT_MESSAGES = frozenset({"sendchataction"})
# Methods that change a message (counted in the overall window, not per chat).
_EDIT_PREFIX = "edit"
MAX_RETRY_SECONDS = 60.0


def _kind(endpoint: str) -> str | None:
    """'message', 'edit' or None (not counted: getUpdates, answerCallbackQuery, getMe…)."""
    name = endpoint.lower()
    if name in _NOT_MESSAGES:
        return None
    if name.startswith(_MESSAGE_PREFIXES):
        return "message"
    if name.startswith(_EDIT_PREFIX):
        return "edit"
    return None


def budget_of(application) -> SendBudget | None:
    """The application's shared budget (built with the application)."""
    return application.services.budget


class BudgetRateLimiter(BaseRateLimiter[None]):
    def __init__(self, budget: SendBudget, max_retries: int = 3) -> None:
        self.budget = budget
        budget.lane_attached = True  # the engine's bookings are claimed here
        self.max_retries = max_retries
        self.held_replies = 0  # replies that had to wait at all (for the benches)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict | list[dict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> bool | dict | list[dict]:
        kind = _kind(endpoint)
        if kind is None:
            return await callback(*args, **kwargs)
        chat_id = data.get("chat_id")
        per_chat = kind == "message"
        bulk = BULK_LANE.get()
        if bulk and self.budget.claim_booking(chat_id):
            # Booked by the engine, which also sees a 429, pauses the lane and keeps the
            # recipient pending.
            return await callback(*args, **kwargs)
        attempt = 0
        while True:
            await self._wait(chat_id, bulk, per_chat)
            self.budget.take(chat_id, bulk=bulk, per_chat=per_chat)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                pause = retry_after_seconds(error)
                self.budget.pause_bulk(pause)
                attempt += 1
                if attempt > self.max_retries or pause > MAX_RETRY_SECONDS:
                    raise
                log.info("%s got 429: trying again in %.1f s", endpoint, pause)
                await self.budget.timer.sleep(pause + 0.1)

    async def _wait(self, chat_id, bulk: bool, per_chat: bool) -> None:
        budget = self.budget
        lane = budget.bulk_wait if bulk else budget.reply_wait
        held = False
        while (wait := lane(chat_id, per_chat)) > 0:
            held = True
            await budget.timer.sleep(wait)
        if held and not bulk:
            self.held_replies += 1
