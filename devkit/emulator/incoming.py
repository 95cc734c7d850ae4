"""The user side of the emulator: people and groups that act, producing real update dicts.

Every action appends a Telegram update (update_id increasing) to the queue that getUpdates
serves and that the testkit drains straight into ``Application.process_update``.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Sequence
from typing import TYPE_CHECKING

from devkit.emulator.formatting import command_entities
from devkit.emulator.records import CallbackQueryState, ChatState, MessageRecord, UserState

if TYPE_CHECKING:
    from devkit.emulator.server import BotAPIServer

FIRST_USER_ID = 100_000_001
FIRST_GROUP_ID = -1_001_000_000_001
_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_pin_messages",
)


def member_dict(user: dict, status: str) -> dict:
    """A ChatMember object with the fields PTB requires for that status."""
    data: dict[str, object] = {"status": status, "user": user}
    if status == "creator":
        data["is_anonymous"] = False
    elif status == "administrator":
        data.update(dict.fromkeys(_ADMIN_RIGHTS, True))
        data.update(can_be_edited=False, is_anonymous=False, can_promote_members=False)
    elif status == "kicked":
        data["until_date"] = 0
    return data


UserRef = UserState | int
ChatRef = ChatState | int


class IncomingMixin:
    def __init__(self: BotAPIServer) -> None:
        self._updates: deque[dict] = deque()
        self._next_update_id = 1
        self._updates_event = asyncio.Event()
        self.callback_queries: dict[str, CallbackQueryState] = {}
        self._next_user_id = FIRST_USER_ID
        self._next_group_id = FIRST_GROUP_ID

    # ------------------------------------------------------------------ the update queue

    def _enqueue(self: BotAPIServer, kind: str, payload: dict) -> dict:
        update = {"update_id": self._next_update_id, kind: payload}
        self._next_update_id += 1
        self._updates.append(update)
        self._updates_event.set()
        return update

    @property
    def pending_updates(self: BotAPIServer) -> list[dict]:
        return list(self._updates)

    def drain_updates(self: BotAPIServer) -> list[dict]:
        """Take every queued update (the testkit feeds them to the application itself)."""
        updates = list(self._updates)
        self._updates.clear()
        return updates

    # ------------------------------------------------------------------ people and groups

    def _user(self: BotAPIServer, user: UserRef) -> UserState:
        return user if isinstance(user, UserState) else self.users[user]

    def _chat(self: BotAPIServer, chat: ChatRef | None, user: UserState) -> ChatState:
        if chat is None:
            return self.chats[user.id]
        return chat if isinstance(chat, ChatState) else self.chats[chat]

    def create_user(
        self: BotAPIServer,
        first_name: str = "Lan",
        *,
        user_id: int | None = None,
        username: str | None = None,
        last_name: str | None = None,
        language_code: str | None = "vi",
        phone: str | None = None,
    ) -> UserState:
        """A Telegram user with a private chat to the bot (ids deterministic, in order)."""
        if user_id is None:
            user_id = self._next_user_id
            self._next_user_id += 1
        if user_id in self.users:
            return self.users[user_id]
        user = UserState(
            id=user_id,
            first_name=first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
            phone=phone or f"+8490{user_id % 10_000_000:07d}",
        )
        self.users[user_id] = user
        self.chats[user_id] = ChatState(id=user_id, type="private", user=user)
        return user

    def create_group(
        self: BotAPIServer,
        title: str,
        members: Sequence[UserRef] = (),
        *,
        admins: Sequence[UserRef] = (),
        chat_id: int | None = None,
        supergroup: bool = True,
    ) -> ChatState:
        """A group the bot is already in; the first admin (else member) is the creator."""
        if chat_id is None:
            chat_id = self._next_group_id
            self._next_group_id -= 1
        chat = ChatState(id=chat_id, type="supergroup" if supergroup else "group", title=title)
        for user in members:
            chat.members[self._user(user).id] = "member"
        for user in admins:
            chat.members[self._user(user).id] = "administrator"
        if chat.members:
            chat.members[next(iter(chat.members))] = "creator"
        self.chats[chat_id] = chat
        return chat

    # ------------------------------------------------------------------ messages

    def _user_record(self: BotAPIServer, chat: ChatState, user: UserState, **fields) -> dict:
        record = MessageRecord(
            chat.take_message_id(), chat.id, False, self._now(), user.id, **fields
        )
        if self.keep_transcripts:
            chat.messages[record.message_id] = record
        return self.message_dict(chat, record)

    def user_message(
        self: BotAPIServer,
        user: UserRef,
        chat: ChatRef | None = None,
        text: str | None = None,
        *,
        entities: list[dict] | None = None,
        caption: str | None = None,
        sticker: bool | str = False,
        photo: bytes | None = None,
        document: tuple | None = None,
        contact: dict | str | None = None,
        location: tuple[float, float] | None = None,
        reply_to: int | None = None,
    ) -> dict:
        """A user's message as an update; a leading /command gets its bot_command entity.

        document is (file_name, bytes, mime_type); contact a phone (own contact) or a dict.
        """
        user = self._user(user)
        chat = self._chat(chat, user)
        if chat.user is not None and user.blocked_bot:
            self.unblock(user.id)  # writing to a bot you blocked restarts it, as in the apps
        fields: dict = {"reply_to": reply_to}
        if text is not None:
            fields["text"] = fields["raw_text"] = text
            fields["entities"] = entities if entities is not None else command_entities(text)
        if caption is not None:
            fields["caption"] = fields["raw_caption"] = caption
        if sticker:
            emoji = sticker if isinstance(sticker, str) else "👍"
            number = len(self.files) + 1
            fields["sticker"] = {
                "file_id": f"CAACemu{number:08d}",
                "file_unique_id": f"AgAD{number:08d}",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": emoji,
            }
        if photo is not None:
            fields["photo"] = self.store_file(photo, "photo").photo_sizes()[0]
        if document is not None:
            name, data, *mime = document
            stored = self.store_file(data, "document", name, mime[0] if mime else None)
            fields["document"] = stored.document_dict()
        if contact is not None:
            if isinstance(contact, str):
                contact = {
                    "phone_number": contact,
                    "first_name": user.first_name,
                    "user_id": user.id,
                }
            fields["contact"] = contact
        if location is not None:
            fields["location"] = {"latitude": location[0], "longitude": location[1]}
        return self._enqueue("message", self._user_record(chat, user, **fields))

    def callback_query(
        self: BotAPIServer,
        user: UserRef,
        chat: ChatRef | None,
        message_id: int,
        data: str,
        *,
        forge: bool = False,
    ) -> dict:
        """A button press; unless ``forge``, the message must show a button with that data."""
        user = self._user(user)
        chat = self._chat(chat, user)
        record = chat.messages.get(message_id)
        if record is None or record.deleted:
            if self.keep_transcripts:
                raise LookupError(f"no message {message_id} in chat {chat.id}")
            record = MessageRecord(message_id, chat.id, True, self._now(), self.bot_user["id"])
        if not forge and data not in record.callback_data():
            raise LookupError(f"message {message_id} has no button with data {data!r}")
        query_id = str(4_000_000_000_000 + len(self.callback_queries) + 1)
        self.callback_queries[query_id] = CallbackQueryState(
            query_id, user.id, chat.id, message_id, data, self._now()
        )
        payload = {
            "id": query_id,
            "from": user.to_dict(),
            "chat_instance": str(-chat.id if chat.id < 0 else chat.id * 7),
            "message": self.message_dict(chat, record),
            "data": data,
        }
        return self._enqueue("callback_query", payload)

    # ------------------------------------------------------------------ membership

    def my_chat_member(
        self: BotAPIServer, chat: ChatRef, by: UserRef | None, old: str, new: str
    ) -> dict:
        chat = chat if isinstance(chat, ChatState) else self.chats[chat]
        actor = self._user(by).to_dict() if by is not None else self.bot_user
        payload = {
            "chat": chat.to_dict(),
            "from": actor,
            "date": int(self._now().timestamp()),
            "old_chat_member": member_dict(self.bot_user, old),
            "new_chat_member": member_dict(self.bot_user, new),
        }
        return self._enqueue("my_chat_member", payload)

    def _set_bot_status(self: BotAPIServer, chat: ChatState, status: str, by) -> None:
        old, chat.bot_status = chat.bot_status, status
        self.my_chat_member(chat, by, old, status)

    def add_bot_to_group(self: BotAPIServer, chat: ChatRef, by: UserRef) -> list[dict]:
        """The bot joins: a my_chat_member update, then the new_chat_members service message."""
        chat = chat if isinstance(chat, ChatState) else self.chats[chat]
        user = self._user(by)
        chat.bot_status = "left"
        self._set_bot_status(chat, "member", by=user)
        self._enqueue("message", self._user_record(chat, user, service="new_chat_members"))
        return self.pending_updates[-2:]

    def remove_bot_from_group(self: BotAPIServer, chat: ChatRef, by: UserRef) -> dict:
        chat = chat if isinstance(chat, ChatState) else self.chats[chat]
        self._set_bot_status(chat, "kicked", by=self._user(by))
        return self._updates[-1]

    def block(self: BotAPIServer, user_id: UserRef) -> dict:
        """The user blocks the bot: sends get 403 and a my_chat_member (kicked) is queued."""
        user = self._user(user_id)
        user.blocked_bot = True
        return self.my_chat_member(self.chats[user.id], user, "member", "kicked")

    def unblock(self: BotAPIServer, user_id: UserRef) -> dict:
        user = self._user(user_id)
        user.blocked_bot = False
        return self.my_chat_member(self.chats[user.id], user, "kicked", "member")

    def deactivate(self: BotAPIServer, user_id: UserRef) -> None:
        """The account is deleted: sends get 403 "user is deactivated"."""
        self._user(user_id).deactivated = True
