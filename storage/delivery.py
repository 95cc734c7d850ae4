"""SQL of the delivery queue: deliveries and their recipient rows (see bot/delivery)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterable, Iterable
from dataclasses import dataclass

from storage.db import Database
from storage.timeutil import from_db, to_db

KINDS = ("urgent", "reminder", "broadcast", "awareness")
# Lower runs first: an urgent notice overtakes a long broadcast at the next slice.
PRIORITY = {"urgent": 0, "reminder": 1, "broadcast": 2, "awareness": 3}
ACTIVE = ("scheduled", "sending")
OPEN = ("scheduled", "sending", "paused")
RECIPIENT_STATES = ("pending", "sent", "failed", "blocked", "skipped")
INSERT_BATCH = 1000

_COLUMNS = (
    "id, kind, state, priority, content, audience, district, created_by, report_chat_id,"
    " progress_message_id, dedupe_key, scheduled_at, created_at, started_at, finished_at, total,"
    " sent_count, failed_count, blocked_count, skipped_count"
)


@dataclass(frozen=True)
class Delivery:
    id: int
    kind: str
    state: str
    priority: int
    content: str
    audience: str | None
    district: str | None
    created_by: int | None
    report_chat_id: int | None
    progress_message_id: int | None
    dedupe_key: str | None
    scheduled_at: dt.datetime
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    total: int
    sent_count: int
    failed_count: int
    blocked_count: int
    skipped_count: int

    @property
    def is_open(self) -> bool:
        return self.state in OPEN


def _delivery(row) -> Delivery:
    return Delivery(
        id=row["id"],
        kind=row["kind"],
        state=row["state"],
        priority=row["priority"],
        content=row["content"],
        audience=row["audience"],
        district=row["district"],
        created_by=row["created_by"],
        report_chat_id=row["report_chat_id"],
        progress_message_id=row["progress_message_id"],
        dedupe_key=row["dedupe_key"],
        scheduled_at=from_db(row["scheduled_at"]),
        created_at=from_db(row["created_at"]),
        started_at=from_db(row["started_at"]),
        finished_at=from_db(row["finished_at"]),
        total=row["total"],
        sent_count=row["sent_count"],
        failed_count=row["failed_count"],
        blocked_count=row["blocked_count"],
        skipped_count=row["skipped_count"],
    )


@dataclass(frozen=True)
class Recipient:
    """A pending row joined with what the bot knows of the person right now."""

    chat_id: int
    attempts: int
    language: str | None
    known: bool  # a row in users (explicit recipients may be chats the bot never met)
    reachable: bool
    subscribed_announcements: bool
    subscribed_reminders: bool


@dataclass(frozen=True)
class Counts:
    total: int = 0
    pending: int = 0
    sent: int = 0
    failed: int = 0
    blocked: int = 0
    skipped: int = 0

    @property
    def done(self) -> int:
        return self.total - self.pending

    @property
    def errors(self) -> int:
        return self.failed + self.blocked


# -- deliveries ------------------------------------------------------------------------------


async def create(
    db: Database,
    *,
    kind: str,
    content: str,
    now: dt.datetime,
    scheduled_at: dt.datetime,
    audience: str | None,
    district: str | None,
    created_by: int | None,
    report_chat_id: int | None,
    dedupe_key: str | None,
) -> int:
    if kind not in KINDS:
        raise ValueError(f"unknown delivery kind {kind!r}")
    return await db.execute(
        "INSERT INTO deliveries (kind, state, priority, content, audience, district, created_by,"
        " report_chat_id, dedupe_key, scheduled_at, created_at)"
        " VALUES (?, 'scheduled', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            kind,
            PRIORITY[kind],
            content,
            audience,
            district,
            created_by,
            report_chat_id,
            dedupe_key,
            to_db(scheduled_at),
            to_db(now),
        ),
    )


async def by_dedupe_key(db: Database, key: str) -> Delivery | None:
    row = await db.fetchone(f"SELECT {_COLUMNS} FROM deliveries WHERE dedupe_key = ?", (key,))
    return None if row is None else _delivery(row)


async def get(db: Database, delivery_id: int) -> Delivery | None:
    row = await db.fetchone(f"SELECT {_COLUMNS} FROM deliveries WHERE id = ?", (delivery_id,))
    return None if row is None else _delivery(row)


async def active(db: Database, now: dt.datetime, limit: int = 20) -> list[Delivery]:
    """Deliveries the engine should work on now, most urgent first, then oldest first."""
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM deliveries WHERE state IN ('scheduled', 'sending')"
        " AND scheduled_at <= ? ORDER BY priority, scheduled_at, id LIMIT ?",
        (to_db(now), limit),
    )
    return [_delivery(row) for row in rows]


async def next_scheduled_at(db: Database) -> dt.datetime | None:
    value = await db.fetchvalue(
        "SELECT min(scheduled_at) FROM deliveries WHERE state IN ('scheduled', 'sending')"
    )
    return from_db(value)


async def history(
    db: Database,
    district: str | None,
    all_districts: bool,
    limit: int = 10,
    kinds: tuple[str, ...] = ("broadcast", "urgent"),
) -> list[Delivery]:
    """The latest deliveries a person may see: everything for administrators, else one
    district's."""
    marks = ", ".join("?" for _ in kinds)
    if all_districts:
        rows = await db.fetchall(
            f"SELECT {_COLUMNS} FROM deliveries WHERE kind IN ({marks}) ORDER BY id DESC LIMIT ?",
            (*kinds, limit),
        )
    else:
        rows = await db.fetchall(
            f"SELECT {_COLUMNS} FROM deliveries WHERE kind IN ({marks}) AND district = ?"
            " ORDER BY id DESC LIMIT ?",
            (*kinds, district, limit),
        )
    return [_delivery(row) for row in rows]


