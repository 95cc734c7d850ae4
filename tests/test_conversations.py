"""A person is never in two conversations at once: entering one by a button ends the other."""

from storage import questions as store
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
