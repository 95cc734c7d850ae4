"""Every staff copy of a case alert or a question ticket follows what happens to it, and the
information answers lead to the materials of the same topic.

Through the emulator as staff use it: several people get the same alert, one acts, the
others' copies change; stale buttons, deleted copies and blocked chats change nothing else.
"""

from __future__ import annotations

from storage import alert_copies, audit, users
from storage import questions as store
from tests.reports_support import DESCRIPTION, case_id, file_report, person
from tests.test_parents_info import make_parent, make_staff

DETAILS = "📄 Chi tiết"
ACCEPT = "✅ Tiếp nhận"
ASK = "💬 Đặt câu hỏi"
ANONYMOUS = "🙈 Giữ ẩn danh"
QUESTION = "Cháu hàng xóm 8 tuổi hay ở nhà một mình đến khuya, tôi có nên báo phường không?"


def alert_of(someone, code: str):
    """The alert message about a case in someone's chat (deleted ones excluded)."""
    found = [
        m
        for m in someone.bot_messages
        if "Báo cáo mới " + code in (m.content or "") or "New report " + code in (m.content or "")
    ]
    assert len(found) == 1, [m.content for m in someone.bot_messages]
    return found[0]


def ticket_copies(someone, code: str = "H0001"):
    """Staff copies of a ticket: the messages quoting the question (“…”)."""
    return [
        m for m in someone.bot_messages if code in (m.content or "") and "“" in (m.content or "")
    ]


async def accepts(tg) -> list:
    return [e for e in await audit.entries(tg.db, "case") if e.action == "case_accept"]


# -- case alerts ----------------------------------------------------------------------------------


async def test_accept_updates_every_other_copy_and_survives_deleted_and_blocked_ones(tg):
    minh = await person(tg, "Minh", role="staff", ward=None)
    thu = await person(tg, "Thu", role="staff", ward=None)
    ha = await person(tg, "Hà", role="staff", ward=None)
    bao = await person(tg, "Bảo", role="staff", ward=None)
    await users.update(tg.db, bao.id, tg.clock.now(), language="en")
    quan = await person(tg, "Quân", role="staff", ward=None)
    lan = await person(tg, "Lan")
    code = await file_report(tg, lan, urgent=True)
    case = await case_id(tg, code)
    staff = (minh, thu, ha, bao, quan, tg.admin)
    for someone in staff:
        assert alert_of(someone, code).buttons == [ACCEPT, DETAILS] or someone is bao
    assert alert_of(bao, code).buttons == ["✅ Accept", "📄 Details"]  # in Bảo's language
    assert len(await alert_copies.of(tg.db, "case", case)) == 6

    # Hà deletes her copy; Bảo blocks the bot; editing Quân's copy times out. None of it
    # may break Minh's acceptance.
    tg.server.message(ha.chat_id, alert_of(ha, code).message_id).deleted = True
    await bao.block()
    tg.server.faults.add("editMessageText", chat_id=quan.chat_id, kind="timeout")
    await minh.press(ACCEPT)

    row = await tg.db.fetchone("SELECT status, assignee_id FROM cases WHERE id = ?", (case,))
    assert tuple(row) == ("assessment", minh.id)
    for someone in (minh, thu, tg.admin):
        copy = alert_of(someone, code)
        assert "Đã nhận · phụ trách: Minh" in copy.content, someone
        assert copy.buttons == [DETAILS]
        # Still the non-identifying summary: code, place, groups, age; no name, no story.
        assert "Phường Chánh Hưng" in copy.content and "khoảng 10 tuổi" in copy.content
        assert "Bé Na" not in copy.content and DESCRIPTION not in copy.content
        assert copy.protect_content
    assert not [m for m in ha.bot_messages if code in (m.content or "")]  # stays deleted
    assert not (await users.get(tg.db, bao.id)).reachable
    # Copies that cannot be edited any more are forgotten; the others are kept.
    kept = {c.chat_id for c in await alert_copies.of(tg.db, "case", case)}
    assert kept == {minh.chat_id, thu.chat_id, quan.chat_id, tg.admin.chat_id}

    # Quân's copy missed the update and still offers Accept. Pressing it is answered
    # politely, changes nothing, and brings his copy up to date.
    assert alert_of(quan, code).buttons == [ACCEPT, DETAILS]
    answer = await quan.press(ACCEPT)
    assert answer["show_alert"] and "Minh đang phụ trách" in answer["text"]
    assert "Đã nhận · phụ trách: Minh" in alert_of(quan, code).content
    assert alert_of(quan, code).buttons == [DETAILS]

    # Thu presses Accept on a copy that had not caught up: polite, and nothing changes.
    answer = await thu.press_data(f"cas:acc:{case}")
    assert answer["show_alert"] and "Minh đang phụ trách" in answer["text"]
    assert "Không có gì thay đổi" in answer["text"]
    assert len(await accepts(tg)) == 1
    row = await tg.db.fetchone("SELECT status, assignee_id FROM cases WHERE id = ?", (case,))
    assert tuple(row) == ("assessment", minh.id)

    # Details on an updated copy is still checked when pressed.
    await thu.press(DETAILS)
    assert DESCRIPTION in thu.last_text and thu.last.protect_content
    await users.update(tg.db, thu.id, tg.clock.now(), district="BC", scope="BC")
    await thu.send("/menu")
    answer = await thu.press_data(f"cas:v:{case}")
    assert answer["show_alert"] and "chỉ cán bộ" in answer["text"]