async def start(
    db: Database, delivery_id: int, where: str | None, params: list[object], now: dt.datetime
) -> bool:
    """scheduled → sending: resolve the audience into rows (in SQL, never in memory) and
    count them, in one transaction. False if someone changed the state first."""
    async with db.transaction():
        changed = await db.execute(
            "UPDATE deliveries SET state = 'sending', started_at = ? WHERE id = ?"
            " AND state = 'scheduled'",
            (to_db(now), delivery_id),
        )
        if not changed:
            return False
        if where is not None:
            await db.execute(
                "INSERT OR IGNORE INTO delivery_recipients (delivery_id, chat_id)"
                f" SELECT ?, telegram_id FROM users WHERE {where}",
                (delivery_id, *params),
            )
        await db.execute(
            "UPDATE deliveries SET total = (SELECT count(*) FROM delivery_recipients"
            " WHERE delivery_id = ?) WHERE id = ?",
            (delivery_id, delivery_id),
        )
    return True


async def add_recipients(
    db: Database, delivery_id: int, chat_ids: Iterable[int] | AsyncIterable[int]
) -> int:
    """Insert explicit recipients in batches (duplicates ignored); returns how many offered."""
    offered = 0
    batch: list[tuple[int, int]] = []

    async def flush() -> None:
        await db.executemany(
            "INSERT OR IGNORE INTO delivery_recipients (delivery_id, chat_id) VALUES (?, ?)", batch
        )
        batch.clear()

    if isinstance(chat_ids, AsyncIterable):
        async for chat_id in chat_ids:
            batch.append((delivery_id, int(chat_id)))
            offered += 1
            if len(batch) >= INSERT_BATCH:
                await flush()
    else:
        for chat_id in chat_ids:
            batch.append((delivery_id, int(chat_id)))
            offered += 1
            if len(batch) >= INSERT_BATCH:
                await flush()
    if batch:
        await flush()
    return offered


async def set_progress_message(
    db: Database, delivery_id: int, chat_id: int, message_id: int
) -> None:
    await db.execute(
        "UPDATE deliveries SET report_chat_id = ?, progress_message_id = ? WHERE id = ?",
        (chat_id, message_id, delivery_id),
    )


async def finish(
    db: Database,
    delivery_id: int,
    state: str,
    counts: Counts,
    now: dt.datetime,
    from_states: tuple[str, ...] = OPEN,
) -> bool:
    """Record a final state and the figures; False if it was already final."""
    marks = ", ".join("?" for _ in from_states)
    changed = await db.execute(
        f"UPDATE deliveries SET state = ?, finished_at = ?, sent_count = ?, failed_count = ?,"
        f" blocked_count = ?, skipped_count = ? WHERE id = ? AND state IN ({marks})",
        (
            state,
            to_db(now),
            counts.sent,
            counts.failed,
            counts.blocked,
            counts.skipped,
            delivery_id,
            *from_states,
        ),
    )
    return changed > 0


async def pause(db: Database, delivery_id: int) -> bool:
    return (
        await db.execute(
            "UPDATE deliveries SET state = 'paused' WHERE id = ? AND state IN ('scheduled', 'sending')",
            (delivery_id,),
        )
        > 0
    )


