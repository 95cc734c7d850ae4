"""Onboarding as people do it: parents, collaborators and staff, approvals, and bad input."""

import pytest

from bot.crypto import cipher_for
from storage import audit, users

COLLABORATOR = "🤝 Cộng tác viên"
STAFF = "🏢 Cán bộ dự án hoặc phường, xã"
PARENT = "👪 Phụ huynh hoặc người dân"


async def sign_up(
    person, role_label, name="Nguyễn Thị Lan", ward="Phường Chánh Hưng", share_phone=False
):
    await person.send("/start")
    await person.press(role_label)
    await person.send(name)
    await person.press(ward)
    if share_phone:
        await person.press("📱 Chia sẻ số điện thoại")
    else:
        await person.press("Bỏ qua")


async def make_staff(tg, name="Hùng", ward="Phường Chánh Hưng"):
    person = tg.user(name)
    await sign_up(person, STAFF, name=f"Trần Văn {name}", ward=ward)
    await tg.admin.press("✅ Duyệt")
    return person


async def test_start_greets_in_vietnamese_and_asks_who_you_are(tg):
    lan = tg.user("Lan")
    await lan.send("/start")
    assert "Xin chào" in lan.last_text
    assert lan.last_text.count("\n•") == 3  # three lines on what the bot does
    assert lan.buttons == [COLLABORATOR, STAFF, PARENT, "🌐 English"]


async def test_english_speaker_gets_english_and_can_switch(tg):
    john = tg.user("John", language="en")
    await john.send("/start")
    assert "Hello!" in john.last_text
    await john.press("🌐 Tiếng Việt")
    assert john.last_text == "Bạn là ai?"
    assert (await users.get(tg.db, john.id)).language == "vi"


async def test_parent_is_ready_at_once(tg):
    mai = tg.user("Mai")
    await mai.send("/start")
    await mai.press(PARENT)
    assert "sẵn sàng" in mai.bot_messages[-2].text
    assert "ℹ️ Thông tin cho phụ huynh" in mai.reply_buttons
    assert "☎️ Đường dây nóng 111" in mai.reply_buttons
    user = await users.get(tg.db, mai.id)
    assert (user.role, user.status, user.onboarded) == ("public", "active", True)


async def test_collaborator_signs_up_and_is_approved_by_admin(tg):
    lan = tg.user("Lan", phone="0901234567")
    await sign_up(lan, COLLABORATOR, share_phone=True)
    assert "chờ duyệt" in lan.last_text
    # Pending people get the public menu meanwhile.
    assert "ℹ️ Thông tin cho phụ huynh" in lan.reply_buttons
    pending = await users.get(tg.db, lan.id)
    assert (pending.status, pending.requested_role, pending.district, pending.ward) == (
        "pending",
        "collaborator",
        "Q8",
        "27418",
    )
    # The phone is encrypted at rest (issue 14).
    assert "0901234567" not in pending.phone
    assert cipher_for(tg.app.services).decrypt(pending.phone) == "0901234567"

    assert "Có đăng ký mới cần duyệt" in tg.admin.last_text
    assert "Phường Chánh Hưng" in tg.admin.last_text
    await tg.admin.press("✅ Duyệt")
    assert "Đã duyệt" in tg.admin.last_text
    assert "đã được duyệt" in lan.last_text
    assert "📝 Báo cáo trẻ cần hỗ trợ" in lan.reply_buttons
    approved = await users.get(tg.db, lan.id)
    assert (approved.role, approved.status) == ("collaborator", "active")
    actions = [e.action for e in await audit.entries(tg.db, "user", lan.id)]
    assert actions == ["apply", "approve"]


