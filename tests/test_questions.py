"""Questions to staff: the whole ticket round trip with the asker kept anonymous, routing,
danger words, escalation after 24 hours, spam limits and forged buttons."""

from __future__ import annotations

from bot import questions as rules
from bot.crypto import cipher_for
from storage import audit, users
from storage import questions as store
from tests.test_parents_info import make_parent, make_staff

ASK = "💬 Đặt câu hỏi"
ANONYMOUS = "🙈 Giữ ẩn danh"
QUESTION = "Con tôi 7 tuổi dạo này hay sợ hãi khi đến nhà người quen, tôi nên hỏi con thế nào?"


def staff_texts(person) -> str:
    return "\n".join((m.content or "") for m in person.transcript)


async def ask(parent, text=QUESTION, anonymous=True):
    await parent.press(ASK)
    await parent.send(text)
    if anonymous:
        await parent.press(ANONYMOUS)


async def test_round_trip_keeps_the_asker_anonymous(tg):
    duong = tg.user("Thuỳ Dương", language="vi", username="duong_me_be", last_name="Trần")
    await duong.send("/start")
    await duong.press("👪 Phụ huynh hoặc người dân")
    await users.update(tg.db, duong.id, tg.clock.now(), district="Q8", ward="27418")
    mai = await make_staff(tg, "Mai", "Q8")
    tam = await make_staff(tg, "Tâm", "BC")

    await duong.press(ASK)
    assert "không thấy tên" in duong.last_text
    await duong.send(QUESTION)
    assert "ẩn danh" in duong.last_text.lower() or ANONYMOUS in duong.buttons
    await duong.press(ANONYMOUS)
    assert "H0001" in duong.last_text and "Quận 8" in duong.last_text
    assert "🗂" not in duong.reply_buttons[0]  # the parent's menu is back
    assert (await store.get(tg.db, 1)).state == "open"

    # Only staff of the parent's district receive it, protected from forwarding.
    alert = mai.last
    assert "H0001" in alert.content and "hay sợ hãi" in alert.content
    assert "Phường Chánh Hưng" in alert.content and "ẩn danh" in alert.content
    assert alert.protect_content
    assert not [m for m in tam.bot_messages if "H0001" in (m.content or "")]

    await mai.press("✍️ Trả lời")
    await mai.send(
        "Chị nên trò chuyện nhẹ nhàng, không ép con kể. Chị có thể gọi 111 để được tư vấn miễn phí."
    )
    assert "đã được gửi" in mai.last_text
    assert "Trả lời câu hỏi H0001" in duong.last_text and "trò chuyện nhẹ nhàng" in duong.last_text
    assert "Mai" not in duong.last_text
    assert (await store.get(tg.db, 1)).state == "answered"

    await duong.press("↩️ Trả lời")
    await duong.send("Cảm ơn chị, nếu con vẫn sợ thì tôi có nên đưa con đi khám không?")
    assert (await store.get(tg.db, 1)).state == "open"
    assert "H0001" in mai.last_text and "đưa con đi khám" in mai.last_text
    await mai.press("✍️ Trả lời")
    await mai.send("Có chị nhé, và báo cho cán bộ phường nếu thấy dấu hiệu bất thường.")
    await duong.press("✅ Đóng câu hỏi, cảm ơn")
    assert (await store.get(tg.db, 1)).state == "closed"

    # Mai's copies now say the asker closed it; a Reply pressed on a stale copy is refused.
    copies = [m for m in mai.bot_messages if "H0001" in (m.content or "") and "“" in m.content]
    assert len(copies) == 2 and all("Người hỏi đã đóng câu hỏi" in m.content for m in copies)
    assert not any(m.inline_keyboard for m in copies)
    answer = await mai.press_data("qst:reply:1")
    assert answer["show_alert"]

    transcript = staff_texts(mai)
    for secret in ("Thuỳ", "Dương", "Trần", "duong_me_be", str(duong.id)):
        assert secret not in transcript
    actions = [(e.actor_id, e.action) for e in await audit.entries(tg.db, "question", 1)]
    assert actions == [
        (duong.id, "question_open"),
        (mai.id, "question_answer"),
        (duong.id, "question_follow_up"),
        (mai.id, "question_answer"),
        (duong.id, "question_close"),
    ]
    assert len(await store.messages(tg.db, 1)) == 4