async def test_english_copy_and_assign_then_close_from_the_detail_view(tg):
    minh = await person(tg, "Minh", role="staff", ward=None)
    thu = await person(tg, "Thu", role="staff", ward=None)
    john = await person(tg, "John", role="staff", ward=None)
    await users.update(tg.db, john.id, tg.clock.now(), language="en")
    lan = await person(tg, "Lan")
    code = await file_report(tg, lan)
    case = await case_id(tg, code)

    # Details turns Minh's copy into the full case view, which is no longer an alert copy.
    await minh.press(DETAILS)
    assert not [c for c in await alert_copies.of(tg.db, "case", case) if c.chat_id == minh.id]
    # Accepting from the full case view updates the alert copies too.
    await minh.press(ACCEPT)
    assert "Người phụ trách: Minh" in minh.last_text and "📁" in minh.last_text
    assert "Đã nhận · phụ trách: Minh" in alert_of(thu, code).content
    assert "Accepted · in charge: Minh" in alert_of(john, code).content
    assert alert_of(john, code).buttons == ["📄 Details"]

    await minh.press("👤 Phân công")
    await minh.press("Thu")
    assert "Người phụ trách: Thu" in minh.last_text  # the case view stays a case view
    for someone in (thu, tg.admin):
        assert "Đã nhận · phụ trách: Thu" in alert_of(someone, code).content
    assert "Accepted · in charge: Thu" in alert_of(john, code).content

    await minh.press("🏁 Đóng hồ sơ…")
    await minh.press("Trùng lặp")
    await minh.send("Trùng với báo cáo của nhà trường")
    await minh.press("✅ Đồng ý đóng")
    assert "Đã đóng — Trùng lặp" in minh.last_text and "📁" in minh.last_text
    for someone in (thu, tg.admin):
        copy = alert_of(someone, code)
        assert "🏁 Đã đóng — Trùng lặp" in copy.content and copy.buttons == [DETAILS]
        assert "phụ trách" not in copy.content
    assert "🏁 Closed — Duplicate" in alert_of(john, code).content
    # A closed case does not change again: its copies are no longer tracked.
    assert await alert_copies.of(tg.db, "case", case) == []

    answer = await thu.press_data(f"cas:acc:{case}")
    assert answer["show_alert"] and "đã được đóng" in answer["text"]
    assert await tg.db.fetchvalue("SELECT outcome FROM cases WHERE id = ?", (case,)) == "duplicate"


