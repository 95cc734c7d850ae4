"""Printable A4 posters with a QR code that opens the bot (PNG, or PDF for print shops).

Fonts: Source Sans Pro from the `font-source-sans-pro` package on PyPI (SIL Open Font License);
it covers every Vietnamese letter, so a clean machine renders diacritics without system fonts.
Characters the font lacks (emoji typed into a title) are left out rather than printed as boxes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from bot.text import normalize

if TYPE_CHECKING:  # Pillow and segno are imported on first use: they are big for a small process
    import segno
    from PIL import Image, ImageFont

DPI = 150
A4 = (1240, 1754)  # 210 × 297 mm at 150 dpi
MARGIN = 90
BLUE = (11, 95, 165)
DARK = (27, 42, 65)
ORANGE = (232, 89, 12)
WHITE = (255, 255, 255)
LIGHT = (234, 242, 250)
# A private-use code point: no font maps it, so it draws the font's .notdef glyph.
_NOT_A_GLYPH = "\ue000"

FONT_NAMES = {
    "regular": "SourceSansPro",
    "semibold": "SourceSansProSemibold",
    "bold": "SourceSansProBold",
}


@dataclass(frozen=True)
class PosterText:
    """Everything printed on a poster, already in the poster's language."""

    organisation: str
    banner: str
    headline: str
    link: str
    call_to_action: str
    hotline_number: str
    hotline_line: str
    lines: tuple[str, ...] = ()
    place: str | None = None
    footer: str = ""
    extra: dict = field(default_factory=dict)


def font_file(weight: str) -> str:
    import font_source_sans_pro

    return font_source_sans_pro.font_files_ttf[FONT_NAMES[weight]]


@lru_cache(maxsize=64)
def font(weight: str, size: int) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont

    return ImageFont.truetype(font_file(weight), size)


@lru_cache(maxsize=4096)
def _glyph_mask(character: str, weight: str) -> bytes:
    from PIL import Image, ImageDraw

    face = font(weight, 40)
    image = Image.new("L", (90, 90), 0)
    ImageDraw.Draw(image).text((20, 20), character, font=face, fill=255)
    return image.tobytes()


def has_glyph(character: str, weight: str = "regular") -> bool:
    """True when the font draws this character itself rather than its .notdef box."""
    if character.isspace():
        return True
    return _glyph_mask(character, weight) != _glyph_mask(_NOT_A_GLYPH, weight)


def missing_glyphs(text: str, weight: str = "regular") -> set[str]:
    return {ch for ch in normalize(text) if not has_glyph(ch, weight)}


def printable(text: str, weight: str = "regular") -> str:
    """NFC text without the characters the font cannot draw (no tofu boxes on paper)."""
    return normalize("".join(ch for ch in normalize(text) if has_glyph(ch, weight)))


