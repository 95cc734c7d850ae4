"""Bring Bot API parameters to Python types whichever way they arrived.

In process PTB hands over JSON-ready values (reply_markup is a dict); over HTTP every form field
is a string and nested objects are JSON strings. Both end up the same here.
"""

from __future__ import annotations

import json

from devkit.emulator.faults import bad_request

_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "message_ids",
        "commands",
        "scope",
        "link_preview_options",
        "reply_parameters",
        "allowed_updates",
        "menu_button",
    }
)
_INT_FIELDS = frozenset(
    {
        "chat_id",
        "from_chat_id",
        "message_id",
        "offset",
        "limit",
        "user_id",
        "cache_time",
        "message_thread_id",
        "reply_to_message_id",
        "max_connections",
    }
)
_FLOAT_FIELDS = frozenset({"timeout", "latitude", "longitude", "horizontal_accuracy"})
_BOOL_FIELDS = frozenset(
    {
        "protect_content",
        "disable_notification",
        "show_alert",
        "drop_pending_updates",
        "allow_sending_without_reply",
        "disable_content_type_detection",
        "has_spoiler",
        "revoke_messages",
        "only_if_banned",
        "allow_paid_broadcast",
    }
)


def _convert(name: str, value: str) -> object:
    if name in _JSON_FIELDS:
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {name} JSON object") from None
    if name in _INT_FIELDS:
        try:
            return int(value)
        except ValueError:
            return value  # "@channelname" style ids stay strings
    if name in _FLOAT_FIELDS:
        try:
            return float(value)
        except ValueError:
            raise bad_request(f"wrong parameter {name}") from None
    if name in _BOOL_FIELDS:
        return value.lower() == "true"
    return value


def normalise(params: dict) -> dict:
    """A new dict with typed values; values that are already typed pass through untouched."""
    out = {}
    for name, value in params.items():
        if value is None:
            continue
        out[name] = _convert(name, value) if isinstance(value, str) else value
    return out
