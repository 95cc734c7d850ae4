"""What a material is: topics, audiences and the validation of what staff type."""

from __future__ import annotations

from bot.i18n import N_
from bot.text import normalize

# code → label (English msgid). Order is the order of the buttons.
TOPICS: dict[str, str] = {
    "rights": N_("Children's rights"),
    "abuse": N_("Preventing abuse and violence"),
    "signs": N_("Signs of abuse and how to report"),
    "online": N_("Online safety"),
    "parenting": N_("Positive parenting"),
    "hotline": N_("Hotline 111"),
    "action_month": N_("Action Month for Children"),
}

AUDIENCES: dict[str, str] = {
    "parents": N_("Parents"),
    "children": N_("Children"),
    "teachers": N_("Teachers"),
    "business": N_("Business owners"),
    "police": N_("Police"),
    "collaborators": N_("Collaborators"),
}

# Who a person most likely reads for, by role, when they come to materials from elsewhere
# (e.g. "📚 Materials on this topic" under an information answer). None = every audience.
AUDIENCE_BY_ROLE: dict[str, str | None] = {
    "public": "parents",
    "collaborator": "collaborators",
    "staff": None,
    "admin": None,
}


def audience_for(role: str | None) -> str | None:
    """Parents for the public (and anyone not yet approved), collaborators for
    collaborators, every audience for staff."""
    return AUDIENCE_BY_ROLE.get(role or "public", "parents")


TITLE_MAX = 120
SUMMARY_MAX = 600

# Files people can open on a cheap phone without installing anything: documents, slides,
# images, audio and video. Programs, installers and archives are never handed to parents.
MATERIAL_EXTENSIONS = frozenset(
    {
        "pdf",
        "doc",
        "docx",
        "odt",
        "rtf",
        "txt",
        "ppt",
        "pptx",
        "odp",
        "xls",
        "xlsx",
        "ods",
        "csv",
        "jpg",
        "jpeg",
        "png",
        "gif",
        "webp",
        "mp3",
        "m4a",
        "ogg",
        "wav",
        "mp4",
        "3gp",
    }
)
MATERIAL_MIME_PREFIXES = ("image/", "audio/", "video/", "application/pdf", "text/plain")


def is_material_file(file_name: str | None, mime: str | None) -> bool:
    """True for a file that can become a material: by its extension, or by its type when
    the name has none."""
    name = (file_name or "").strip().lower()
    if "." in name:
        return name.rsplit(".", 1)[1] in MATERIAL_EXTENSIONS
    return (mime or "").lower().startswith(MATERIAL_MIME_PREFIXES)


def clean_title(text: str | None) -> str | None:
    title = normalize(text or "")
    if not 3 <= len(title) <= TITLE_MAX or not any(ch.isalpha() for ch in title):
        return None
    return title


def clean_summary(text: str | None) -> str | None:
    summary = normalize(text or "")
    if not 5 <= len(summary) <= SUMMARY_MAX:
        return None
    return summary


def parse_audiences(codes: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Known audience codes in catalogue order, without duplicates."""
    if isinstance(codes, str):
        codes = [code.strip() for code in codes.split(",")]
    wanted = set(codes)
    return tuple(code for code in AUDIENCES if code in wanted)
