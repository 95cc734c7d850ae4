"""Posters: Vietnamese renders without missing glyphs, the QR decodes to the deep link,
staff get a printable A4 PDF per ward; and the shipped starter set is complete and sound."""

from __future__ import annotations

import io
import re
import unicodedata

import segno
import zxingcpp
from PIL import Image, ImageDraw

from bot.content import load_json
from bot.materials import deeplink, poster
from bot.materials.files import poster_text
from bot.materials.starter import starter_entries
from handlers.materials.views import material_text
from storage import audit, materials, users

VIETNAMESE_LETTERS = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"
LINK = "https://t.me/bvte_test_bot?start=m3wQ8-P05"


def _decode(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image.convert("L"))]


def _sample_poster(place="Phường Chánh Hưng") -> poster.PosterText:
    return poster.PosterText(
        organisation="Hội Bảo trợ trẻ em TP.HCM",
        banner="Bảo vệ trẻ em",
        headline="Thấy trẻ bị bạo lực, xâm hại? Gọi ngay 111",
        link=LINK,
        call_to_action="Quét mã QR để mở bot",
        hotline_number="111",
        hotline_line="Tổng đài quốc gia bảo vệ trẻ em · miễn phí, 24/7",
        lines=("Gọi miễn phí, 24 giờ mỗi ngày 📞",),
        place=place,
        footer="Dự án bảo vệ trẻ em",
    )


def test_every_vietnamese_letter_has_a_glyph_in_every_weight():
    for weight in poster.FONT_NAMES:
        letters = VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper()
        assert poster.missing_glyphs(letters, weight) == set(), weight
        assert poster.missing_glyphs("Bảo vệ trẻ em", weight) == set()


def test_missing_glyph_detection_is_real():
    # The .notdef box is drawn (not blank), so "same as .notdef" really means "missing".
    notdef = poster._glyph_mask(poster._NOT_A_GLYPH, "regular")
    assert any(notdef)
    assert poster.missing_glyphs("Bảo vệ 🙂", "regular") == {"🙂"}
    assert poster.printable("Gọi 111 📞 ngay") == "Gọi 111 ngay"
    # Decomposed input (NFD, as some phones type) is composed before drawing.
    assert poster.missing_glyphs(unicodedata.normalize("NFD", "Bảo vệ trẻ em")) == set()


def test_rendered_text_differs_from_boxes():
    """A line of Vietnamese drawn with the poster font is not the same picture as the same
    number of .notdef boxes — it would be if the diacritics were missing."""
    face = poster.font("bold", 48)

    def draw(text: str) -> bytes:
        image = Image.new("L", (900, 90), 0)
        ImageDraw.Draw(image).text((10, 10), text, font=face, fill=255)
        return image.tobytes()

    text = "Bảo vệ trẻ em"
    boxes = "".join(" " if ch == " " else poster._NOT_A_GLYPH for ch in text)
    assert draw(text) != draw(boxes)
    assert draw("Bảo vệ trẻ em") != draw("Bao ve tre em")  # the marks are really drawn


def test_poster_is_a4_and_its_qr_decodes_to_the_deep_link():
    image = poster.render(_sample_poster())
    assert image.size == poster.A4
    assert _decode(image) == [LINK]
    # Re-encoding the link gives the very matrix drawn on the poster.
    assert poster.qr_matrix(LINK) == [
        [bool(cell) for cell in row] for row in segno.make(LINK, error="m").matrix
    ]
    pdf = poster.to_pdf(image)
    assert pdf.startswith(b"%PDF") and b"/MediaBox [ 0 0 595" in pdf  # 595 × 842 pt = A4
    png = Image.open(io.BytesIO(poster.to_png(image)))
    assert png.size == poster.A4 and _decode(png) == [LINK]


def test_long_texts_still_fit_and_decode():
    long = _sample_poster(place="Xã Lê Minh Xuân, Huyện Bình Chánh")
    long = poster.PosterText(
        **{
            **long.__dict__,
            "headline": "Tháng hành động vì trẻ em " * 6,
            "lines": tuple("Một dòng khá dài về quyền trẻ em " * 3 for _ in range(9)),
        }
    )
    assert _decode(poster.render(long)) == [LINK]


