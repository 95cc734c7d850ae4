"""Materials: browsing, search, file_id caching and re-upload, staff management, attribution."""

from __future__ import annotations

import pytest

from bot.materials import deeplink, search
from storage import audit, materials, users
from storage.models import Material

ORDER_Q8 = ("Q8", "27418")


async def person(tg, name, role="public", district=None, ward=None, language="vi"):
    someone = tg.user(name, language=language)
    await someone.send("/start")
    await users.update(
        tg.db,
        someone.id,
        tg.clock.now(),
        role=role,
        status="active",
        district=district,
        ward=ward,
        onboarded=1,
        scope=(district if role == "staff" else None),
    )
    await someone.send("/menu")  # leaves the onboarding conversation /start opened
    return someone


async def staff(tg, name="Hoa", district="Q8", ward="27418"):
    return await person(tg, name, "staff", district, ward)


async def by_slug(tg, slug) -> Material:
    return next(m for m in await materials.listing(tg.db, include_hidden=True) if m.slug == slug)


def document_messages(user):
    return [m for m in user.bot_messages if m.document is not None]


# -- browsing ---------------------------------------------------------------------------------------


async def test_browse_by_audience_then_topic_then_open(tg):
    lan = await person(tg, "Lan")
    await lan.send("/materials")
    assert "Tài liệu truyền thông" in lan.last_text
    assert {
        "Phụ huynh",
        "Trẻ em",
        "Giáo viên",
        "Chủ doanh nghiệp",
        "Công an",
        "Cộng tác viên",
    } <= set(lan.buttons)
    await lan.press("Trẻ em")
    assert "Trẻ em: chọn chủ đề." in lan.last_text
    # Only topics with materials for children, with their counts.
    assert "Quyền trẻ em (1)" in lan.buttons and "An toàn trên mạng (1)" in lan.buttons
    assert not any(b.startswith("Kỷ luật") or b.startswith("Nuôi dạy") for b in lan.buttons)
    await lan.press("An toàn trên mạng (1)")
    assert lan.buttons[0] == "📝 5 điều em cần nhớ khi lên mạng"
    await lan.press("📝 5 điều em cần nhớ khi lên mạng")
    text = lan.last_text
    assert text.startswith("5 điều em cần nhớ khi lên mạng")
    assert "Giữ kín thông tin" in text and "111" in text
    # Parents see no print or staff buttons.
    assert "🖨 Yêu cầu in tài liệu" not in lan.buttons
    assert "🙈 Ẩn" not in lan.buttons


