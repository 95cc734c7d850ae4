"""Information for parents: the topic menu in both languages, typed questions with and
without diacritics, danger words, votes and views, and ward contacts."""

from __future__ import annotations

import unicodedata

import pytest

from bot import info, safety
from bot.i18n import I18n
from bot.ward_contacts import parse_contact
from handlers.info import MATERIAL_TOPICS
from storage import audit, users, ward_contacts
from storage import questions as store

PUBLIC_ROLE = "👪 Parent or member of the public"


def vi(tg):
    return tg.app.services.i18n("vi")


async def make_parent(tg, name="Lan", language="vi", **fields):
    person = tg.user(name, language=language)
    await person.send("/start")
    await person.press(tg.app.services.i18n(language)(PUBLIC_ROLE))
    if fields:
        await users.update(tg.db, person.id, tg.clock.now(), **fields)
    return person


async def make_staff(tg, name, district, scope=None):
    person = await tg.person(name, "staff", district, None, scope=scope)
    await person.send("/menu")  # a chat with the bot, as staff who signed up have
    return person


# -- the content itself ---------------------------------------------------------------------------


def test_every_entry_exists_in_both_languages_and_fits_a_phone_screen():
    catalogues = {language: info.load(language) for language in info.LANGUAGES}
    vi_ids = catalogues["vi"].ids
    assert len(vi_ids) >= 8 and len(set(vi_ids)) == len(vi_ids)
    i18n = I18n(__import__("zoneinfo").ZoneInfo("Asia/Ho_Chi_Minh"), "vi")
    for language, catalogue in catalogues.items():
        assert catalogue.ids == vi_ids, f"{language} entries differ from vi"
        for entry in catalogue.entries:
            twin = catalogues["vi"].get(entry.id)
            assert entry.related == twin.related and entry.materials_topic == twin.materials_topic
            assert entry.priority == twin.priority
            assert all(catalogue.get(other) for other in entry.related), entry.id
            assert entry.materials_topic in MATERIAL_TOPICS
            assert entry.keywords and entry.title and len(entry.title) <= 40
            assert len(entry.body) <= info.SCREEN_LIMIT, (language, entry.id, len(entry.body))
            assert not info.markup_problems(entry.body), (language, entry.id)
            assert unicodedata.normalize("NFC", entry.body) == entry.body
            rendered = info.render(entry, i18n(language))
            assert len(rendered) <= info.MESSAGE_LIMIT
            assert rendered.rstrip().endswith("24/7."), "every answer ends with the hotline"
    # Vietnamese is really Vietnamese, with the facts of the law right.
    by_id = {entry.id: entry.body for entry in catalogues["vi"].entries}
    assert "dưới 16 tuổi" in by_id["abuse"]
    assert "111" in by_id["call"] and "113" in by_id["call"] and "115" in by_id["call"]
    assert "Không đối chất" in by_id["act"] and "Không hỏi đi hỏi lại" in by_id["act"]
    assert "Điều 12" in by_id["rights"] and "25 quyền" in by_id["rights"]


def test_render_cuts_an_overlong_entry_between_paragraphs():
    i18n = I18n(__import__("zoneinfo").ZoneInfo("Asia/Ho_Chi_Minh"), "vi")
    body = "\n\n".join(f"<b>Đoạn {n}</b> " + "chữ " * 120 for n in range(20))
    entry = info.Entry("x", "x", ("x",), body, (), None)
    rendered = info.render(entry, i18n("vi"))
    assert len(rendered) <= info.MESSAGE_LIMIT
    assert rendered.count("<b>") == rendered.count("</b>")
    assert "111" in rendered.splitlines()[-1]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("dau hieu bao hanh", "signs"),
        ("Dấu hiệu bạo hành trẻ em là gì?", "signs"),
        ("DẤU HIỆU BẠO HÀNH", "signs"),
        ("gọi ai", "call"),
        ("goi ai bay gio?", "call"),
        ("Nghi ngờ con hàng xóm bị bạo hành thì phải làm sao", "act"),
        ("quyen tre em gom nhung gi", "rights"),
        ("con toi choi tiktok ca ngay", "online"),
        ("what are the warning signs", "signs"),
        ("xam hai la gi", "abuse"),
        ("dấu hiệu bạo hành là gì", "signs"),
        ("Trẻ bị xâm hại tình dục thì phải làm gì", "act"),
        ("gọi ai khi thấy trẻ bị bạo hành", "call"),
        ("hôm nay trời đẹp", None),
        ("goiai", None),
    ],
)
def test_keyword_matching_is_accent_insensitive(text, expected):
    assert info.match(text) == expected


