"""The worker that drains the delivery queue (see bot/delivery/__init__.py for the design)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import math
from dataclasses import dataclass

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application

from bot.audience import SUBSCRIPTION, Audience, where
from bot.delivery import progress
from bot.delivery.content import Content, send_content
from bot.delivery.lanes import BULK_LANE, budget_of
from bot.delivery.limiter import PER_CHAT_INTERVAL, Limiter, SendBudget, Timer
from bot.delivery.outbox_sender import OutboxSender
from bot.delivery.writer import OutcomeWriter
from bot.messaging import SendOutcome, classify, retry_after_seconds
from storage import delivery as store
from storage import users
from storage.db import Database
from storage.delivery import Counts, Delivery, Recipient

log = logging.getLogger(__name__)

PAGE_SIZE = 200  # recipients read per query; also how often a more urgent delivery can cut in
MAX_ATTEMPTS = 4  # first try + 3 retries for timeouts and 5xx
RETRY_BASE_SECONDS = 5.0  # 5 s, 10 s, 20 s between attempts
PROGRESS_SECONDS = 5.0  # how often the sender's progress message is edited
IDLE_HORIZON_SECONDS = 60.0  # wait in the worker for retries due this soon; else let ticks wake it
SLEEP_CHUNK = 0.5  # long waits are cut so a stop or a pause is noticed quickly
ABORT_AFTER_REFUSALS = 10  # the same content refused this often, nothing sent: stop it
TRANSIENT_STREAK_PAUSE = 3  # consecutive timeouts/5xx before the whole queue backs off


def in_flight_for(rate: float | None) -> int:
    """Sends awaiting an answer at once: enough to keep `rate` with ~100 ms round trips."""
    if not rate:
        return 32
    return max(1, min(200, math.ceil(rate / 10)))


@dataclass
class Tally:
    total: int = 0
    pending: int = 0
    sent: int = 0
    failed: int = 0
    blocked: int = 0
    skipped: int = 0

    @classmethod
    def of(cls, counts: Counts) -> Tally:
        return cls(
            counts.total, counts.pending, counts.sent, counts.failed, counts.blocked, counts.skipped
        )

    def snapshot(self) -> Counts:
        return Counts(self.total, self.pending, self.sent, self.failed, self.blocked, self.skipped)

    def settle(self, outcome: str) -> None:
        self.pending -= 1
        setattr(self, outcome, getattr(self, outcome) + 1)


class DeliveryEngine:
    def __init__(
        self,
        application: Application,
        timer: Timer,
        overall_rate: float | None,
        max_in_flight: int | None = None,
        page_size: int = PAGE_SIZE,
    ) -> None:
        self.application = application
        self.timer = timer
        self.limiter = Limiter(timer, overall_rate, budget=self._shared_budget(overall_rate))
        self.max_in_flight = max_in_flight or in_flight_for(overall_rate)
        self.page_size = page_size
        self.stopping = False
        self._task: asyncio.Task | None = None
        self._wake = False
        self._interrupted: set[int] = set()
        self._tallies: dict[int, Tally] = {}
        self._contents: dict[int, Content] = {}
        self._last_progress: dict[int, float] = {}
        self._refusals: dict[int, int] = {}
        self._transient_streak = 0
        self._writer = OutcomeWriter(lambda rows: store.mark_many(self.db, rows))
        self.outbox = OutboxSender(self)  # single notifications (bot/outbox.py), asked first

    # -- control ---------------------------------------------------------------------------

    def configure(self, overall_rate: float | None, max_in_flight: int | None = None) -> None:
        """Change the pace; None switches every limit off (overhead benchmarks only)."""
        per_chat = PER_CHAT_INTERVAL if overall_rate else None
        self.limiter = Limiter(
            self.timer,
            overall_rate,
            per_chat_interval=per_chat,
            budget=self._shared_budget(overall_rate),
        )
        self.max_in_flight = max_in_flight or in_flight_for(overall_rate)

    def _shared_budget(self, overall_rate: float | None) -> SendBudget | None:
        """The budget replies draw from too (bot.delivery.lanes), if it has this rate."""
        budget = budget_of(self.application)
        return budget if budget is not None and budget.overall_rate == overall_rate else None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    @property
    def task(self) -> asyncio.Task | None:
        return self._task

    def kick(self) -> None:
        """Start the worker if it is idle; if it is busy, make it look again before resting."""
        self._wake = True
        if self.running or not self.application.running or self.stopping:
            return
        self._task = self.application.create_task(self._run(), name="delivery-engine")

    def interrupt(self, delivery_id: int) -> None:
        """A delivery was paused or cancelled: stop sending it after the messages in flight."""
        self._interrupted.add(delivery_id)

    def _keep_going(self) -> bool:
        return self.application.running and not self.stopping

    @property
    def db(self) -> Database:
        return self.application.services.database

    @property
    def bot(self) -> Bot:
        # Mass sending's own connection pool when the application has one (live HTTP).
        return getattr(self.application, "bulk_bot", None) or self.application.bot

    def now(self):
        return self.application.services.clock.now()

    # -- the worker ------------------------------------------------------------------------

    async def _run(self) -> None:
        BULK_LANE.set(True)  # this task's sends, and those of the tasks it starts, are bulk
        if self.bot is not self.application.bot:
            try:
                await self.bot.initialize()  # once (getMe), on the first send, not at start-up
            except TelegramError as error:  # Telegram unreachable: the next tick tries again
                log.warning("mass sending could not start: %s", type(error).__name__)
                return
        while self._keep_going():
            self._wake = False
            self._interrupted.clear()
            worked, retry_in = await self._round()
            if worked:
                continue
            if retry_in is not None and retry_in <= IDLE_HORIZON_SECONDS:
                await self._sleep(max(retry_in, 0.05))
                continue
            if not self._wake:
                return  # nothing due: the dispatcher's tick wakes us again

    async def _round(self) -> tuple[bool, float | None]:
        """Work on the most urgent delivery that has something due. Returns (worked, seconds
        until the earliest retry, if any)."""
        worked, retry_in = await self.outbox.round()
        if worked:
            return True, None
        now = self.now()
        for delivery in await store.active(self.db, now):
            if not self._keep_going():
                return False, None
            if delivery.state == "scheduled":
                delivery = await self._start(delivery)
                if delivery is None:
                    continue
            if await self._slice(delivery):
                return True, None
            if not self._may_send(delivery.id):
                continue  # paused, cancelled or shutting down: not finished
            retry_at = await store.next_retry_at(self.db, delivery.id)
            if retry_at is None:
                if not await store.has_pending(self.db, delivery.id):
                    await self._finish(delivery, "done")
            else:
                wait = (retry_at - self.now()).total_seconds()
                retry_in = wait if retry_in is None else min(retry_in, wait)
        return False, retry_in

    async def _start(self, delivery: Delivery) -> Delivery | None:
        clause, params = None, []
        if delivery.audience is not None:
            clause, params = where(Audience.from_json(delivery.audience), delivery.kind)
        if not await store.start(self.db, delivery.id, clause, params, self.now()):
            return None
        started = await store.get(self.db, delivery.id)
        log.info("delivery %s started: %s recipients", delivery.id, started.total)
        if started.report_chat_id and not started.progress_message_id:
            await self._open_progress(started)
            started = await store.get(self.db, delivery.id)
        return started

    async def _slice(self, delivery: Delivery) -> int:
        """Send to one page of due recipients; returns how many were handled."""
        rows = await store.due_recipients(self.db, delivery.id, self.now(), self.page_size)
        if not rows:
            return 0
        content = self._content(delivery)
        tally = await self._tally(delivery)
        slots = asyncio.Semaphore(self.max_in_flight)
        in_flight: list[asyncio.Task] = []
        handled = 0
        try:
            for recipient in rows:
                if not self._may_send(delivery.id):
                    break
                reason = _skip_reason(delivery.kind, recipient)
                if reason is not None:
                    await self._record(delivery.id, recipient.chat_id, reason)
                    tally.settle(reason)
                    handled += 1
                    continue
                await slots.acquire()
                if not await self._wait_turn(delivery.id, recipient.chat_id):
                    slots.release()
                    break
                self.limiter.take(recipient.chat_id)
                task = asyncio.create_task(self._send_one(delivery, content, recipient, tally))
                task.add_done_callback(lambda _task: slots.release())
                in_flight.append(task)
                handled += 1
                if self.limiter.limited:
                    # Let the request leave now, at the moment its slot was booked: a send
                    # that starts late would bunch up with the next ones and break the pace.
                    await asyncio.sleep(0)
                if len(in_flight) >= self.max_in_flight * 4:
                    in_flight = [t for t in in_flight if not t.done()]
                await self._maybe_progress(delivery, tally)
        finally:
            # Graceful: whatever is in flight finishes and is recorded before we return.
            if in_flight:
                await asyncio.gather(*in_flight)
        if self._refused(delivery.id, tally):
            await self._finish(delivery, "failed")
            return handled
        if self._may_send(delivery.id):
            await self._maybe_progress(delivery, tally)
        return handled

    def _may_send(self, delivery_id: int) -> bool:
        return self._keep_going() and delivery_id not in self._interrupted

    async def _wait_turn(self, delivery_id: int, chat_id: int) -> bool:
        """Wait until the limiter allows a send to chat_id; False if we must stop instead."""
        while (wait := self.limiter.wait_for(chat_id)) > 0:
            if not self._may_send(delivery_id):
                return False
            await self.timer.sleep(min(wait, SLEEP_CHUNK))
        return self._may_send(delivery_id)

    async def _sleep(self, seconds: float) -> None:
        deadline = self.timer.monotonic() + seconds
        while self._keep_going() and not self._wake:
            remaining = deadline - self.timer.monotonic()
            if remaining <= 0:
                return
            await self.timer.sleep(min(remaining, SLEEP_CHUNK))

    async def _send_one(
        self, delivery: Delivery, content: Content, recipient: Recipient, tally: Tally
    ) -> None:
        chat_id, attempt = recipient.chat_id, recipient.attempts + 1
        try:
            message_id = await send_content(self.bot, chat_id, content, recipient.language)
        except RetryAfter as error:
            # The whole queue waits; this recipient stays pending and is sent after the pause.
            pause = retry_after_seconds(error)
            self.limiter.pause_all(pause)
            log.info("delivery %s: 429, pausing %.0f s", delivery.id, pause)
            return
        except (Forbidden, BadRequest) as error:
            if classify(error) is SendOutcome.UNREACHABLE:
                await self._record(
                    delivery.id, chat_id, "blocked", attempts=attempt, error=type(error).__name__
                )
                if recipient.known:
                    await users.set_reachable(self.db, chat_id, False, self.now())
                tally.settle("blocked")
            else:  # Telegram refused this message: retrying would not help
                await self._give_up(delivery, chat_id, attempt, error, tally)
                self._refusals[delivery.id] = self._refusals.get(delivery.id, 0) + 1
            return
        except (TimedOut, NetworkError) as error:  # timeouts and 5xx: maybe later
            await self._transient(delivery, chat_id, attempt, error, tally)
            return
        except TelegramError as error:  # ChatMigrated, InvalidToken…: not for this recipient
            await self._give_up(delivery, chat_id, attempt, error, tally)
            return
        self._transient_streak = 0
        await self._record(delivery.id, chat_id, "sent", attempts=attempt, message_id=message_id)
        tally.settle("sent")

    async def _transient(
        self, delivery: Delivery, chat_id: int, attempt: int, error: Exception, tally: Tally
    ) -> None:
        self._transient_streak += 1
        if self._transient_streak >= TRANSIENT_STREAK_PAUSE:
            # Several in a row: Telegram (or the network) is unwell, back off for everyone.
            self.limiter.pause_all(min(60.0, 2.0 ** min(self._transient_streak, 6)))
        if attempt >= MAX_ATTEMPTS:
            await self._give_up(delivery, chat_id, attempt, error, tally)
            return
        delay = RETRY_BASE_SECONDS * 2 ** (attempt - 1)
        await self._record(
            delivery.id,
            chat_id,
            "pending",
            attempts=attempt,
            error=type(error).__name__,
            next_attempt_at=self.now() + dt.timedelta(seconds=delay),
        )

    async def _give_up(
        self, delivery: Delivery, chat_id: int, attempt: int, error: Exception, tally: Tally
    ) -> None:
        log.info("delivery %s: failed for one chat: %s", delivery.id, type(error).__name__)
        await self._record(
            delivery.id, chat_id, "failed", attempts=attempt, error=type(error).__name__
        )
        tally.settle("failed")

    def _refused(self, delivery_id: int, tally: Tally) -> bool:
        return tally.sent == 0 and self._refusals.get(delivery_id, 0) >= ABORT_AFTER_REFUSALS

    # -- bookkeeping -----------------------------------------------------------------------

    async def _record(self, delivery_id: int, chat_id: int, state: str, **fields) -> None:
        """Commit one recipient's outcome (grouped with those finishing at the same time)."""
        await self._writer.write(store.mark_row(delivery_id, chat_id, state, **fields))

    def _content(self, delivery: Delivery) -> Content:
        content = self._contents.get(delivery.id)
        if content is None:
            content = self._contents[delivery.id] = Content.from_json(delivery.content)
        return content

    async def _tally(self, delivery: Delivery) -> Tally:
        tally = self._tallies.get(delivery.id)
        if tally is None:  # first touch in this process (e.g. after a restart): count once
            tally = self._tallies[delivery.id] = Tally.of(await store.counts(self.db, delivery.id))
        return tally

    async def _finish(self, delivery: Delivery, state: str) -> None:
        counts = await store.counts(self.db, delivery.id)
        finished = self.now()
        if not await store.finish(
            self.db, delivery.id, state, counts, finished, from_states=("sending",)
        ):
            return
        log.info(
            "delivery %s %s: %s sent, %s failed, %s blocked, %s skipped",
            delivery.id,
            state,
            counts.sent,
            counts.failed,
            counts.blocked,
            counts.skipped,
        )
        for cache in (self._tallies, self._contents, self._last_progress, self._refusals):
            cache.pop(delivery.id, None)
        await self.report(delivery, counts, state, finished)

    async def report(self, delivery: Delivery, counts: Counts, state: str, finished) -> None:
        """Final figures for the sender: the progress message loses its buttons, and a new
        message with the report arrives (a notification they will see)."""
        if not delivery.report_chat_id:
            return
        _ = await self._translator(delivery)
        started = delivery.started_at or (await store.get(self.db, delivery.id)).started_at
        if delivery.progress_message_id:
            await self._edit(delivery, progress.progress_text(_, delivery, counts, state), None)
        try:
            await self.bot.send_message(
                delivery.report_chat_id,
                progress.report_text(_, delivery, counts, state, started, finished),
            )
        except TelegramError as error:
            log.info("delivery %s: report not sent: %s", delivery.id, type(error).__name__)

    async def show_state(self, delivery: Delivery) -> None:
        """Redraw the progress message after a pause or resume (buttons follow the state)."""
        if not delivery.progress_message_id:
            return
        _ = await self._translator(delivery)
        counts = await store.counts(self.db, delivery.id)
        await self._edit(
            delivery,
            progress.progress_text(_, delivery, counts, delivery.state),
            progress.controls(_, delivery.id, delivery.state),
        )

    async def _translator(self, delivery: Delivery):
        sender = await users.get(self.db, delivery.created_by) if delivery.created_by else None
        return self.application.services.i18n(sender.language if sender else None)

    async def _open_progress(self, delivery: Delivery) -> None:
        _ = await self._translator(delivery)
        counts = await store.counts(self.db, delivery.id)
        try:
            message = await self.bot.send_message(
                delivery.report_chat_id,
                progress.progress_text(_, delivery, counts, "sending"),
                reply_markup=progress.controls(_, delivery.id, "sending"),
            )
        except TelegramError as error:
            log.info("delivery %s: no progress message: %s", delivery.id, type(error).__name__)
            return
        await store.set_progress_message(
            self.db, delivery.id, delivery.report_chat_id, message.message_id
        )
        self._last_progress[delivery.id] = self.timer.monotonic()

    async def _maybe_progress(self, delivery: Delivery, tally: Tally) -> None:
        if not delivery.progress_message_id or delivery.id in self._interrupted:
            return
        now = self.timer.monotonic()
        last = self._last_progress.setdefault(delivery.id, now)
        if now - last < PROGRESS_SECONDS:
            return
        self._last_progress[delivery.id] = now
        _ = await self._translator(delivery)
        await self._edit(
            delivery,
            progress.progress_text(_, delivery, tally.snapshot(), "sending"),
            progress.controls(_, delivery.id, "sending"),
        )

    async def _edit(self, delivery: Delivery, text: str, markup) -> None:
        try:
            await self.bot.edit_message_text(
                text,
                chat_id=delivery.report_chat_id,
                message_id=delivery.progress_message_id,
                reply_markup=markup,
            )
        except TelegramError as error:  # "not modified", deleted by the sender…: cosmetic
            log.debug("delivery %s: progress not edited: %s", delivery.id, type(error).__name__)


def _skip_reason(kind: str, recipient: Recipient) -> str | None:
    """Checked at send time, so a /stop or a block during a long broadcast is respected."""
    if not recipient.reachable:
        return "blocked"
    flag = SUBSCRIPTION.get(kind)
    if flag == "subscribed_announcements" and not recipient.subscribed_announcements:
        return "skipped"
    if flag == "subscribed_reminders" and not recipient.subscribed_reminders:
        return "skipped"
    return None