async def test_listing_is_paginated(tg):
    lan = await person(tg, "Lan")
    await lan.send("/materials")
    await lan.press("📚 Tất cả tài liệu")
    total = len(await materials.listing(tg.db))
    await lan.press(f"Tất cả chủ đề ({total})")
    pages = -(-total // 5)
    assert f"trang 1/{pages}" in lan.last_text
    first_page = [b for b in lan.buttons if b.startswith(("📝", "📄"))]
    assert len(first_page) == 5
    await lan.press("Sau ›")
    assert f"trang 2/{pages}" in lan.last_text
    second_page = [b for b in lan.buttons if b.startswith(("📝", "📄"))]
    assert second_page and not set(second_page) & set(first_page)
    await lan.press("‹ Trước")
    assert f"trang 1/{pages}" in lan.last_text
    # A double tap (the same page again) changes nothing and raises nothing.
    edits = lan.last.edit_count
    answer = await lan.press_data("mat:top:all:all:0")
    assert answer == {"text": None, "show_alert": False} and lan.last.edit_count == edits
    answer = await lan.press_data("mat:top:nobody:all:0")  # forged audience
    assert answer["show_alert"]


async def test_menu_button_opens_materials(tg):
    lan = await person(tg, "Lan")
    await lan.send("📚 Tài liệu")
    assert "Tài liệu truyền thông" in lan.last_text


# -- search -----------------------------------------------------------------------------------------


async def test_search_with_and_without_diacritics_and_case(tg):
    lan = await person(tg, "Lan")
    await lan.send("/materials bạo lực")
    with_accents = list(lan.buttons)
    assert "kết quả cho “bạo lực”" in lan.last_text
    await lan.send("/materials BAO LUC")
    assert lan.buttons == with_accents
    await lan.send("/materials Bạo Lực")
    assert lan.buttons == with_accents
    assert "📝 Xâm hại trẻ em là gì?" in with_accents
    assert "📝 Kỷ luật tích cực: dạy con không cần đòn roi" in with_accents


async def test_title_matches_rank_first(tg):
    lan = await person(tg, "Lan")
    await lan.send("/materials tổng đài")
    first = [b for b in lan.buttons if b.startswith(("📝", "📄"))][0]
    assert first == "📄 Tổng đài 111: gọi miễn phí, 24/7"
    await lan.send("/materials tren mang")
    found = [b for b in lan.buttons if b.startswith(("📝", "📄"))]
    # Both online-safety titles contain "trên mạng"; they come before any body-only match.
    assert set(found[:2]) == {
        "📝 Giữ an toàn cho con trên mạng",
        "📝 5 điều em cần nhớ khi lên mạng",
    }


async def test_free_text_in_the_materials_menu_searches(tg):
    lan = await person(tg, "Lan")
    await lan.send("/materials")
    await lan.send("ky luat tich cuc")
    assert "kết quả cho “ky luat tich cuc”" in lan.last_text
    assert lan.buttons[0] == "📝 Kỷ luật tích cực: dạy con không cần đòn roi"
    await lan.send("xyzzy quux")
    assert "Không có tài liệu nào khớp" in lan.last_text
    await lan.send_sticker()
    assert "gõ vài từ để tìm" in lan.last_text


async def test_in_the_materials_menu_danger_and_sentences_are_answered_as_anywhere(tg):
    lan = await person(tg, "Lan")
    await lan.send("/materials")
    await lan.send("thang be hang xom bi ba no danh bam tim ca nguoi")
    assert "111" in lan.last_text and "Không có tài liệu nào khớp" not in lan.last_text
    assert "📨 Báo ngay cho cán bộ" in lan.buttons
    await lan.send("/materials")
    await lan.send("dạ cảm ơn cán bộ nhiều, để em về nói chuyện lại với cháu")
    assert "Không có tài liệu nào khớp" not in lan.last_text
    assert "💬 Gửi câu hỏi này cho cán bộ" in lan.buttons  # the ways forward of any text
    # A topic of danger, typed short, is searched, with the numbers first.
    await lan.send("/materials")
    seen = len(lan.bot_messages)
    await lan.send("tự tử")
    answers = [m.content or "" for m in lan.bot_messages[seen:]]
    assert "111" in answers[0] and len(answers) == 2


async def test_search_mode_ends_after_a_long_pause(tg):
    lan = await person(tg, "Lan")
    await lan.send("/materials")
    tg.clock.advance(hours=2)
    await lan.send("ky luat tich cuc")
    assert "kết quả" not in lan.last_text


def _material(id_, title, summary="", body=""):
    return Material(
        id_,
        None,
        title,
        "",
        summary,
        "",
        "abuse",
        ("parents",),
        "vi",
        body,
        None,
        None,
        None,
        None,
        None,
        None,
        False,
        id_,
    )


def test_rank_puts_title_before_summary_before_body():
    catalogue = [
        _material(1, "Giữ an toàn", body="Phòng chống bạo lực học đường"),
        _material(2, "Chăm con", summary="Không dùng bạo lực với trẻ"),
        _material(3, "Nói không với Bạo Lực"),
        _material(4, "Không liên quan"),
    ]
    assert [m.id for m in search.rank(catalogue, "bao luc")] == [3, 2, 1]
    assert [m.id for m in search.rank(catalogue, "BẠO LỰC")] == [3, 2, 1]
    assert search.rank(catalogue, "   ") == []
    assert search.clean_query("a") is None and search.clean_query(" đi ") == " đi ".strip()


# -- files: upload once, then file_id; re-upload when rejected ---------------------------------------


async def test_file_is_uploaded_once_then_resent_by_file_id(tg):
    lan = await person(tg, "Lan")
    minh = await person(tg, "Minh")
    for someone in (lan, minh):
        await someone.send("/materials tổng đài 111")
        await someone.press("📄 Tổng đài 111: gọi miễn phí, 24/7")
    assert tg.server.uploads == 1
    assert tg.server.file_reuses == 1
    first, second = document_messages(lan)[-1], document_messages(minh)[-1]
    assert first.uploaded is True and second.uploaded is False
    assert first.document["file_id"] == second.document["file_id"]
    assert first.document["file_name"] == "ap-phich-tong-dai-111.pdf"
    assert tg.server.file_bytes(first.document["file_id"]).startswith(b"%PDF")
    stored = await by_slug(tg, "hotline-111")
    assert stored.file_id == first.document["file_id"]


async def test_rejected_file_id_is_uploaded_again_transparently(tg):
    lan = await person(tg, "Lan")
    await lan.send("/materials tổng đài 111")
    await lan.press("📄 Tổng đài 111: gọi miễn phí, 24/7")
    cached = await by_slug(tg, "hotline-111")
    # A file_id Telegram no longer accepts ("wrong file identifier/HTTP URL specified").
    await materials.remember_file_id(tg.db, cached.id, "BQACexpired0001", cached.file_key)
    await lan.press("📄 Tổng đài 111: gọi miễn phí, 24/7")
    assert tg.server.uploads == 2 and tg.server.file_reuses == 0
    latest = document_messages(lan)[-1]
    assert latest.uploaded is True
    new_id = (await by_slug(tg, "hotline-111")).file_id
    assert new_id == latest.document["file_id"] != "BQACexpired0001"
    await lan.press("📄 Tổng đài 111: gọi miễn phí, 24/7")
    assert tg.server.file_reuses == 1


async def test_deliveries_are_counted(tg):
    lan = await person(tg, "Lan")
    await lan.send("/materials tổng đài 111")
    await lan.press("📄 Tổng đài 111: gọi miễn phí, 24/7")
    await lan.press("📄 Tổng đài 111: gọi miễn phí, 24/7")
    await lan.send("/materials em có những quyền")
    await lan.press("📝 Em có những quyền gì?")
    counts = {c.title: c for c in await materials.delivery_counts(tg.db)}
    hotline = counts["Tổng đài 111: gọi miễn phí, 24/7"]
    assert (hotline.deliveries, hotline.files, hotline.people) == (2, 2, 1)
    rights = counts["Em có những quyền gì?"]
    assert (rights.deliveries, rights.files) == (1, 0)


# -- staff: add, hide, reorder, edit ------------------------------------------------------------------


async def test_staff_add_a_material_by_sending_a_file(tg):
    hoa = await staff(tg)
    await hoa.send_document("to-roi-phong-chong-xam-hai.pdf", b"%PDF-1.4 leaflet bytes")
    assert "Tên tài liệu là gì?" in hoa.last_text
    await hoa.send_sticker()
    assert "bằng chữ" in hoa.last_text
    await hoa.send("Tờ rơi: phòng chống xâm hại")
    await hoa.press("Phòng, chống xâm hại và bạo lực")
    answer = await hoa.press("Xong")  # nobody ticked yet
    assert answer["show_alert"] and "ít nhất một đối tượng" in answer["text"]
    await hoa.press("▫️ Phụ huynh")
    await hoa.press("▫️ Giáo viên")
    assert "✅ Phụ huynh" in hoa.buttons and "✅ Giáo viên" in hoa.buttons
    await hoa.press("✅ Giáo viên")  # untick
    await hoa.press("Xong")
    await hoa.send("Tờ rơi gấp ba cho phụ huynh, in hai mặt.")
    assert "Đã đăng" in hoa.last_text
    added = next(m for m in await materials.listing(tg.db) if m.title.startswith("Tờ rơi"))
    assert added.topic == "abuse" and added.audiences == ("parents",)
    assert await materials.file_data(tg.db, added.id) == b"%PDF-1.4 leaflet bytes"
    assert [e.action for e in await audit.entries(tg.db, "material", added.id)] == ["material_add"]
    # A parent finds it and gets the staff's own file_id: no upload at all.
    lan = await person(tg, "Lan")
    await lan.send("/materials to roi")
    await lan.press("📄 Tờ rơi: phòng chống xâm hại")
    assert document_messages(lan)[-1].uploaded is False and tg.server.uploads == 0
    # If Telegram rejects that id, the stored bytes are uploaded instead.
    await materials.remember_file_id(tg.db, added.id, "BQACexpired0002", added.file_key)
    await lan.press("📄 Tờ rơi: phòng chống xâm hại")
    latest = document_messages(lan)[-1]
    assert latest.uploaded is True
    assert tg.server.file_bytes(latest.document["file_id"]) == b"%PDF-1.4 leaflet bytes"


async def test_non_staff_cannot_add_or_hide(tg):
    lan = await person(tg, "Lan", role="collaborator", district="Q8", ward="27418")
    before = len(await materials.listing(tg.db, include_hidden=True))
    await lan.send_document("tai-lieu.pdf", b"%PDF-1.4 x")
    assert "Tên tài liệu" not in lan.last_text
    assert len(await materials.listing(tg.db, include_hidden=True)) == before
    target = await by_slug(tg, "hotline-111")
    answer = await lan.press_data(f"mad:hide:{target.id}")
    assert answer["show_alert"] and "cán bộ" in answer["text"]
    assert not (await by_slug(tg, "hotline-111")).hidden
    answer = await lan.press_data(f"mad:edit:{target.id}")
    assert answer["show_alert"]


async def test_staff_hide_and_show_a_material(tg):
    hoa = await staff(tg)
    lan = await person(tg, "Lan")
    target = await by_slug(tg, "online-safety-children")
    await hoa.send("/materials 5 dieu em can nho khi len mang")
    await hoa.press("📝 5 điều em cần nhớ khi lên mạng")
    await hoa.press("🙈 Ẩn")
    assert "Đang ẩn" in hoa.last_text and "👁 Hiện lại" in hoa.buttons
    assert (await materials.get(tg.db, target.id)).hidden
    await lan.send("/materials 5 dieu em can nho khi len mang")
    assert "Không có tài liệu nào khớp" in lan.last_text
    answer = await lan.press_data(f"mat:open:{target.id}")
    assert answer["show_alert"] and "không còn" in answer["text"]
    await hoa.press("👁 Hiện lại")
    await lan.send("/materials 5 dieu em can nho khi len mang")
    assert "📝 5 điều em cần nhớ khi lên mạng" in lan.buttons
    actions = [e.action for e in await audit.entries(tg.db, "material", target.id)]
    assert actions == ["material_hide", "material_show"]


async def test_staff_reorder_within_a_topic(tg):
    hoa = await staff(tg)
    topic = await materials.listing(tg.db, topic="rights")
    first, second = topic[0], topic[1]
    await hoa.send("/materials")
    await hoa.press_data(f"mad:up:{second.id}")
    reordered = [m.id for m in await materials.listing(tg.db, topic="rights")]
    assert reordered[:2] == [second.id, first.id]
    answer = await hoa.press_data(f"mad:up:{second.id}")
    assert "đầu danh sách" in answer["text"]
    entries = await audit.entries(tg.db, "material", second.id)
    assert [(e.action, e.detail) for e in entries] == [
        ("material_reorder", {"swapped_with": first.id})
    ]


async def test_staff_edit_a_title(tg):
    hoa = await staff(tg)
    target = await by_slug(tg, "positive-discipline")
    await hoa.send("/materials ky luat tich cuc")
    await hoa.press("📝 Kỷ luật tích cực: dạy con không cần đòn roi")
    await hoa.press("✏️ Sửa")
    await hoa.press("Tên tài liệu")
    await hoa.send("Kỷ luật tích cực cho cha mẹ")
    assert "Đã lưu" in hoa.last_text
    assert (await materials.get(tg.db, target.id)).title == "Kỷ luật tích cực cho cha mẹ"
    assert [e.action for e in await audit.entries(tg.db, "material", target.id)] == [
        "material_edit"
    ]


# -- deep links and attribution -------------------------------------------------------------------


def test_deep_link_codes_round_trip_within_telegram_limits():
    code = deeplink.encode(12, "27610")
    assert code == "m12w27610" and len(code) <= 64
    assert deeplink.decode(code) == deeplink.PosterCode(12, "27610")
    assert deeplink.decode("m7") == deeplink.PosterCode(7, None)
    for other in ("", "x12", "m", "mabc", "m1w", "m1wQ8 P05", "m" + "1" * 70):
        assert deeplink.decode(other) is None
    with pytest.raises(deeplink.DeepLinkError):
        deeplink.encode(1, "Q8 P05")


async def test_first_contacts_through_a_poster_are_attributed(tg):
    hoa = await staff(tg)
    hotline = await by_slug(tg, "hotline-111")
    code = deeplink.encode(hotline.id, "27418")
    for name in ("An", "Bình"):
        newcomer = tg.user(name)
        await newcomer.send(f"/start {code}")
        assert (await users.get(tg.db, newcomer.id)).source == code
    # Someone who first came through another ward's poster stays attributed to that one.
    other_code = deeplink.encode(hotline.id, "27427")
    chi = tg.user("Chi")
    await chi.send(f"/start {other_code}")
    await chi.send(f"/start {code}")
    assert (await users.get(tg.db, chi.id)).source == other_code
    await hoa.send("/materialstats")
    text = hoa.last_text
    assert "Số người đến qua áp phích" in text
    assert f"Tổng đài 111: gọi miễn phí, 24/7 · Phường Chánh Hưng ({code}): 2" in text
    assert f"Tổng đài 111: gọi miễn phí, 24/7 · Phường Phú Định ({other_code}): 1" in text


async def test_a_newcomer_from_a_poster_sees_its_material_then_the_welcome(tg):
    hotline = await by_slug(tg, "hotline-111")
    newcomer = tg.user("Dung")
    await newcomer.send(f"/start {deeplink.encode(hotline.id, 'Q8-P05')}")
    texts = [m.content or "" for m in newcomer.bot_messages]
    shown = next(i for i, t in enumerate(texts) if hotline.title_in("vi") in t)
    welcome = next(i for i, t in enumerate(texts) if "Bạn là ai?" in t)
    assert shown < welcome
    counts = {c.material_id: c.deliveries for c in await materials.delivery_counts(tg.db)}
    assert counts[hotline.id] == 1


async def test_material_stats_are_for_staff_only(tg):
    lan = await person(tg, "Lan")
    await lan.send("/materialstats")
    assert "dành cho cán bộ" in lan.last_text


async def test_a_search_typed_anywhere_is_understood(tg):
    lan = await person(tg, "Lan")
    await lan.send("tìm tài liệu bạo lực")  # not in the materials menu: typed from anywhere
    assert "kết quả cho “bạo lực”" in lan.last_text
    assert "📝 Xâm hại trẻ em là gì?" in lan.buttons
    await lan.send("Có tài liệu về kỷ luật tích cực không?")
    assert lan.buttons[0] == "📝 Kỷ luật tích cực: dạy con không cần đòn roi"
    await lan.send("tài liệu")  # only the materials named: the menu
    assert "Tài liệu truyền thông" in lan.last_text
    assert search.typed_query("cho tôi xin tờ rơi 111") == "111"
    assert search.typed_query("find materials about online safety") == "online safety"
