"""SQL for data retention: finding closed cases past their retention and erasing their
personal fields; remembering when maintenance jobs last ran."""

from __future__ import annotations

import datetime as dt

from storage.db import Database
from storage.timeutil import from_db, to_db

# Personal fields of a case, all encrypted; description_enc is NOT NULL and keeps an
# encrypted empty text so readers need no special case.
NULLABLE_PERSONAL_COLUMNS = (
    "child_name_enc",
    "place_detail_enc",
    "location_enc",
    "photos_enc",
    "caregiver_enc",
    "actions_enc",
    "reporter_name_enc",
    "reporter_phone_enc",
)


async def expired_case_ids(db: Database, closed_before: dt.datetime, limit: int = 500) -> list[int]:
    rows = await db.fetchall(
        "SELECT id FROM cases WHERE status = 'closed' AND closed_at IS NOT NULL"
        " AND closed_at < ? AND personal_data_erased_at IS NULL ORDER BY id LIMIT ?",
        (to_db(closed_before), limit),
    )
    return [row[0] for row in rows]


async def erase_case(db: Database, case_id: int, empty_description: str, now: dt.datetime) -> None:
    """Call inside a transaction (with the audit record)."""
    assignments = ", ".join(f"{column} = NULL" for column in NULLABLE_PERSONAL_COLUMNS)
    await db.execute(
        f"UPDATE cases SET {assignments}, description_enc = ?, reporter_messages = NULL,"
        " personal_data_erased_at = ? WHERE id = ?",
        (empty_description, to_db(now), case_id),
    )
    await db.execute("UPDATE case_notes SET body_enc = NULL WHERE case_id = ?", (case_id,))
    # Plans and the emergency decision name people and what happened to the child.
    await db.execute(
        "UPDATE case_plans SET goals_enc = NULL, actions_enc = NULL,"
        " decision_note_enc = NULL WHERE case_id = ?",
        (case_id,),
    )
    await db.execute(
        "UPDATE case_emergency SET detail_enc = ? WHERE case_id = ?", (empty_description, case_id)
    )


async def expired_question_ids(db: Database, before: dt.datetime, limit: int = 500) -> list[int]:
    """Questions no longer waiting for staff, last touched before `before`, not erased yet."""
    rows = await db.fetchall(
        "SELECT id FROM questions WHERE personal_data_erased_at IS NULL AND state != 'open'"
        " AND coalesce(closed_at, created_at) < ? ORDER BY id LIMIT ?",
        (to_db(before), limit),
    )
    return [row[0] for row in rows]


async def erase_question(db: Database, question_id: int, empty_text: str, now: dt.datetime) -> None:
    """The texts, photos and the asker's contact; the ticket's code, dates and district stay
    for statistics. Call inside a transaction (with the audit record)."""
    await db.execute(
        "UPDATE questions SET contact_name = NULL, contact_phone = NULL,"
        " personal_data_erased_at = ? WHERE id = ?",
        (to_db(now), question_id),
    )
    await db.execute(
        "UPDATE question_messages SET text = ?, photo_file_id = NULL WHERE question_id = ?",
        (empty_text, question_id),
    )


async def delete_stale_drafts(db: Database, updated_before: dt.datetime) -> int:
    return await db.execute(
        "DELETE FROM report_drafts WHERE updated_at < ?", (to_db(updated_before),)
    )


async def last_run(db: Database, name: str) -> dt.datetime | None:
    return from_db(
        await db.fetchvalue("SELECT last_run_at FROM maintenance_runs WHERE name = ?", (name,))
    )


async def mark_run(db: Database, name: str, now: dt.datetime) -> None:
    await db.execute(
        "INSERT INTO maintenance_runs (name, last_run_at) VALUES (?, ?)"
        " ON CONFLICT (name) DO UPDATE SET last_run_at = excluded.last_run_at",
        (name, to_db(now)),
    )