async def test_unknown_district_goes_to_programme_staff_and_admins(tg):
    lan = await make_parent(tg)
    programme = await make_staff(tg, "Điều phối", None, scope="all")  # the whole programme
    district_staff = await make_staff(tg, "Mai", "Q8")
    await lan.press(ASK)
    await lan.press("Tôi không chắc")
    await lan.send("Làm sao để biết con có bị bắt nạt ở trường không ạ?")
    await lan.press(ANONYMOUS)
    assert "cán bộ chương trình" in lan.last_text
    assert "H0001" in tg.admin.last_text and "chưa rõ nơi" in tg.admin.last_text
    assert "H0001" in programme.last_text
    assert not [m for m in district_staff.bot_messages if "H0001" in (m.content or "")]
    # District staff may not answer a ticket of unknown district; programme staff may.
    assert (await district_staff.press_data("qst:reply:1"))["show_alert"]
    await programme.press("✍️ Trả lời")
    await programme.send("Chị để ý xem con có vết bầm hay sợ đi học không nhé.")
    assert "vết bầm" in lan.last_text


async def test_shared_contact_and_photo_reach_staff(tg):
    lan = tg.user("Lan", language="vi", phone="+84909000111")
    await lan.send("/start")
    await lan.press("👪 Phụ huynh hoặc người dân")
    await users.update(tg.db, lan.id, tg.clock.now(), district="BC", ward=None)
    tam = await make_staff(tg, "Tâm", "BC")
    await lan.press(ASK)
    await lan.send_photo(caption=None)
    assert "Đã nhận ảnh" in lan.last_text
    await lan.send_sticker()
    assert "viết câu hỏi" in lan.last_text  # a sticker is not a question: stay on the step
    await lan.send("Tờ rơi này nói về quyền trẻ em, tôi có thể xin thêm ở đâu?")
    await lan.press("📱 Chia sẻ số điện thoại")
    await lan.press("📱 Chia sẻ số điện thoại")  # the reply-keyboard contact button
    assert "H0001" in lan.last_text
    question = await store.get(tg.db, 1, cipher_for(tg.app.services))  # stored encrypted
    assert question.contact_shared and question.contact_phone == "+84909000111"
    texts = staff_texts(tam)
    assert "+84909000111" in texts and "chia sẻ liên hệ" in texts
    assert any(m.photo and m.protect_content for m in tam.bot_messages)


async def test_danger_words_show_hotlines_at_once_and_flag_the_ticket(tg):
    lan = await make_parent(tg, district="Q8", ward="27427")
    mai = await make_staff(tg, "Mai", "Q8")
    await lan.press(ASK)
    await lan.send("Bé nhà bên cạnh bị bố dượng đánh hằng đêm, cháu còn nói muốn tự tử")
    danger = [m.content for m in lan.bot_messages if "113" in (m.content or "")]
    assert danger and "111" in danger[-1]
    await lan.press(ANONYMOUS)
    assert (await store.get(tg.db, 1)).danger
    assert "⚠️" in mai.last_text
    # The disclosure can also become a case at once, from the emergency answer's button.
    answer = next(m for m in lan.bot_messages if "📨 Báo ngay cho cán bộ" in m.buttons)
    await lan.press_at(answer.message_id, answer.buttons.index("📨 Báo ngay cho cán bộ") + 1)
    assert await tg.db.fetchvalue("SELECT count(*) FROM cases") == 1


