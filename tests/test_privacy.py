"""Privacy completed (issue 14): phones encrypted at rest (old rows too), retention of
questions and of deactivated people's phones, every report message deleted on request,
refused attempts audited, broadcast texts checked, a polite apology after an answered press."""

import datetime as dt

from bot.crypto import cipher_for
from bot.delivery.content import text_problem
from storage import audit, users
from storage.timeutil import to_db
from tests.reports_support import file_report, person, vi


async def test_phones_stored_before_encryption_are_encrypted_at_start(tg):
    lan = await person(tg, "Lan")
    await tg.db.execute(
        "UPDATE users SET phone = '0901234567', phone_sealed = 0 WHERE telegram_id = ?", (lan.id,)
    )
    await tg.restart()
    stored = await tg.db.fetchvalue("SELECT phone FROM users WHERE telegram_id = ?", (lan.id,))
    assert "0901234567" not in stored
    assert cipher_for(tg.app.services).decrypt(stored) == "0901234567"


async def test_retention_erases_old_questions_and_deactivated_peoples_phones(tg):
    cipher = cipher_for(tg.app.services)
    now = tg.clock.now()
    old = to_db(now - dt.timedelta(days=5 * 365 + 2))
    lan = await person(tg, "Lan")
    question = await tg.db.execute(
        "INSERT INTO questions (asker_id, district, state, contact_shared, contact_name,"
        " contact_phone, created_at, closed_at, sealed) VALUES (?, 'Q8', 'closed', 1, ?, ?,"
        " ?, ?, 1)",
        (lan.id, cipher.encrypt("Mẹ Lan"), cipher.encrypt("0907654321"), old, old),
    )
    await tg.db.execute(
        "INSERT INTO question_messages (question_id, author, text, created_at, sealed)"
        " VALUES (?, 'asker', ?, ?, 1)",
        (question, cipher.encrypt("Con tôi bị bắt nạt"), old),
    )
    gone = await person(tg, "Đã nghỉ", role="collaborator")
    await users.set_phone(tg.db, cipher, gone.id, "0911111111", now)
    await users.update(tg.db, gone.id, now, status="deactivated")
    await tg.db.execute("UPDATE users SET deactivated_at = ? WHERE telegram_id = ?", (old, gone.id))
    await tg.tick(minutes=1)
    row = await tg.db.fetchone("SELECT * FROM questions WHERE id = ?", (question,))
    assert row["contact_name"] is None and row["contact_phone"] is None
    assert row["personal_data_erased_at"] is not None
    text = await tg.db.fetchvalue(
        "SELECT text FROM question_messages WHERE question_id = ?", (question,)
    )
    assert cipher.decrypt(text) == ""
    assert (
        await tg.db.fetchvalue("SELECT phone FROM users WHERE telegram_id = ?", (gone.id,)) is None
    )
    actions = [e.action for e in await audit.entries(tg.db)]
    assert "erase_phones" in actions and "erase_personal_data" in actions


async def test_delete_my_messages_also_removes_the_refused_ones(tg):
    lan = await person(tg, "Lan")
    await lan.send("/report")
    await lan.press(vi(tg)("No, not right now"))
    await lan.send("Tôi không biết bấm nút nào")  # text at a button step: refused, hinted
    await lan.press(vi(tg)("📍 {place} — confirm", place="Phường Chánh Hưng"))
    await lan.press(vi(tg)("Skip"))
    await lan.press(vi(tg)("Skip"))
    await lan.send("Nguyễn Thị Bé Na Xinh Đẹp")  # a name the bot does not accept
    refused = [
        m
        for m in lan.transcript
        if not m.from_bot
        and m.content in ("Tôi không biết bấm nút nào", "Nguyễn Thị Bé Na Xinh Đẹp")
    ]
    assert len(refused) == 2
    await lan.send("Bé Na")
    await answer_rest(tg, lan)
    await lan.press(vi(tg)("✅ Send"))
    await lan.press(vi(tg)("🧹 Delete my messages"))
    assert all(m.deleted for m in refused)


async def answer_rest(tg, lan):
    _ = vi(tg)
    await lan.send("khoảng 10")
    await lan.press(_("Girl (nữ)"))
    await lan.press("1")
    await lan.press("▫️ i) Tổn hại nghiêm trọng do bạo lực")
    await lan.press(_("Done ✔️"))
    await lan.send("Bé bị cha dượng đánh nhiều lần, tay có vết bầm.")
    await lan.press(_("Skip"))
    await lan.press(_("Not known"))
    await lan.press(_("Nothing yet"))
    await lan.press(_("🙈 Stay anonymous"))


async def test_a_forged_button_for_another_districts_case_is_refused_and_audited(tg):
    reporter = await person(tg, "Lan")
    code = await file_report(tg, reporter)
    case_id = await tg.db.fetchvalue("SELECT id FROM cases WHERE code = ?", (code,))
    outsider = await person(tg, "Bình", role="staff", district="BC", ward=None)
    await outsider.send("/cases")
    answer = await outsider.press_data(f"cas:acc:{case_id}")
    assert answer["show_alert"]
    # One audit row for one refusal, written by the case service (never a second by the handler).
    refused = [e for e in await audit.entries(tg.db) if e.action in ("refused", "case_refused")]
    assert [
        (e.action, e.actor_id, e.entity, str(e.entity_id), e.detail.get("attempted"))
        for e in refused
    ] == [("case_refused", outsider.id, "case", str(case_id), "accept")]
    assert await tg.db.fetchvalue("SELECT status FROM cases WHERE id = ?", (case_id,)) == "received"


def test_broadcast_texts_are_checked_for_empty_invisible_and_too_long():
    assert text_problem("", 4096) == "empty"
    assert text_problem(" \u200b\u200d\ufeff\u3164 \n", 4096) == "empty"
    assert text_problem("x" * 4097, 4096) == "too_long"
    assert text_problem("Mời phụ huynh dự tập huấn", 4096) is None
    assert text_problem(None, 1024, required=False) is None  # a photo may have no caption


async def test_broadcast_refuses_an_invisible_text_in_either_language(tg):
    staff = tg.user("Cán bộ")
    await staff.send("/start")
    await users.update(
        tg.db, staff.id, tg.clock.now(), role="staff", district="Q8", scope="Q8", onboarded=1
    )
    await staff.send("/broadcast")
    await staff.send("\u200b\u200b")
    assert "vô hình" in staff.last_text or "trống" in staff.last_text
    await staff.send("Mời phụ huynh dự tập huấn")
    assert "bản tiếng Anh" in staff.last_text
    await staff.send("x" * 4100)
    assert "4.100" in staff.last_text  # too long: its length, and the room left
    await staff.send("\u3164")
    assert "vô hình" in staff.last_text or "trống" in staff.last_text


async def test_the_apology_comes_even_when_the_press_was_already_answered(tg):
    from telegram.ext import CallbackQueryHandler

    async def answers_then_fails(update, context):
        await update.callback_query.answer()
        raise RuntimeError("boom")

    tg.app.add_handler(CallbackQueryHandler(answers_then_fails, pattern="^boom"), group=-3)
    lan = await person(tg, "Lan")
    await lan.send("/start")
    await lan.press_data("boom")
    assert "Xin lỗi" in lan.last_text
    tg.errors.clear()  # the failure was on purpose
