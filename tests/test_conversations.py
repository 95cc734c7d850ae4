"""A person is never in two conversations at once: entering one by a button ends the other."""

from storage import questions as store
from tests.test_materials_print import open_hotline, person
from tests.test_parents_info import make_parent, make_staff

ASK = "💬 Đặt câu hỏi"
ANONYMOUS = "🙈 Giữ ẩn danh"


async def test_reply_button_in_the_middle_of_a_report_leaves_the_report(tg):
    parent = await make_parent(tg, "Hạnh", district="Q8", ward="27427")
    minh = await make_staff(tg, "Minh", "Q8")
    await parent.press(ASK)
    await parent.send("Hàng xóm hay để con nhỏ ở nhà một mình cả ngày, tôi nên làm gì?")
    await parent.press(ANONYMOUS)

    # Minh starts a report and stops at the "child's name" step (a typed answer is due).
    await minh.send("/report")
    await minh.press("Không, hiện chưa")
    await minh.press("Phường Chánh Hưng")
    await minh.press("Bỏ qua")  # no place detail
    await minh.send("Bỏ qua")  # no location (the reply keyboard's button)
    assert "tên gọi" in minh.last_text

    # Then answers the parent's ticket from its button: the typed text is the answer.
    await minh.press("✍️ Trả lời")
    await minh.send("Bạn nên báo cho cán bộ phường và gọi 111 để được tư vấn.")
    assert "đã được gửi" in minh.last_text
    assert "gọi 111" in parent.last_text
    assert (await store.get(tg.db, 1)).state == "answered"
    rows = await tg.db.fetchall("SELECT name FROM ptb_conversations")
    assert [row[0] for row in rows] == []  # neither conversation is left half-open

    # The report draft was kept: /report offers to continue it.
    await minh.send("/report")
    assert "đang làm dở" in minh.last_text


# -- leaving half-way by a command or a menu button: said, never silent ---------------------


async def _texts_after(user, action) -> list[str]:
    seen = len(user.bot_messages)
    await action
    return [message.text or "" for message in user.bot_messages[seen:]]


async def test_a_command_in_the_middle_of_a_print_request_says_it_was_not_sent(tg):
    lan = await person(tg, "Lan", "collaborator", "Q8", "27418")
    await open_hotline(lan)
    await lan.press("🖨 Yêu cầu in tài liệu")
    await lan.send("200")
    texts = await _texts_after(lan, lan.send("/help"))
    assert texts[0].startswith("⏸ Yêu cầu in chưa được gửi")
    assert "🖨 Yêu cầu in tài liệu" in texts[0]
    assert len(texts) == 2 and "/report" in texts[1]  # then /help answers as always
    # Nothing is left to cancel afterwards (the request ended when /help was sent).
    await lan.send("/cancel")
    assert lan.last_text.startswith("Không có việc gì đang làm dở để hủy.")


async def test_cancel_alone_says_what_it_cancelled(tg):
    lan = await person(tg, "Lan", "collaborator", "Q8", "27418")
    await open_hotline(lan)
    await lan.press("🖨 Yêu cầu in tài liệu")
    texts = await _texts_after(lan, lan.send("/cancel"))
    assert len(texts) == 1 and texts[0].startswith("Đã hủy. Chưa có gì được gửi đi.")


async def _report_past_the_ward(tg):
    minh = await make_staff(tg, "Minh", "Q8")
    await minh.send("/report")
    await minh.press("Không, hiện chưa")
    await minh.press("Phường Chánh Hưng")
    return minh


async def test_a_menu_button_pauses_a_report_and_says_the_draft_is_kept(tg):
    minh = await _report_past_the_ward(tg)
    texts = await _texts_after(minh, minh.send("📅 Sự kiện"))
    assert texts[0] == "⏸ Báo cáo đang tạm dừng, bản nháp vẫn được lưu: gõ /report để làm tiếp."
    assert len(texts) >= 2  # the events answer follows
    # Coming back by /report is not a second notice: the draft is offered.
    texts = await _texts_after(minh, minh.send("/report"))
    assert not any(text.startswith("⏸") for text in texts)
    assert "đang làm dở" in texts[-1]


async def test_the_hotline_button_in_a_report_gives_the_numbers_first(tg):
    minh = await _report_past_the_ward(tg)
    texts = await _texts_after(minh, minh.send("☎️ Đường dây nóng 111"))
    assert "111" in texts[0] and not any(text.startswith("⏸") for text in texts)
