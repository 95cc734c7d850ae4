"""A fake Telegram Bot API server: state and method semantics, no transport.

``BotAPIServer.handle(method, params, files)`` answers like api.telegram.org would, with the
same status codes and descriptions, so a real PTB ``Application`` can run against it either
in process (``EmulatorRequest``) or over loopback HTTP (``devkit.emulator.http``).
User-side actions (users typing, pressing, blocking) live in ``IncomingMixin``.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import re
import time
from collections import Counter
from collections.abc import Callable, MutableSequence
from typing import Any

from bot.clock import Clock, SystemClock
from devkit.emulator.faults import (
    ApiError,
    FaultRegistry,
    SimulatedTimeout,
    bad_request,
    forbidden,
    too_many_requests,
)
from devkit.emulator.flood import FloodControl
from devkit.emulator.formatting import check_length, parse_text
from devkit.emulator.incoming import IncomingMixin, member_dict
from devkit.emulator.markup import parse_markup
from devkit.emulator.params import normalise
from devkit.emulator.records import ChatState, MessageRecord, StoredFile, UserState

DELETE_WINDOW = dt.timedelta(hours=48)
CALLBACK_WINDOW = dt.timedelta(seconds=15)
MAX_UPLOAD = 50 * 1024 * 1024
MAX_DOWNLOAD = 20 * 1024 * 1024

_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
SendHook = Callable[[str, int, int, "str | None"], None]


class BotAPIServer(IncomingMixin):
    def __init__(
        self,
        clock: Clock | None = None,
        *,
        bot_id: int = 7000000001,
        bot_username: str = "bvte_test_bot",
        bot_first_name: str = "Bảo vệ trẻ em",
        keep_transcripts: bool = True,
        enforce_limits: bool = False,
    ) -> None:
        self.clock = clock or SystemClock()
        # Flood windows follow an injected clock (deterministic tests), else real monotonic time.
        self._flood_time = (lambda: self.clock.now().timestamp()) if clock else time.monotonic
        self.bot_user: dict[str, Any] = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.keep_transcripts = keep_transcripts
        self.enforce_limits = enforce_limits
        self.flood: FloodControl | None = None
        self.flood_429_count = 0
        self.faults = FaultRegistry()
        self.unknown_methods_called: set[str] = set()
        self.calls: Counter[str] = Counter()  # lower-cased method name -> number of calls
        # What the bot sent (method, chat, message id); a bench may bound it with a deque.
        self.sent_log: MutableSequence[tuple[str, int, int]] = []
        self.on_send: list[SendHook] = []  # called after every accepted bot send
        self.users: dict[int, UserState] = {}
        self.chats: dict[int, ChatState] = {}
        self.files: dict[str, StoredFile] = {}
        self._files_by_path: dict[str, StoredFile] = {}
        self.uploads = 0
        self.file_reuses = 0
        self.commands: dict[tuple[tuple, str], list[dict]] = {}
        self.default_menu_button: dict | None = None
        self.descriptions: dict[tuple[str, str], str] = {}  # (kind, language_code) -> text
        self.webhook_url = ""
        self._webhook_options: dict = {}
        self._allowed_updates: list[str] = []
        self._poller: object | None = None
        # Every _api_<methodName> is a Bot API method; Telegram matches names case-insensitively.
        self._methods: dict[str, Callable] = {
            attr[len("_api_") :].lower(): getattr(self, attr)
            for attr in dir(type(self))
            if attr.startswith("_api_")
        }
        IncomingMixin.__init__(self)

    # ------------------------------------------------------------------ entry point

    async def handle(
        self, method: str, params: dict | None = None, files: dict | None = None
    ) -> tuple[int, dict]:
        """Answer one Bot API call: (HTTP status, Telegram JSON body)."""
        name = method.lower()
        impl = self._methods.get(name)
        self.calls[name] += 1
        if impl is None:
            self.unknown_methods_called.add(method)
            return 400, bad_request("method not found").body()
        try:
            params = normalise(params) if params else {}
            if self.faults:
                fault = self.faults.take(name, params.get("chat_id"))
                if fault is not None:
                    if fault.kind != "timeout":
                        raise fault.error()
                    if fault.delivered:
                        await self._call(name, impl, params, files or {})
                    raise SimulatedTimeout(fault.delivered, fault.hang)
            result = await self._call(name, impl, params, files or {})
        except ApiError as error:
            return error.status, error.body()
        except (TypeError, ValueError, KeyError, AttributeError) as error:
            # Malformed parameters: Telegram answers 400 rather than failing the connection.
            return 400, bad_request(f"invalid parameters for {method}: {error!r}").body()
        return 200, {"ok": True, "result": result}

    async def _call(self, name: str, impl: Callable, params: dict, files: dict) -> object:
        if name == "getupdates":
            return await impl(params, files)
        return impl(params, files)

    # ------------------------------------------------------------------ lookups for tests

    def chat(self, chat_id: int) -> ChatState:
        return self.chats[chat_id]

    def transcript(self, chat_id: int) -> list[MessageRecord]:
        return self.chats[chat_id].transcript

    def message(self, chat_id: int, message_id: int) -> MessageRecord:
        return self.chats[chat_id].messages[message_id]

    def file_bytes(self, file_id: str) -> bytes:
        return self.files[file_id].data

    def file_by_path(self, file_path: str) -> StoredFile | None:
        return self._files_by_path.get(file_path)

    def my_commands(self, scope: dict | None = None, language_code: str = "") -> list[dict]:
        return self.commands.get((self._scope_key(scope), language_code or ""), [])

    def configure_limits(
        self, overall_per_second: int = 30, private_per_second: int = 1, group_per_minute: int = 20
    ) -> FloodControl:
        self.enforce_limits = True
        self.flood = FloodControl(
            self._flood_time, overall_per_second, private_per_second, group_per_minute
        )
        return self.flood

    # ------------------------------------------------------------------ shared helpers

    def _now(self) -> dt.datetime:
        return self.clock.now()

    def _known_chat(self, chat_id: object) -> ChatState:
        chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def _writable_chat(self, chat_id: object) -> ChatState:
        """The chat a bot action targets, refusing as Telegram does when it may not write."""
        chat = self._known_chat(chat_id)
        user = chat.user
        if user is not None:
            if user.deactivated:
                raise forbidden("user is deactivated")
            if user.blocked_bot:
                raise forbidden("bot was blocked by the user")
        elif chat.bot_status == "kicked":
            raise forbidden(f"bot was kicked from the {chat.type} chat")
        elif chat.bot_status == "left":
            raise forbidden(f"bot is not a member of the {chat.type} chat")
        return chat

    def _find(self, chat: ChatState, message_id: object, missing: str) -> MessageRecord:
        record = chat.messages.get(message_id) if isinstance(message_id, int) else None
        if record is not None and not record.deleted:
            return record
        if (
            not self.keep_transcripts
            and isinstance(message_id, int)
            and 0 < message_id < chat.next_message_id
        ):
            # Transcript not kept: stand in a blank bot message so edits still succeed.
            return MessageRecord(message_id, chat.id, True, self._now(), self.bot_user["id"])
        raise bad_request(missing)

    def _reply_target(self, chat: ChatState, params: dict) -> int | None:
        reply = params.get("reply_parameters")
        if reply is None and "reply_to_message_id" in params:
            reply = {"message_id": params["reply_to_message_id"]}
        if not reply:
            return None
        message_id = reply.get("message_id")
        replied = chat.messages.get(message_id)
        if self.keep_transcripts and (replied is None or replied.deleted):
            if reply.get("allow_sending_without_reply"):
                return None
            raise bad_request("message to be replied not found")
        return message_id

    def _bot_send(
        self, method: str, chat: ChatState, params: dict, markup: dict | None, **fields
    ) -> MessageRecord:
        """Count, number, store and log one accepted bot message."""
        if self.enforce_limits:
            flood = self.flood if self.flood is not None else self.configure_limits()
            retry_after = flood.check(chat.id, chat.is_group)
            if retry_after:
                self.flood_429_count += 1
                raise too_many_requests(retry_after)
        record = MessageRecord(
            chat.take_message_id(),
            chat.id,
            True,
            self._now(),
            self.bot_user["id"],
            protect_content=bool(params.get("protect_content")),
            **fields,
        )
        if markup is not None:
            self._apply_markup(chat, record, markup)
        if self.keep_transcripts:
            chat.messages[record.message_id] = record
        self.sent_log.append((method, chat.id, record.message_id))
        for hook in self.on_send:
            hook(method, chat.id, record.message_id, record.content)
        return record

    @staticmethod
    def _apply_markup(chat: ChatState, record: MessageRecord, markup: dict) -> None:
        kind = markup["kind"]
        record.reply_markup_kind = kind
        if kind == "inline":
            record.inline_keyboard = markup["rows"]
        elif kind == "reply":
            record.reply_keyboard = markup["rows"]
            chat.reply_keyboard = markup["rows"]
        elif kind == "remove":
            chat.reply_keyboard = None

    def message_dict(self, chat: ChatState, record: MessageRecord, nested: bool = True) -> dict:
        """The Telegram Message object for a record, built on demand (never stored)."""
        user = None if record.from_bot else self.users.get(record.sender_id)
        sender = user.to_dict() if user is not None else self.bot_user
        data: dict = {
            "message_id": record.message_id,
            "from": sender,
            "chat": chat.to_dict(),
            "date": int(record.date.timestamp()),
        }
        if record.text is not None:
            data["text"] = record.text
            if record.entities:
                data["entities"] = record.entities
        if record.caption is not None:
            data["caption"] = record.caption
            if record.caption_entities:
                data["caption_entities"] = record.caption_entities
        if record.inline_keyboard:
            data["reply_markup"] = {"inline_keyboard": record.inline_keyboard}
        if record.document is not None:
            data["document"] = record.document
        if record.photo is not None:
            data["photo"] = [record.photo]
        for name in ("sticker", "contact", "location"):
            value = getattr(record, name)
            if value is not None:
                data[name] = value
        if record.service == "new_chat_members":
            data["new_chat_members"] = [self.bot_user]
        if record.protect_content:
            data["has_protected_content"] = True
        if record.edit_date is not None:
            data["edit_date"] = int(record.edit_date.timestamp())
        if record.forwarded_from is not None:
            data["forward_origin"] = self._forward_origin(*record.forwarded_from)
        if nested and record.reply_to is not None:
            replied = chat.messages.get(record.reply_to)
            if replied is not None:
                data["reply_to_message"] = self.message_dict(chat, replied, nested=False)
        return data

    def _forward_origin(self, chat_id: int, message_id: int) -> dict:
        source = self.chats[chat_id].messages.get(message_id)
        user = None if source is None or source.from_bot else self.users.get(source.sender_id)
        date = int(source.date.timestamp()) if source else int(self._now().timestamp())
        return {
            "type": "user",
            "sender_user": user.to_dict() if user else self.bot_user,
            "date": date,
        }

    # ------------------------------------------------------------------ bot identity, setup

    def _api_getMe(self, params: dict, files: dict) -> dict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _api_setWebhook(self, params: dict, files: dict) -> bool:
        url = params.get("url", "")
        if url and not url.startswith("https://") and not url.startswith("http://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook_url = url
        self._webhook_options = {k: v for k, v in params.items() if k != "url"}
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _api_deleteWebhook(self, params: dict, files: dict) -> bool:
        self.webhook_url = ""
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _api_getWebhookInfo(self, params: dict, files: dict) -> dict:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    @staticmethod
    def _scope_key(scope: dict | None) -> tuple:
        return tuple(sorted((scope or {"type": "default"}).items()))

    def _api_setMyCommands(self, params: dict, files: dict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            name = str(command.get("command", ""))
            if not _COMMAND.fullmatch(name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("command description must be non-empty")
        key = (self._scope_key(params.get("scope")), params.get("language_code", ""))
        self.commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    def _api_getMyCommands(self, params: dict, files: dict) -> list:
        return self.my_commands(params.get("scope"), params.get("language_code", ""))

    def _api_deleteMyCommands(self, params: dict, files: dict) -> bool:
        key = (self._scope_key(params.get("scope")), params.get("language_code", ""))
        self.commands.pop(key, None)
        return True

    def _api_setMyDescription(self, params: dict, files: dict) -> bool:
        self.descriptions[("description", params.get("language_code", ""))] = params.get(
            "description", ""
        )
        return True

    def _api_getMyDescription(self, params: dict, files: dict) -> dict:
        key = ("description", params.get("language_code", ""))
        return {"description": self.descriptions.get(key, "")}

    def _api_setMyShortDescription(self, params: dict, files: dict) -> bool:
        key = ("short_description", params.get("language_code", ""))
        self.descriptions[key] = params.get("short_description", "")
        return True

    def _api_getMyShortDescription(self, params: dict, files: dict) -> dict:
        key = ("short_description", params.get("language_code", ""))
        return {"short_description": self.descriptions.get(key, "")}

    def _api_getChatMenuButton(self, params: dict, files: dict) -> dict:
        if "chat_id" in params:
            button = self._known_chat(params["chat_id"]).menu_button
        else:
            button = self.default_menu_button
        return button or {"type": "default"}

    def _api_setChatMenuButton(self, params: dict, files: dict) -> bool:
        button = params.get("menu_button") or {"type": "default"}
        if "chat_id" in params:
            self._known_chat(params["chat_id"]).menu_button = button
        else:
            self.default_menu_button = button
        return True

    # ------------------------------------------------------------------ updates

    async def _api_getUpdates(self, params: dict, files: dict) -> list:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = params.get("offset")
        if isinstance(offset, int) and offset > 0:
            while self._updates and self._updates[0]["update_id"] < offset:
                self._updates.popleft()
        if "allowed_updates" in params:
            self._allowed_updates = list(params["allowed_updates"] or [])
        limit = min(max(int(params.get("limit", 100)), 1), 100)
        timeout = float(params.get("timeout", 0) or 0)
        # A newer getUpdates terminates an older one, as on Telegram (two bot instances).
        me = object()
        self._poller = me
        self._updates_event.set()
        await asyncio.sleep(0)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            while True:
                if self._poller is not me:
                    raise ApiError(
                        409,
                        "Conflict: terminated by other getUpdates request; "
                        "make sure that only one bot instance is running",
                    )
                batch = self._pending_batch(limit)
                remaining = deadline - loop.time()
                if batch or remaining <= 0:
                    return batch
                self._updates_event.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._updates_event.wait(), remaining)
        finally:
            if self._poller is me:
                self._poller = None

    def _pending_batch(self, limit: int) -> list[dict]:
        allowed = self._allowed_updates
        batch = []
        for update in self._updates:
            if allowed and next(k for k in update if k != "update_id") not in allowed:
                continue
            batch.append(update)
            if len(batch) >= limit:
                break
        return batch

    # ------------------------------------------------------------------ sending

    def _api_sendMessage(self, params: dict, files: dict) -> dict:
        chat = self._writable_chat(params.get("chat_id"))
        text = params.get("text")
        if not isinstance(text, str) or not text:
            raise bad_request("message text is empty")
        plain, entities = parse_text(text, params.get("parse_mode"), params.get("entities"))
        check_length(plain, caption=False)
        markup = parse_markup(params.get("reply_markup"))
        reply_to = self._reply_target(chat, params)
        record = self._bot_send(
            "sendMessage",
            chat,
            params,
            markup,
            text=plain,
            raw_text=text,
            parse_mode=params.get("parse_mode"),
            entities=entities,
            reply_to=reply_to,
        )
        return self.message_dict(chat, record)

    def _caption(self, params: dict) -> tuple[str | None, list]:
        caption = params.get("caption")
        if caption is None:
            return None, []
        plain, entities = parse_text(
            caption, params.get("parse_mode"), params.get("caption_entities")
        )
        check_length(plain, caption=True)
        return plain, entities

    def store_file(
        self, data: bytes, kind: str, file_name: str | None = None, mime_type: str | None = None
    ) -> StoredFile:
        """Keep uploaded bytes under a fresh file_id, as Telegram does for every upload."""
        number = len(self.files) + 1
        prefix = "AgAC" if kind == "photo" else "BQAC"
        suffix = ""
        if file_name and "." in file_name:
            suffix = "." + file_name.rsplit(".", 1)[1]
        elif kind == "photo":
            suffix = ".jpg"
        stored = StoredFile(
            file_id=f"{prefix}emu{number:08d}",
            file_unique_id=f"AQAD{number:08d}",
            data=data,
            kind=kind,
            file_path=f"{kind}s/file_{number}{suffix}",
            file_name=file_name,
            mime_type=mime_type,
        )
        self.files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    def _input_file(self, params: dict, files: dict, field: str, kind: str) -> tuple:
        """(StoredFile, uploaded?) for a media parameter: an upload or a known file_id."""
        value = params.get(field)
        upload = None
        if value is None:
            upload = files.get(field)
        elif isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value[len("attach://") :])
        else:
            stored = self.files.get(value) if isinstance(value, str) else None
            if stored is None:
                raise bad_request("wrong file identifier/HTTP URL specified")
            return stored, False
        if upload is None:
            raise bad_request(f"there is no {field} in the request")
        file_name, content = upload[0], upload[1]
        mime_type = upload[2] if len(upload) > 2 else None
        if not isinstance(content, bytes | bytearray):
            content = content.read()
        if len(content) > MAX_UPLOAD:
            raise ApiError(413, "Request Entity Too Large")
        if not content:
            raise bad_request("file must be non-empty")
        return self.store_file(bytes(content), kind, file_name, mime_type), True

    def _send_media(self, method: str, field: str, params: dict, files: dict) -> dict:
        chat = self._writable_chat(params.get("chat_id"))
        caption, caption_entities = self._caption(params)
        markup = parse_markup(params.get("reply_markup"))
        reply_to = self._reply_target(chat, params)
        stored, uploaded = self._input_file(params, files, field, field)
        if uploaded:
            self.uploads += 1
        else:
            self.file_reuses += 1
        media = stored.photo_sizes()[0] if field == "photo" else stored.document_dict()
        record = self._bot_send(
            method,
            chat,
            params,
            markup,
            caption=caption,
            raw_caption=params.get("caption"),
            parse_mode=params.get("parse_mode"),
            caption_entities=caption_entities,
            reply_to=reply_to,
            uploaded=uploaded,
            **{field: media},
        )
        return self.message_dict(chat, record)

    def _api_sendDocument(self, params: dict, files: dict) -> dict:
        return self._send_media("sendDocument", "document", params, files)

    def _api_sendPhoto(self, params: dict, files: dict) -> dict:
        return self._send_media("sendPhoto", "photo", params, files)

    def _api_sendLocation(self, params: dict, files: dict) -> dict:
        chat = self._writable_chat(params.get("chat_id"))
        latitude, longitude = params.get("latitude"), params.get("longitude")
        if not isinstance(latitude, int | float) or not -90 <= latitude <= 90:
            raise bad_request("wrong latitude")
        if not isinstance(longitude, int | float) or not -180 <= longitude <= 180:
            raise bad_request("wrong longitude")
        markup = parse_markup(params.get("reply_markup"))
        location = {"latitude": latitude, "longitude": longitude}
        record = self._bot_send("sendLocation", chat, params, markup, location=location)
        return self.message_dict(chat, record)

    def _api_sendChatAction(self, params: dict, files: dict) -> bool:
        self._writable_chat(params.get("chat_id"))
        if params.get("action") not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    def _source_message(self, params: dict, missing: str) -> MessageRecord:
        source_chat = self._known_chat(params.get("from_chat_id"))
        source = self._find(source_chat, params.get("message_id"), missing)
        if source.protect_content:
            raise bad_request("message has protected content and can't be forwarded")
        return source

    def _copy_fields(self, source: MessageRecord) -> dict:
        return {
            "text": source.text,
            "raw_text": source.raw_text,
            "entities": source.entities,
            "caption": source.caption,
            "raw_caption": source.raw_caption,
            "caption_entities": source.caption_entities,
            "document": source.document,
            "photo": source.photo,
            "sticker": source.sticker,
            "contact": source.contact,
            "location": source.location,
        }

    def _api_copyMessage(self, params: dict, files: dict) -> dict:
        chat = self._writable_chat(params.get("chat_id"))
        source = self._source_message(params, "message to copy not found")
        fields = self._copy_fields(source)
        if "caption" in params:
            fields["caption"], fields["caption_entities"] = self._caption(params)
            fields["raw_caption"] = params["caption"]
        markup = parse_markup(params.get("reply_markup"))
        record = self._bot_send(
            "copyMessage",
            chat,
            params,
            markup,
            copied_from=(source.chat_id, source.message_id),
            **fields,
        )
        return {"message_id": record.message_id}

    def _api_forwardMessage(self, params: dict, files: dict) -> dict:
        chat = self._writable_chat(params.get("chat_id"))
        source = self._source_message(params, "message to forward not found")
        record = self._bot_send(
            "forwardMessage",
            chat,
            params,
            None,
            forwarded_from=(source.chat_id, source.message_id),
            **self._copy_fields(source),
        )
        return self.message_dict(chat, record)

    # ------------------------------------------------------------------ editing, deleting

    def _editable(self, params: dict) -> tuple[ChatState, MessageRecord]:
        if "inline_message_id" in params:
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self._writable_chat(params.get("chat_id"))
        record = self._find(chat, params.get("message_id"), "message to edit not found")
        if not record.from_bot:
            raise bad_request("message can't be edited")
        return chat, record

    @staticmethod
    def _inline_rows(params: dict) -> list | None:
        markup = parse_markup(params.get("reply_markup"))
        if markup is None:
            return None
        if markup["kind"] != "inline":
            raise bad_request("inline keyboard expected")
        return markup["rows"] or None

    def _not_modified(self) -> ApiError:
        return bad_request(
            "message is not modified: specified new message content and reply markup are "
            "exactly the same as a current content and reply markup of the message"
        )

    def _mark_edited(self, record: MessageRecord, rows: list | None) -> None:
        record.inline_keyboard = rows
        record.reply_markup_kind = "inline" if rows else None
        record.edit_count += 1
        record.edit_date = self._now()

    def _api_editMessageText(self, params: dict, files: dict) -> dict:
        chat, record = self._editable(params)
        text = params.get("text")
        if not isinstance(text, str) or not text:
            raise bad_request("message text is empty")
        if record.text is None and (record.document or record.photo or record.location):
            raise bad_request("there is no text in the message to edit")
        plain, entities = parse_text(text, params.get("parse_mode"), params.get("entities"))
        check_length(plain, caption=False)
        rows = self._inline_rows(params)
        if plain == record.text and entities == record.entities and rows == record.inline_keyboard:
            raise self._not_modified()
        record.text, record.raw_text, record.entities = plain, text, entities
        record.parse_mode = params.get("parse_mode")
        self._mark_edited(record, rows)
        return self.message_dict(chat, record)

    def _api_editMessageCaption(self, params: dict, files: dict) -> dict:
        chat, record = self._editable(params)
        if record.document is None and record.photo is None and self.keep_transcripts:
            raise bad_request("there is no caption in the message to edit")
        caption, caption_entities = self._caption(params)
        rows = self._inline_rows(params)
        if (
            caption == record.caption
            and caption_entities == record.caption_entities
            and rows == record.inline_keyboard
        ):
            raise self._not_modified()
        record.caption, record.caption_entities = caption, caption_entities
        record.raw_caption = params.get("caption")
        self._mark_edited(record, rows)
        return self.message_dict(chat, record)

    def _api_editMessageReplyMarkup(self, params: dict, files: dict) -> dict:
        chat, record = self._editable(params)
        rows = self._inline_rows(params)
        if rows == record.inline_keyboard:
            raise self._not_modified()
        self._mark_edited(record, rows)
        return self.message_dict(chat, record)

    def _deletable(self, chat: ChatState, message_id: object) -> MessageRecord:
        record = self._find(chat, message_id, "message to delete not found")
        if self._now() - record.date > DELETE_WINDOW:
            raise bad_request("message can't be deleted")
        return record

    def _api_deleteMessage(self, params: dict, files: dict) -> bool:
        chat = self._writable_chat(params.get("chat_id"))
        self._deletable(chat, params.get("message_id")).deleted = True
        return True

    def _api_deleteMessages(self, params: dict, files: dict) -> bool:
        chat = self._writable_chat(params.get("chat_id"))
        message_ids = params.get("message_ids")
        if not isinstance(message_ids, list) or not 1 <= len(message_ids) <= 100:
            raise bad_request("message identifiers are not specified")
        for message_id in message_ids:
            try:
                self._deletable(chat, message_id).deleted = True
            except ApiError:
                continue  # Telegram skips messages it cannot delete
        return True

    def _api_pinChatMessage(self, params: dict, files: dict) -> bool:
        chat = self._writable_chat(params.get("chat_id"))
        self._find(chat, params.get("message_id"), "message to pin not found").pinned = True
        return True

    def _api_unpinChatMessage(self, params: dict, files: dict) -> bool:
        chat = self._writable_chat(params.get("chat_id"))
        for record in chat.messages.values():
            if params.get("message_id") in (None, record.message_id):
                record.pinned = False
        return True

    # ------------------------------------------------------------------ callbacks, files, chats

    def _api_answerCallbackQuery(self, params: dict, files: dict) -> bool:
        query = self.callback_queries.get(str(params.get("callback_query_id")))
        if query is None or query.answered or self._now() - query.created > CALLBACK_WINDOW:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        text = params.get("text")
        if text is not None and len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        query.answered = True
        query.answer = {"text": text, "show_alert": bool(params.get("show_alert"))}
        if "url" in params:
            query.answer["url"] = params["url"]
        return True

    def _api_getFile(self, params: dict, files: dict) -> dict:
        stored = self.files.get(params.get("file_id"))  # type: ignore[arg-type]
        if stored is None:
            raise bad_request("wrong file_id or the file is temporarily unavailable")
        if stored.size > MAX_DOWNLOAD:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }

    def _api_getChat(self, params: dict, files: dict) -> dict:
        chat = self._known_chat(params.get("chat_id"))
        return {
            **chat.to_dict(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": True,
                "limited_gifts": True,
                "unique_gifts": True,
                "premium_subscription": True,
                "gifts_from_channels": True,
            },
        }

    def _api_getChatMember(self, params: dict, files: dict) -> dict:
        chat = self._known_chat(params.get("chat_id"))
        user_id = params.get("user_id")
        if user_id == self.bot_user["id"]:
            status = "member" if chat.user is not None else chat.bot_status
            return member_dict(self.bot_user, status)
        user = self.users.get(user_id)  # type: ignore[arg-type]
        if user is None:
            raise bad_request("user not found")
        if chat.user is not None:
            if chat.user.id != user_id:
                raise bad_request("member not found")
            return member_dict(user.to_dict(), "member")
        return member_dict(user.to_dict(), chat.members.get(user.id, "left"))

    def _api_getChatAdministrators(self, params: dict, files: dict) -> list:
        chat = self._known_chat(params.get("chat_id"))
        if chat.user is not None:
            raise bad_request("there are no administrators in the private chat")
        return [
            member_dict(self.users[user_id].to_dict(), status)
            for user_id, status in chat.members.items()
            if status in ("creator", "administrator")
        ]

    def _api_leaveChat(self, params: dict, files: dict) -> bool:
        chat = self._writable_chat(params.get("chat_id"))
        if chat.user is not None:
            raise bad_request("chat member status can't be changed in private chats")
        self._set_bot_status(chat, "left", by=None)
        return True
