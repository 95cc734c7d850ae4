"""The delivery engine's outbox lane: single notifications queued by `bot.outbox.enqueue`.

Kept apart from the mass-sending code on purpose: the engine asks this sender first in each
round (a new-case alert never waits behind a broadcast page), and both share the engine's
limiter (30/s overall, one message a second per chat, 429 pauses) and its failure rules.

Each chat gets its messages in the order they were queued: one per chat per round, and a chat
whose earlier message waits for a retry holds the later ones back. An outcome is committed
right after its send; the after-send work (recording a staff copy of an alert, or telling
someone else when a chat cannot be reached) is in the same transaction, so a kill never leaves
a half-recorded message. A message whose answer was lost in a kill is sent again.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import TYPE_CHECKING

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot import outbox
from bot.crypto import cipher_for
from bot.messaging import SendOutcome, classify, retry_after_seconds
from storage import alert_copies, users
from storage import outbox as store

if TYPE_CHECKING:
    from telegram import Bot

log = logging.getLogger(__name__)

PAGE_SIZE = 50
MAX_ATTEMPTS = 6  # notifications matter more than a broadcast: up to ~5 minutes of retries
RETRY_BASE_SECONDS = 5.0
NO_CHAT = 0  # never a Telegram chat: asking the limiter about it gives the overall wait
SLEEP_CHUNK = 0.5
RECHECK_SECONDS = 30.0


class OutboxSender:
    def __init__(self, engine) -> None:
        self.engine = engine
        self._started = False
        self._started_at = engine.now()  # the engine is built when the process starts

    @property
    def db(self):
        return self.engine.db

    async def round(self) -> tuple[bool, float | None]:
        """Send what is due; returns (sent anything, seconds until more is due)."""
        engine, db = self.engine, self.db
        if not self._started:
            # A new process: replies held for handlers of the previous one (killed after the
            # commit, before its own send) go out at once.
            self._started = True
            await store.release_held(db, self._started_at)
        now = engine.now()
        # Under the transaction lock: a handler's transaction still open (rows it may yet
        # roll back) finishes before we read.
        async with db.transaction():
            rows = await store.due(db, now, PAGE_SIZE)
            held = await store.waiting_chats(db, now) if rows else set()
        if not rows:
            retry_at = await store.next_retry_at(db)
            return False, None if retry_at is None else (retry_at - now).total_seconds()
        cipher = cipher_for(engine.application.services)
        busy, soonest, handled = set(held), None, 0
        slots = asyncio.Semaphore(engine.max_in_flight)
        tasks: list[asyncio.Task] = []
        try:
            for row in rows:
                if not engine._keep_going():
                    break
                if row.chat_id in busy:
                    continue
                wait = engine.limiter.wait_for(row.chat_id)
                if wait > engine.limiter.wait_for(NO_CHAT):
                    # This chat got a message less than a second ago: its turn comes later,
                    # and nobody else waits for it.
                    busy.add(row.chat_id)
                    soonest = wait if soonest is None else min(soonest, wait)
                    continue
                while (wait := engine.limiter.wait_for(row.chat_id)) > 0:
                    if not engine._keep_going():
                        break
                    await engine.timer.sleep(min(wait, SLEEP_CHUNK))
                if not engine._keep_going():
                    break
                await slots.acquire()
                engine.limiter.take(row.chat_id)
                busy.add(row.chat_id)
                task = asyncio.create_task(self._send(row, cipher))
                task.add_done_callback(lambda _task: slots.release())
                tasks.append(task)
                handled += 1
        finally:
            if tasks:  # graceful: what is in flight is sent and recorded before we return
                await asyncio.gather(*tasks)
        # A chat's own window (a group: 20 a minute) can be longer than the engine's idle
        # horizon: report at most RECHECK_SECONDS, so the engine waits and looks again.
        return handled > 0, None if soonest is None else min(soonest, RECHECK_SECONDS)

    async def send_now(self, row_id: int) -> bool:
        """A reply held for its handler: sent now, outside the pace of the queue, on the
        replies' own bot and connections (not mass sending's)."""
        row = await store.pending(self.db, row_id)
        if row is None:
            return False
        application = self.engine.application
        return await self._send(row, cipher_for(application.services), application.bot)

    async def _send(self, row: store.OutboxRow, cipher, bot: Bot | None = None) -> bool:
        engine, db = self.engine, self.db
        bot = bot or engine.bot
        attempt = row.attempts + 1
        try:
            message = outbox.read(row, cipher, bot)
        except Exception as error:  # a row we cannot read will never become sendable
            log.error("outbox %s unreadable: %s", row.id, type(error).__name__)
            await store.mark_final(db, row.id, "failed", attempt, "unreadable")
            return False
        try:
            if message.photo:
                sent = await bot.send_photo(
                    message.chat_id,
                    message.photo,
                    caption=message.text or None,
                    reply_markup=message.markup,
                    protect_content=message.protect or None,
                )
            else:
                sent = await bot.send_message(
                    message.chat_id,
                    message.text,
                    reply_markup=message.markup,
                    protect_content=message.protect or None,
                )
        except RetryAfter as error:  # everyone waits; this message stays first in line
            engine.limiter.pause_all(retry_after_seconds(error))
            log.info("outbox %s: 429, pausing", row.id)
            return False
        except (Forbidden, BadRequest) as error:
            state = "blocked" if classify(error) is SendOutcome.UNREACHABLE else "failed"
            await self._final(message, state, attempt, error, cipher)
            return False
        except (TimedOut, NetworkError) as error:
            if attempt >= MAX_ATTEMPTS:
                await self._final(message, "failed", attempt, error, cipher)
                return False
            delay = RETRY_BASE_SECONDS * 2 ** (attempt - 1)
            await store.retry_later(
                db,
                row.id,
                attempt,
                type(error).__name__,
                engine.now() + dt.timedelta(seconds=delay),
            )
            return False
        except TelegramError as error:
            await self._final(message, "failed", attempt, error, cipher)
            return False
        now = engine.now()
        async with db.transaction():
            await store.mark_sent(db, row.id, attempt, sent.message_id, now)
            if message.copy is not None:
                copy = message.copy
                await alert_copies.record(
                    db,
                    copy.kind,
                    copy.entity_id,
                    sent.chat_id,
                    sent.message_id,
                    copy.language,
                    now,
                    variant=copy.variant,
                    quoted_id=copy.quoted_id,
                )
        return True

    async def _final(
        self, message: outbox.Message, state: str, attempt: int, error: Exception, cipher
    ) -> None:
        """Blocked (the chat cannot be reached) or failed for good; the fallback, if any, is
        queued in the same transaction, so the message's recipients are never left out."""
        engine, db = self.engine, self.db
        now = engine.now()
        log.warning("outbox %s: not delivered (%s): %s", message.id, state, type(error).__name__)
        instead = outbox.fallback(message.instead)
        async with db.transaction():
            await store.mark_final(db, message.id, state, attempt, type(error).__name__)
            if state == "blocked" and message.chat_id > 0:  # a person, not a group
                await users.set_reachable(db, message.chat_id, False, now)
            if instead is not None:  # e.g. the staff, privately, when their group is gone
                await instead(db, cipher, engine.application, message, now)
