"""`python -m bot sandbox`: chat with the real bot in the terminal, offline.

The production application runs on the in-process Bot API emulator with a real SQLite file
and the real job queue. Interactive on a terminal; scripted when stdin is a pipe:

    printf '/start\\n#1\\n' | python -m bot sandbox --fresh

Commands of the sandbox itself (everything else goes to the bot): `#N` presses the N-th button
shown last, `#M.K` the K-th button of message ✉M (an older one), `/as NAME` switches persona,
`/clock` shows the sandbox time and `/clock +1d` (+2h, +30m, +1w, or combined: +1d2h) moves it
forward and runs the reminders and deadlines now due, `!sticker` `!photo` `!contact`
`!location` send such a message, `/quit` leaves. The chat history is kept beside the database
(`sandbox.history.json`), so old buttons still work after a restart.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import re
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO, cast

from bot.application import BotApplication, build_application, start_services
from bot.clock import ShiftedClock
from bot.config import Settings
from bot.scheduling import run_ticks
from devkit.emulator import snapshot
from devkit.emulator.records import MessageRecord
from devkit.emulator.request import EmulatorRequest
from devkit.emulator.server import BotAPIServer
from devkit.emulator.testkit import Testkit, TestUser

SANDBOX_ADMIN_ID = 1_000_001
DEFAULT_PERSONA = "Lan"

BANNER = """\
🧪 Hộp thử (sandbox) — ngoại tuyến: bạn đang trò chuyện với bot thật, nhưng không có gì được
gửi lên Telegram. Gõ tin nhắn như trong Telegram; bấm nút bằng #số (ví dụ #2), nút của một
tin nhắn cũ ✉12 bằng #12.3. Đổi người dùng: /as TÊN (ví dụ /as Hoa, /as admin). Dời giờ:
/clock +1d (+2h, +30m, +1w). Gửi thử: !sticker !photo !contact !location. Thoát: /quit.
Sandbox — offline: you are chatting with the real bot; nothing reaches Telegram. Type as in
Telegram; press buttons with #number (e.g. #2), a button of an older message ✉12 with #12.3.
Switch persona: /as NAME (/as admin is an administrator). Move time: /clock +1d (+2h, +30m,
+1w). Try: !sticker !photo !contact !location. Quit: /quit."""

WEB_BANNER = """🌐 Bảng hồ sơ cho cán bộ (dashboard): /web in ra đường link của người đang dùng — mở nó trong
trình duyệt. Staff dashboard: /web prints the current persona's link; open it in a browser."""

_TAGS = re.compile(r"<[^>]+>")
_STEP = re.compile(r"(\d+)\s*([wdhm])")
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes"}
MAX_CLOCK_STEP = dt.timedelta(days=400)


def clock_step(text: str) -> dt.timedelta | None:
    """'+1d', '+2h30m', '+1w' → a forward step; None if unreadable (or not forward)."""
    text = text.strip().lower()
    if not text.startswith("+"):
        return None
    rest = text[1:].replace(" ", "")
    steps = _STEP.findall(rest)
    if not steps or "".join(n + u for n, u in steps) != rest:
        return None
    step = sum((dt.timedelta(**{_UNITS[unit]: int(n)}) for n, unit in steps), dt.timedelta())
    return step if dt.timedelta() < step <= MAX_CLOCK_STEP else None


def persona_id(name: str) -> int:
    """Stable ids, so a persona is the same person in the database across sandbox runs."""
    if name.lower() == "admin":
        return SANDBOX_ADMIN_ID
    return 2_000_000 + zlib.crc32(name.lower().encode()) % 1_000_000_000


def render(message: MessageRecord, colour: bool) -> str:
    """Bot HTML as a terminal shows it: bold/italic as ANSI (or plain), entities unescaped."""
    raw = message.raw_text if message.raw_text is not None else message.raw_caption
    text = (
        raw
        if message.parse_mode and message.parse_mode.upper() == "HTML" and raw
        else (message.content or "")
    )
    if message.parse_mode and message.parse_mode.upper() == "HTML" and raw:
        if colour:
            text = re.sub(r"<(b|strong)>", "\x1b[1m", text)
            text = re.sub(r"<(i|em)>", "\x1b[3m", text)
            text = re.sub(r"</(b|strong|i|em)>", "\x1b[0m", text)
        text = re.sub(r'<a href="([^"]*)">([^<]*)</a>', r"\2 (\1)", text)
        text = html.unescape(_TAGS.sub("", text))
    parts = []
    if message.document:
        parts.append(f"[file: {message.document.get('file_name') or 'document'}]")
    if message.photo:
        parts.append("[photo]")
    if text:
        parts.append(text)
    return "\n".join(parts)


# What "#N" presses: an inline button of one message, or a reply-keyboard button.
Target = tuple[
    str, int, int, str
]  # ("inline", message_id, position, label) | ("reply", 0, 0, label)


