"""Test vocabulary: people who type and press buttons, driving a real PTB Application.

    tg = Testkit(server, application)       # application already initialized by the caller
    lan = tg.user("Lan", language="vi")
    await lan.send("/start")
    await lan.press("Báo cáo")
    assert "Báo cáo" in lan.last_text

Each action builds the update in the emulator, runs it through
``application.process_update`` and then drains whatever else got queued (my_chat_member, ...).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import unicodedata
from collections.abc import Sequence

from telegram import Update
from telegram.ext import Application

from devkit.emulator.markup import button_labels
from devkit.emulator.records import ChatState, MessageRecord, UserState
from devkit.emulator.server import BotAPIServer

_LOGGER = logging.getLogger(__name__)
DEFAULT_LOCATION = (10.7423, 106.6767)  # Phường Chánh Hưng (former District 8), HCMC


def _same_label(a: str, b: str) -> bool:
    return unicodedata.normalize("NFC", a.strip()) == unicodedata.normalize("NFC", b.strip())


def _is_application_task(task: asyncio.Task) -> bool:
    # Application.create_task wraps every coroutine in __create_task_callback (PTB does not track
    # tasks made while the application is not running, so recognise the wrapper); APScheduler
    # runs due jobs in run_coroutine_job tasks. Long-lived loops (update fetcher) match neither.
    name = getattr(task.get_coro(), "__qualname__", "")
    return name.endswith(("__create_task_callback", "run_coroutine_job"))


class Testkit:
    __test__ = False  # keeps pytest from collecting it

    def __init__(
        self, server: BotAPIServer, application: Application, *, capture_errors: bool = True
    ) -> None:
        self.server = server
        self.application = application
        self.errors: list[BaseException] = []  # exceptions raised by handlers, in order
        self._outbox_watch: asyncio.Future | None = None
        if capture_errors:
            application.add_error_handler(self._record_error)

    async def _record_error(self, update: object, context) -> None:
        _LOGGER.error("handler raised", exc_info=context.error)
        self.errors.append(context.error)

    async def person(
        self,
        name: str,
        role: str = "collaborator",
        group: str | None = "Q8",
        unit: str | None = "27418",
        *,
        scope: str | None = None,
        language: str = "vi",
        user_id: int | None = None,
        **fields: object,
    ) -> TestUser:
        """THE person factory of the tests: someone already onboarded and active with a role
        (as after sign-up and approval), in programme group `group` and unit `unit`. Staff
        cover their group unless `scope` says otherwise; `fields` set any other column."""
        from storage import users

        services = self.application.services  # type: ignore[attr-defined]
        user = self.user(name, language=language, user_id=user_id)
        now = services.clock.now()
        await users.touch(services.database, user.id, name, language, now)
        if scope is None and role == "staff":
            scope = group
        await users.update(
            services.database,
            user.id,
            now,
            role=role,
            district=group,
            ward=unit,
            scope=scope,
            onboarded=1,
            status="active",
            **fields,
        )
        return user

    def user(
        self,
        first_name: str = "Lan",
        language: str | None = "vi",
        *,
        username: str | None = None,
        last_name: str | None = None,
        user_id: int | None = None,
        phone: str | None = None,
    ) -> TestUser:
        record = self.server.create_user(
            first_name,
            user_id=user_id,
            username=username,
            last_name=last_name,
            language_code=language,
            phone=phone,
        )
        return TestUser(self, record)

    def group(
        self,
        title: str,
        members: Sequence[TestUser] = (),
        *,
        admins: Sequence[TestUser] = (),
        supergroup: bool = True,
    ) -> TestGroup:
        chat = self.server.create_group(
            title,
            [m.user for m in members],
            admins=[a.user for a in admins],
            supergroup=supergroup,
        )
        return TestGroup(self, chat)

    async def drain(self) -> int:
        """Feed every queued update to the application, in order; returns how many."""
        count = 0
        queue = self.application.update_queue
        while True:
            for data in self.server.drain_updates():
                await self.application.process_update(Update.de_json(data, self.application.bot))
                count += 1
            # Handlers may hand an update back to the application (a command typed inside a
            # conversation is handled again from the top): wait until PTB has processed it.
            if self.application.running:
                await queue.join()
                # An update processor that hands updates to workers of its own (the bot's,
                # bot/update_order.py) has taken them, not yet handled them.
                idle = getattr(self.application.update_processor, "wait_idle", None)
                if idle is not None:
                    await idle()
            else:
                while not queue.empty():
                    await self.application.process_update(queue.get_nowait())
                    queue.task_done()
            if not self.server.pending_updates and queue.empty():
                return count

    async def outbox_sent(self, timeout: float = 120.0) -> None:
        """Wait until the delivery engine has sent what the last updates queued: no outbox
        message is due any more (or the engine stopped). A broadcast that keeps the engine
        busy, paused or sleeping is not waited for. The timeout only turns a hang into a
        failure. People acting at the same time share one watcher (200 reporters at once
        must not poll 200 times)."""
        watch = self._outbox_watch
        if watch is None or watch.done() or watch.get_loop() is not asyncio.get_running_loop():
            watch = self._outbox_watch = asyncio.ensure_future(self._watch_outbox())
        try:  # each caller its own timeout; a caller that gives up leaves the watch to others
            await asyncio.wait_for(asyncio.shield(watch), timeout)
        except TimeoutError:
            raise TimeoutError(f"outbox messages still due after {timeout:.0f} s") from None
        await self.drain()

    async def _watch_outbox(self) -> None:
        from bot import delivery
        from storage import outbox as store

        services = getattr(self.application, "services", None)  # a bare PTB app: no outbox
        if services is None or services.database is None:
            return
        while True:
            engine = delivery.installed_engine(self.application)  # type: ignore[arg-type]
            if engine is None or not engine.running or engine.task is None:
                return
            if not await store.due(services.database, services.clock.now(), 1):
                return
            await asyncio.wait([engine.task], timeout=0.01)

    async def settle(self, timeout: float = 120.0) -> None:
        """Run until idle: queued updates processed and the application's tasks finished.

        Waits as long as the work takes, so a slow or busy machine changes nothing; the
        timeout only turns a hang into a clear failure instead of returning half done."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        current = asyncio.current_task()
        while True:
            await self.drain()
            for _ in range(3):
                await asyncio.sleep(0)
            pending = [
                t
                for t in asyncio.all_tasks()
                if t is not current and not t.done() and _is_application_task(t)
            ]
            remaining = deadline - loop.time()
            if remaining <= 0:
                names = sorted(t.get_name() for t in pending)
                raise TimeoutError(f"the bot was still busy after {timeout:.0f} s: {names}")
            if pending:
                await asyncio.wait(pending, timeout=remaining)
            elif self._jobs_due():
                await asyncio.sleep(0.001)  # APScheduler wakes on a timer, not on our ticks
            elif not self.server.pending_updates:
                return

    def _jobs_due(self) -> bool:
        queue = self.application.job_queue
        if queue is None or not queue.scheduler.running:
            return False
        now = dt.datetime.now(dt.UTC)
        return any(job.next_t is not None and job.next_t <= now for job in queue.jobs())

    def raise_errors(self) -> None:
        """Re-raise the first handler exception, if any (for fixtures that fail on errors)."""
        if self.errors:
            raise self.errors[0]