async def test_a_case_assigned_before_acceptance_keeps_only_details(tg):
    minh = await person(tg, "Minh", role="staff", ward=None)
    thu = await person(tg, "Thu", role="staff", ward=None)
    lan = await person(tg, "Lan")
    code = await file_report(tg, lan)
    await minh.press(DETAILS)
    await minh.press("👤 Phân công")
    await minh.press("Thu")
    copy = alert_of(thu, code)
    assert "Đã giao cho Thu, chưa tiếp nhận" in copy.content and copy.buttons == [DETAILS]
    # Thu accepts from her case view; every copy then says she is in charge.
    await thu.press(DETAILS)
    await thu.press(ACCEPT)
    assert "Đã nhận · phụ trách: Thu" in alert_of(tg.admin, code).content


# -- question tickets -----------------------------------------------------------------------------


async def test_ticket_copies_follow_answers_follow_ups_and_closing(tg):
    duong = tg.user("Thuỳ Dương", language="vi", username="duong_me_be")
    await duong.send("/start")
    await duong.press("👪 Phụ huynh hoặc người dân")
    await users.update(tg.db, duong.id, tg.clock.now(), district="Q8", ward="27418")
    mai = await make_staff(tg, "Mai", "Q8")
    hung = await make_staff(tg, "Hùng", "Q8")
    tam = await make_staff(tg, "Tâm", "Q8")
    await duong.press(ASK)
    await duong.send(QUESTION)
    await duong.press(ANONYMOUS)
    for someone in (mai, hung, tam):
        (copy,) = ticket_copies(someone)
        assert copy.buttons == ["✍️ Trả lời", "✅ Đóng", "🚫 Đánh dấu tin rác"]

    # Nobody answered for a day: administrators get their own copy.
    await tg.tick(hours=25)
    (escalated,) = ticket_copies(tg.admin)
    assert "24 giờ" in escalated.content

    await mai.press("✍️ Trả lời")
    await mai.send("Anh/chị nên báo cán bộ phường, họ sẽ đến thăm gia đình một cách nhẹ nhàng.")
    for someone in (hung, tam, tg.admin):
        (copy,) = ticket_copies(someone)
        assert "✍️ Mai đã trả lời" in copy.content and "hay ở nhà một mình" in copy.content
        assert copy.buttons == ["✍️ Trả lời", "✅ Đóng", "🚫 Đánh dấu tin rác"]
    assert "24 giờ" in ticket_copies(tg.admin)[0].content  # the escalation heading stays

    # The asker writes back: the copies say the ticket waits again; Mai gets the new message.
    await duong.press("↩️ Trả lời")
    await duong.send("Cảm ơn, nếu gia đình không hợp tác thì sao ạ?")
    assert "đang chờ cán bộ; lần trả lời gần nhất: Mai" in ticket_copies(hung)[0].content
    follow_up = ticket_copies(mai)[-1]
    assert "không hợp tác" in follow_up.content and "“" in follow_up.content

    # Tâm deleted his copy; Hùng closes the ticket from his.
    tg.server.message(tam.chat_id, ticket_copies(tam)[0].message_id).deleted = True
    await hung.press("✅ Đóng")
    assert (await store.get(tg.db, 1)).state == "closed"
    for someone in (mai, hung, tg.admin):
        for copy in ticket_copies(someone):
            assert "✅ Hùng đã đóng câu hỏi" in copy.content and not copy.inline_keyboard
    assert await alert_copies.of(tg.db, "question", 1) == []

    # An old Close or Reply pressed on a stale copy is refused politely; nothing changes.
    answer = await mai.press_data("qst:close:1")
    assert answer["show_alert"] and "đã được đóng" in answer["text"]
    answer = await mai.press_data("qst:reply:1")
    assert answer["show_alert"]
    closes = [e for e in await audit.entries(tg.db, "question", 1) if e.action == "question_close"]
    assert [e.actor_id for e in closes] == [hung.id]

    # Anonymity: no staff copy ever showed the asker's name or username.
    for someone in (mai, hung, tam, tg.admin):
        seen = "\n".join(m.content or "" for m in someone.transcript)
        for secret in ("Thuỳ", "Dương", "duong_me_be", str(duong.id)):
            assert secret not in seen