async def test_unanswered_ticket_is_escalated_to_admins_once(tg):
    lan = await make_parent(tg, district="Q8", ward="27427")
    await make_staff(tg, "Mai", "Q8")
    await ask(lan)
    await ask(lan, "Câu hỏi thứ hai: trẻ 15 tuổi có được đi làm thêm buổi tối không?")
    # The second one gets an answer before the deadline: it is not escalated.
    other_staff = await make_staff(tg, "Hùng", "Q8")
    await other_staff.press_data("qst:reply:2")
    await other_staff.send("Trẻ dưới 16 tuổi chỉ được làm công việc nhẹ, theo quy định.")

    def escalations():
        return [m for m in tg.admin.bot_messages if "24 giờ" in (m.content or "")]

    await tg.tick(hours=23)
    assert escalations() == []
    await tg.tick(hours=2)
    assert len(escalations()) == 1 and "H0001" in escalations()[0].content
    assert "✍️ Trả lời" in escalations()[0].buttons
    await tg.tick(hours=25)
    assert len(escalations()) == 1
    assert [e.action for e in await audit.entries(tg.db, "question", 1)][-1] == "question_escalate"
    # Still nothing personal in what administrators see.
    assert "Lan" not in "\n".join(m.content or "" for m in escalations())


async def test_at_most_five_open_questions(tg):
    lan = await make_parent(tg, district="Q8", ward="27427")
    await make_staff(tg, "Mai", "Q8")
    for number in range(rules.MAX_OPEN_PER_USER):
        await ask(lan, f"Câu hỏi số {number + 1} về quyền trẻ em của con tôi")
    await lan.press(ASK)
    assert "5 câu hỏi" in lan.last_text and "/myquestions" in lan.last_text
    await lan.send("/myquestions")
    assert "H0005" in lan.last_text and "đang chờ cán bộ" in lan.last_text
    listed = lan.last
    answer = await lan.press("✅ Đóng H0003")
    # The list it was closed from says so in place; the other questions keep their Close.
    assert answer is not None and "H0003" in answer["text"]
    assert listed.edit_count == 1 and "H0003 · Thứ Ba, 25/05/2021 · đã đóng" in listed.content
    assert listed.buttons == [f"✅ Đóng H000{n}" for n in (5, 4, 2, 1)]
    assert "H0001 · Thứ Ba, 25/05/2021 · đang chờ cán bộ" in listed.content
    await ask(lan, "Câu hỏi mới sau khi đóng một câu cũ")
    assert "H0006" in lan.last_text


async def test_spam_marking_blocks_new_questions_and_can_be_undone(tg):
    lan = await make_parent(tg, district="Q8", ward="27427")
    mai = await make_staff(tg, "Mai", "Q8")
    await ask(lan, "mua hàng giá rẻ tại đây nhé các bạn ơi")
    await mai.press("🚫 Đánh dấu tin rác")
    assert "không thể gửi câu hỏi" in mai.last_text
    assert (await store.get(tg.db, 1)).state == "closed"
    await lan.press(ASK)
    assert "không thể gửi câu hỏi" in lan.last_text
    assert await store.count_unclosed(tg.db, lan.id) == 0
    await mai.press("↩️ Bỏ đánh dấu tin rác")
    await ask(lan, "Xin lỗi, tôi muốn hỏi về tập huấn cho phụ huynh")
    assert "H0002" in lan.last_text
    assert [e.action for e in await audit.entries(tg.db, "question", 1)] == [
        "question_open",
        "question_spam",
        "question_unspam",
    ]


