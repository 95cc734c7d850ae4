"""Regressions from the security review: encryption at rest of questions, forged and huge
callback ids, user text escaped in the case history, long listings cut between entries only,
stale buttons after deactivation, and case lists kept out of group chats."""

from __future__ import annotations

from pathlib import Path

from bot.crypto import cipher_for
from storage import audit, users
from storage import questions as store
from tests.reports_support import person, quick_case
from tests.test_parents_info import make_parent, make_staff

ASK = "💬 Đặt câu hỏi"
QUESTION = "Cháu hàng xóm 9 tuổi hay bị nhốt ngoài hiên, tôi nên báo ai ạ? Mã kiểm tra XQ7731."
ANSWER = "Chị có thể gọi 111 hoặc báo cán bộ phường. Mã trả lời ZR5520."
PHONE = "+84909777555"


def raw_database(tg) -> bytes:
    """Every byte SQLite keeps on disk for this database (main file and write-ahead log)."""
    path = Path(tg.settings.database_path)
    return b"".join(
        p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists()
    )


async def test_question_texts_and_shared_contact_are_encrypted_at_rest(tg):
    lan = tg.user("Lan", language="vi", phone=PHONE)
    await lan.send("/start")
    await lan.press("👪 Phụ huynh hoặc người dân")
    await users.update(tg.db, lan.id, tg.clock.now(), district="Q8", ward="27418")
    mai = await make_staff(tg, "Mai", "Q8")
    await lan.press(ASK)
    await lan.send(QUESTION)
    # Waiting for the anonymous/contact choice: the draft is persisted, but not readable.
    assert "XQ7731" not in str(await tg.db.fetchall("SELECT data FROM ptb_user_data"))
    assert b"XQ7731" not in raw_database(tg)
    await lan.press("📱 Chia sẻ số điện thoại")
    await lan.press("📱 Chia sẻ số điện thoại")  # the reply-keyboard contact button
    assert "H0001" in lan.last_text
    assert "XQ7731" in mai.last_text and PHONE in mai.last_text  # staff read it in clear
    await mai.press_data("qst:reply:1")
    await mai.send(ANSWER)
    assert "ZR5520" in lan.last_text

    stored = raw_database(tg)
    for secret in ("XQ7731", "ZR5520", PHONE, "nhốt ngoài hiên"):
        assert secret.encode() not in stored, secret
    cipher = cipher_for(tg.app.services)
    question = await store.get(tg.db, 1, cipher)
    assert question.contact_phone == PHONE
    assert [m.text for m in await store.messages(tg.db, 1, cipher)] == [QUESTION, ANSWER]
    # Without the cipher a read gives the ticket's state only.
    assert (await store.get(tg.db, 1)).contact_phone is None


async def test_questions_stored_in_plain_text_before_are_sealed_at_start(tg):
    lan = await make_parent(tg, district="Q8", ward="27427")
    now = "2021-05-25T02:00:00Z"
    await tg.db.execute(
        "INSERT INTO questions (id, asker_id, district, state, contact_shared, contact_name,"
        " contact_phone, created_at, waiting_since) VALUES (7, ?, 'Q8', 'open', 1, 'Bà Tư',"
        " '+84900000007', ?, ?)",
        (lan.id, now, now),
    )
    await tg.db.execute(
        "INSERT INTO question_messages (question_id, author, text, created_at)"
        " VALUES (7, 'asker', 'Câu hỏi cũ LEGACY4411', ?)",
        (now,),
    )
    await tg.restart()
    row = await tg.db.fetchone("SELECT text, sealed FROM question_messages WHERE question_id = 7")
    assert row["sealed"] == 1 and "LEGACY4411" not in row["text"]
    assert "+84900000007" not in str(
        tuple(
            await tg.db.fetchone("SELECT contact_name, contact_phone FROM questions WHERE id = 7")
        )
    )
    cipher = cipher_for(tg.app.services)
    assert (await store.messages(tg.db, 7, cipher))[0].text == "Câu hỏi cũ LEGACY4411"
    assert (await store.get(tg.db, 7, cipher)).contact_name == "Bà Tư"
    # A legacy ticket still escalates with its text shown to the administrators.
    await tg.tick(hours=25)
    assert "LEGACY4411" in tg.admin.last_text and "+84900000007" in tg.admin.last_text


async def test_huge_and_non_ascii_ids_are_refused_politely(tg):
    minh = await person(tg, "Minh", role="staff", ward=None)
    lan = await person(tg, "Lan")
    case = await quick_case(tg, lan)
    await minh.send("/cases")
    huge = "9" * 40  # overflows SQLite's 64-bit INTEGER if it ever reaches a query
    for data in (
        f"cas:v:{huge}",
        f"cas:acc:{huge}",
        f"cas:ls:open:any:0:{huge}",
        f"apv:yes:{huge}",
        f"qst:close:{huge}",
        f"qst:reply:{huge}",
        f"qst:spam:{huge}",
        f"cin:note:{huge}",
        f"rpd:del:{huge}",
    ):
        answer = await minh.press_data(data)
        assert answer is not None, data  # every press is answered
    await minh.send("/cases")
    assert "TE-2021-0001" in " ".join(minh.buttons)  # still working, nothing changed
    for command in (
        f"/promote {huge} staff",
        "/promote ²³ staff",
        f"/deactivate {huge}",
        f"/move {huge} Q8",
    ):
        await tg.admin.send(command)
        assert "/" in tg.admin.last_text, command  # the usage line, not an error
    assert await tg.db.fetchvalue("SELECT status FROM cases WHERE id = ?", (case,)) == "received"


