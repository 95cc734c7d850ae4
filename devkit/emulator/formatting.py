"""Telegram's HTML parse mode: validate like the Bot API and turn markup into text + entities.

Offsets and lengths are in UTF-16 code units, as Telegram counts them; errors name UTF-8 byte
offsets, as Telegram's messages do.
"""

from __future__ import annotations

import re

from devkit.emulator.faults import ApiError, bad_request

# tag -> entity type; None means the tag needs attributes to decide (a, span, pre/code, ...)
_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
}
_ALLOWED_TAGS = set(_SIMPLE_TAGS) | {"a", "code", "pre", "span", "blockquote", "tg-emoji"}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}

_SPECIAL = re.compile(r"[<&]")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^<>]*?)?)\s*(/?)>")
_ATTR = re.compile(r"([a-zA-Z_-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+)))?")
_ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]*);")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units; ASCII/BMP text (the usual case) skips the encoding."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def _parse_error(text: str, reason: str) -> ApiError:
    return bad_request(f"can't parse entities: {reason}")


def _byte_offset(text: str, pos: int) -> int:
    return len(text[:pos].encode("utf-8"))


def _decode_entity(text: str, pos: int) -> tuple[str, int]:
    """Decode the entity starting at text[pos] == '&'; return (char, end position)."""
    match = _ENTITY.match(text, pos)
    if not match:
        raise _parse_error(
            text, f"Can't find end of the entity starting at byte offset {_byte_offset(text, pos)}"
        )
    name = match.group(1)
    if name.startswith("#"):
        code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
        if not 0 < code <= 0x10FFFF:
            raise _parse_error(text, f"Invalid entity at byte offset {_byte_offset(text, pos)}")
        return chr(code), match.end()
    if name not in _NAMED_ENTITIES:
        raise _parse_error(
            text, f'Unsupported HTML entity "&{name};" at byte offset {_byte_offset(text, pos)}'
        )
    return _NAMED_ENTITIES[name], match.end()


def _unescape_attr(text: str, value: str) -> str:
    if "&" not in value:
        return value
    out, pos = [], 0
    while (amp := value.find("&", pos)) != -1:
        out.append(value[pos:amp])
        char, pos = _decode_entity(value, amp)
        out.append(char)
    out.append(value[pos:])
    return "".join(out)


def _attributes(text: str, raw: str) -> dict[str, str]:
    attrs = {}
    for match in _ATTR.finditer(raw):
        value = next((g for g in match.groups()[1:] if g is not None), "")
        attrs[match.group(1).lower()] = _unescape_attr(text, value)
    return attrs


def _open_entity(tag: str, attrs: dict[str, str], stack: list) -> dict | None:
    """The entity a start tag opens (offset/length filled at the end tag), or None for none."""
    if tag in _SIMPLE_TAGS:
        return {"type": _SIMPLE_TAGS[tag]}
    if tag == "span":
        return {"type": "spoiler"}
    if tag == "a":
        href = attrs.get("href")
        if not href:
            return None
        user = re.fullmatch(r"tg://user\?id=(\d+)", href)
        if user:
            # Telegram fills in the whole User; its required fields are enough here.
            return {
                "type": "text_mention",
                "user": {"id": int(user.group(1)), "is_bot": False, "first_name": ""},
            }
        return {"type": "text_link", "url": href}
    if tag == "blockquote":
        kind = "expandable_blockquote" if "expandable" in attrs else "blockquote"
        return {"type": kind}
    if tag == "tg-emoji":
        return {"type": "custom_emoji", "custom_emoji_id": attrs.get("emoji-id", "")}
    if tag == "pre":
        return {"type": "pre"}
    # <code> directly inside <pre> only sets the language of the pre block
    if stack and stack[-1][0] == "pre" and stack[-1][2] is not None:
        language = attrs.get("class", "")
        if language.startswith("language-"):
            stack[-1][2]["language"] = language[len("language-") :]
        return None
    return {"type": "code"}


def parse_html(text: str) -> tuple[str, list[dict]]:
    """Plain text and entities of an HTML-formatted message; ApiError(400) like Telegram."""
    if "<" not in text and "&" not in text:
        return text, []
    out: list[str] = []
    out_len = 0  # UTF-16 length of "".join(out)
    entities: list[dict] = []
    # each open tag: (name, utf16 start offset, entity dict or None)
    stack: list[tuple[str, int, dict | None]] = []
    pos = 0
    while (match := _SPECIAL.search(text, pos)) is not None:
        start = match.start()
        if start > pos:
            chunk = text[pos:start]
            out.append(chunk)
            out_len += utf16_len(chunk)
        if text[start] == "&":
            char, pos = _decode_entity(text, start)
            out.append(char)
            out_len += utf16_len(char)
            continue
        tag_match = _TAG.match(text, start)
        offset = _byte_offset(text, start)
        if not tag_match:
            raise _parse_error(text, f"Unsupported start tag at byte offset {offset}")
        closing, name, raw_attrs, self_closing = tag_match.groups()
        name = name.lower()
        pos = tag_match.end()
        if name not in _ALLOWED_TAGS or self_closing:
            kind = "end" if closing else "start"
            raise _parse_error(text, f'Unsupported {kind} tag "{name}" at byte offset {offset}')
        if closing:
            if not stack:
                raise _parse_error(text, f"Unexpected end tag at byte offset {offset}")
            open_name, open_at, entity = stack.pop()
            if open_name != name:
                raise _parse_error(
                    text,
                    f'Unmatched end tag at byte offset {offset}, expected "</{open_name}>", '
                    f'found "</{name}>"',
                )
            if entity is not None and out_len > open_at:
                entity["offset"] = open_at
                entity["length"] = out_len - open_at
                entities.append(entity)
            continue
        attrs = _attributes(text, raw_attrs)
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise _parse_error(text, f'Unsupported start tag "span" at byte offset {offset}')
        stack.append((name, out_len, _open_entity(name, attrs, stack)))
    if stack:
        raise _parse_error(text, f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    out.append(text[pos:])
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def parse_text(text: str, parse_mode: str | None, entities: list | None) -> tuple[str, list]:
    """Apply a parse mode; explicit entities win as in the Bot API. Markdown is kept verbatim."""
    if entities:
        return text, list(entities)
    if parse_mode and parse_mode.lower() == "html":
        return parse_html(text)
    return text, []


def check_length(plain: str, *, caption: bool) -> None:
    size = utf16_len(plain)
    if caption:
        if size > 1024:
            raise bad_request("message caption is too long")
        return
    if not plain.strip():
        raise bad_request("message text is empty")
    if size > 4096:
        raise bad_request("message is too long")


def command_entities(text: str) -> list[dict]:
    """The bot_command entity Telegram adds for a leading /command[@bot]."""
    match = re.match(r"/[a-zA-Z0-9_]{1,32}(?:@[a-zA-Z0-9_]{3,32})?", text)
    if not match:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(match.group(0))}]
