"""reply_markup checks with the Bot API's limits, and the normalised forms the emulator keeps."""

from __future__ import annotations

from devkit.emulator.faults import bad_request

MAX_INLINE_BUTTONS = 100
MAX_INLINE_ROW = 8
# An inline button must carry exactly one action, else Telegram refuses it.
_INLINE_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


def _bad_markup():
    return bad_request("can't parse reply keyboard markup JSON object")


def _inline_rows(rows: object) -> list[list[dict]]:
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise _bad_markup()
    total = 0
    for row in rows:
        if len(row) > MAX_INLINE_ROW:
            raise bad_request("too many buttons in a row of the inline keyboard")
        total += len(row)
        for button in row:
            if not isinstance(button, dict) or not button.get("text"):
                raise bad_request("BUTTON_TEXT_INVALID")
            actions = [a for a in _INLINE_ACTIONS if a in button]
            if not actions:
                raise bad_request("text buttons are unallowed in the inline keyboard")
            if len(actions) > 1:
                raise bad_request("BUTTON_TYPE_INVALID")
            if "callback_data" in button:
                data = button["callback_data"]
                if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
                    raise bad_request("BUTTON_DATA_INVALID")
            if "url" in button and not str(button["url"]).startswith(
                ("http://", "https://", "tg://")
            ):
                raise bad_request("BUTTON_URL_INVALID")
    if total > MAX_INLINE_BUTTONS:
        raise bad_request("too many inline keyboard buttons")
    return rows


def _reply_rows(rows: object) -> list[list[dict]]:
    if not isinstance(rows, list) or not rows:
        raise _bad_markup()
    normalised = []
    for row in rows:
        if not isinstance(row, list):
            raise _bad_markup()
        buttons = []
        for button in row:
            if isinstance(button, str):
                button = {"text": button}
            if not isinstance(button, dict) or not button.get("text"):
                raise bad_request("BUTTON_TEXT_INVALID")
            buttons.append(button)
        normalised.append(buttons)
    return normalised


def parse_markup(markup: object) -> dict | None:
    """Validated reply_markup as {"kind": "inline"|"reply"|"remove"|"force_reply", ...}."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise _bad_markup()
    if "inline_keyboard" in markup:
        return {"kind": "inline", "rows": _inline_rows(markup["inline_keyboard"]), "raw": markup}
    if "keyboard" in markup:
        return {"kind": "reply", "rows": _reply_rows(markup["keyboard"]), "raw": markup}
    if markup.get("remove_keyboard"):
        return {"kind": "remove", "raw": markup}
    if markup.get("force_reply"):
        return {"kind": "force_reply", "raw": markup}
    raise _bad_markup()


def button_labels(rows: list[list[dict]] | None) -> list[str]:
    return [button["text"] for row in rows or () for button in row]
