"""/report end to end on the emulator: collaborator and parent paths, the emergency answer,
wrong inputs at each step, back / edit / cancel, drafts across a restart, limits, privacy."""

from bot.crypto import cipher_for
from bot.reports.rules import case_rules
from storage import audit
from tests.reports_support import (
    DESCRIPTION,
    SITUATION_VIOLENCE,
    answer_until_review,
    file_report,
    person,
    vi,
)


async def _other_situation_to_review(reporter, description: str) -> None:
    """From the situation step to the summary: “other”, the story, then Skip (photos), Not
    known (caregiver), Nothing yet, Stay anonymous."""
    await reporter.press("▫️ Trường hợp khác")
    await reporter.press("Xong ✔️")
    await reporter.send(description)
    await reporter.press("Bỏ qua")
    await reporter.press("Không rõ")
    await reporter.press("Chưa làm gì")
    await reporter.press("🙈 Giữ ẩn danh")


async def test_collaborator_reports_an_urgent_case_and_staff_are_alerted(tg):
    _ = vi(tg)
    staff = await person(tg, "Minh", role="staff", ward=None)
    lan = await person(tg, "Lan")
    await lan.send("/report")
    assert "ngay lúc này" in lan.last_text
    await lan.press("🚨 Có, đang nguy hiểm")
    texts = [m.content for m in lan.bot_messages[-3:]]
    assert any("111" in t and "113" in t for t in texts), texts  # hotlines at once
    assert any("khẩn cấp" in t for t in texts)
    # The collaborator's own ward is one tap away.
    await lan.press("📍 Phường Chánh Hưng — xác nhận")
    assert "Khu phố/ấp" in lan.last_text
    await lan.send("Khu phố 3, gần chợ Rạch Ông")
    await lan.press(_("📍 Send the location"))  # Telegram's location button
    assert "Đã lưu vị trí" in lan.bot_messages[-2].content
    await lan.send("Bé Na")
    await lan.send("10 tuổi")
    await lan.press("Nữ")
    await lan.press("2")
    await lan.press("▫️ " + SITUATION_VIOLENCE)
    assert "✅ " + SITUATION_VIOLENCE in lan.buttons  # toggles show a tick
    await lan.press("▫️ Có nguy cơ bị xâm hại, bạo lực, bóc lột, bỏ rơi")
    await lan.press("Xong ✔️")
    assert "2000 ký tự" in lan.last_text.replace(".", "")
    await lan.send(DESCRIPTION)
    await lan.send_photo(b"\xff\xd8\xff\xe0bruise")
    assert "Đã lưu ảnh 1" in lan.last_text
    await lan.send("xong")  # the button's label typed: as good as the tap
    await lan.send("Bà ngoại, 70 tuổi")
    await lan.send("Đã báo công an phường")
    await lan.press("📱 Chia sẻ số điện thoại")
    summary = lan.last_text
    for expected in (
        "Phường Chánh Hưng — Khu phố 3",
        "Bé Na",
        "10 tuổi",
        "2 trẻ",
        DESCRIPTION,
        "Ảnh: 1",
        "Bà ngoại",
        "+849",
        "Trẻ đang gặp nguy hiểm: có",
    ):
        assert expected in summary, expected
    assert lan.buttons[:3] == ["✅ Gửi", "✏️ Sửa một phần", "✖️ Hủy báo cáo"]
    await lan.press("✅ Gửi")
    thanks = lan.last_text
    assert "Mã hồ sơ: TE-2021-0001" in thanks and "12 giờ" in thanks and "48 giờ" in thanks
    assert "🧹 Xóa tin nhắn của tôi" in lan.buttons
    assert "📝 Báo cáo trẻ cần hỗ trợ" in lan.reply_buttons  # the menu is back

    alert = staff.last
    assert "TE-2021-0001" in alert.content and "KHẨN CẤP" in alert.content
    assert "Phường Chánh Hưng" in alert.content and "10 tuổi" in alert.content
    assert "Bé Na" not in alert.content and DESCRIPTION not in alert.content
    assert alert.protect_content
    assert staff.buttons == ["✅ Tiếp nhận", "📄 Chi tiết"]
    row = await tg.db.fetchone("SELECT * FROM cases")
    assert row["urgent"] == 1 and row["children"] == 2 and row["child_age"] == 10
    assert row["situations"] == "i,risk" and row["contact_consent"] == 1
    assert [e.action for e in await audit.entries(tg.db, "case")] == ["case_create"]