class _ChatView:
    """What a participant sees in one chat."""

    def __init__(self, kit: Testkit, chat: ChatState) -> None:
        self.kit = kit
        self.server = kit.server
        self.chat = chat

    @property
    def chat_id(self) -> int:
        return self.chat.id

    @property
    def transcript(self) -> list[MessageRecord]:
        """Every message of the chat, both sides, deleted ones flagged, in order."""
        return self.chat.transcript

    @property
    def bot_messages(self) -> list[MessageRecord]:
        return [m for m in self.chat.messages.values() if m.from_bot and not m.deleted]

    @property
    def last(self) -> MessageRecord:
        for message in reversed(self.chat.messages.values()):
            if message.from_bot and not message.deleted:
                return message
        raise AssertionError(f"the bot has sent nothing (visible) in chat {self.chat.id}")

    @property
    def last_text(self) -> str:
        return self.last.content or ""

    def _keyboard_message(self) -> MessageRecord | None:
        for message in reversed(self.chat.messages.values()):
            if message.from_bot and not message.deleted and message.inline_keyboard:
                return message
        return None

    @property
    def buttons(self) -> list[str]:
        message = self._keyboard_message()
        return message.buttons if message else []

    @property
    def reply_buttons(self) -> list[str]:
        return button_labels(self.chat.reply_keyboard)

    def _button_message(self, label: str) -> tuple[MessageRecord, dict] | None:
        for message in reversed(self.chat.messages.values()):
            if not message.from_bot or message.deleted or not message.inline_keyboard:
                continue
            for row in message.inline_keyboard:
                for button in row:
                    if _same_label(button["text"], label):
                        return message, button
        return None

    def is_web_app(self, kind: str, message_id: int, position: int, label: str) -> bool:
        """Whether a button (inline: by message and 1-based position; reply: by label) opens
        a Mini App rather than answering."""
        if kind == "reply":
            button = self._reply_button(label)
        else:
            message = self.chat.messages.get(message_id)
            buttons = (
                [b for row in (message.inline_keyboard or ()) for b in row]
                if message is not None
                else []
            )
            button = buttons[position - 1] if 1 <= position <= len(buttons) else None
        return bool(button and "web_app" in button)

    def web_app_url(self, label: str) -> str:
        found = self._button_message(label)
        button = found[1] if found is not None else self._reply_button(label)
        if not button or "web_app" not in button:
            raise AssertionError(f"no Mini App button {label!r} in chat {self.chat.id}")
        return button["web_app"]["url"]

    def _reply_button(self, label: str) -> dict | None:
        for row in self.chat.reply_keyboard or ():
            for button in row:
                if _same_label(button["text"], label):
                    return button
        return None

    async def _act(self, update: dict) -> dict:
        await self.kit.drain()
        # As a person waits for the bot: notifications leave through the outbox (the delivery
        # engine's background task) right after the change that caused them.
        await self.kit.outbox_sent()
        return update

    async def _press(self, user: UserState, label: str) -> dict | None:
        found = self._button_message(label)
        if found is not None:
            message, button = found
            if "callback_data" not in button:
                raise AssertionError(f"button {label!r} is not a callback button: {button}")
            return await self._callback(user, message.message_id, button["callback_data"])
        key = self._reply_button(label)
        if key is None:
            raise AssertionError(
                f"no button {label!r} in chat {self.chat.id}; inline buttons: {self.buttons}; "
                f"reply keyboard: {self.reply_buttons}"
            )
        if key.get("request_contact"):
            phone = user.phone or ""
            await self._act(self.server.user_message(user, self.chat, contact=phone))
        elif key.get("request_location"):
            await self._act(self.server.user_message(user, self.chat, location=DEFAULT_LOCATION))
        else:
            await self._act(self.server.user_message(user, self.chat, key["text"]))
        return None

    async def _press_at(self, user: UserState, message_id: int, position: int) -> dict | None:
        """Press the `position`-th (1-based) inline button of one message, old or new."""
        message = self.chat.messages.get(message_id)
        if message is None or not message.from_bot or message.deleted:
            raise AssertionError(f"no bot message {message_id} in chat {self.chat.id}")
        buttons = [b for row in message.inline_keyboard or () for b in row]
        if not 1 <= position <= len(buttons):
            raise AssertionError(f"message {message_id} has no button {position}")
        button = buttons[position - 1]
        if "callback_data" not in button:
            raise AssertionError(f"button {button.get('text')!r} is not a callback button")
        return await self._callback(user, message_id, button["callback_data"])

    async def _press_reply(self, user: UserState, label: str) -> None:
        """Press a reply-keyboard button, never an inline button with the same label."""
        button = self._reply_button(label)
        if button is None:
            raise AssertionError(f"no reply button {label!r}; keyboard: {self.reply_buttons}")
        if button.get("request_contact"):
            await self._act(self.server.user_message(user, self.chat, contact=user.phone or ""))
        elif button.get("request_location"):
            await self._act(self.server.user_message(user, self.chat, location=DEFAULT_LOCATION))
        else:
            await self._act(self.server.user_message(user, self.chat, button["text"]))

    def keyboard_message_id(self) -> int | None:
        """The message whose inline buttons `buttons` lists (the latest with any)."""
        message = self._keyboard_message()
        return message.message_id if message else None

    async def _callback(
        self, user: UserState, message_id: int, data: str, forge: bool = False
    ) -> dict | None:
        update = self.server.callback_query(user, self.chat, message_id, data, forge=forge)
        await self._act(update)
        return self.server.callback_queries[update["callback_query"]["id"]].answer

    async def _press_data(self, user: UserState, data: str) -> dict | None:
        sent = self.bot_messages
        message = self._keyboard_message() or (sent[-1] if sent else None)
        if message is None:
            raise AssertionError(f"the bot has sent nothing to press on in chat {self.chat.id}")
        return await self._callback(user, message.message_id, data, forge=True)