@dataclass
class Sandbox:
    kit: Testkit
    colour: bool
    out: TextIO = sys.stdout
    # Real time that /clock moves forward (tests pass their FakeClock).
    clock: ShiftedClock = field(default_factory=lambda: ShiftedClock(dt.datetime.now(dt.UTC)))
    history: Path | None = None  # where the chat history is kept between runs
    personas: dict[str, TestUser] = field(default_factory=dict)
    current: str = DEFAULT_PERSONA
    _seen: dict[tuple[int, int], int] = field(default_factory=dict)
    _numbered: list[Target] = field(default_factory=list)
    web_url: str | None = None  # the dashboard, when started with --web

    @property
    def app(self) -> BotApplication:
        """The bot under test (the sandbox always builds it with build_application)."""
        return cast(BotApplication, self.kit.application)

    def web_link(self) -> str:
        """The dashboard as Telegram would open it for the current persona: initData signed
        with the sandbox's own token, in the page address as Telegram passes it."""
        from urllib.parse import quote

        from bot.webapp import initdata

        me = self.me.user
        signed = initdata.sign(
            self.kit.application.bot.token,
            {"id": me.id, "first_name": me.first_name, "language_code": me.language_code or "vi"},
            self.app.services.clock.now(),
        )
        return f"{self.web_url}#tgWebAppData={quote(signed, safe='')}&tgWebAppVersion=8.0"

    def print_web_link(self) -> None:
        if self.web_url is None:
            self.print("⚠️  Chạy lại với --web HOST:PORT / start the sandbox with --web HOST:PORT")
            return
        self.print(f"🌐 {self.me.user.first_name}: {self.web_link()}")

    def persona(self, name: str) -> TestUser:
        key = name.lower()
        if key not in self.personas:
            display = "Admin" if key == "admin" else name
            self.personas[key] = self.kit.user(
                display, language="vi", user_id=persona_id(name), phone="0901234567"
            )
        return self.personas[key]

    @property
    def me(self) -> TestUser:
        return self.persona(self.current)

    def print(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def mark_all_seen(self) -> None:
        """After a restart: the restored history is not printed again."""
        for chat in self.kit.server.chats.values():
            for message in chat.messages.values():
                if message.from_bot:
                    self._seen[(chat.id, message.message_id)] = (
                        -1 if message.deleted else message.edit_count
                    )

    def save(self) -> None:
        if self.history is not None:
            snapshot.save(
                self.kit.server, self.history, {"clock_offset": self.clock.offset.total_seconds()}
            )

    def show_new(self) -> None:
        """Print every bot message that appeared or changed since last time, in any chat."""
        names = {
            p.chat_id: ("Admin" if k == "admin" else p.user.first_name)
            for k, p in self.personas.items()
        }
        for chat in list(self.kit.server.chats.values()):
            for message in list(chat.messages.values()):
                if not message.from_bot:
                    continue
                key = (chat.id, message.message_id)
                version = -1 if message.deleted else message.edit_count
                if self._seen.get(key) == version:
                    continue
                first_time = key not in self._seen
                self._seen[key] = version
                where = "" if chat.id == self.me.chat_id else f"[→ {names.get(chat.id, chat.id)}] "
                if message.deleted:
                    self.print(f"🤖 {where}(đã xóa một tin nhắn / a message was deleted)")
                    continue
                mark = "" if first_time else "✎ "
                body = render(message, self.colour).replace("\n", "\n   ")
                self.print(f"🤖 {where}{mark}{body}")
                if (
                    chat.id == self.me.chat_id
                    and message.inline_keyboard
                    and message.message_id != self.me.keyboard_message_id()
                ):
                    # An older message's buttons (edited, say) stay pressable as #M.K.
                    self.print(
                        "   "
                        + " ".join(
                            f"[#{message.message_id}.{i} {label}]"
                            for i, label in enumerate(message.buttons, 1)
                        )
                    )
        self._show_buttons()

    def _show_buttons(self) -> None:
        me = self.me
        inline, reply = me.buttons, me.reply_buttons
        message_id = me.keyboard_message_id()
        self._numbered = [
            ("inline", message_id or 0, i, label) for i, label in enumerate(inline, 1)
        ]
        self._numbered += [("reply", 0, 0, label) for label in reply]
        if inline:
            self.print(
                "   "
                + " ".join(f"[#{i} {label}]" for i, label in enumerate(inline, 1))
                + f"  ✉{message_id}"
            )
        if reply:
            start = len(inline) + 1
            self.print(
                "   ⌨ " + " ".join(f"[#{i} {label}]" for i, label in enumerate(reply, start))
            )

    def _show_answer(self, answer: dict | None) -> None:
        """What Telegram shows after a press: a toast at the top, or an alert with OK."""
        if not answer or not answer.get("text"):
            return
        if answer.get("show_alert"):
            self.print(f"🔔 ┃ {answer['text']} ┃ [OK]")
        else:
            self.print(f"💬 {answer['text']}")

    async def _press(self, target: Target) -> None:
        kind, message_id, position, label = target
        if self.me.is_web_app(kind, message_id, position, label):
            self.print_web_link()  # Telegram would open the dashboard here
        elif kind == "reply":
            await self.me.press_reply(label)
        else:
            self._show_answer(await self.me.press_at(message_id, position))

    async def _move_clock(self, line: str) -> None:
        argument = line[len("/clock") :].strip()
        if argument:
            step = clock_step(argument)
            if step is None:
                self.print("⚠️  /clock +1d · +2h · +30m · +1w (chỉ tiến / forward only)")
                return
            self.clock.advance(seconds=step.total_seconds())
            await run_ticks(self.app)  # reminders and deadlines now due
            await self.kit.settle()
        shown = self.app.services.i18n("vi").datetime(self.clock.now())
        self.print(f"🕒 {shown} (giờ hộp thử / sandbox time)")
        self.show_new()

    async def handle(self, line: str) -> bool:
        """One input line; False means quit."""
        line = line.strip()
        if not line:
            return True
        if line in ("/quit", "/exit"):
            return False
        if line == "/as" or line.startswith("/as "):  # not /ask, the bot's own command
            name = line[3:].strip() or DEFAULT_PERSONA
            self.current = name
            self.print(f"👤 {self.me.user.first_name} (id {self.me.id})")
            self._show_buttons()
            return True
        if line == "/web":
            self.print_web_link()
            return True
        if line == "/clock" or line.startswith("/clock "):
            await self._move_clock(line)
            self.save()
            return True
            return True
        me = self.me
        try:
            if re.fullmatch(r"#\d+", line):
                index = int(line[1:]) - 1
                if not 0 <= index < len(self._numbered):
                    self.print("⚠️  Không có nút này / no such button")
                    return True
                await self._press(self._numbered[index])
            elif match := re.fullmatch(r"#(\d+)\.(\d+)", line):
                await self._press(("inline", int(match[1]), int(match[2]), ""))
            elif line == "!sticker":
                await me.send_sticker()
            elif line == "!photo":
                await me.send_photo()
            elif line == "!contact":
                await me.send_contact()
            elif line == "!location":
                await me.send_location(10.7405, 106.6544)
            else:
                await me.send(line)
            await self.kit.settle()
        except AssertionError as problem:
            self.print(f"⚠️  {problem}")
        if self.kit.errors:
            self.print(f"⚠️  lỗi / error: {type(self.kit.errors[-1]).__name__}")
            self.kit.errors.clear()
        self.show_new()
        self.save()
        return True


def history_path(database: Path) -> Path:
    return database.with_name(database.stem + ".history.json")


async def _run(settings: Settings, interactive: bool, web: bool = False) -> int:
    server = BotAPIServer()
    history = history_path(settings.database_path)
    state = snapshot.restore(server, history)
    restored = state is not None
    # The sandbox clock is where /clock left it in the last run.
    offset = dt.timedelta(seconds=float((state or {}).get("clock_offset", 0)))
    clock = ShiftedClock(dt.datetime.now(dt.UTC) + offset)
    server.clock = clock
    application = build_application(
        settings, request=EmulatorRequest(server), clock=clock, rate_limit=False
    )
    await application.initialize()
    await start_services(application)
    await application.start()
    sandbox = Sandbox(
        Testkit(server, application),
        colour=interactive and sys.stdout.isatty(),
        clock=clock,
        history=history,
    )
    sandbox.persona("admin")
    sandbox.print(BANNER)
    if web:
        sandbox.web_url = settings.webapp_url
        sandbox.print(WEB_BANNER)
        sandbox.print_web_link()
    if restored:
        sandbox.mark_all_seen()
        sandbox.print(
            "↺ Lịch sử trò chuyện được giữ từ lần trước / chat history restored "
            "(--fresh: start over)"
        )
    sandbox.print(f"👤 {sandbox.me.user.first_name} (id {sandbox.me.id})")
    if restored:
        sandbox._show_buttons()
    loop = asyncio.get_running_loop()
    try:
        while True:
            if interactive:
                line = await loop.run_in_executor(None, input, "› ")
            else:
                line = await loop.run_in_executor(None, sys.stdin.readline)
                if not line:
                    break
                sandbox.print(f"› {line.rstrip()}")
            if not await sandbox.handle(line):
                break
    except (EOFError, KeyboardInterrupt):
        pass
    finally:
        sandbox.save()
        await application.stop()
        await application.shutdown()
    return 0


def run_sandbox(
    settings: Settings, database: str, fresh: bool = False, web: tuple[str, int] | None = None
) -> int:
    path = Path(database)
    if fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        history_path(path).unlink(missing_ok=True)
    settings = settings.with_overrides(
        bot_token=None,
        database_path=path,
        admin_ids=settings.admin_ids | {SANDBOX_ADMIN_ID},
        data_key_file=settings.data_key_file or path.with_suffix(".key"),
    )
    if web is not None:
        host, port = web
        shown = f"[{host}]" if ":" in host else host
        settings = settings.with_overrides(
            webapp_url=f"http://{shown}:{port}/app/", webapp_listen=web
        )
    return asyncio.run(_run(settings, interactive=sys.stdin.isatty(), web=web is not None))