async def test_parent_reports_anonymously_choosing_district_and_ward(tg):
    await person(tg, "Minh", role="staff", ward=None)
    parent = await person(tg, "Hoa", role="public", district=None, ward=None)
    await parent.send("/report")
    await parent.press("Không, hiện chưa")
    assert not any("xác nhận" in b for b in parent.buttons)  # no own ward for a parent
    assert "Khu vực Quận 8 cũ" in parent.last_text  # the ten units, by the programme's areas
    await parent.send("phuong 7 quan 8")  # an old ward, typed: it was split in two
    assert "chia về nhiều nơi" in parent.last_text
    assert "Phường Bình Đông" in parent.buttons and "Xã Bình Hưng" in parent.buttons
    await parent.press("Phường Bình Đông")
    await parent.press("Bỏ qua")
    await parent.press("Bỏ qua")
    await parent.press("Bỏ qua")  # no name
    await parent.press("Không rõ")  # age not known
    await parent.press("Không rõ")  # sex not known
    await parent.press("1")
    await _other_situation_to_review(parent, "Có một em nhỏ hay ngồi một mình ở bến xe đến khuya.")
    summary = parent.last_text
    assert (
        "Phường Bình Đông (khi báo: Phường 7, Quận 8)" in summary
        and "ẩn danh" in summary
        and "không rõ tuổi" in summary
    )
    await parent.press("✅ Gửi")
    row = await tg.db.fetchone("SELECT * FROM cases")
    assert row["code"] == "TE-2021-0001" and row["ward"] == "27424"
    assert row["reported_place"] == "Q8-P07" and row["district"] == "Q8"
    assert row["reporter_role"] == "public" and row["contact_consent"] == 0
    assert row["reporter_name_enc"] is None and row["reporter_phone_enc"] is None
    assert row["child_age"] is None and row["child_sex"] == "unknown"


async def test_the_emergency_button_answers_at_every_step_and_marks_urgent(tg):
    lan = await person(tg, "Lan")
    await lan.send("/report")
    await lan.press("Không, hiện chưa")
    await lan.press("📍 Phường Chánh Hưng — xác nhận")
    await lan.send("Hẻm 12")
    # The location step uses a reply keyboard: the emergency button is there too.
    await lan.press("🆘 Khẩn cấp")
    texts = [m.content for m in lan.bot_messages[-4:]]
    assert any("111" in t for t in texts) and any("khẩn cấp" in t for t in texts)
    await lan.press("Bỏ qua")
    await lan.press("🆘 Khẩn cấp")  # inline at the name step
    assert "Chỉ tên gọi" in lan.last_text  # the question is asked again below the hotlines
    await lan.send("An")
    row = await tg.db.fetchvalue("SELECT count(*) FROM report_drafts")
    assert row == 1
    await lan.send("9")
    await lan.send("nam")  # a button's label typed is as good as the tap
    await lan.press("1")
    await lan.press("▫️ " + SITUATION_VIOLENCE)
    await lan.press("Xong ✔️")
    await lan.send(DESCRIPTION)
    await lan.press("Bỏ qua")
    await lan.press("Không rõ")
    await lan.press("Chưa làm gì")
    await lan.press("🙈 Giữ ẩn danh")
    assert "Trẻ đang gặp nguy hiểm: có" in lan.last_text
    await lan.press("✅ Gửi")
    assert await tg.db.fetchvalue("SELECT urgent FROM cases") == 1
    assert await tg.db.fetchvalue("SELECT count(*) FROM case_deadlines") == 2
    assert await tg.db.fetchvalue("SELECT child_sex FROM cases") == "male"  # typed "nam"


