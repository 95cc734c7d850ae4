"""Driving a real bot process (`python -m bot`) through the emulator like a person: send,
press, wait for the answer. Used by the DEBUG-log test and the crash bench (bench/crash.py).
"""

from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo

from bot.i18n import I18n
from devkit.emulator.server import BotAPIServer

_VI = I18n(ZoneInfo("Asia/Ho_Chi_Minh"), "vi")("vi")
PARENT = "👪 Phụ huynh hoặc người dân"
SITUATION_VIOLENCE = "i) Tổn hại nghiêm trọng do bạo lực"


def vi(text: str) -> str:
    return _VI(text)


class LiveUser:
    """A person in their private chat with a bot that runs in another process."""

    def __init__(
        self, server: BotAPIServer, user, timeout: float = 10.0, quiet: float = 0.15
    ) -> None:
        self.server = server
        self.user = user
        self.timeout = timeout
        self.quiet = quiet  # how long the chat must stay unchanged before the person reads it

    @property
    def chat(self):
        return self.server.chats[self.user.id]

    def bot_messages(self):
        return [m for m in self.chat.messages.values() if m.from_bot]

    def _snapshot(self):
        return [
            (m.message_id, m.text, m.caption, repr(m.inline_keyboard)) for m in self.bot_messages()
        ]

    async def _answered(self, before) -> bool:
        """Wait until the bot changed the chat, then until it is quiet for a moment."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        while self._snapshot() == before:
            if loop.time() > deadline:
                return False
            await asyncio.sleep(0.02)
        last, still_since = self._snapshot(), loop.time()
        while loop.time() - still_since < self.quiet and loop.time() < deadline:
            await asyncio.sleep(0.02)
            now = self._snapshot()
            if now != last:
                last, still_since = now, loop.time()
        return True

    async def send(self, text: str, wait: bool = True) -> bool:
        before = self._snapshot()
        self.server.user_message(self.user, None, text)
        return await self._answered(before) if wait else True

    async def send_contact(self, phone: str, wait: bool = True) -> bool:
        before = self._snapshot()
        self.server.user_message(self.user, None, contact=phone)
        return await self._answered(before) if wait else True

    def find_button(self, label: str):
        for message in reversed(self.bot_messages()):
            for row in message.inline_keyboard or []:
                for button in row:
                    if button.get("text") == label and "callback_data" in button:
                        return message.message_id, button["callback_data"]
        return None

    async def press(self, label: str, wait: bool = True) -> bool:
        """An inline button of the latest message showing it, else a reply-keyboard label."""
        before = self._snapshot()
        found = self.find_button(label)
        if found is not None:
            self.server.callback_query(self.user, None, found[0], found[1])
        else:
            self.server.user_message(self.user, None, label)
        return await self._answered(before) if wait else True

    def texts(self) -> list[str]:
        return [m.text or m.caption or "" for m in self.bot_messages()]


def report_steps(name: str, description: str, place: str) -> list[tuple[str, str]]:
    """A parent's whole report, as (how, what): "send" text, "press" a label, "contact"."""
    return [
        ("send", "/report"),
        ("press", vi("No, not right now")),
        ("press", "Phường Chánh Hưng"),  # today's ward, one tap
        ("send", place),
        ("press", vi("Skip")),  # location, on the reply keyboard
        ("send", name),
        ("send", "khoảng 10"),
        ("press", vi("Girl (nữ)")),
        ("press", "1"),
        ("press", "▫️ " + SITUATION_VIOLENCE),
        ("press", vi("Done ✔️")),
        ("send", description),
        ("press", vi("Skip")),  # photos
        ("press", vi("Not known")),  # caregiver
        ("press", vi("Nothing yet")),  # actions
        ("contact", ""),  # share the phone
        ("press", vi("✅ Send")),
    ]


async def take(person: LiveUser, step: tuple[str, str], phone: str, wait: bool = True) -> bool:
    how, what = step
    if how == "send":
        return await person.send(what, wait)
    if how == "contact":
        return await person.send_contact(phone, wait)
    return await person.press(what, wait)


async def become_parent(person: LiveUser) -> None:
    await person.send("/start")
    await person.press(PARENT)
