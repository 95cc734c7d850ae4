"""Issue 13, points 3 and 5, as people live them: a disclosure typed anywhere gets the numbers
and a one-tap tip to staff; the report's emergency path alerts staff before the report is sent;
emergency buttons work from any message, however old."""

from __future__ import annotations

from bot.crypto import cipher_for
from bot.hotline import emergency_text
from bot.reports import casework
from tests.reports_support import answer_until_review, person, vi

TIP = "📨 Báo ngay cho cán bộ"
SOS = "🆘 Khẩn cấp"


async def _cases(tg):
    return await tg.db.fetchall("SELECT id, code, district, ward, urgent FROM cases ORDER BY id")


def _emergency(who):
    return next(m for m in reversed(who.bot_messages) if "113" in (m.content or ""))


def _bot_texts(who, last: int = 4) -> list[str]:
    return [m.content or "" for m in who.bot_messages[-last:]]


# -- point 3: the answer to a disclosure ----------------------------------------------------------


async def test_a_disclosure_gets_the_numbers_and_one_tap_makes_a_case_for_the_area(tg):
    mai = await person(tg, "Mai", role="staff", district="Q8", ward=None)
    lan = await person(tg, "Lan", role="public", district="Q8", ward="27418")
    text = "bé nhà bên bị xâm hại tình dục"
    await lan.send(text)
    answer = _emergency(lan)
    assert answer.content.index("111") < answer.content.index("113")  # not now: 111 first
    assert TIP in answer.buttons
    assert "Thế nào là xâm hại" in lan.last_text  # then the topic that helps
    assert not await _cases(tg)

    await lan.press(TIP)
    (case,) = await _cases(tg)
    assert case["district"] == "Q8" and case["ward"] == "27418" and case["urgent"]
    assert case["code"] in lan.last_text and "ẩn danh" in lan.last_text
    assert "Phường Chánh Hưng" in lan.last_text  # the known place: nothing more to ask
    assert case["code"] in mai.last_text  # the area's staff alerted at once
    full = await casework.view(
        tg.db, cipher_for(tg.app.services), await _staff_user(tg, mai), case["id"], tg.clock.now()
    )
    assert full.description == text and not full.contact_consent

    answer = await lan.press_data("sos:tip")  # a second tap does not open a second case
    assert len(await _cases(tg)) == 1 and case["code"] in answer["text"]
    assert TIP not in _emergency(lan).buttons  # the tip button is gone once used
    assert "111" in _emergency(lan).content and TIP not in _emergency(lan).content


async def test_what_to_do_opens_below_and_the_numbers_and_tip_button_stay(tg):
    lan = await person(tg, "Lan", role="public", district="Q8", ward="27418")
    await lan.send("bé nhà bên bị cha dượng đánh bầm tím mỗi ngày")
    answer = _emergency(lan)
    await lan.press("🤝 Nên làm gì")
    kept = next(m for m in lan.bot_messages if m.message_id == answer.message_id)
    assert kept.content == answer.content and kept.edit_count == 0
    assert TIP in kept.buttons  # still one tap to pass it to staff after reading
    assert lan.bot_messages[-1].message_id != answer.message_id  # the topic is a new message
    assert "Nghi ngờ trẻ bị xâm hại: làm gì?" in lan.last_text
    await lan.press(TIP)
    (case,) = await _cases(tg)
    assert case["code"] in lan.last_text
    assert case["urgent"]  # a beating disclosed: the 12-hour clock, not five working days


async def _staff_user(tg, who):
    from storage import users

    return await users.get(tg.db, who.id)