async def test_wrong_inputs_get_a_clear_answer_and_the_step_stays(tg):
    lan = await person(tg, "Lan")
    await lan.send("/report")
    await lan.send("để mình xem đã")  # text where a button is due
    assert "Có, đang nguy hiểm" in lan.last_text
    await lan.send("ko biết nữa")  # an honest "I don't know": help to choose, no alarm
    assert lan.last_text.startswith("Chưa chắc cũng không sao.")
    assert await tg.db.fetchvalue("SELECT count(*) FROM outbox") == 0  # nobody alerted
    await lan.send_sticker()
    assert "Có, đang nguy hiểm" in lan.last_text
    await lan.press("Không, hiện chưa")
    await lan.send("Phường 5")  # a split old ward: its candidates, the step stays
    assert "chia về nhiều nơi" in lan.last_text
    await lan.send("phường không có")
    assert "chưa tìm thấy phường, xã" in lan.last_text
    await lan.press("Phường Chánh Hưng")  # one of the candidates
    await lan.send_sticker()
    assert "khu phố" in lan.last_text.lower()
    await lan.send("x" * 201)
    assert "201 ký tự" in lan.last_text and "200" in lan.last_text
    await lan.press("Bỏ qua")
    await lan.send("xin chào")  # text at the location step
    assert "Gửi vị trí" in lan.last_text
    await lan.send("ko có")  # "none" is no landmark
    assert "Gửi vị trí" in lan.last_text
    await lan.send("nhà màu xanh cạnh tiệm tạp hóa")  # a landmark typed here is kept
    assert (
        "Đã ghi thêm vào địa điểm: nhà màu xanh cạnh tiệm tạp hóa" in lan.bot_messages[-2].content
    )
    await lan.send("Nguyễn Thị Bé Na")
    assert "tối đa hai chữ" in lan.last_text
    await lan.send("Na")
    await lan.send_sticker()
    assert "tuổi" in lan.last_text
    await lan.send("200")
    assert "200 không phải là số tuổi hợp lý" in lan.last_text
    await lan.send("30")
    assert "người lớn" in lan.last_text
    await lan.send("mười con mèo")
    assert "Không rõ" in lan.last_text
    await lan.send("16")
    assert "chưa thành niên" in lan.bot_messages[-2].content  # accepted, flagged
    await lan.send("để mình hỏi lại")
    assert "nam, nữ hoặc không rõ" in lan.last_text
    await lan.press("Nữ")
    await lan.send("50")
    assert "từ 1 đến 20" in lan.last_text
    await lan.send("3")
    answer = await lan.press("Xong ✔️")  # nothing ticked
    assert answer["show_alert"] and "ít nhất một" in answer["text"]
    await lan.press("▫️ Trường hợp khác")
    await lan.press("Xong ✔️")
    await lan.send_photo()
    assert "kể sự việc bằng chữ" in lan.last_text
    await lan.send("ngắn")
    assert "ít nhất 10 ký tự" in lan.last_text
    await lan.send("a" * 2001)
    assert "2001 ký tự" in lan.last_text and "2000" in lan.last_text
    await lan.send("Em ở một mình cả ngày, không ai chăm sóc.")
    await lan.send("chữ thay vì ảnh")
    assert "gửi ảnh" in lan.last_text.lower()
    await lan.press("Bỏ qua")
    await lan.send_sticker()
    assert "Không rõ" in lan.last_text
    await lan.press("Không rõ")
    await lan.press("Chưa làm gì")
    someone_else = {"phone_number": "+84911111111", "first_name": "Hàng xóm", "user_id": 123}
    await lan._act(tg.server.user_message(lan.user, None, contact=someone_else))
    assert "số của chính bạn" in lan.last_text
    await lan.send_sticker()
    assert "Giữ ẩn danh" in lan.last_text
    stale = await lan.press_data("rep:pick:age:unknown")  # a forged button of another step
    assert stale["show_alert"]
    await lan.press("🙈 Giữ ẩn danh")
    await lan.send("gửi đi")
    assert "Gửi, Sửa một phần hoặc Hủy" in lan.last_text
    row = await tg.db.fetchone("SELECT count(*) FROM cases")
    assert row[0] == 0  # nothing sent without the Send button