async def test_case_history_escapes_names_and_keeps_the_latest_entries(tg):
    minh = await person(tg, "<b>Minh & Co", role="staff", ward=None)
    lan = await person(tg, "Lan")
    case = await quick_case(tg, lan)
    await minh.send("/cases")
    await minh.press_data(f"cas:v:{case}")
    for index in range(8):  # 8 notes of ~990 characters: far more than one message
        await minh.press_data(f"cin:note:{case}")
        await minh.send(f"Ghi chú {index} & <i>" + "x" * 980)
    await minh.press_data(f"cas:hist:{case}")
    history = minh.last_text
    assert "<b>Minh & Co" in history  # shown as typed, not taken as markup
    assert "Ghi chú 7 & <i>" in history and "Ghi chú 0 " not in history
    assert len(history) <= 4096
    views = [e for e in await audit.entries(tg.db, "case") if e.action == "case_view"]
    assert any(e.detail.get("what") == "history" and e.actor_id == minh.id for e in views)


async def test_long_user_listing_is_cut_between_people_not_inside_markup(tg):
    for index in range(45):
        await person(
            tg, f"Cộng tác viên số {index:02d} & <gia đình> {'y' * 40}", user_id=700_000 + index
        )
    await tg.admin.send("/users collaborator")
    text = tg.admin.last_text
    assert "Cộng tác viên số 00 & <gia đình>" in text and text.endswith("…")
    assert len(text) <= 4096


async def test_deactivated_or_pending_staff_lose_every_staff_button_at_once(tg):
    minh = await person(tg, "Minh", role="staff", ward=None)
    lan = await make_parent(tg, district="Q8", ward="27427")
    case = await quick_case(tg, lan)
    await minh.send("/cases")
    await lan.press(ASK)
    await lan.send("Xin hỏi nơi nhận tờ rơi về quyền trẻ em ở phường?")
    await lan.press("🙈 Giữ ẩn danh")
    await minh.press_data(f"cas:v:{case}")
    assert "TE-2021-0001" in minh.last_text
    await tg.admin.send(f"/deactivate {minh.id}")
    for data in (
        f"cas:v:{case}",
        f"cas:acc:{case}",
        f"cas:hist:{case}",
        f"cin:note:{case}",
        "qst:reply:1",
        "qst:close:1",
        "qst:spam:1",
        "cas:ls:open:any:0:0",
    ):
        answer = await minh.press_data(data)
        assert answer["show_alert"], data
    await minh.send("/cases")
    assert "dành cho cán bộ" in minh.last_text
    # A staff sign-up still waiting for approval has no staff powers either.
    await users.update(
        tg.db, minh.id, tg.clock.now(), status="pending", role="public", requested_role="staff"
    )
    answer = await minh.press_data(f"cas:v:{case}")
    assert answer["show_alert"]
    row = await tg.db.fetchone("SELECT status, assignee_id FROM cases WHERE id = ?", (case,))
    assert tuple(row) == ("received", None)
    assert (await store.get(tg.db, 1)).state == "open"


async def test_a_forged_list_button_in_a_staff_group_shows_no_cases_there(tg):
    minh = await person(tg, "Minh", role="staff", ward=None)
    group = tg.group("Cán bộ Q8", members=[tg.admin, minh])
    await group.send(tg.admin, "/bind Q8")
    lan = await person(tg, "Lan")
    await quick_case(tg, lan)
    before = group.last_text
    answer = await group.press_data(minh, "cas:ls:open:any:0:0")
    assert answer["show_alert"]
    assert group.last_text == before and "TE-2021" not in " ".join(group.buttons)


async def test_people_lists_are_never_posted_into_a_group(tg):
    minh = await person(tg, "Minh", role="staff", ward=None)
    group = tg.group("Cán bộ Q8", members=[tg.admin, minh])
    await person(tg, "Cộng tác viên Hoa", user_id=700_100)
    await users.update(
        tg.db,
        700_100,
        tg.clock.now(),
        status="pending",
        requested_role="collaborator",
        role="public",
    )
    await group.send(tg.admin, "/users")
    await group.send(minh, "/pending")
    assert not any("Hoa" in (m.content or "") for m in group.bot_messages)
    await minh.send("/pending")
    assert "Cộng tác viên Hoa" in minh.last_text  # privately it works


def test_typed_numbers_accept_ascii_digits_only():
    from bot.text import whole_number

    assert whole_number(" 42 ") == 42
    for bad in ("²", "٣", "-1", "1.5", "", None, "9" * 30):
        assert whole_number(bad) is None
    assert whole_number("1001", maximum=1000) is None