async def test_district_staff_approve_collaborators_of_their_district_only(tg):
    hung = await make_staff(tg, "Hùng")
    binh = await make_staff(tg, "Bình", ward="Xã Bình Hưng")
    assert (await users.get(tg.db, hung.id)).scope == "27418"  # new staff cover their unit
    lan = tg.user("Lan")
    await sign_up(lan, COLLABORATOR)
    # Hùng (Q8) is asked; Bình (BC) is not.
    assert "Có đăng ký mới cần duyệt" in hung.last_text
    assert "Nguyễn Thị Lan" not in binh.last_text
    # A forged approval from Bình changes nothing.
    answer = await binh.press_data(f"apv:yes:{lan.id}")
    assert "cùng phường, xã" in answer["text"]
    assert (await users.get(tg.db, lan.id)).is_pending
    await hung.press("❌ Từ chối")
    assert "chưa được duyệt" in lan.last_text
    rejected = await users.get(tg.db, lan.id)
    assert (rejected.role, rejected.status) == ("public", "active")
    # The administrator's copy of the same sign-up is brought up to date, buttons gone.
    admin_copy = next(m for m in tg.admin.bot_messages if "Nguyễn Thị Lan" in (m.text or ""))
    assert "❌ Đã từ chối (người xử lý: Trần Văn Hùng)." in admin_copy.text
    assert "chờ duyệt" not in admin_copy.text
    assert not admin_copy.inline_keyboard
    # Deciding again with an old button is refused politely.
    answer = await tg.admin.press_data(f"apv:yes:{lan.id}")
    assert "đã được xử lý" in answer["text"]
    assert (await users.get(tg.db, lan.id)).role == "public"


async def test_staff_applicants_need_an_administrator(tg):
    hung = await make_staff(tg, "Hùng")
    minh = tg.user("Minh")
    await sign_up(minh, STAFF, name="Lê Minh")
    assert "Lê Minh" not in hung.last_text  # staff are not asked about staff
    answer = await hung.press_data(f"apv:yes:{minh.id}")
    assert answer["show_alert"]
    assert (await users.get(tg.db, minh.id)).is_pending
    await tg.admin.press("✅ Duyệt")
    assert (await users.get(tg.db, minh.id)).is_staff
    # Approved staff get the staff menu and the staff command list in their chat.
    assert "📁 Hồ sơ" in minh.reply_buttons
    staff_commands = tg.server.my_commands({"type": "chat", "chat_id": minh.id})
    assert "cases" in [c["command"] for c in staff_commands]


@pytest.mark.parametrize("data", ["apv:yes:abc", "apv:zzz:1", "onb:role:king", "garbage", "x" * 64])
async def test_forged_buttons_change_nothing(tg, data):
    lan = tg.user("Lan")
    await lan.send("/start")
    await lan.press_data(data)
    user = await users.get(tg.db, lan.id)
    assert user.role == "public" and not user.onboarded
    assert tg.server.callback_queries  # every query was answered (the emulator checks twice)


async def test_wrong_input_at_each_step_keeps_the_step(tg):
    lan = tg.user("Lan")
    await lan.send("/start")
    await lan.send_sticker()
    assert "chọn một nút" in lan.last_text
    await lan.press(COLLABORATOR)
    await lan.send_sticker()
    assert "gõ tên" in lan.last_text
    await lan.send("1")
    assert "từ 2 đến 64 ký tự" in lan.last_text
    await lan.send("x" * 65)
    assert "từ 2 đến 64 ký tự" in lan.last_text
    await lan.send("Lan")
    await lan.send_photo()
    assert "chọn phường, xã" in lan.last_text
    await lan.send("không có nơi này")
    assert "chưa tìm thấy phường, xã" in lan.last_text
    await lan.send("xa da phuoc")  # an old commune, typed without accents
    assert "Xã Đa Phước, Huyện Bình Chánh nay thuộc Xã Hưng Long" in lan.last_text
    await lan.press("✓ Đúng, Xã Hưng Long")
    await lan.send("0909")
    assert "Chia sẻ số điện thoại" in lan.last_text
    # Somebody else's contact, forwarded from the address book.
    tg.server.user_message(
        lan.user, None, contact={"phone_number": "0912345678", "first_name": "Hoa"}
    )
    await tg.drain()
    assert "của chính mình" in lan.last_text
    await lan.press("Bỏ qua")
    user = await users.get(tg.db, lan.id)
    assert (user.district, user.ward, user.phone) == ("BC", "27628", None)