async def test_back_edit_a_section_and_cancel(tg):
    lan = await person(tg, "Lan")
    await lan.send("/report")
    await lan.press("Không, hiện chưa")
    await lan.press("‹ Quay lại")
    assert "ngay lúc này" in lan.last_text  # back to the safety question
    await lan.press("🚨 Có, đang nguy hiểm")
    await lan.press("‹ Quay lại")
    assert "ngay lúc này" in lan.last_text
    await lan.press("Không, hiện chưa")
    await lan.press("📍 Phường Chánh Hưng — xác nhận")
    await lan.press("‹ Quay lại")  # place → ward picker
    assert "Khu vực Quận 8 cũ" in lan.last_text
    await lan.press("Phường Bình Đông")
    await lan.press("Bỏ qua")
    await lan.press("‹ Quay lại")  # reply keyboard Back at the location step
    assert "Khu phố/ấp" in lan.last_text
    await lan.press("Bỏ qua")
    await lan.press("Bỏ qua")
    await lan.send("Na")
    await lan.send("8")
    await lan.press("Nữ")
    await lan.press("1")
    await _other_situation_to_review(lan, DESCRIPTION)
    assert "Phường Bình Đông" in lan.last_text
    # Edit the child section: its steps, then straight back to the summary.
    await lan.press("✏️ Sửa một phần")
    await lan.press("👧 Thông tin trẻ")
    await lan.send("Mai")
    await lan.send("khoảng 12")
    await lan.press("Nữ")
    await lan.press("1")
    assert "Bạn kiểm tra lại báo cáo" in lan.last_text
    assert "Mai, khoảng 12 tuổi" in lan.last_text
    # Edit the story and go back from its first step: the summary again, unchanged.
    await lan.press("✏️ Sửa một phần")
    await lan.press("📝 Sự việc")
    await lan.press("‹ Quay lại")
    assert "Bạn kiểm tra lại báo cáo" in lan.last_text and DESCRIPTION in lan.last_text
    # Back at the story: what was written is shown, and kept in one tap (never retyped).
    await lan.press("✏️ Sửa một phần")
    await lan.press("📝 Sự việc")
    assert "Bạn đã viết: “" in lan.last_text
    await lan.press("✔️ Giữ nguyên như đã viết")
    assert "Bạn đã viết" not in lan.last_text  # on to the next question of the section
    await lan.press("‹ Quay lại")
    await lan.press("✔️ Giữ nguyên như đã viết")
    await lan.press("Bỏ qua")  # no photos
    await lan.press("Không rõ")
    await lan.press("Chưa làm gì")
    assert "Bạn kiểm tra lại báo cáo" in lan.last_text and DESCRIPTION in lan.last_text
    await lan.press("✏️ Sửa một phần")
    await lan.press("‹ Quay lại bản tóm tắt")
    assert "✅ Gửi" in lan.buttons
    # Cancel asks first; "keep it" returns to the summary; "discard" removes the draft.
    await lan.press("✖️ Hủy báo cáo")
    await lan.press("‹ Không, giữ lại")
    assert "Bạn kiểm tra lại báo cáo" in lan.last_text
    await lan.press("✖️ Hủy báo cáo")
    await lan.press("🗑 Có, hủy báo cáo")
    assert "Đã hủy báo cáo" in lan.last_text
    assert await tg.db.fetchvalue("SELECT count(*) FROM report_drafts") == 0
    assert await tg.db.fetchvalue("SELECT count(*) FROM cases") == 0


async def test_a_draft_survives_leaving_and_a_restart(tg):
    lan = await person(tg, "Lan")
    await lan.send("/report")
    await lan.press("Không, hiện chưa")
    await lan.press("📍 Phường Chánh Hưng — xác nhận")
    await lan.send("Khu phố 4")
    await lan.press("Bỏ qua")
    await lan.send("Tí")
    await lan.send("/events")  # leaves the report; the draft is kept
    await lan.send("/cancel")
    await lan.send("/ask")  # a question is not a report: its /cancel says nothing of drafts
    await lan.send("/cancel")
    assert "Đã hủy" in lan.last_text and "nháp" not in lan.last_text
    await tg.restart()
    await lan.send("/report")
    assert "đang làm dở" in lan.last_text
    await lan.press("▶️ Tiếp tục")
    assert "Trẻ bao nhiêu tuổi" in lan.last_text  # exactly where it stopped
    await lan.send("11")
    await tg.restart()  # restart in the middle, without leaving
    await lan.send_sticker()
    assert "Nam, nữ hoặc không rõ".lower() in lan.last_text.lower()
    await lan.press("Nam")
    await lan.press("1")
    await _other_situation_to_review(lan, DESCRIPTION)
    assert "Khu phố 4" in lan.last_text and "Tí, 11 tuổi" in lan.last_text
    # Discarding instead starts afresh.
    await lan.send("/report")
    await lan.press("🗑 Bỏ bản nháp, làm lại")
    assert "ngay lúc này" in lan.last_text
    assert await tg.db.fetchvalue("SELECT count(*) FROM report_drafts") == 1