async def test_staff_make_a_ward_poster_that_opens_the_bot(tg):
    hoa = tg.user("Hoa")
    await hoa.send("/start")
    await users.update(
        tg.db,
        hoa.id,
        tg.clock.now(),
        role="staff",
        status="active",
        district="Q8",
        ward="27418",
        scope="Q8",
        onboarded=1,
    )
    await hoa.send("/materials tổng đài 111")
    await hoa.press("📄 Tổng đài 111: gọi miễn phí, 24/7")
    await hoa.press("🔳 Áp phích QR cho phường, xã")
    assert "sẽ dán ở phường/xã nào?" in hoa.last_text
    assert "Xã Tân Nhựt" not in hoa.buttons  # own units only
    await hoa.press("Phường Chánh Hưng")
    sent = hoa.last
    hotline = next(m for m in await materials.listing(tg.db) if m.slug == "hotline-111")
    code = deeplink.encode(hotline.id, "27418")
    assert sent.document["file_name"] == f"ap-phich-{code}.pdf"
    assert f"https://t.me/bvte_test_bot?start={code}" in sent.caption
    assert tg.server.file_bytes(sent.document["file_id"]).startswith(b"%PDF")
    entries = await audit.entries(tg.db, "material", hotline.id)
    assert entries[-1].action == "poster" and entries[-1].detail == {"code": code, "ward": "27418"}
    # The same poster, rendered as a picture, scans to the same link.
    image = poster.render(
        poster_text(hotline, deeplink.link("bvte_test_bot", code), "Phường Chánh Hưng")
    )
    assert _decode(image) == [f"https://t.me/bvte_test_bot?start={code}"]
    # A forged button for another district's commune is refused.
    answer = await hoa.press_data(f"mad:qw:{hotline.id}:27595")
    assert answer["show_alert"]


async def test_starter_poster_material_is_a_real_pdf_with_a_working_qr(tg):
    hotline = next(m for m in await materials.listing(tg.db) if m.slug == "hotline-111")
    image = poster.render(poster_text(hotline, deeplink.link("bvte_test_bot", f"m{hotline.id}")))
    assert _decode(image) == [f"https://t.me/bvte_test_bot?start=m{hotline.id}"]


# -- the shipped starter set ----------------------------------------------------------------------


def test_starter_set_is_complete_and_sound():
    entries = starter_entries()
    assert len(entries) >= 10
    assert len({e["slug"] for e in entries}) == len(entries)
    assert sum(1 for e in entries if e.get("poster")) >= 3
    topics = {e["topic"] for e in entries}
    assert {"rights", "abuse", "signs", "online", "parenting", "hotline", "action_month"} <= topics
    every_text = " ".join(e["body"] for e in entries)
    for fact in ("111", "113", "115", "dưới 16 tuổi", "1/6", "Điều 10", "Luật Trẻ em"):
        assert fact in every_text, fact
    for entry in entries:
        for key in ("title", "summary", "body", "title_en", "summary_en"):
            value = entry[key]
            assert value and unicodedata.normalize("NFC", value) == value, (entry["slug"], key)
        assert re.search(
            r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", entry["body"]
        ), entry["slug"]
        assert entry["title_en"].isascii() or "–" in entry["title_en"]
        assert set(re.findall(r"</?([a-z]+)", entry["body"])) <= {"b", "i"}
        assert len(entry["body"]) < 2000, entry["slug"]  # short enough for a phone


def test_the_fourteen_groups_are_all_listed():
    special = next(e for e in starter_entries() if e["slug"] == "special-circumstances")
    letters = re.findall(r"^([a-zđ])\) ", special["body"], flags=re.MULTILINE)
    assert letters == list("abcdđeghiklmno")


async def test_each_material_fits_in_one_telegram_message(tg):
    i18n = tg.app.services.i18n
    for material in await materials.listing(tg.db):
        for language in ("vi", "en"):
            assert len(material_text(material, i18n(language))) < 4096


def test_poster_wording_is_data():
    labels = load_json("materials/poster.json")
    assert labels["banner"] == "Bảo vệ trẻ em"
    assert poster.missing_glyphs(" ".join(v for k, v in labels.items() if k != "_comment")) == set()