async def test_forged_buttons_on_another_districts_ticket_change_nothing(tg):
    lan = await make_parent(tg, district="Q8", ward="27427")
    await make_staff(tg, "Mai", "Q8")
    tam = await make_staff(tg, "Tâm", "BC")
    hoa = await make_parent(tg, "Hoa", district="Q8", ward="27424")
    await ask(lan)
    await tam.send("/menu")
    for data in ("qst:reply:1", "qst:close:1", "qst:spam:1", "qst:unspam:1"):
        answer = await tam.press_data(data)
        assert answer["show_alert"], data
    for data in ("qst:reply:1", "qst:close:1", "qst:reply:abc", "qst:reply:999"):
        answer = await hoa.press_data(data)
        assert answer["show_alert"], data
    assert (await store.get(tg.db, 1)).state == "open"
    assert not await store.is_blocked(tg.db, lan.id)
    assert len(await store.messages(tg.db, 1)) == 1
    entries = await audit.entries(tg.db, "question", 1)
    assert [e.action for e in entries if e.action != "refused"] == ["question_open"]
    # Every refused attempt is audited: who, what, which ticket (issue 14).
    assert {(e.actor_id, e.detail["attempted"]) for e in entries if e.action == "refused"} >= {
        (tam.id, "question_close"),
        (tam.id, "question_spam"),
    }


async def test_wrong_input_at_each_step_keeps_the_step(tg):
    lan = await make_parent(tg, district="Q8", ward="27427")
    await lan.press(ASK)
    await lan.send("?!")
    assert "bằng chữ" in lan.last_text
    await lan.send("x" * 2001)
    assert "2.000" in lan.last_text
    await lan.send("Trẻ em có quyền được vui chơi không?")
    await lan.send_sticker()
    assert "Giữ ẩn danh" in lan.last_text
    await lan.send("/cancel")
    assert "Đã hủy" in lan.last_text
    assert await store.count_unclosed(tg.db, lan.id) == 0


async def test_question_survives_a_restart_midway(tg):
    lan = await make_parent(tg, district="Q8", ward="27427")
    await make_staff(tg, "Mai", "Q8")
    await lan.press(ASK)
    await lan.send("Con tôi bị bạn lớp trên bắt nạt, tôi nên làm gì?")
    await tg.restart()
    await lan.press(ANONYMOUS)
    assert "H0001" in lan.last_text


async def test_english_speaker_asks_in_english(tg):
    john = await make_parent(tg, "John", language="en", district="Q8", ward="27427")
    mai = await make_staff(tg, "Mai", "Q8")
    await john.press("💬 Ask a question")
    assert "will not see your name" in john.last_text
    await john.send("How do I talk to my daughter about online safety?")
    await john.press("🙈 Stay anonymous")
    assert "H0001" in john.last_text
    await mai.press("✍️ Trả lời")
    await mai.send("Hãy đọc mục An toàn trên mạng trong /info nhé.")
    assert "Answer to your question H0001" in john.last_text


async def test_question_typed_before_the_district_is_kept_and_danger_answered_at_once(tg):
    parent = tg.user("Ngọc")
    await parent.send("/start")
    await parent.press("👪 Phụ huynh hoặc người dân")
    await parent.press(ASK)  # no district known yet: the bot asks for it first
    await parent.send("Con tôi bị bạn đánh ở trường thì làm sao?")
    texts = [m.content or "" for m in parent.bot_messages[-2:]]
    assert "111" in texts[0] and "113" in texts[0]  # the danger answer comes at once
    assert "phường, xã" in texts[1]
    await parent.press(
        "Phường Chánh Hưng"
    )  # straight on to the contact choice: nothing typed twice
    assert ANONYMOUS in parent.buttons
    await parent.press(ANONYMOUS)
    question = await store.get(tg.db, 1, cipher_for(tg.app.services))
    assert question.district == "Q8" and question.danger
    [first] = await store.messages(tg.db, 1, cipher_for(tg.app.services))
    assert first.text == "Con tôi bị bạn đánh ở trường thì làm sao?"