async def test_spam_marking_and_undo_reach_every_copy(tg):
    lan = await make_parent(tg, district="Q8", ward="27427")
    mai = await make_staff(tg, "Mai", "Q8")
    hung = await make_staff(tg, "Hùng", "Q8")
    await lan.press(ASK)
    await lan.send("Bán sim số đẹp giá rẻ, liên hệ ngay hôm nay")
    await lan.press(ANONYMOUS)
    await mai.press("🚫 Đánh dấu tin rác")
    for someone in (mai, hung):
        (copy,) = ticket_copies(someone)
        assert "🚫 Mai đã đánh dấu là tin rác" in copy.content
        assert copy.buttons == ["↩️ Bỏ đánh dấu tin rác"]
    # Hùng undoes it from his own copy: both copies now show a closed ticket, no buttons.
    await hung.press("↩️ Bỏ đánh dấu tin rác")
    assert not await store.is_blocked(tg.db, lan.id)
    for someone in (mai, hung):
        (copy,) = ticket_copies(someone)
        assert "✅ Mai đã đóng câu hỏi" in copy.content and not copy.inline_keyboard
    answer = await mai.press_data("qst:unspam:1")
    assert answer["show_alert"]  # already undone: nothing to do
    assert [e.action for e in await audit.entries(tg.db, "question", 1)] == [
        "question_open",
        "question_spam",
        "question_unspam",
    ]


async def test_asker_closing_shows_on_staff_copies_without_a_name(tg):
    lan = await make_parent(tg, district="Q8", ward="27427")
    mai = await make_staff(tg, "Mai", "Q8")
    await lan.press(ASK)
    await lan.send(QUESTION)
    await lan.press(ANONYMOUS)
    await lan.send("/myquestions")
    await lan.press("✅ Đóng H0001")
    (copy,) = ticket_copies(mai)
    assert "✅ Người hỏi đã đóng câu hỏi" in copy.content and not copy.inline_keyboard
    assert "Lan" not in copy.content


# -- information → materials ----------------------------------------------------------------------


async def test_info_button_opens_the_materials_of_that_topic_for_parents(tg):
    lan = await make_parent(tg)
    await lan.send("/info")
    await lan.press("🔍 Dấu hiệu theo lứa tuổi")
    await lan.press("📚 Tài liệu về chủ đề này")
    assert "Phụ huynh · Dấu hiệu xâm hại và cách báo tin" in lan.last_text
    labels = lan.buttons
    assert any("Nhận biết dấu hiệu trẻ bị xâm hại" in label for label in labels)
    assert any("Nghi ngờ trẻ bị xâm hại" in label for label in labels)
    assert not any("Kỷ luật tích cực" in label or "111" in label for label in labels)
    # The information answer stays above; the list is a new message.
    assert any("Dấu hiệu trẻ có thể bị xâm hại" in (m.content or "") for m in lan.bot_messages[:-1])
    await lan.press("📄 Nhận biết dấu hiệu trẻ bị xâm hại")
    assert "Nhận biết dấu hiệu trẻ bị xâm hại" in lan.last_text
    delivered = await tg.db.fetchvalue("SELECT count(*) FROM material_deliveries")
    assert delivered == 1


async def test_info_materials_audience_follows_the_role(tg):
    collaborator = await person(tg, "Hạnh")  # a collaborator of Q8
    await collaborator.send("/info")
    await collaborator.press("⚖️ Quyền trẻ em")
    await collaborator.press("📚 Tài liệu về chủ đề này")
    assert "Cộng tác viên · Quyền trẻ em" in collaborator.last_text
    assert any("14 nhóm trẻ em" in label for label in collaborator.buttons)
    assert not any("Em có những quyền gì" in label for label in collaborator.buttons)
    # No online-safety material is for collaborators yet: every audience is shown instead.
    await collaborator.send("/info")
    await collaborator.press("📱 An toàn trên mạng")
    await collaborator.press("📚 Tài liệu về chủ đề này")
    assert "Tất cả tài liệu · An toàn trên mạng" in collaborator.last_text
    assert any("Giữ an toàn cho con trên mạng" in label for label in collaborator.buttons)
    answer = await collaborator.press_data("info:mat:bogus")
    assert answer["show_alert"]