async def test_reports_are_limited_per_hour(tg):
    lan = await person(tg, "Lan")
    limit = case_rules().reports_per_hour
    for index in range(limit):
        await file_report(tg, lan, description=f"Sự việc số {index}: em bị bỏ đói nhiều ngày.")
    await lan.send("/report")
    assert f"{limit} báo cáo trong một giờ qua" in lan.last_text
    assert await tg.db.fetchvalue("SELECT count(*) FROM report_drafts") == 0
    tg.clock.advance(hours=1, minutes=1)
    await lan.send("/report")
    assert "ngay lúc này" in lan.last_text
    codes = await tg.db.fetchall("SELECT code FROM cases ORDER BY id")
    assert [r[0] for r in codes] == [f"TE-2021-{n:04d}" for n in range(1, limit + 1)]


async def test_delete_my_messages_and_my_reports(tg):
    lan = await person(tg, "Lan")
    await answer_until_review(tg, lan, share_phone=True)
    details = [
        m
        for m in lan.transcript
        if not m.from_bot and m.content and (DESCRIPTION in m.content or m.content == "Bé Na")
    ]
    assert details
    await lan.press("✅ Gửi")
    await lan.send("/myreports")
    assert "TE-2021-0001" in lan.last_text and "chờ cán bộ" in lan.last_text
    await lan.press("🧹 Xóa tin nhắn của tôi")
    assert all(m.deleted for m in details)
    summary = [
        m
        for m in lan.transcript
        if m.from_bot and m.content and "Bạn kiểm tra lại báo cáo" in m.content
    ]
    assert summary and all(m.deleted for m in summary)
    assert any("Xong: các tin nhắn" in m.content for m in lan.bot_messages if m.content)
    assert "case_reporter_messages_deleted" in [e.action for e in await audit.entries(tg.db)]
    # Someone else forging the button on their own chat deletes nothing and is told so.
    other = await person(tg, "Khách", role="public")
    await other.send("/myreports")
    forged = await other.press_data("rpd:del:1")
    assert forged["show_alert"] and "không hợp lệ" in forged["text"].lower()


async def test_delete_is_refused_after_48_hours(tg):
    lan = await person(tg, "Lan")
    await file_report(tg, lan)
    tg.clock.advance(hours=49)
    answer = await lan.press("🧹 Xóa tin nhắn của tôi")
    assert answer["show_alert"] and "48 giờ" in answer["text"]


async def test_sensitive_fields_are_encrypted_at_rest(tg, settings):
    lan = await person(tg, "Lan")
    await answer_until_review(tg, lan, share_phone=True, name="Bé Na")
    draft_bytes = settings.database_path.read_bytes()
    await lan.press("✅ Gửi")
    await tg.stop()
    raw = b"".join(p.read_bytes() for p in settings.database_path.parent.glob("bot.sqlite3*"))
    for secret in (DESCRIPTION, "Bé Na", "+84900000002"):
        assert secret.encode() not in raw, secret
        assert secret.encode() not in draft_bytes, secret
    await tg.start()


async def test_skip_typed_at_a_text_step_is_a_skip_not_an_answer(tg):
    # After a restart the location step's reply keyboard can still be on screen: its "Bỏ qua"
    # lands as text at the next step. It must never become the place or the child's name.
    lan = await person(tg, "Lan")
    _ = vi(tg)
    await lan.send("/report")
    await lan.press(_("No, not right now"))
    own = tg.app.services.areas.unit_name("27418", "vi")
    await lan.press(_("📍 {place} — confirm", place=own))
    await lan.send("Bỏ qua")  # place detail, typed
    assert lan.last.text.startswith("Nếu bạn đang ở gần đó")
    await lan.press(_("Skip"))  # location
    await lan.send("bo qua")  # the child's name, typed without accents
    assert lan.last.text.startswith("Trẻ bao nhiêu tuổi")
    await lan.send("khoảng 10")
    await lan.press(_("Girl (nữ)"))
    await lan.press("1")
    await lan.press("▫️ " + SITUATION_VIOLENCE)
    await lan.press(_("Done ✔️"))
    await lan.send(DESCRIPTION)
    await lan.press(_("Skip"))  # photos
    await lan.send("🆘 Khẩn cấp")  # the emergency label from an old reply keyboard
    assert any("111" in (m.text or "") for m in lan.bot_messages[-3:])
    await lan.press(_("Not known"))
    await lan.press(_("Nothing yet"))
    await lan.press(_("🙈 Stay anonymous"))
    await lan.press(_("✅ Send"))
    row = await tg.db.fetchone(
        "SELECT child_name_enc, place_detail_enc, caregiver_enc FROM cases WHERE reporter_id = ?",
        (lan.id,),
    )
    cipher = cipher_for(tg.app.services)
    assert row is not None
    assert [cipher.decrypt(value) if value else None for value in row] == [None, None, None]