def test_danger_words_skip_everyday_phrases():
    words = safety.load()
    assert words.found_in("Bố dượng hay đánh cháu") is not None
    assert words.found_in("chau noi muon tu tu") is not None
    assert words.found_in("DANH DAP con") is not None
    assert words.found_in("Con tôi học từ từ thôi") is None  # "slowly", not "suicide"
    assert words.found_in("Tôi muốn đánh giá tài liệu này") is None
    assert words.found_in("đánh răng trước khi ngủ") is None
    assert words.found_in("") is None


# -- the menu in both languages -------------------------------------------------------------------


async def test_info_menu_in_vietnamese(tg):
    lan = await make_parent(tg)
    await lan.press("ℹ️ Thông tin cho phụ huynh")
    assert "Thông tin cho phụ huynh" in lan.last_text
    assert "🔍 Dấu hiệu theo lứa tuổi" in lan.buttons and "📍 Liên hệ phường, xã" in lan.buttons
    await lan.press("🔍 Dấu hiệu theo lứa tuổi")
    assert "Trẻ dưới 6 tuổi" in lan.last_text
    assert lan.last_text.rstrip().endswith("Đường dây nóng 111: miễn phí, 24/7.")
    assert "🤝 Nghi ngờ thì làm gì?" in lan.buttons  # related topics
    await lan.press("🤝 Nghi ngờ thì làm gì?")
    assert "Không đối chất" in lan.last_text
    await lan.press("‹ Tất cả chủ đề")
    assert "Thông tin cho phụ huynh" in lan.last_text
    assert await store.views(tg.db, "signs") == 1


async def test_info_menu_in_english(tg):
    john = tg.user("John", language="en")
    await john.send("/info")
    assert "Information for parents" in john.last_text
    await john.press("🔍 Warning signs by age")
    assert "Under 6" in john.last_text and "Hotline 111: free, 24/7." in john.last_text
    await john.press("📚 Materials on this topic")
    # The materials of that topic, for parents (John has not chosen a role), in English.
    assert "Parents · Signs of abuse and how to report" in john.last_text
    assert any("Recognising the signs of abuse" in label for label in john.buttons)


async def test_every_entry_is_accepted_by_telegram(tg):
    """The emulator parses the HTML as Telegram does: a broken tag would fail the send."""
    lan = await make_parent(tg)
    john = tg.user("John", language="en")
    for person, language in ((lan, "vi"), (john, "en")):
        for entry in info.load(language).entries:
            await person.send("/info")
            await person.press(entry.title)
            assert person.last_text.startswith(info.load(language).get(entry.id).body[3:12])


# -- typed questions ------------------------------------------------------------------------------


async def test_typed_questions_get_the_matching_answer(tg):
    lan = await make_parent(tg)
    await lan.send("dau hieu bao hanh")
    assert "Dấu hiệu trẻ có thể bị xâm hại" in lan.last_text
    assert "👍 Hữu ích" in lan.buttons
    await lan.send("Gọi ai?")
    assert "Gọi ai khi cần giúp?" in lan.last_text
    assert await store.views(tg.db, "signs") == 1
    assert await store.views(tg.db, "call") == 1


async def test_keyword_routing_to_journeys_is_unchanged(tg):
    lan = await make_parent(tg)
    await lan.send("hôm nay trời đẹp")
    assert "chưa hiểu" in lan.last_text  # the router of last resort still answers
    await lan.send("bao cao")  # the report journey (or "coming soon"), never an FAQ answer
    assert "Dấu hiệu" not in lan.last_text and "Đường dây nóng 111: miễn phí" not in lan.last_text
    await lan.send("/cancel")
    await lan.send("111")
    assert "111" in lan.last_text and "Thế nào là xâm hại" not in lan.last_text


