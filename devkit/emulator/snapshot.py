"""Saving and restoring the emulator's people, chats and files, so the sandbox's chat history
(and the buttons in it) is still there after a restart, as it is on a real phone.

The snapshot is one JSON file written atomically; a file that cannot be read is ignored (the
sandbox then starts with an empty history, the database is untouched).
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
import logging
import os
from pathlib import Path

from devkit.emulator.records import ChatState, MessageRecord, StoredFile, UserState
from devkit.emulator.server import BotAPIServer

log = logging.getLogger(__name__)
VERSION = 1
_DATES = ("date", "edit_date")
_PAIRS = ("forwarded_from", "copied_from")


def _message(record: MessageRecord) -> dict:
    data = {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}
    for name in _DATES:
        if data[name] is not None:
            data[name] = data[name].isoformat()
    return data


def _load_message(data: dict) -> MessageRecord:
    for name in _DATES:
        if data.get(name) is not None:
            data[name] = dt.datetime.fromisoformat(data[name])
    for name in _PAIRS:
        if data.get(name) is not None:
            data[name] = tuple(data[name])
    known = {f.name for f in dataclasses.fields(MessageRecord)}
    return MessageRecord(**{k: v for k, v in data.items() if k in known})


def dump(server: BotAPIServer, extra: dict | None = None) -> dict:
    users = [
        {f.name: getattr(u, f.name) for f in dataclasses.fields(u)} for u in server.users.values()
    ]
    chats = []
    for chat in server.chats.values():
        chats.append(
            {
                "id": chat.id,
                "type": chat.type,
                "title": chat.title,
                "user": chat.user.id if chat.user else None,
                "members": {str(k): v for k, v in chat.members.items()},
                "bot_status": chat.bot_status,
                "next_message_id": chat.next_message_id,
                "reply_keyboard": chat.reply_keyboard,
                "menu_button": chat.menu_button,
                "messages": [_message(m) for m in chat.messages.values()],
            }
        )
    files = [
        {
            "file_id": f.file_id,
            "file_unique_id": f.file_unique_id,
            "kind": f.kind,
            "file_path": f.file_path,
            "file_name": f.file_name,
            "mime_type": f.mime_type,
            "data": base64.b64encode(f.data).decode(),
        }
        for f in server.files.values()
    ]
    return {
        "version": VERSION,
        "users": users,
        "chats": chats,
        "files": files,
        "next_user_id": server._next_user_id,
        "next_group_id": server._next_group_id,
        "next_update_id": server._next_update_id,
        "extra": extra or {},
    }


def load(server: BotAPIServer, data: dict) -> None:
    if data.get("version") != VERSION:
        raise ValueError("unknown snapshot version")
    for raw in data["users"]:
        user = UserState(**raw)
        server.users[user.id] = user
    for raw in data["chats"]:
        chat = ChatState(
            id=raw["id"],
            type=raw["type"],
            title=raw["title"],
            user=server.users.get(raw["user"]) if raw["user"] is not None else None,
            members={int(k): v for k, v in raw["members"].items()},
            bot_status=raw["bot_status"],
            next_message_id=raw["next_message_id"],
            reply_keyboard=raw["reply_keyboard"],
            menu_button=raw["menu_button"],
        )
        for message in raw["messages"]:
            record = _load_message(message)
            chat.messages[record.message_id] = record
        server.chats[chat.id] = chat
    for raw in data["files"]:
        stored = StoredFile(
            raw["file_id"],
            raw["file_unique_id"],
            base64.b64decode(raw["data"]),
            raw["kind"],
            raw["file_path"],
            raw["file_name"],
            raw["mime_type"],
        )
        server.files[stored.file_id] = stored
        server._files_by_path[stored.file_path] = stored
    server._next_user_id = max(server._next_user_id, data["next_user_id"])
    server._next_group_id = min(server._next_group_id, data["next_group_id"])
    server._next_update_id = max(server._next_update_id, data["next_update_id"])


def save(server: BotAPIServer, path: Path, extra: dict | None = None) -> None:
    """Write atomically: a crash while saving keeps the previous snapshot. `extra`: the
    caller's own small state (the sandbox's clock), given back by `restore`."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(dump(server, extra), ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, path)


def restore(server: BotAPIServer, path: Path) -> dict | None:
    """Load the snapshot if there is one and return its `extra`; None (and an empty
    history) if there is none or it is unreadable."""
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        load(server, data)
    except (OSError, ValueError, KeyError, TypeError) as error:
        log.warning("sandbox history not restored: %s", type(error).__name__)
        return None
    return dict(data.get("extra") or {})
