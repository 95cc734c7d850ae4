"""Closed cases lose their personal data after the retention period; drafts go stale."""

import datetime as dt

from bot.crypto import cipher_for
from storage import audit
from storage.timeutil import to_db


async def _case(tg, code, status, closed_at, name="Bé Na", description="Bị đánh nhiều lần"):
    cipher = cipher_for(tg.app.services)
    now = to_db(tg.clock.now())
    return await tg.db.execute(
        "INSERT INTO cases (code, district, ward, reporter_id, reporter_role, child_sex,"
        " situations, child_name_enc, description_enc, reporter_phone_enc, status, outcome,"
        " received_at, updated_at, closed_at) VALUES (?, 'Q8', '27418', 1, 'collaborator',"
        " 'female', '[\"i\"]', ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            code,
            cipher.encrypt(name),
            cipher.encrypt(description),
            cipher.encrypt("0901234567"),
            status,
            "resolved" if status == "closed" else None,
            now,
            now,
            to_db(closed_at) if closed_at else None,
        ),
    )


async def test_closed_cases_past_retention_are_erased_once_a_day(tg):
    now = tg.clock.now()
    old = await _case(tg, "Q8-2016-0001", "closed", now - dt.timedelta(days=5 * 365 + 2))
    recent = await _case(tg, "Q8-2017-0001", "closed", now - dt.timedelta(days=4 * 365))
    still_open = await _case(tg, "Q8-2016-0002", "in_progress", None)
    await tg.db.execute(
        "INSERT INTO case_notes (case_id, author_id, kind, body_enc, created_at)"
        " VALUES (?, 1, 'note', ?, ?)",
        (old, cipher_for(tg.app.services).encrypt("ghi chú"), to_db(now)),
    )
    secret = cipher_for(tg.app.services)
    await tg.db.execute(
        "INSERT INTO case_plans (case_id, version, status, goals_enc, actions_enc, drafted_by,"
        " created_at, updated_at) VALUES (?, 1, 'approved', ?, ?, 1, ?, ?)",
        (old, secret.encrypt("An toàn"), secret.encrypt("[]"), to_db(now), to_db(now)),
    )
    await tg.db.execute(
        "INSERT INTO case_emergency (case_id, decision, detail_enc, decided_by, decided_at)"
        " VALUES (?, 'not_needed', ?, 1, ?)",
        (old, secret.encrypt("Ở với bà"), to_db(now)),
    )

    await tg.tick(minutes=1)

    cipher = cipher_for(tg.app.services)
    row = await tg.db.fetchone("SELECT * FROM cases WHERE id = ?", (old,))
    assert row["child_name_enc"] is None and row["reporter_phone_enc"] is None
    assert cipher.decrypt(row["description_enc"]) == ""
    assert row["personal_data_erased_at"] is not None
    assert (row["code"], row["ward"], row["status"], row["situations"]) == (
        "Q8-2016-0001",
        "27418",
        "closed",
        '["i"]',
    )  # statistics keep what they need
    assert (
        await tg.db.fetchvalue("SELECT body_enc FROM case_notes WHERE case_id = ?", (old,)) is None
    )
    plan = await tg.db.fetchone("SELECT goals_enc, actions_enc FROM case_plans")
    assert tuple(plan) == (None, None)  # the plan and the emergency decision go too
    assert secret.decrypt(await tg.db.fetchvalue("SELECT detail_enc FROM case_emergency")) == ""
    for kept in (recent, still_open):
        row = await tg.db.fetchone("SELECT * FROM cases WHERE id = ?", (kept,))
        assert cipher.decrypt(row["child_name_enc"]) == "Bé Na"
    [entry] = [e for e in await audit.entries(tg.db, "case") if e.action == "erase_personal_data"]
    assert entry.entity_id == str(old) and entry.detail == {"reason": "retention", "years": 5}

    # The same day nothing runs again; a year later the 4-year-old case goes too.
    await _case(tg, "Q8-2015-0009", "closed", now - dt.timedelta(days=6 * 365))
    await tg.tick(hours=2)
    assert (
        await tg.db.fetchvalue(
            "SELECT count(*) FROM cases WHERE personal_data_erased_at IS NOT NULL"
        )
        == 1
    )
    await tg.tick(days=366)
    assert (
        await tg.db.fetchvalue(
            "SELECT count(*) FROM cases WHERE personal_data_erased_at IS NOT NULL"
        )
        == 3
    )
    await tg.app.services.database.connection.commit()
    raw = (
        tg.settings.database_path.read_bytes()
        + tg.settings.database_path.with_name(tg.settings.database_path.name + "-wal").read_bytes()
    )
    assert "Bị đánh".encode() not in raw  # encrypted at rest in any case


async def test_stale_report_drafts_are_deleted(tg):
    now = tg.clock.now()
    await tg.db.execute(
        "INSERT INTO report_drafts (user_id, data_enc, created_at, updated_at) VALUES (1, 'x', ?, ?)",
        (to_db(now), to_db(now - dt.timedelta(days=31))),
    )
    await tg.db.execute(
        "INSERT INTO report_drafts (user_id, data_enc, created_at, updated_at) VALUES (2, 'y', ?, ?)",
        (to_db(now), to_db(now - dt.timedelta(days=3))),
    )
    await tg.tick(minutes=1)
    assert [r[0] for r in await tg.db.fetchall("SELECT user_id FROM report_drafts")] == [2]