async def test_the_location_keyboard_goes_once_its_step_is_answered(tg):
    """However the location step is answered (a landmark typed, Skip, a shared location), its
    reply keyboard does not linger under the next questions: the menu comes back."""
    _ = vi(tg)
    for name, answer in (("Lan", "typed"), ("Mai", "skip"), ("Hoa", "shared")):
        reporter = await person(tg, name)
        await reporter.send("/report")
        await reporter.press(_("No, not right now"))
        await reporter.press("📍 Phường Chánh Hưng — xác nhận")
        await reporter.press(_("Skip"))  # place
        assert _("📍 Send the location") in reporter.reply_buttons
        if answer == "typed":
            await reporter.send("nhà màu xanh cạnh tiệm tạp hóa")
        elif answer == "skip":
            await reporter.press_reply(_("Skip"))
        else:
            await reporter.press_reply(_("📍 Send the location"))
        assert "tên gọi" in reporter.last_text, answer  # on to the name step
        assert _("📍 Send the location") not in reporter.reply_buttons, answer
        assert "📝 Báo cáo trẻ cần hỗ trợ" in reporter.reply_buttons, answer  # the menu
        await reporter.send("Na")
        assert _("📍 Send the location") not in reporter.reply_buttons, answer


async def test_back_shows_the_answer_given_there_to_keep_or_change(tg):
    """Back at a step already answered: its answer is shown (escaped) with a button to keep
    it; a skipped step says it was skipped; a kept answer stays, a new one replaces it."""
    lan = await person(tg, "Lan")
    await lan.send("/report")
    await lan.press("Không, hiện chưa")
    await lan.press("📍 Phường Chánh Hưng — xác nhận")
    await lan.send("Hẻm <3> & chợ")  # place: HTML characters, shown as typed
    await lan.press_reply("Bỏ qua")  # location
    await lan.send("Na")
    await lan.press("‹ Quay lại")  # age → name
    assert "Bạn đã trả lời: Na" in lan.last_text
    await lan.press("‹ Quay lại")  # name → location (skipped)
    assert "Bạn đã bỏ qua câu này." in lan.last_text
    await lan.press_reply("‹ Quay lại")  # location → place
    assert "Bạn đã trả lời: Hẻm <3> & chợ" in lan.last_text
    assert "Hẻm &lt;3&gt; &amp; chợ" in lan.last.raw_text  # escaped in the HTML sent
    await lan.press("✔️ Giữ câu trả lời này")
    assert "vị trí" in lan.last_text  # on to the location step, the place kept
    await lan.press_reply("Bỏ qua")
    assert "Bạn đã trả lời: Na" in lan.last_text  # on again: answered before, still shown
    await lan.send("Mai")  # changed
    assert "Bạn đã trả lời" not in lan.last_text  # the age: never answered yet
    await lan.send("10")
    await lan.press("‹ Quay lại")
    assert "Bạn đã trả lời: 10 tuổi" in lan.last_text
    await lan.press("‹ Quay lại")
    assert "Bạn đã trả lời: Mai" in lan.last_text
    draft = await tg.app.services.database.fetchvalue("SELECT count(*) FROM report_drafts")
    assert draft == 1


