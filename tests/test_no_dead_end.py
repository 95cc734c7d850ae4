"""Issue 13, point 4: no message is a dead end. What the bot does not understand gets the
closest topics and one tap to staff; a question in progress is never overwritten; a follow-up
goes into the same question; the topics parents ask about exist."""

from __future__ import annotations

from bot import info
from bot.crypto import cipher_for
from storage import questions as store
from tests.test_parents_info import make_parent, make_staff
from tests.test_questions import ANONYMOUS, ASK, ask

SEND = "💬 Gửi câu hỏi này cho cán bộ"


async def _texts_of_question(tg, question_id: int) -> list[str]:
    return [m.text for m in await store.messages(tg.db, question_id, cipher_for(tg.app.services))]


async def test_unknown_text_gets_one_tap_to_staff_with_exactly_that_text(tg):
    lan = await make_parent(tg, district="Q8", ward="27427")
    mai = await make_staff(tg, "Mai", "Q8")
    text = "làm sao để con chịu ăn rau"
    await lan.send(text)
    assert "chưa hiểu" in lan.last_text and SEND in lan.buttons
    await lan.press(SEND)
    assert "H0001" in lan.last_text and text in lan.last_text
    assert await _texts_of_question(tg, 1) == [text]
    assert text in mai.last_text and "H0001" in mai.last_text
    answer = await lan.press_data("qst:send")  # a second tap sends nothing more
    assert answer["show_alert"] and len(await store.of_asker(tg.db, lan.id)) == 1


async def test_unknown_text_gets_the_closest_topics(tg):
    lan = await make_parent(tg, district="Q8", ward="27427")
    await lan.send("con hay đòi chơi điện thoại người lạ nhắn tin")
    assert "📱 An toàn trên mạng" in lan.buttons and SEND in lan.buttons
    await lan.press("📱 An toàn trên mạng")
    assert "Giữ an toàn cho trẻ trên mạng" in lan.last_text


async def test_thanks_and_greetings_are_not_turned_into_questions(tg):
    lan = await make_parent(tg, district="Q8", ward="27427")
    await lan.send("cảm ơn")
    assert SEND not in lan.buttons


async def test_a_later_message_never_overwrites_the_question_and_the_person_confirms_it(tg):
    lan = await make_parent(tg, district="Q8", ward="27427")
    mai = await make_staff(tg, "Mai", "Q8")
    question = "Con tôi 9 tuổi hay nói dối, tôi nên làm sao?"
    await lan.press(ASK)
    await lan.send(question)
    assert f"Bạn sẽ gửi: “{question}”" in lan.last_text
    await lan.send("cảm ơn")
    await lan.send("hello")
    assert f"Bạn sẽ gửi: “{question}”" in lan.last_text and ANONYMOUS in lan.buttons
    await lan.send("Bé học lớp 4.")  # more words are added, and shown before sending
    assert "hay nói dối, tôi nên làm sao? Bé học lớp 4." in lan.last_text
    await lan.press(ANONYMOUS)
    assert await _texts_of_question(tg, 1) == [question + " Bé học lớp 4."]
    assert "Bé học lớp 4." in mai.last_text


async def test_the_question_typed_before_the_district_is_kept(tg):
    lan = await make_parent(tg)  # no district yet
    await lan.press(ASK)
    await lan.send("Ở phường có lớp kỹ năng sống cho trẻ không ạ?")
    await lan.send("cảm ơn")
    assert "vẫn được giữ" in lan.last_text and "lớp kỹ năng sống" in lan.last_text
    pickers = [m for m in lan.bot_messages if "Phường Phú Định" in m.buttons]
    assert len(pickers) == 1  # the earlier pickers lost their buttons: only the latest works
    await lan.press("Phường Phú Định")
    assert "Bạn sẽ gửi: “Ở phường có lớp kỹ năng sống cho trẻ không ạ?”" in lan.last_text


async def test_a_follow_up_goes_into_the_same_question(tg):
    lan = await make_parent(tg, district="Q8", ward="27427")
    mai = await make_staff(tg, "Mai", "Q8")
    await ask(lan)
    await lan.send("cho em hỏi thêm là bé 5 tuổi thì sao")
    # Read as a follow-up first (never "not understood"), the question's button on top.
    assert lan.last_text.startswith("Tin này có phải nói thêm về câu hỏi H0001 của bạn không?")
    assert lan.buttons[0] == "↩️ Thêm vào câu hỏi H0001 của tôi"
    await lan.press("↩️ Thêm vào câu hỏi H0001 của tôi")
    assert "H0001" in lan.last_text
    texts = await _texts_of_question(tg, 1)
    assert len(texts) == 2 and texts[-1] == "cho em hỏi thêm là bé 5 tuổi thì sao"
    assert "bé 5 tuổi" in mai.last_text
    assert len(await store.of_asker(tg.db, lan.id)) == 1


async def test_the_topics_parents_ask_about_are_there(tg):
    titles = {entry.id: entry.title for entry in info.load("vi").entries}
    assert {"bullying", "anger", "games", "disability"} <= set(titles)
    lan = await make_parent(tg)
    for typed, title in (
        ("con bị bạn bắt nạt", "bắt nạt"),
        ("bé hay cáu gắt", "nổi giận"),
        ("con nghiện game", "Game online"),
        ("trẻ khuyết tật được hỗ trợ gì", "khuyết tật"),
    ):
        await lan.send(typed)
        assert title in lan.last_text, typed
