"""The one keyboard builder: inline keyboards from (label, callback data) pairs, reply menus."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    WebAppInfo,
)

from bot import callbacks

MAX_PER_ROW = 8
PAGE_SIZE = 5


@dataclass(frozen=True)
class WebApp:
    """A button that opens a Mini App (the staff dashboard) at an HTTPS `url`."""

    label: str
    url: str


# (visible label, callback data — a typed callbacks.Button or its string), or a Mini App.
Button = tuple[str, str | callbacks.Button] | WebApp


def _inline_button(button: Button) -> InlineKeyboardButton:
    if isinstance(button, WebApp):
        return InlineKeyboardButton(button.label, web_app=WebAppInfo(button.url))
    label, spec = button
    data = spec.data() if isinstance(spec, callbacks.Button) else spec
    if len(data.encode()) > callbacks.MAX_BYTES:
        raise callbacks.CallbackDataError(data)
    return InlineKeyboardButton(label, callback_data=data)


def inline(rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup:
    """Build an inline keyboard; every callback data goes through the one scheme's limits."""
    keyboard = []
    for row in rows:
        if not row:
            continue
        if len(row) > MAX_PER_ROW:
            raise ValueError("Telegram shows at most 8 buttons in a row")
        keyboard.append([_inline_button(button) for button in row])
    return InlineKeyboardMarkup(keyboard)


def rows_first(
    rows: Sequence[Sequence[Button]], markup: InlineKeyboardMarkup
) -> InlineKeyboardMarkup:
    """`markup` with `rows` (built as by `inline`) above its own rows."""
    return InlineKeyboardMarkup((*inline(rows).inline_keyboard, *markup.inline_keyboard))


class ReusedKeyboard(InlineKeyboardMarkup):
    """An inline keyboard built once and sent many times (the sign-up's greeting and its list
    of units): its wire form is computed once, and each send gets a copy of it (serialising
    ~30 buttons cost ~0.6 ms per message)."""

    __slots__ = ("_wire",)

    def to_dict(self, recursive: bool = True) -> dict:
        if not recursive:
            return super().to_dict(recursive)
        wire = getattr(self, "_wire", None)
        if wire is None:
            wire = super().to_dict()
            with self._unfrozen():
                self._wire = wire
        # The copy keeps the cached form safe from anyone who changes what they were given.
        return {
            **wire,
            "inline_keyboard": [
                [dict(button) for button in row] for row in wire["inline_keyboard"]
            ],
        }


def reused(rows: Sequence[Sequence[Button]]) -> ReusedKeyboard:
    """`inline(rows)` for a keyboard that is cached and sent many times."""
    return ReusedKeyboard(inline(rows).inline_keyboard)


def columns(buttons: Sequence[Button], width: int = 2) -> list[list[Button]]:
    """Lay buttons out `width` to a row, in order."""
    return [list(buttons[i : i + width]) for i in range(0, len(buttons), width)]


def page_row(
    page: int,
    has_next: bool,
    previous_label: str,
    next_label: str,
    button_for: Callable[[int], callbacks.Button],
) -> list[Button]:
    """‹ Previous / Next › for page `page` (0-based) with typed buttons: `button_for(n)` is the
    button that shows page n. Empty when there is one page."""
    row: list[Button] = []
    if page > 0:
        row.append((previous_label, button_for(page - 1)))
    if has_next:
        row.append((next_label, button_for(page + 1)))
    return row


def reply(
    rows: Sequence[Sequence[str]], one_time: bool = False, placeholder: str | None = None
) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        [[KeyboardButton(label) for label in row] for row in rows],
        resize_keyboard=True,
        one_time_keyboard=one_time,
        input_field_placeholder=placeholder,
        is_persistent=not one_time,
    )


def request_contact(label: str, *rows: Sequence[str]) -> ReplyKeyboardMarkup:
    """A one-time keyboard with Telegram's share-my-phone-number button, then `rows`."""
    return _one_time(KeyboardButton(label, request_contact=True), rows)


def request_location(label: str, *rows: Sequence[str]) -> ReplyKeyboardMarkup:
    """A one-time keyboard with Telegram's send-my-location button, then `rows`."""
    return _one_time(KeyboardButton(label, request_location=True), rows)


def _one_time(first: KeyboardButton, rows: Sequence[Sequence[str]]) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        [[first], *([KeyboardButton(label) for label in row] for row in rows)],
        resize_keyboard=True,
        one_time_keyboard=True,
    )
