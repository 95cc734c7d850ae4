"""The emulator's state records: users, chats, messages of a transcript, stored files."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from devkit.emulator.markup import button_labels


@dataclass(slots=True, eq=False)
class UserState:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "vi"
    phone: str | None = None
    blocked_bot: bool = False
    deactivated: bool = False

    def to_dict(self) -> dict:
        data = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data


@dataclass(slots=True, eq=False)
class MessageRecord:
    """One message of a chat transcript, from the user or from the bot; edits apply in place."""

    message_id: int
    chat_id: int
    from_bot: bool
    date: dt.datetime
    sender_id: int
    text: str | None = None  # as the client shows it: HTML parsed away
    raw_text: str | None = None  # as the bot sent it
    parse_mode: str | None = None
    entities: list = field(default_factory=list)
    caption: str | None = None
    raw_caption: str | None = None
    caption_entities: list = field(default_factory=list)
    inline_keyboard: list | None = None  # rows of button dicts
    reply_keyboard: list | None = None  # rows of button dicts, when this message set one
    reply_markup_kind: str | None = None  # inline | reply | remove | force_reply
    document: dict | None = None  # file_id, file_unique_id, file_name, file_size, mime_type
    photo: dict | None = None
    sticker: dict | None = None
    contact: dict | None = None
    location: dict | None = None
    reply_to: int | None = None
    service: str | None = None  # e.g. "new_chat_members" for the bot joining a group
    forwarded_from: tuple[int, int] | None = None  # (chat_id, message_id)
    copied_from: tuple[int, int] | None = None
    protect_content: bool = False
    edit_count: int = 0
    edit_date: dt.datetime | None = None
    deleted: bool = False
    pinned: bool = False
    uploaded: bool | None = None  # media: True = bytes uploaded, False = file_id reused

    @property
    def edited(self) -> bool:
        return self.edit_count > 0

    @property
    def content(self) -> str | None:
        """Text, else caption: what a reader sees."""
        return self.text if self.text is not None else self.caption

    @property
    def buttons(self) -> list[str]:
        return button_labels(self.inline_keyboard)

    def callback_data(self) -> list[str]:
        rows = self.inline_keyboard or ()
        return [b["callback_data"] for row in rows for b in row if "callback_data" in b]

    def button(self, label: str) -> dict | None:
        for row in self.inline_keyboard or ():
            for button in row:
                if button.get("text") == label:
                    return button
        return None


@dataclass(slots=True, eq=False)
class ChatState:
    id: int
    type: str  # private | group | supergroup
    title: str | None = None
    user: UserState | None = None  # the other side of a private chat
    members: dict[int, str] = field(default_factory=dict)  # user id -> status (groups)
    bot_status: str = "member"
    messages: dict[int, MessageRecord] = field(default_factory=dict)
    next_message_id: int = 1
    reply_keyboard: list | None = None  # the keyboard the client shows now
    menu_button: dict | None = None
    _dict: dict | None = None

    @property
    def is_group(self) -> bool:
        return self.type != "private"

    @property
    def transcript(self) -> list[MessageRecord]:
        return list(self.messages.values())

    def to_dict(self) -> dict:
        if self._dict is None:
            if self.user is not None:
                data = {"id": self.id, "type": "private", "first_name": self.user.first_name}
                if self.user.username:
                    data["username"] = self.user.username
            else:
                data = {"id": self.id, "type": self.type, "title": self.title}
            self._dict = data
        return self._dict

    def take_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id


@dataclass(slots=True, eq=False)
class StoredFile:
    file_id: str
    file_unique_id: str
    data: bytes
    kind: str  # document | photo
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None

    @property
    def size(self) -> int:
        return len(self.data)

    def document_dict(self) -> dict:
        data = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
        }
        if self.file_name:
            data["file_name"] = self.file_name
        if self.mime_type:
            data["mime_type"] = self.mime_type
        return data

    def photo_sizes(self) -> list[dict]:
        return [
            {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "width": 1280,
                "height": 960,
                "file_size": self.size,
            }
        ]


@dataclass(slots=True, eq=False)
class CallbackQueryState:
    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    created: dt.datetime
    answered: bool = False
    answer: dict | None = None  # text, show_alert (and url) of answerCallbackQuery