@pytest.mark.parametrize("steps", [0, 1, 2, 3, 4])
async def test_cancel_leaves_from_any_step(tg, steps):
    lan = tg.user("Lan")
    actions = [
        lambda: lan.press(COLLABORATOR),
        lambda: lan.send("Nguyễn Thị Lan"),
        lambda: lan.send("p4 q8"),
        lambda: lan.press("✓ Đúng, Phường Chánh Hưng"),
    ]
    await lan.send("/start")
    for action in actions[:steps]:
        await action()
    await lan.send("/cancel")
    assert "Đã hủy" in lan.last_text
    assert not (await users.get(tg.db, lan.id)).is_pending
    # The conversation is over: a name typed now is not taken as a step.
    await lan.send("Nguyễn Thị Lan")
    assert "chưa hiểu" in lan.last_text or "/start" in lan.last_text


async def test_menu_button_in_the_middle_leaves_and_does_what_it_says(tg):
    lan = tg.user("Lan")
    await lan.send("/start")
    await lan.press(COLLABORATOR)
    await lan.send("/help")
    assert "Dành cho" in lan.last_text
    await lan.send("Nguyễn Thị Lan")  # no longer in the name step
    assert not (await users.get(tg.db, lan.id)).is_pending


async def test_stop_unsubscribes_and_start_resubscribes(tg):
    mai = tg.user("Mai")
    await mai.send("/start")
    await mai.press(PARENT)
    await mai.send("/stop")
    assert "không nhận thông báo" in mai.last_text
    user = await users.get(tg.db, mai.id)
    assert not user.subscribed_announcements and not user.subscribed_reminders
    await mai.send("/start")
    assert any("nhận lại thông báo" in m.text for m in mai.bot_messages[-2:])
    user = await users.get(tg.db, mai.id)
    assert user.subscribed_announcements and user.subscribed_reminders


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("111", "Gọi 111"),
        ("duong day nong", "Gọi 111"),
        ("Đường dây nóng", "Gọi 111"),
        ("giup", "Dành cho"),
        ("trợ giúp", "Dành cho"),
        # A plea, or danger with a journey's words in it: the numbers first, not the journey.
        ("giúp tôi với", "113"),
        ("giup em voi ba dang danh con em", "113"),
        ("tài liệu gì đâu, con bé đang bị đánh ngoài hẻm", "113"),
        # The hotline and the report are asked for in whole sentences too.
        ("cho em xin số đường dây nóng với ạ", "111"),
        ("em cần số khẩn cấp ngay bây giờ", "113"),
        ("báo cáo trẻ bị đánh", "Trước hết"),  # short: the report asks about danger
        # Danger beside the hotline's words: the numbers and the tip, not the bare hotline.
        ("ba đang đánh con em, cho em xin số khẩn cấp", "📨"),
        ("HƯỚNG DẪN", "Dành cho"),
        ("bao cao", "Trước hết"),
        ("báo cáo", "Trước hết"),
        ("BAO CAO", "Trước hết"),
        ("tai lieu", "Tài liệu truyền thông"),
        ("tài liệu", "Tài liệu truyền thông"),
        ("sự kiện", "📅"),
        ("su kien", "📅"),
        ("thong tin", "Thông tin cho phụ huynh"),
        ("xin chào bot", "Chào bạn!"),
        ("cam on nha", "không có gì"),
        # Journey words in a longer sentence are not a request for that journey.
        ("cho em hỏi cách giúp con học tốt hơn", "chưa hiểu"),
    ],
)
async def test_keyword_routing_with_and_without_diacritics(tg, typed, expected):
    mai = tg.user("Mai")
    await mai.send("/start")
    await mai.press(PARENT)
    await mai.send(typed)
    assert expected in mai.last_text


async def test_hotline_button_always_answers_111_and_113(tg):
    mai = tg.user("Mai")
    await mai.send("/start")
    await mai.press(PARENT)
    await mai.press("☎️ Đường dây nóng 111")
    assert "111" in mai.last_text and "113" in mai.last_text and "24/7" in mai.last_text