async def test_a_tip_without_a_known_place_asks_it_in_one_tap_and_moves_to_that_area(tg):
    mai = await person(tg, "Mai", role="staff", district="Q8", ward=None)
    an = await person(tg, "An", role="staff", district="BC", ward=None)
    lan = await person(tg, "Lan", role="public", district=None, ward=None)
    await lan.send("e hok muon song nua")  # a child, unaccented, SMS spelling
    assert TIP in _emergency(lan).buttons and "🤝 Nên làm gì" in _emergency(lan).buttons
    # Words of self-harm are answered to the person who wrote them, the hotline first.
    assert _emergency(lan).content.startswith("💛 Bạn không một mình đâu. Gọi ngay 111")
    await lan.press(TIP)
    (case,) = await _cases(tg)
    assert case["ward"] == "" and case["district"] == ""  # a case at once, place unknown
    assert tg.admin.bot_messages and case["code"] in tg.admin.last_text  # programme staff know
    # Asked about themselves (it is most often the young person writing), not "the child";
    # the answer keeps its words to them once the tip is passed on.
    assert "Bạn đang ở khu vực nào" in lan.last_text and "Bỏ qua" in lan.buttons
    assert _emergency(lan).content.startswith("💛 Bạn không một mình đâu.")
    await lan.press("Phường Phú Định")
    (case,) = await _cases(tg)
    assert case["district"] == "Q8" and case["ward"] == "27427"
    assert case["code"] in mai.last_text
    assert not an.bot_messages or case["code"] not in an.last_text
    assert "Phường Phú Định" in lan.last_text


async def test_a_tip_can_skip_the_place(tg):
    lan = await person(tg, "Lan", role="public", district=None, ward=None)
    await lan.send("có người lạ dụ con nít lên xe ở cổng trường")
    await lan.press(TIP)
    await lan.press("Bỏ qua")
    (case,) = await _cases(tg)
    assert case["ward"] == "" and "Cán bộ chương trình" in lan.last_text


async def test_everyday_words_get_no_alarm(tg):
    lan = await person(tg, "Lan", role="public", district="Q8", ward="27418")
    for text in (
        "nhắc con đánh răng",
        "cho em xin danh sach lop",
        "dap an bai 3",
        "con thích đạp xe",
        "Hiep Phuoc co sinh hoat he ko",
    ):
        await lan.send(text)
        assert "113" not in lan.last_text, text
        assert all(TIP not in m.buttons for m in lan.bot_messages[-2:])