async def resume(db: Database, delivery_id: int) -> bool:
    return (
        await db.execute(
            "UPDATE deliveries SET state = CASE WHEN started_at IS NULL THEN 'scheduled'"
            " ELSE 'sending' END WHERE id = ? AND state = 'paused'",
            (delivery_id,),
        )
        > 0
    )


# -- recipients ------------------------------------------------------------------------------


async def due_recipients(
    db: Database, delivery_id: int, now: dt.datetime, limit: int
) -> list[Recipient]:
    """The next pending recipients whose turn it is, with their current user flags."""
    rows = await db.fetchall(
        "SELECT r.chat_id, r.attempts, u.telegram_id IS NOT NULL AS known, u.language,"
        " coalesce(u.reachable, 1) AS reachable,"
        " coalesce(u.subscribed_announcements, 1) AS announcements,"
        " coalesce(u.subscribed_reminders, 1) AS reminders"
        " FROM delivery_recipients r LEFT JOIN users u ON u.telegram_id = r.chat_id"
        " WHERE r.delivery_id = ? AND r.state = 'pending'"
        " AND (r.next_attempt_at IS NULL OR r.next_attempt_at <= ?)"
        " ORDER BY r.chat_id LIMIT ?",
        (delivery_id, to_db(now), limit),
    )
    return [
        Recipient(
            chat_id=row["chat_id"],
            attempts=row["attempts"],
            language=row["language"],
            known=bool(row["known"]),
            reachable=bool(row["reachable"]),
            subscribed_announcements=bool(row["announcements"]),
            subscribed_reminders=bool(row["reminders"]),
        )
        for row in rows
    ]


async def next_retry_at(db: Database, delivery_id: int) -> dt.datetime | None:
    value = await db.fetchvalue(
        "SELECT min(next_attempt_at) FROM delivery_recipients WHERE delivery_id = ?"
        " AND state = 'pending'",
        (delivery_id,),
    )
    return from_db(value)


async def has_pending(db: Database, delivery_id: int) -> bool:
    return bool(
        await db.fetchvalue(
            "SELECT EXISTS (SELECT 1 FROM delivery_recipients WHERE delivery_id = ?"
            " AND state = 'pending')",
            (delivery_id,),
        )
    )


async def mark(
    db: Database,
    delivery_id: int,
    chat_id: int,
    state: str,
    *,
    attempts: int | None = None,
    message_id: int | None = None,
    error: str | None = None,
    next_attempt_at: dt.datetime | None = None,
) -> None:
    """One recipient's outcome, committed at once (autocommit): a crash never forgets it."""
    await db.execute(
        MARK_SQL,
        mark_row(
            delivery_id,
            chat_id,
            state,
            attempts=attempts,
            message_id=message_id,
            error=error,
            next_attempt_at=next_attempt_at,
        ),
    )


MARK_SQL = (
    "UPDATE delivery_recipients SET state = ?, attempts = coalesce(?, attempts),"
    " message_id = coalesce(?, message_id), error = ?, next_attempt_at = ?"
    " WHERE delivery_id = ? AND chat_id = ?"
)


def mark_row(
    delivery_id: int,
    chat_id: int,
    state: str,
    *,
    attempts: int | None = None,
    message_id: int | None = None,
    error: str | None = None,
    next_attempt_at: dt.datetime | None = None,
) -> tuple:
    """Parameters of one outcome for `mark_many`."""
    if state not in RECIPIENT_STATES:
        raise ValueError(state)
    return (
        state,
        attempts,
        message_id,
        error,
        to_db(next_attempt_at) if next_attempt_at else None,
        delivery_id,
        chat_id,
    )


async def mark_many(db: Database, rows: list[tuple]) -> None:
    """Several outcomes in one transaction (one commit)."""
    await db.executemany(MARK_SQL, rows)


async def counts(db: Database, delivery_id: int) -> Counts:
    rows = await db.fetchall(
        "SELECT state, count(*) AS n FROM delivery_recipients WHERE delivery_id = ? GROUP BY state",
        (delivery_id,),
    )
    by_state = {row["state"]: row["n"] for row in rows}
    return Counts(total=sum(by_state.values()), **{s: by_state.get(s, 0) for s in RECIPIENT_STATES})


async def recipient_states(db: Database, delivery_id: int) -> dict[int, str]:
    """chat_id → state (for tests and small audits; do not call on huge deliveries)."""
    rows = await db.fetchall(
        "SELECT chat_id, state FROM delivery_recipients WHERE delivery_id = ?", (delivery_id,)
    )
    return {row["chat_id"]: row["state"] for row in rows}
