import datetime as dt

import pytest

from bot import scope
from storage import audit, users
from storage.db import Database, SchemaTooNewError, available_migrations, migrate, schema_version

NOW = dt.datetime(2021, 6, 1, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
async def db(tmp_path):
    database = await Database.connect(tmp_path / "sub" / "t.sqlite3")
    yield database
    await database.close()


async def test_connection_settings(db):
    assert (await db.fetchvalue("PRAGMA journal_mode")).lower() == "wal"
    assert await db.fetchvalue("PRAGMA foreign_keys") == 1
    assert await db.fetchvalue("PRAGMA busy_timeout") == 5000


async def test_migrating_empty_database_then_again_is_a_no_op(db):
    applied = await migrate(db)
    assert applied == [version for version, _, _ in available_migrations()]
    tables = await db.fetchall("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
    before = [row[0] for row in tables]
    assert {"users", "audit_log", "schema_version", "ptb_conversations"} <= set(before)
    assert await migrate(db) == []
    tables = await db.fetchall("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
    assert [row[0] for row in tables] == before


async def test_newer_database_is_refused(db):
    await migrate(db)
    await db.execute("INSERT INTO schema_version VALUES (9999, 'future.sql', 'x')")
    with pytest.raises(SchemaTooNewError, match="newer"):
        await migrate(db)
    assert await schema_version(db) == 9999


async def test_transaction_rolls_back_every_statement(db):
    await migrate(db)
    with pytest.raises(RuntimeError):
        async with db.transaction():
            await users.touch(db, 1, "Lan", "vi", NOW)
            await audit.record(db, 1, "x", "user", 1, NOW)
            raise RuntimeError("boom")
    assert await users.get(db, 1) is None
    assert await audit.entries(db) == []


async def test_users_and_audit_round_trip(db):
    await migrate(db)
    user = await users.touch(db, 42, "Lan", "vi", NOW)
    assert user.role == "public" and user.language == "vi" and user.reachable
    await users.update(db, 42, NOW, role="staff", district="Q8", scope="Q8")
    await audit.record(db, 1, "promote", "user", 42, NOW, role="staff")
    again = await users.get(db, 42)
    assert (
        again.is_staff
        and scope.can_act_in_unit(again, "27418")
        and not scope.can_act_in_unit(again, "27619")
    )
    [entry] = await audit.entries(db, "user", 42)
    assert (entry.actor_id, entry.action, entry.detail, entry.created_at) == (
        1,
        "promote",
        {"role": "staff"},
        NOW,
    )
    with pytest.raises(ValueError):
        await users.update(db, 42, NOW, password="x")