async def test_danger_words_in_free_text_show_the_hotlines(tg):
    lan = await make_parent(tg)
    await lan.send("Hàng xóm đánh con bé dã man lắm")
    assert "113" in lan.last_text and "111" in lan.last_text
    assert "📨 Báo ngay cho cán bộ" in lan.buttons
    await lan.send("Tôi muốn đánh giá cái bot này")
    assert "113" not in lan.last_text
    # A question about the topic gets its answer without the alarm...
    before = len(lan.bot_messages)
    await lan.send("dấu hiệu bạo hành là gì")
    assert len(lan.bot_messages) == before + 1 and "Dấu hiệu trẻ" in lan.last_text
    # ...but a child being hit gets the hotlines first, then the answer.
    await lan.send("con bé hàng xóm bị đánh, tôi phải làm sao")
    assert "113" in lan.bot_messages[-2].content
    assert "Nghi ngờ trẻ bị xâm hại" in lan.last_text


async def test_helpful_votes_are_counted_once_per_person(tg):
    lan = await make_parent(tg)
    hoa = await make_parent(tg, "Hoa")
    await lan.send("gọi ai")
    answer = await lan.press("👍 Hữu ích")
    assert "1" in answer["text"]
    assert "👍 Hữu ích" not in lan.buttons  # voted: the vote row is gone
    await hoa.send("goi ai")
    await hoa.press("👎 Chưa hữu ích")
    await lan.send("goi ai")
    await lan.press("👍 Hữu ích")  # the same person again replaces their vote
    assert await store.votes(tg.db, "call") == (1, 1)
    answer = await lan.press_data("info:vote:nope:1")
    assert answer["show_alert"]


# -- ward contacts --------------------------------------------------------------------------------


def test_ward_contact_needs_three_valid_lines():
    assert parse_contact("Nguyễn Thị Hoa\n0909 123 456\nThứ 2 – Thứ 6, 7:30 – 17:00") == (
        "Nguyễn Thị Hoa",
        "0909 123 456",
        "Thứ 2 – Thứ 6, 7:30 – 17:00",
    )
    assert parse_contact("Nguyễn Thị Hoa\n0909 123 456") is None
    assert parse_contact("Nguyễn Thị Hoa\ngọi tôi\n7:30") is None
    assert parse_contact("Hoa\n12345\n7:30 – 17:00") is None


async def test_staff_keep_ward_contacts_and_parents_see_them(tg):
    staff = await make_staff(tg, "Chị Mai", "Q8")
    await staff.send("/wardcontact")
    await staff.press("Phường Chánh Hưng")
    assert "Chưa có liên hệ" in staff.last_text
    await staff.send("chị Hoa")
    assert "ba dòng" in staff.last_text  # wrong shape: stays on the step
    await staff.send("Nguyễn Thị Hoa\n0909 123 456\nThứ 2 – Thứ 6, 7:30 – 17:00")
    assert "Đã lưu" in staff.last_text
    assert (await ward_contacts.get(tg.db, "27418")).phone == "0909 123 456"
    assert [e.action for e in await audit.entries(tg.db, "ward", "27418")] == ["ward_contact_set"]

    lan = await make_parent(tg)
    await lan.send("/info")
    await lan.press("📍 Liên hệ phường, xã")
    await lan.press("Phường Chánh Hưng")
    assert "Nguyễn Thị Hoa" in lan.last_text and "0909 123 456" in lan.last_text
    assert (await users.get(tg.db, lan.id)).ward == "27418"  # remembered for questions
    await lan.send("/info")
    await lan.press("📍 Liên hệ phường, xã")  # now shown at once
    assert "Nguyễn Thị Hoa" in lan.last_text
    await lan.press("🔄 Phường, xã khác")
    await lan.press("Phường Bình Đông")
    assert "Chưa có liên hệ" in lan.last_text and "111" in lan.last_text


async def test_staff_cannot_change_another_districts_contacts(tg):
    staff = await make_staff(tg, "Anh Tâm", "BC")
    await staff.send("/wardcontact")
    answer = await staff.press_data("wct:w:27418")
    assert answer["show_alert"]
    parent = await make_parent(tg)
    await parent.send("/wardcontact")
    assert "dành cho cán bộ" in parent.last_text
    assert await ward_contacts.get(tg.db, "27418") is None