async def test_editing_the_urgency_asks_it_with_the_answer_marked(tg):
    """'🚨 Mức khẩn cấp' from the summary: the urgency question itself (not the report's
    opening words), the current answer marked ✓, Back to the summary unchanged."""
    lan = await person(tg, "Lan")
    await answer_until_review(tg, lan)
    await lan.press("✏️ Sửa một phần")
    await lan.press("🚨 Mức khẩn cấp")
    assert "Báo cáo trẻ cần hỗ trợ" not in lan.last_text and "Vài câu hỏi" not in lan.last_text
    assert "nguy hiểm" in lan.last_text and "ngay lúc này" in lan.last_text
    assert lan.buttons[:2] == ["🚨 Có, đang nguy hiểm", "✓ Không, hiện chưa"]
    await lan.press("‹ Quay lại")
    assert "Bạn kiểm tra lại báo cáo" in lan.last_text
    await lan.press("✏️ Sửa một phần")
    await lan.press("🚨 Mức khẩn cấp")
    await lan.press("✓ Không, hiện chưa")  # kept
    assert "Bạn kiểm tra lại báo cáo" in lan.last_text and "gặp nguy hiểm: không" in lan.last_text


def _hotlines_sent(reporter) -> int:
    return sum(1 for m in reporter.bot_messages if "111" in (m.content or ""))


async def test_keeping_yes_after_the_alert_continues_without_a_second_alarm(tg):
    """🆘 at the first question, then “🚨 Có”: the numbers and the alert went already, so it
    just goes on (the question was never answered: nothing marked ✓). An urgent answer kept
    from the summary is kept quietly too; changing “Không” to “Có” still alerts at once."""
    await person(tg, "Minh", role="staff", ward=None)
    lan = await person(tg, "Lan")
    await lan.send("/report")
    await lan.press("🆘 Khẩn cấp")
    assert _hotlines_sent(lan) == 1 and "Cán bộ đã được báo ngay" in lan.bot_messages[-2].content
    assert "có dấu ✓" not in lan.last_text  # never answered: no "your answer is marked"
    assert lan.buttons[:2] == ["🚨 Có, đang nguy hiểm", "Không, hiện chưa"]
    alerts = await tg.db.fetchvalue("SELECT count(*) FROM outbox")
    sent = len(lan.bot_messages)
    await lan.press("🚨 Có, đang nguy hiểm")
    assert "phường hoặc xã" in lan.last_text.lower() or "Phường Chánh Hưng" in str(lan.buttons)
    assert _hotlines_sent(lan) == 1 and len(lan.bot_messages) == sent  # the question edited
    assert await tg.db.fetchvalue("SELECT count(*) FROM outbox") == alerts
    # An urgent report, its urgency edited from the summary and kept.
    mai = await person(tg, "Mai")
    await answer_until_review(tg, mai, urgent=True)
    await mai.press("✏️ Sửa một phần")
    await mai.press("🚨 Mức khẩn cấp")
    assert "có dấu ✓" in mai.last_text and "hoặc chọn câu trả lời còn lại." in mai.last_text
    assert mai.buttons[:2] == ["✓ 🚨 Có, đang nguy hiểm", "Không, hiện chưa"]
    hotlines, alerts = _hotlines_sent(mai), await tg.db.fetchvalue("SELECT count(*) FROM outbox")
    answer = await mai.press("✓ 🚨 Có, đang nguy hiểm")
    assert answer is not None and answer["text"] == "✓ Đã giữ nguyên."
    assert "Bạn kiểm tra lại báo cáo" in mai.last_text and "gặp nguy hiểm: có" in mai.last_text
    assert _hotlines_sent(mai) == hotlines
    assert not any("Cán bộ đã được báo ngay" in m.content for m in mai.bot_messages[-3:])
    assert await tg.db.fetchvalue("SELECT count(*) FROM outbox") == alerts
    # Safety first: "Không" changed to "Có" gives the numbers and alerts the staff at once.
    hoa = await person(tg, "Hoa")
    await answer_until_review(tg, hoa)
    await hoa.press("✏️ Sửa một phần")
    await hoa.press("🚨 Mức khẩn cấp")
    hotlines, alerts = _hotlines_sent(hoa), await tg.db.fetchvalue("SELECT count(*) FROM outbox")
    await hoa.press("🚨 Có, đang nguy hiểm")
    assert _hotlines_sent(hoa) == hotlines + 1
    assert any("Cán bộ đã được báo ngay" in m.content for m in hoa.bot_messages[-3:])
    assert await tg.db.fetchvalue("SELECT count(*) FROM outbox") > alerts
    assert "gặp nguy hiểm: có" in hoa.last_text
    # "có" typed after 🆘: the same, it goes on without a second alarm.
    an = await person(tg, "An")
    await an.send("/report")
    await an.press("🆘 Khẩn cấp")
    alerts = await tg.db.fetchvalue("SELECT count(*) FROM outbox")
    await an.send("có")
    assert _hotlines_sent(an) == 1 and "Phường Chánh Hưng — xác nhận" in an.buttons[0]
    assert await tg.db.fetchvalue("SELECT count(*) FROM outbox") == alerts


