"""Questions from parents (tickets), their messages, spam blocks, and information counters.

A question's texts, photo and shared contact are encrypted with the cipher passed in
(bot/crypto.FieldCipher), like a case's details. Reads without a cipher return the ticket's
state only: those fields come back as None.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from storage.db import Database
from storage.timeutil import from_db, to_db

STATES = ("open", "answered", "closed")


@dataclass(frozen=True)
class Question:
    id: int
    asker_id: int
    district: str | None
    ward: str | None
    state: str
    danger: bool
    contact_shared: bool
    contact_name: str | None  # None when read without the cipher
    contact_phone: str | None
    created_at: dt.datetime
    waiting_since: dt.datetime | None
    escalated_at: dt.datetime | None

    @property
    def is_closed(self) -> bool:
        return self.state == "closed"


@dataclass(frozen=True)
class QuestionMessage:
    id: int
    question_id: int
    author: str
    staff_id: int | None
    text: str | None  # None when read without the cipher
    photo_file_id: str | None
    created_at: dt.datetime


_COLUMNS = (
    "id, asker_id, district, ward, state, danger, contact_shared, contact_name, contact_phone,"
    " created_at, waiting_since, escalated_at, sealed"
)


def _open(cipher, row, column: str) -> str | None:
    """A sensitive column in clear: decrypted if sealed, None if no cipher was given."""
    if not row["sealed"]:
        return row[column]  # written before encryption (until sealed at start-up)
    return cipher.decrypt(row[column]) if cipher is not None else None


def _question(row, cipher=None) -> Question:
    return Question(
        id=row["id"],
        asker_id=row["asker_id"],
        district=row["district"],
        ward=row["ward"],
        state=row["state"],
        danger=bool(row["danger"]),
        contact_shared=bool(row["contact_shared"]),
        contact_name=_open(cipher, row, "contact_name"),
        contact_phone=_open(cipher, row, "contact_phone"),
        created_at=from_db(row["created_at"]),
        waiting_since=from_db(row["waiting_since"]),
        escalated_at=from_db(row["escalated_at"]),
    )


async def create(
    db: Database,
    cipher,
    asker_id: int,
    district: str | None,
    ward: str | None,
    text: str,
    photo_file_id: str | None,
    danger: bool,
    contact_name: str | None,
    contact_phone: str | None,
    now: dt.datetime,
) -> int:
    """Insert the ticket and its first message; call inside the caller's transaction."""
    stamp = to_db(now)
    shared = contact_phone is not None
    question_id = await db.execute(
        "INSERT INTO questions (asker_id, district, ward, state, danger, contact_shared,"
        " contact_name, contact_phone, created_at, waiting_since, sealed)"
        " VALUES (?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, 1)",
        (
            asker_id,
            district,
            ward,
            int(danger),
            int(shared),
            cipher.encrypt(contact_name if shared else None),
            cipher.encrypt(contact_phone),
            stamp,
            stamp,
        ),
    )
    await add_message(db, cipher, question_id, "asker", None, text, photo_file_id, now)
    return question_id


async def add_message(
    db: Database,
    cipher,
    question_id: int,
    author: str,
    staff_id: int | None,
    text: str,
    photo_file_id: str | None,
    now: dt.datetime,
) -> int:
    return await db.execute(
        "INSERT INTO question_messages (question_id, author, staff_id, text, photo_file_id,"
        " created_at, sealed) VALUES (?, ?, ?, ?, ?, ?, 1)",
        (
            question_id,
            author,
            staff_id,
            cipher.encrypt(text),
            cipher.encrypt(photo_file_id),
            to_db(now),
        ),
    )


async def get(db: Database, question_id: int, cipher=None) -> Question | None:
    row = await db.fetchone(f"SELECT {_COLUMNS} FROM questions WHERE id = ?", (question_id,))
    return None if row is None else _question(row, cipher)


async def messages(db: Database, question_id: int, cipher=None) -> list[QuestionMessage]:
    rows = await db.fetchall(
        "SELECT id, question_id, author, staff_id, text, photo_file_id, created_at, sealed"
        " FROM question_messages WHERE question_id = ? ORDER BY id",
        (question_id,),
    )
    return [
        QuestionMessage(
            row["id"],
            row["question_id"],
            row["author"],
            row["staff_id"],
            _open(cipher, row, "text"),
            _open(cipher, row, "photo_file_id"),
            from_db(row["created_at"]),
        )
        for row in rows
    ]


async def seal_legacy(db: Database, cipher) -> int:
    """Encrypt the rows written in plain text before encryption; returns how many."""
    sealed = 0
    async with db.transaction():
        for row in await db.fetchall(
            "SELECT id, contact_name, contact_phone FROM questions WHERE sealed = 0"
        ):
            sealed += await db.execute(
                "UPDATE questions SET contact_name = ?, contact_phone = ?, sealed = 1"
                " WHERE id = ? AND sealed = 0",
                (
                    cipher.encrypt(row["contact_name"]),
                    cipher.encrypt(row["contact_phone"]),
                    row["id"],
                ),
            )
        for row in await db.fetchall(
            "SELECT id, text, photo_file_id FROM question_messages WHERE sealed = 0"
        ):
            sealed += await db.execute(
                "UPDATE question_messages SET text = ?, photo_file_id = ?, sealed = 1"
                " WHERE id = ? AND sealed = 0",
                (cipher.encrypt(row["text"]), cipher.encrypt(row["photo_file_id"]), row["id"]),
            )
    return sealed