async def test_a_message_after_a_crash_before_the_contact_step_was_stored_is_not_a_new_question(tg):
    """Save, then ask: the question is stored before the contact step goes out; if the bot
    stopped before the conversation's new state was stored, the next message does not
    replace the question — the contact step is asked again."""
    lan = await make_parent(tg, district="Q8", ward="Q8-P01")
    await lan.press(ASK)
    await lan.send(QUESTION)
    assert ANONYMOUS in lan.buttons
    # As if killed before PTB stored the new state: the conversation is back at the question.
    await tg.db.execute("UPDATE ptb_conversations SET state = '1' WHERE name = 'questions'")
    await tg.restart()
    await lan.send("🙈 Giữ ẩn danh")
    assert ANONYMOUS in lan.buttons  # the contact step again, the question kept
    await lan.press(ANONYMOUS)
    [message] = await store.messages(tg.db, 1, cipher_for(tg.app.services))
    assert message.text == QUESTION


# -- the service refuses by itself (a handler that forgets a check or a decorator) ---------------


async def test_the_service_refuses_and_audits_without_any_handler_check(tg):
    import pytest

    from bot.questions.service import QuestionService

    lan = await make_parent(tg, district="Q8", ward="27427")
    hoa = await make_parent(tg, "Hoa", district="Q8", ward="27424")
    await make_staff(tg, "Mai", "Q8")
    tam = await make_staff(tg, "Tâm", "BC")
    await ask(lan)
    service = QuestionService(tg.app.services)
    parent = await users.get(tg.db, hoa.id)
    outsider = await users.get(tg.db, tam.id)
    attempts = [
        ("question_reply", service.answer(parent, 1, "Tôi trả lời thay cán bộ nhé")),
        ("question_spam", service.mark_spam(parent, 1)),
        ("question_unspam", service.unmark_spam(parent, 1)),
        ("question_close", service.close(parent, 1)),
        ("question_reply", service.follow_up(parent, 1, "Tôi viết thêm vào câu hỏi của Lan")),
        ("question_reply", service.side(parent, 1)),
        ("question_reply", service.answer(outsider, 1, "Cán bộ huyện khác trả lời")),
        ("question_spam", service.mark_spam(outsider, 1)),
        ("question_close", service.close(outsider, 1)),
    ]
    for _attempted, attempt in attempts:
        with pytest.raises(rules.PermissionDenied):
            await attempt
    assert (await store.get(tg.db, 1)).state == "open"
    assert not await store.is_blocked(tg.db, lan.id)
    assert len(await store.messages(tg.db, 1)) == 1
    refused = [
        (e.actor_id, e.detail["attempted"])
        for e in await audit.entries(tg.db, "question", 1)
        if e.action == "refused"
    ]
    assert refused == [
        (who.id, attempted)
        for who, (attempted, _coroutine) in zip([hoa] * 6 + [tam] * 3, attempts, strict=True)
    ]


async def test_a_parent_pressing_a_staff_button_is_refused_politely_and_on_record(tg):
    lan = await make_parent(tg, district="Q8", ward="27427")
    await make_staff(tg, "Mai", "Q8")
    hoa = await make_parent(tg, "Hoa", district="Q8", ward="27424")
    await ask(lan)
    for data in ("qst:spam:1", "qst:unspam:1"):
        answer = await hoa.press_data(data)
        assert answer["show_alert"] and "cán bộ" in answer["text"], data
    assert not await store.is_blocked(tg.db, lan.id)
    refused = [e for e in await audit.entries(tg.db, "command") if e.action == "refused"]
    assert {(e.actor_id, e.detail["attempted"]) for e in refused} == {
        (hoa.id, "spam_button"),
        (hoa.id, "undo_spam_button"),
    }


async def test_forged_question_buttons_get_the_one_stale_answer(tg):
    lan = await make_parent(tg, district="Q8", ward="27427")
    await ask(lan)
    stale = tg.app.services.i18n("vi")("This button is no longer active. Please use /menu.")
    for data in ("qst:reply:abc", "qst:reply:999", "qst:close:x", "qst:add:", "qst:d:nowhere"):
        answer = await lan.press_data(data)
        assert answer["show_alert"] and answer["text"] == stale, data
    assert (await store.get(tg.db, 1)).state == "open"