def wrap(text: str, face: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split():
            candidate = f"{current} {word}".strip()
            if face.getlength(candidate) <= width or not current:
                current = candidate
            else:
                lines.append(current)
                current = word
        if current:
            lines.append(current)
    return lines


def _fit(text: str, weight: str, width: int, sizes: tuple[int, ...], max_lines: int):
    """The biggest size at which `text` wraps into at most `max_lines` lines."""
    for size in sizes:
        face = font(weight, size)
        lines = wrap(text, face, width)
        if len(lines) <= max_lines:
            return face, lines
    face = font(weight, sizes[-1])
    return face, wrap(text, face, width)[:max_lines]


def qr_code(link: str) -> segno.QRCode:
    import segno

    # Level M survives a crease or a smudge on a printed poster and stays small for a t.me link.
    return segno.make(link, error="m", micro=False, boost_error=False)


def qr_matrix(link: str) -> list[list[bool]]:
    """The QR modules (True = dark), without the quiet zone."""
    return [[bool(cell) for cell in row] for row in qr_code(link).matrix]


def _draw_qr(image: Image.Image, link: str, left: int, top: int, size: int) -> int:
    from PIL import ImageDraw

    matrix = qr_matrix(link)
    count = len(matrix) + 8  # four modules of quiet zone on each side
    module = max(1, size // count)
    side = module * count
    draw = ImageDraw.Draw(image)
    draw.rectangle((left, top, left + side - 1, top + side - 1), fill=WHITE)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                x0, y0 = left + (x + 4) * module, top + (y + 4) * module
                draw.rectangle((x0, y0, x0 + module - 1, y0 + module - 1), fill=(0, 0, 0))
    return side


def render(poster: PosterText) -> Image.Image:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", A4, WHITE)
    draw = ImageDraw.Draw(image)
    width = A4[0] - 2 * MARGIN

    # Banner: who speaks, and the programme's one-line message.
    draw.rectangle((0, 0, A4[0], 250), fill=BLUE)
    draw.text(
        (MARGIN, 50),
        printable(poster.organisation, "semibold").upper(),
        font=font("semibold", 36),
        fill=WHITE,
    )
    banner_face, banner_lines = _fit(
        printable(poster.banner, "bold").upper(), "bold", width, (88, 76, 64), 1
    )
    draw.text((MARGIN, 110), banner_lines[0] if banner_lines else "", font=banner_face, fill=WHITE)

    # Headline and the key points.
    y = 300
    face, lines = _fit(printable(poster.headline, "bold"), "bold", width, (76, 66, 58, 50), 3)
    for line in lines:
        draw.text((MARGIN, y), line, font=face, fill=DARK)
        y += int(face.size * 1.18)
    y += 30
    bullet_face = font("regular", 40)
    for point in poster.lines[:7]:
        wrapped = wrap(printable(point), bullet_face, width - 50)[:3]
        if y + len(wrapped) * 52 > 1040:
            break
        draw.ellipse((MARGIN + 4, y + 18, MARGIN + 20, y + 34), fill=ORANGE)
        for line in wrapped:
            draw.text((MARGIN + 44, y), line, font=bullet_face, fill=DARK)
            y += 52
        y += 14

    # Hotline box: the one thing everyone must remember.
    box_top = 1075
    draw.rounded_rectangle((MARGIN, box_top, A4[0] - MARGIN, box_top + 170), radius=28, fill=ORANGE)
    number_face = font("bold", 120)
    draw.text(
        (MARGIN + 40, box_top + 12),
        printable(poster.hotline_number, "bold"),
        font=number_face,
        fill=WHITE,
    )
    number_width = int(number_face.getlength(printable(poster.hotline_number, "bold")))
    hotline_face, hotline_lines = _fit(
        printable(poster.hotline_line, "semibold"),
        "semibold",
        width - number_width - 120,
        (40, 36, 32),
        3,
    )
    text_y = box_top + 85 - len(hotline_lines) * hotline_face.size * 0.6
    for line in hotline_lines:
        draw.text((MARGIN + number_width + 80, text_y), line, font=hotline_face, fill=WHITE)
        text_y += int(hotline_face.size * 1.2)

    # QR code and what it does.
    qr_top = 1290
    draw.rectangle((0, qr_top - 20, A4[0], A4[1] - 90), fill=LIGHT)
    side = _draw_qr(image, poster.link, MARGIN, qr_top, 360)
    text_left = MARGIN + side + 50
    text_width = A4[0] - MARGIN - text_left
    y = qr_top + 30
    cta_face, cta_lines = _fit(
        printable(poster.call_to_action, "bold"), "bold", text_width, (50, 44, 38), 3
    )
    for line in cta_lines:
        draw.text((text_left, y), line, font=cta_face, fill=DARK)
        y += int(cta_face.size * 1.2)
    if poster.place:
        y += 16
        place_face, place_lines = _fit(
            printable(poster.place, "semibold"), "semibold", text_width, (40, 34), 2
        )
        for line in place_lines:
            draw.text((text_left, y), line, font=place_face, fill=BLUE)
            y += int(place_face.size * 1.2)
    link_face, link_lines = _fit(poster.link, "regular", text_width, (28, 24, 20), 2)
    y = max(y + 16, qr_top + side - len(link_lines) * 34)
    for line in link_lines:
        draw.text((text_left, y), line, font=link_face, fill=DARK)
        y += 34

    # Footer.
    draw.rectangle((0, A4[1] - 90, A4[0], A4[1]), fill=BLUE)
    footer_face, footer_lines = _fit(printable(poster.footer), "regular", width, (30, 26, 22), 1)
    if footer_lines:
        draw.text((MARGIN, A4[1] - 66), footer_lines[0], font=footer_face, fill=WHITE)
    return image


def to_png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True, dpi=(DPI, DPI))
    return buffer.getvalue()


def to_pdf(image: Image.Image) -> bytes:
    """One A4 page (the image is 150 dpi, so the page is exactly 210 × 297 mm)."""
    buffer = io.BytesIO()
    image.save(buffer, format="PDF", resolution=DPI)
    return buffer.getvalue()