class TestUser(_ChatView):
    """A person and their private chat with the bot."""

    __test__ = False  # not a pytest test class

    def __init__(self, kit: Testkit, user: UserState) -> None:
        super().__init__(kit, kit.server.chats[user.id])
        self.user = user

    @property
    def id(self) -> int:
        return self.user.id

    async def send(self, text: str, *, reply_to: int | None = None) -> dict:
        return await self._act(self.server.user_message(self.user, None, text, reply_to=reply_to))

    async def press(self, label: str) -> dict | None:
        """Press a visible button by its label; returns the callback answer (text, alert)."""
        return await self._press(self.user, label)

    async def press_data(self, data: str) -> dict | None:
        """Forge a callback with arbitrary data on the latest bot message."""
        return await self._press_data(self.user, data)

    async def press_at(self, message_id: int, position: int) -> dict | None:
        """Press button `position` (1-based) of message `message_id`; returns the answer."""
        return await self._press_at(self.user, message_id, position)

    async def press_reply(self, label: str) -> None:
        """Press a button of the reply keyboard (below the typing field)."""
        await self._press_reply(self.user, label)

    async def send_document(
        self, name: str, data: bytes, caption: str | None = None, mime: str | None = None
    ) -> dict:
        document = (name, data, mime or _guess_mime(name))
        return await self._act(
            self.server.user_message(self.user, None, document=document, caption=caption)
        )

    async def send_photo(self, data: bytes = b"\xff\xd8\xff\xe0photo", caption: str | None = None):
        return await self._act(
            self.server.user_message(self.user, None, photo=data, caption=caption)
        )

    async def send_sticker(self, emoji: str = "👍") -> dict:
        return await self._act(self.server.user_message(self.user, None, sticker=emoji))

    async def send_contact(self, phone: str | None = None) -> dict:
        """Share a contact: by default the user's own, as a request_contact button does."""
        return await self._act(
            self.server.user_message(self.user, None, contact=phone or self.user.phone)
        )

    async def send_location(self, latitude: float, longitude: float) -> dict:
        return await self._act(
            self.server.user_message(self.user, None, location=(latitude, longitude))
        )

    async def block(self) -> None:
        self.server.block(self.user)
        await self.kit.drain()

    async def unblock(self) -> None:
        self.server.unblock(self.user)
        await self.kit.drain()


class TestGroup(_ChatView):
    """A group chat; every action names the member who acts."""

    __test__ = False

    async def send(self, user: TestUser, text: str, *, reply_to: int | None = None) -> dict:
        return await self._act(
            self.server.user_message(user.user, self.chat, text, reply_to=reply_to)
        )

    async def press(self, user: TestUser, label: str) -> dict | None:
        return await self._press(user.user, label)

    async def press_data(self, user: TestUser, data: str) -> dict | None:
        return await self._press_data(user.user, data)

    async def add_bot(self, by: TestUser) -> None:
        self.server.add_bot_to_group(self.chat, by.user)
        await self.kit.drain()

    async def remove_bot(self, by: TestUser) -> None:
        self.server.remove_bot_from_group(self.chat, by.user)
        await self.kit.drain()

    def set_status(self, user: TestUser, status: str) -> None:
        """creator | administrator | member | left | kicked, as getChatMember will answer."""
        self.chat.members[user.id] = status


def _guess_mime(name: str) -> str:
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return {
        "pdf": "application/pdf",
        "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
        "png": "image/png",
        "txt": "text/plain",
        "csv": "text/csv",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }.get(suffix, "application/octet-stream")
