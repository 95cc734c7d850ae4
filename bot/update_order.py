"""Updates of different people handled at once, those of one chat in the order they came.

One update at a time (PTB's default) puts every person behind the slowest reply: an answer
that waits for its chat's slot of Telegram's one message a second (a disclosure gets the
numbers, the word that staff were alerted and the next question: three messages, two
seconds) held every other person's reply behind it — at 20 disclosures in 20 seconds the last
waited 15 s for the numbers. PTB's SimpleUpdateProcessor runs updates at once but may run two
of one person's at the same time (a conversation's state would race), and makes a task of
every update of a backlog at once (~3 KB each).

So PTB hands updates over one at a time (max_concurrent_updates 1) and this processor gives
each chat with something to do a worker that handles its updates in order; an update for a
chat already at work joins its queue. At most AT_ONCE chats work at once: the next update of
another chat waits for one to finish (a backlog is not made into thousands of tasks), and one
person's burst of messages holds one place, never everyone's.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)

# Chats answered at once: enough for many replies waiting on their chat's slot, few enough to
# keep a backlog's handlers (their objects in memory) few.
AT_ONCE = 8
Spawn = Callable[[Coroutine[Any, Any, None]], object]


def order_key(update: object) -> int | None:
    """The chat whose updates must stay in order (the person, for an inline query)."""
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return update.effective_user.id
    return None


class PerChatOrder(BaseUpdateProcessor):
    def __init__(self, at_once: int = AT_ONCE) -> None:
        super().__init__(1)  # PTB awaits each hand-over before it takes the next update
        self._places = asyncio.Semaphore(at_once)
        # The updates waiting in each chat at work (the first is being handled).
        self._chats: dict[int | None, deque[Awaitable[Any]]] = {}
        self._spawn: Spawn = asyncio.ensure_future
        self._own: set[asyncio.Future] = set()

    def attach(self, spawn: Spawn) -> None:
        """Run the workers with `spawn` (Application.create_task: PTB's stop() awaits them)."""
        self._spawn = spawn

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = order_key(update)
        waiting = self._chats.get(key) if key is not None else None
        if waiting is not None:  # that chat's worker takes it after the ones before
            waiting.append(coroutine)
            return
        await self._places.acquire()
        if key is not None and (waiting := self._chats.get(key)) is not None:
            self._places.release()  # a worker for this chat started while we waited
            waiting.append(coroutine)
            return
        queue: deque[Awaitable[Any]] = deque([coroutine])
        if key is not None:
            self._chats[key] = queue
        task = self._spawn(self._work(key, queue))
        if isinstance(task, asyncio.Future):
            self._own.add(task)
            task.add_done_callback(self._own.discard)

    async def _work(self, key: int | None, queue: deque[Awaitable[Any]]) -> None:
        try:
            while queue:
                try:
                    # Application.process_update: a handler's error goes to the error
                    # handlers; what escapes it (the persistence write after it) is logged
                    # here and the chat's next update is handled all the same.
                    await queue[0]
                except Exception as error:
                    log.error("an update failed after its handlers: %s", type(error).__name__)
                finally:
                    queue.popleft()
        finally:
            # Cancelled (never in a normal stop, which waits for the workers): what is left
            # was not handled; closed, so that nothing half-runs later.
            for left in queue:
                if inspect.iscoroutine(left):
                    left.close()
            if queue:
                log.error("%d updates of a chat not handled: cancelled", len(queue))
            if key is not None:
                del self._chats[key]
            self._places.release()

    @property
    def chats_in_flight(self) -> int:
        return len(self._chats)

    async def wait_idle(self) -> None:
        """Until every update handed over has been handled (the testkit's drain)."""
        while self._own:
            await asyncio.gather(*list(self._own), return_exceptions=True)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """The workers still running (PTB's stop() awaits those it made)."""
        if self._own:
            await asyncio.gather(*self._own, return_exceptions=True)