async def test_the_location_step_revisited_says_what_was_given_there(tg):
    """A landmark typed at the location step went into the place's words: back there, it
    says so (escaped), with Keep; a shared location reads as sent, not as a quoted answer."""
    lan = await person(tg, "Lan")
    await lan.send("/report")
    await lan.press("Không, hiện chưa")
    await lan.press("📍 Phường Chánh Hưng — xác nhận")
    await lan.press("Bỏ qua")  # place
    await lan.send("nhà <xanh> & tiệm tạp hóa")  # a landmark typed at the location step
    await lan.press("‹ Quay lại")  # name → location
    assert "Bạn đã ghi địa điểm: nhà <xanh> & tiệm tạp hóa" in lan.last_text
    assert "nhà &lt;xanh&gt; &amp; tiệm tạp hóa" in lan.last.raw_text
    assert "bỏ qua câu này" not in lan.last_text
    assert "✔️ Giữ câu trả lời này" in lan.reply_buttons
    await lan.press_reply("✔️ Giữ câu trả lời này")
    assert "tên gọi" in lan.last_text
    await lan.press("‹ Quay lại")
    await lan.press_reply("📍 Gửi vị trí")
    await lan.press("‹ Quay lại")  # name → location, shared now
    assert "Bạn đã gửi vị trí trên bản đồ" in lan.last_text
    assert "Bạn đã trả lời" not in lan.last_text


async def test_the_contact_step_revisited_offers_keep(tg):
    """☎️ Contact edited from the summary: the number shared is said plainly, and one tap on
    the reply keyboard keeps it, as it keeps “anonymous”."""
    mai = await person(tg, "Mai")
    await answer_until_review(tg, mai, share_phone=True)
    await mai.press("✏️ Sửa một phần")
    await mai.press("☎️ Liên hệ")
    assert "Bạn đã chia sẻ số điện thoại +84" in mai.last_text, mai.last_text
    assert "Bạn đã trả lời" not in mai.last_text
    assert mai.reply_buttons[:2] == ["📱 Chia sẻ số điện thoại", "✔️ Giữ câu trả lời này"]
    await mai.press_reply("✔️ Giữ câu trả lời này")
    assert "✓ Đã giữ nguyên." in [m.content for m in mai.bot_messages[-2:]]
    assert "Bạn kiểm tra lại báo cáo" in mai.last_text and "+84" in mai.last_text
    assert "✔️ Giữ câu trả lời này" not in mai.reply_buttons  # the menu is back
    # Kept anonymous the same way.
    await mai.press("✏️ Sửa một phần")
    await mai.press("☎️ Liên hệ")
    await mai.press_reply("🙈 Giữ ẩn danh")
    await mai.press("✏️ Sửa một phần")
    await mai.press("☎️ Liên hệ")
    assert "Bạn đã trả lời: ẩn danh" in mai.last_text
    await mai.press_reply("✔️ Giữ câu trả lời này")
    assert "Bạn kiểm tra lại báo cáo" in mai.last_text and "+84" not in mai.last_text


async def test_the_photos_step_revisited_has_one_button_to_go_on(tg):
    lan = await person(tg, "Lan")
    await answer_until_review(tg, lan)
    await lan.press("✏️ Sửa một phần")
    await lan.press("📝 Sự việc")
    await lan.press("✔️ Giữ nguyên như đã viết")
    await lan.send_photo()
    await lan.press("Xong ✔️")
    await lan.press("‹ Quay lại")  # caregiver → photos
    assert "Bạn đã trả lời: đã gửi 1 ảnh" in lan.last_text
    assert lan.buttons == ["Xong ✔️", "‹ Quay lại", "🆘 Khẩn cấp"]
    await lan.press("Xong ✔️")
    assert "chăm sóc" in lan.last_text
