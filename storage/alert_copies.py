"""Where the staff copies of an alert are: chat and message ids of every alert message the
bot sent about a case or a question ticket (storage/migrations/0011_alert_messages.sql).

Ids, a language and a variant only; the text of a copy is rendered again when it is edited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from storage.db import Database
from storage.timeutil import to_db

KINDS = ("case", "question", "signup", "print")


@dataclass(frozen=True)
class AlertCopy:
    kind: str
    entity_id: int
    chat_id: int
    message_id: int
    language: str | None
    variant: str
    quoted_id: int | None


_COLUMNS = "kind, entity_id, chat_id, message_id, language, variant, quoted_id"


def _copy(row) -> AlertCopy:
    return AlertCopy(
        kind=row["kind"],
        entity_id=row["entity_id"],
        chat_id=row["chat_id"],
        message_id=row["message_id"],
        language=row["language"],
        variant=row["variant"],
        quoted_id=row["quoted_id"],
    )


async def record(
    db: Database,
    kind: str,
    entity_id: int,
    chat_id: int,
    message_id: int,
    language: str | None,
    now: dt.datetime,
    variant: str = "new",
    quoted_id: int | None = None,
) -> None:
    if kind not in KINDS:
        raise ValueError(kind)
    await db.execute(
        "INSERT INTO alert_messages (kind, entity_id, chat_id, message_id, language, variant,"
        " quoted_id, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (chat_id, message_id) DO NOTHING",
        (kind, entity_id, chat_id, message_id, language, variant, quoted_id, to_db(now)),
    )


async def of(db: Database, kind: str, entity_id: int) -> list[AlertCopy]:
    """Every recorded copy of one case's or ticket's alerts, oldest first."""
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM alert_messages WHERE kind = ? AND entity_id = ?"
        " ORDER BY sent_at, chat_id, message_id",
        (kind, entity_id),
    )
    return [_copy(row) for row in rows]


async def find(db: Database, chat_id: int, message_id: int) -> AlertCopy | None:
    row = await db.fetchone(
        f"SELECT {_COLUMNS} FROM alert_messages WHERE chat_id = ? AND message_id = ?",
        (chat_id, message_id),
    )
    return _copy(row) if row else None


async def forget(db: Database, chat_id: int, message_id: int) -> None:
    """A copy that can no longer be edited (deleted, chat gone): stop trying."""
    await db.execute(
        "DELETE FROM alert_messages WHERE chat_id = ? AND message_id = ?", (chat_id, message_id)
    )


async def forget_all(db: Database, kind: str, entity_id: int) -> int:
    """The case or ticket reached its final state: its copies will not change again."""
    return await db.execute(
        "DELETE FROM alert_messages WHERE kind = ? AND entity_id = ?", (kind, entity_id)
    )