def test_the_emergency_answer_fits_a_small_phone_screen(tg):
    _ = vi(tg)
    for now in (False, True):
        for tip in (False, True):
            for writer in ({}, {"self_harm": True}, {"about_self": True}):
                text = emergency_text(_, now=now, tip=tip, **writer)
                # About 35 characters a line on a small phone: at most ~8 lines on screen.
                lines = sum(1 + len(line) // 36 for line in text.splitlines())
                assert lines <= 9, (now, tip, writer, lines)
                assert "111" in text and "113" in text and "115" in text
    assert emergency_text(_, now=True).index("113") < emergency_text(_, now=True).index("111")


async def test_danger_now_puts_police_and_ambulance_first(tg):
    lan = await person(tg, "Lan", role="public", district="Q8", ward="27418")
    await lan.send("bé đang bất tỉnh, chảy máu nhiều")
    text = _emergency(lan).content
    assert text.index("113") < text.index("111")


# -- point 5: the report's emergency path ---------------------------------------------------------


async def test_yes_in_danger_now_alerts_the_area_at_once_before_the_report_is_sent(tg):
    mai = await person(tg, "Mai", role="staff", district="Q8", ward=None)
    lan = await person(tg, "Lan")  # a collaborator of Phường 5, Quận 8
    await lan.send("/report")
    await lan.press("🚨 Có, đang nguy hiểm")
    assert any("111" in t and "113" in t for t in _bot_texts(lan))
    alert = mai.last_text
    assert "nguy hiểm ngay lúc này" in alert and "ẩn danh" in alert
    assert not await _cases(tg)  # nothing sent yet: the alert came first
    assert "Trẻ đang ở đâu" in lan.last_text  # and the report goes on
    alerts = len(mai.bot_messages)
    await lan.press(SOS)  # a second 🆘 shows the numbers again, staff are not alerted twice
    assert any("113" in t for t in _bot_texts(lan))
    assert len(mai.bot_messages) == alerts


async def test_an_urgent_report_left_unsent_is_followed_up_once(tg):
    mai = await person(tg, "Mai", role="staff", district="Q8", ward=None)
    lan = await person(tg, "Lan")  # a collaborator of Phường 5, Quận 8
    await lan.send("/report")
    await lan.press("🚨 Có, đang nguy hiểm")
    alerts = len(mai.bot_messages)
    await tg.tick(minutes=25)  # not yet: nobody is disturbed
    assert len(mai.bot_messages) == alerts
    await lan.press("Phường Chánh Hưng")  # still writing at 25 minutes
    await tg.tick(minutes=6)
    await tg.outbox_sent()
    assert len(mai.bot_messages) == alerts  # 31 minutes, but touched 6 minutes ago
    await tg.tick(minutes=5)
    await tg.outbox_sent()
    assert lan.last_text.startswith("🚨 Báo cáo khẩn cấp của bạn chưa được gửi.")
    assert "/report" in lan.last_text and "113" in lan.last_text
    assert "vẫn chưa được gửi" in mai.last_text and "Người báo đã được nhắc" in mai.last_text
    assert len(mai.bot_messages) == alerts + 1
    await tg.tick(hours=5)  # once only
    await tg.outbox_sent()
    assert len(mai.bot_messages) == alerts + 1
    assert not await _cases(tg)


async def test_an_urgent_report_sent_in_time_is_not_followed_up(tg):
    mai = await person(tg, "Mai", role="staff", district="Q8", ward=None)
    lan = await person(tg, "Lan")
    await answer_until_review(tg, lan, urgent=True)
    await lan.press("✅ Gửi")
    assert len(await _cases(tg)) == 1
    seen = len(mai.bot_messages)
    await tg.tick(hours=1)
    await tg.outbox_sent()
    assert not any("vẫn chưa được gửi" in (m.content or "") for m in mai.bot_messages[seen:])


async def test_sos_later_in_the_report_alerts_with_the_place_given(tg):
    mai = await person(tg, "Mai", role="staff", district="Q8", ward=None)
    lan = await person(tg, "Lan", role="public", district=None, ward=None)
    await lan.send("/report")
    await lan.press("Không, hiện chưa")
    await lan.press("Phường Bình Đông")
    await lan.press(SOS)
    assert "Phường Bình Đông" in mai.last_text and "nguy hiểm" in mai.last_text
    assert "Bỏ qua" in lan.buttons  # the place question again, to continue


async def test_typed_yes_at_the_danger_question_is_understood(tg):
    mai = await person(tg, "Mai", role="staff", district="Q8", ward=None)
    lan = await person(tg, "Lan")
    await lan.send("/report")
    await lan.send("dạ có")
    assert "nguy hiểm ngay lúc này" in mai.last_text
    assert "Trẻ đang ở đâu" in lan.last_text


async def test_an_old_sos_button_always_works(tg):
    lan = await person(tg, "Lan")
    await lan.send("/report")
    first = next(m for m in reversed(lan.bot_messages) if m.inline_keyboard)
    old = next(d for d in first.callback_data() if d.startswith("rep:sos:"))
    await lan.press("Không, hiện chưa")
    await lan.press("📍 Phường Chánh Hưng — xác nhận")
    # The 🆘 of the first question, still on the person's screen: it works, not "expired".
    answer = await lan._callback(lan.user, first.message_id, old, forge=True)
    assert not (answer or {}).get("show_alert")
    assert any("113" in t for t in _bot_texts(lan))
    await lan.send("/cancel")  # the report is closed now
    answer = await lan._callback(lan.user, first.message_id, old, forge=True)
    assert not (answer or {}).get("show_alert")
    assert "113" in lan.last_text
    answer = await lan.press_data("sos:num")
    assert "113" in lan.last_text and not (answer or {}).get("show_alert")
    await lan.send("🆘 Khẩn cấp")  # the old reply-keyboard button of the location step
    assert "113" in lan.last_text


async def test_the_reporters_number_reaches_staff_only_with_consent(tg):
    from tests.reports_support import answer_until_review

    mai = await person(tg, "Mai", role="staff", district="Q8", ward=None)
    lan = await person(tg, "Lan")
    await answer_until_review(tg, lan, share_phone=True)
    await lan.press(SOS)  # at the review, after agreeing to be called back
    assert lan.user.phone in mai.last_text and "Phường Chánh Hưng" in mai.last_text
    hoa = await person(tg, "Hoa")
    await answer_until_review(tg, hoa, share_phone=False)
    await hoa.press(SOS)
    assert hoa.user.phone not in mai.last_text and "ẩn danh" in mai.last_text


async def test_staff_can_open_and_accept_a_tip_without_a_place(tg):
    _ = vi(tg)
    lan = await person(tg, "Lan", role="public", district=None, ward=None)
    await lan.send("em bị ba đánh hoài, em sợ lắm")
    await lan.press(TIP)
    await lan.press("Bỏ qua")
    (case,) = await _cases(tg)
    admin = tg.admin
    await admin.press(_("📄 Details"))
    assert case["code"] in admin.last_text and "em bị ba đánh hoài" in admin.last_text
    await admin.send("/cases")
    assert any(case["code"] in label for label in admin.buttons)


async def test_a_place_typed_at_the_tip_question_counts_as_the_tap(tg):
    mai = await person(tg, "Mai", role="staff", district="Q8", ward=None)
    lan = await person(tg, "Lan", role="public", district=None, ward=None)
    await lan.send("có người lạ dụ con nít lên xe ở cổng trường")
    await lan.press(TIP)
    asked = lan.bot_messages[-1]
    assert "Trẻ ở khu vực nào" in asked.content
    await lan.send("p4 q8")  # an old name, unaccented, as people type it
    (case,) = await _cases(tg)
    assert case["district"] == "Q8" and case["ward"] == "27418"
    assert case["code"] in mai.last_text
    assert lan.last_text == "Cảm ơn bạn. Cán bộ Phường Chánh Hưng đã nhận tin."
    question = next(m for m in lan.bot_messages if m.message_id == asked.message_id)
    assert not question.buttons  # answered: its place buttons are gone
    # Later text is ordinary text again, not a place answer.
    await lan.send("p4 q8")
    assert (await _cases(tg))[0]["ward"] == "27418"
    assert "Cảm ơn bạn. Cán bộ" not in lan.last_text


async def test_words_of_self_harm_lead_to_what_helps_the_young_person(tg):
    lan = await person(tg, "Lan", role="public", district="Q8", ward="27418")
    await lan.send("e mun chet")
    await lan.press("🤝 Nên làm gì")
    assert "Nếu bạn đang nghĩ đến chuyện làm hại bản thân" in lan.last_text
    assert "Nghi ngờ trẻ bị xâm hại" not in lan.last_text


async def test_taking_it_back_after_the_alarm_gets_a_warm_word_not_a_shrug(tg):
    lan = await person(tg, "Lan", role="public", district="Q8", ward="27418")
    await lan.send("e hok muon song nua")
    await lan.send("thôi ko có gì đâu")
    assert lan.last_text.startswith("💛 Không sao đâu. Mình vẫn ở đây")
    assert "111" in lan.last_text and "chưa hiểu" not in lan.last_text
    # A day later it is ordinary text again (no alarm to take back).
    tg.clock.advance(hours=25)
    await lan.send("thôi ko có gì đâu")
    assert not lan.last_text.startswith("💛")


async def test_danger_typed_as_a_landmark_is_the_emergency_path(tg):
    mai = await person(tg, "Mai", role="staff", district="Q8", ward=None)
    lan = await person(tg, "Lan")
    await lan.send("/report")
    await lan.press("Không, hiện chưa")
    await lan.press("📍 Phường Chánh Hưng — xác nhận")
    await lan.send("nó đang đánh con bé ngoài hẻm")  # at "which street or landmark?"
    assert any("113" in text for text in _bot_texts(lan))
    assert "nguy hiểm ngay lúc này" in mai.last_text  # staff alerted at once
    draft = await tg.db.fetchvalue("SELECT count(*) FROM report_drafts")
    assert draft == 1


async def test_a_split_old_ward_typed_at_the_tip_question_offers_its_parts(tg):
    await person(tg, "Mai", role="staff", district="Q8", ward=None)
    lan = await person(tg, "Lan", role="public", district=None, ward=None)
    await lan.send("ba đang đánh con em")
    await lan.press(TIP)
    await lan.send("phường 7 quận 8")  # split between Bình Đông and Bình Hưng
    assert "nhiều phường, xã" in lan.last_text
    assert {"Phường Bình Đông", "Xã Bình Hưng"} <= set(lan.buttons)
    await lan.press("Phường Bình Đông")
    (case,) = await _cases(tg)
    assert case["ward"] == "27424"
    # Both place questions are closed: no stale tap is left.
    assert not any("Xã Tân Nhựt" in m.buttons for m in lan.bot_messages)


async def test_a_place_outside_the_programme_at_the_tip_question_is_answered(tg):
    lan = await person(tg, "Lan", role="public", district=None, ward=None)
    await lan.send("ba đang đánh con em")
    await lan.press(TIP)
    await lan.send("phường Bến Thành")
    assert "ngoài địa bàn" in lan.last_text and "113" in lan.last_text


async def test_a_disclosure_with_a_prevention_topic_keeps_what_to_do(tg):
    lan = await person(tg, "Lan", role="public", district="Q8", ward="27418")
    await lan.send("con em bị chú hàng xóm sờ vùng kín")
    assert "🤝 Nên làm gì" in _emergency(lan).buttons


async def test_danger_beside_the_hotline_s_words_gets_the_numbers_and_the_tip(tg):
    lan = await person(tg, "Lan", role="public", district="Q8", ward="27418")
    await lan.send("chú hàng xóm đang sờ vùng kín bé, khẩn cấp")
    answer = _emergency(lan)
    assert TIP in answer.buttons and "113" in answer.content


async def test_a_child_writing_of_their_own_harm_is_answered_to_them(tg):
    lan = await person(tg, "Lan", role="public", district=None, ward=None)
    await lan.send("em bị bố đánh hoài, em sợ về nhà")
    answer = _emergency(lan)
    assert answer.content.startswith("💛 Đây không phải lỗi của bạn")
    await lan.press(TIP)
    assert "Bạn đang ở khu vực nào" in lan.last_text  # asked about them, not "the child"
    assert _emergency(lan).content.startswith("💛 Đây không phải lỗi của bạn")
    # A parent speaking of a child is answered about the child, as before.
    mai = await person(tg, "Mai", role="public", district="Q8", ward="27418")
    await mai.send("bé nhà bên bị cha dượng đánh bầm tím")
    assert _emergency(mai).content.startswith("⚠️ Một em nhỏ có thể đang gặp nguy hiểm")


async def test_in_danger_now_taken_back_is_told_to_the_staff_alerted(tg):
    mai = await person(tg, "Mai", role="staff", district="Q8", ward=None)
    lan = await person(tg, "Lan")
    await lan.send("/report")
    await lan.press("🚨 Có, đang nguy hiểm")
    alerts = len(mai.bot_messages)
    await lan.press("‹ Quay lại")  # back to the first question
    await lan.press("Không, hiện chưa")
    seen = len(lan.bot_messages)
    await tg.tick(minutes=45)
    await tg.outbox_sent()
    assert len(mai.bot_messages) == alerts + 1
    assert "hiện không còn gặp nguy hiểm ngay" in mai.last_text and "113" not in mai.last_text
    assert not any("chưa được gửi" in (m.content or "") for m in lan.bot_messages[seen:])