async def test_the_hotline_asked_for_before_choosing_a_role_gets_the_numbers(tg):
    mai = tg.user("Mai")
    await mai.send("/start")
    seen = len(mai.bot_messages)
    await mai.send("cho em xin số đường dây nóng với ạ")
    answers = [m.content or "" for m in mai.bot_messages[seen:]]
    assert "111" in answers[0] and "113" in answers[0]
    assert PARENT in mai.buttons  # and the first question again


async def test_deep_link_is_recorded_once_and_malformed_ignored(tg):
    mai = tg.user("Mai")
    await mai.send("/start poster_Q8-P05_m3")
    await mai.send("/start other")
    assert (await users.get(tg.db, mai.id)).source == "poster_Q8-P05_m3"
    hoa = tg.user("Hoa")
    await hoa.send("/start bad$payload!")
    assert (await users.get(tg.db, hoa.id)).source is None
    assert "Xin chào" in hoa.last_text


async def test_admin_commands_promote_move_deactivate_are_audited(tg):
    lan = tg.user("Lan")
    await sign_up(lan, COLLABORATOR)
    await tg.admin.send(f"/promote {lan.id} staff")
    assert "Xong" in tg.admin.last_text
    assert "cán bộ" in lan.last_text and "📁 Hồ sơ" in lan.reply_buttons  # told, with the menu
    await tg.admin.send(f"/move {lan.id} Đa Phước")  # an old name leads to today's unit
    await tg.admin.send(f"/move {lan.id} XX")
    assert "Không có phường, xã" in tg.admin.last_text
    await tg.admin.send(f"/deactivate {lan.id}")
    user = await users.get(tg.db, lan.id)
    assert (user.role, user.district, user.ward, user.status) == (
        "staff",
        "BC",
        "27628",
        "deactivated",
    )
    assert user.menu_role == "public"
    assert "tạm ngừng quyền" in lan.last_text and "111" in lan.last_text  # not "updated"
    assert "📁 Hồ sơ" not in lan.reply_buttons
    actions = [e.action for e in await audit.entries(tg.db, "user", lan.id)]
    assert actions[-3:] == ["promote", "move", "deactivate"]
    told = len(lan.bot_messages)
    await tg.admin.send(f"/deactivate {lan.id}")  # again, or another change: told once only
    await tg.admin.send(f"/move {lan.id} Đa Phước")
    await tg.outbox_sent()
    assert len(lan.bot_messages) == told
    # Non-administrators cannot.
    await lan.send(f"/promote {tg.admin.id} public")
    assert "Chỉ quản trị viên" in lan.last_text
    assert (await users.get(tg.db, tg.admin.id)).is_admin


async def test_pending_list_for_admin(tg):
    lan = tg.user("Lan")
    await sign_up(lan, COLLABORATOR)
    await tg.admin.send("/pending")
    assert "Nguyễn Thị Lan" in tg.admin.last_text
    await tg.admin.send("/users collaborator")
    views = [
        (e.actor_id, e.action, e.detail.get("shown"))
        for e in await audit.entries(tg.db)
        if e.action.startswith("view_")
    ]
    assert views == [(tg.admin.id, "view_pending", 1), (tg.admin.id, "view_people", 0)]
    await tg.admin.press("✅ Duyệt")
    assert (await users.get(tg.db, lan.id)).is_collaborator


async def test_blocked_user_is_marked_unreachable_and_back_when_writing(tg):
    mai = tg.user("Mai")
    await mai.send("/start")
    await mai.block()
    assert not (await users.get(tg.db, mai.id)).reachable
    await mai.unblock()
    await mai.send("/menu")
    assert (await users.get(tg.db, mai.id)).reachable


async def test_command_menu_per_language_and_staff_scope(tg):
    scope = {"type": "all_private_chats"}
    vi = {c["command"]: c["description"] for c in tg.server.my_commands(scope, "vi")}
    en = {c["command"]: c["description"] for c in tg.server.my_commands(scope, "en")}
    assert vi["report"] == "Báo cáo trẻ cần hỗ trợ"
    assert en["report"] == "Report a child who needs help"
    assert "cases" not in vi and "broadcast" not in en  # staff commands are not public
    admin_scope = {"type": "chat", "chat_id": tg.admin.id}
    assert "cases" in [c["command"] for c in tg.server.my_commands(admin_scope)]