async def set_answered(db: Database, question_id: int) -> None:
    await db.execute(
        "UPDATE questions SET state = 'answered', waiting_since = NULL WHERE id = ?",
        (question_id,),
    )


async def set_waiting(db: Database, question_id: int, now: dt.datetime) -> None:
    """The asker wrote again: the ticket waits for staff from now."""
    await db.execute(
        "UPDATE questions SET state = 'open', waiting_since = ? WHERE id = ?",
        (to_db(now), question_id),
    )


async def close(db: Database, question_id: int, actor_id: int, now: dt.datetime) -> bool:
    changed = await db.execute(
        "UPDATE questions SET state = 'closed', waiting_since = NULL, closed_at = ?,"
        " closed_by = ? WHERE id = ? AND state != 'closed'",
        (to_db(now), actor_id, question_id),
    )
    return changed > 0


async def closing(db: Database, question_id: int) -> tuple[int | None, int | None]:
    """Who closed the ticket, and who marked its asker as spam from it (while still marked):
    what the staff copies of the ticket say about how it ended."""
    row = await db.fetchone(
        "SELECT q.closed_by, b.blocked_by FROM questions q LEFT JOIN question_blocks b"
        " ON b.question_id = q.id AND b.user_id = q.asker_id WHERE q.id = ?",
        (question_id,),
    )
    return (None, None) if row is None else (row["closed_by"], row["blocked_by"])


async def count_unclosed(db: Database, asker_id: int) -> int:
    return int(
        await db.fetchvalue(
            "SELECT count(*) FROM questions WHERE asker_id = ? AND state != 'closed'", (asker_id,)
        )
    )


async def of_asker(db: Database, asker_id: int, limit: int = 10) -> list[Question]:
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM questions WHERE asker_id = ? ORDER BY id DESC LIMIT ?",
        (asker_id, limit),
    )
    return [_question(row) for row in rows]


async def due_for_escalation(db: Database, waiting_before: dt.datetime) -> list[Question]:
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM questions WHERE state = 'open' AND escalated_at IS NULL"
        " AND waiting_since IS NOT NULL AND waiting_since <= ? ORDER BY id",
        (to_db(waiting_before),),
    )
    return [_question(row) for row in rows]


async def mark_escalated(db: Database, question_id: int, now: dt.datetime) -> bool:
    changed = await db.execute(
        "UPDATE questions SET escalated_at = ? WHERE id = ? AND escalated_at IS NULL",
        (to_db(now), question_id),
    )
    return changed > 0


# -- spam blocks ---------------------------------------------------------------------------------


async def is_blocked(db: Database, user_id: int) -> bool:
    return bool(await db.fetchvalue("SELECT 1 FROM question_blocks WHERE user_id = ?", (user_id,)))


async def block(
    db: Database, user_id: int, question_id: int, blocked_by: int, now: dt.datetime
) -> None:
    await db.execute(
        "INSERT INTO question_blocks (user_id, question_id, blocked_by, created_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (user_id) DO NOTHING",
        (user_id, question_id, blocked_by, to_db(now)),
    )


async def unblock(db: Database, user_id: int) -> bool:
    return await db.execute("DELETE FROM question_blocks WHERE user_id = ?", (user_id,)) > 0


# -- information counters -----------------------------------------------------------------------


async def count_view(db: Database, topic: str, source: str) -> None:
    await db.execute(
        "INSERT INTO info_views (topic, source, count) VALUES (?, ?, 1)"
        " ON CONFLICT (topic, source) DO UPDATE SET count = count + 1",
        (topic, source),
    )


async def views(db: Database, topic: str) -> int:
    return int(
        await db.fetchvalue(
            "SELECT coalesce(sum(count), 0) FROM info_views WHERE topic = ?", (topic,)
        )
    )


async def vote(db: Database, user_id: int, topic: str, helpful: bool, now: dt.datetime) -> None:
    await db.execute(
        "INSERT INTO info_feedback (user_id, topic, helpful, created_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (user_id, topic) DO UPDATE SET helpful = excluded.helpful,"
        " created_at = excluded.created_at",
        (user_id, topic, int(helpful), to_db(now)),
    )


async def votes(db: Database, topic: str) -> tuple[int, int]:
    """(helpful, not helpful) for one entry."""
    row = await db.fetchone(
        "SELECT coalesce(sum(helpful), 0) AS yes, coalesce(sum(1 - helpful), 0) AS no"
        " FROM info_feedback WHERE topic = ?",
        (topic,),
    )
    assert row is not None  # an aggregate always has its one row
    return int(row["yes"]), int(row["no"])
