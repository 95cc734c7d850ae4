"""`python -m bot sandbox`: chat with the real bot in the terminal, offline.

The production application runs on the in-process Bot API emulator with a real SQLite file
and the real job queue. Interactive on a terminal; scripted when stdin is a pipe:

    printf '/start\\n#1\\n' | python -m bot sandbox --fresh
"""

from __future__ import annotations

import asyncio
import html
import re
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from bot.application import build_application, start_services
from bot.config import Settings
from bot.emulator.records import MessageRecord
from bot.emulator.request import EmulatorRequest
from bot.emulator.server import BotAPIServer
from bot.emulator.testkit import Testkit, TestUser

SANDBOX_ADMIN_ID = 1_000_001
DEFAULT_PERSONA = "Lan"

BANNER = """\
🧪 Hộp thử (sandbox) — ngoại tuyến: bạn đang trò chuyện với bot thật, nhưng không có gì được
gửi lên Telegram. Gõ tin nhắn như trong Telegram; bấm nút bằng #số (ví dụ #2). Đổi người dùng:
/as TÊN (ví dụ /as Hoa, /as admin). Gửi thử: !sticker !photo !contact !location. Thoát: /quit.
Sandbox — offline: you are chatting with the real bot; nothing reaches Telegram. Type as in
Telegram; press buttons with #number (e.g. #2). Switch persona: /as NAME (/as admin is an
administrator). Try: !sticker !photo !contact !location. Quit: /quit."""

WEB_BANNER = """🌐 Bảng hồ sơ cho cán bộ (dashboard): /web in ra đường link của người đang dùng — mở nó trong
trình duyệt. Staff dashboard: /web prints the current persona's link; open it in a browser."""

_TAGS = re.compile(r"<[^>]+>")


def persona_id(name: str) -> int:
    """Stable ids, so a persona is the same person in the database across sandbox runs."""
    if name.lower() == "admin":
        return SANDBOX_ADMIN_ID
    return 2_000_000 + zlib.crc32(name.lower().encode()) % 1_000_000_000


def render(message: MessageRecord, colour: bool) -> str:
    """Bot HTML as a terminal shows it: bold/italic as ANSI (or plain), entities unescaped."""
    raw = message.raw_text if message.raw_text is not None else message.raw_caption
    text = raw if message.parse_mode and message.parse_mode.upper() == "HTML" and raw else (
        message.content or "")
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


@dataclass
class Sandbox:
    kit: Testkit
    colour: bool
    out: object = sys.stdout
    personas: dict[str, TestUser] = field(default_factory=dict)
    current: str = DEFAULT_PERSONA
    _seen: dict[tuple[int, int], int] = field(default_factory=dict)
    _numbered: list[str] = field(default_factory=list)
    web_url: str | None = None  # the dashboard, when started with --web

    def web_link(self) -> str:
        """The dashboard as Telegram would open it for the current persona: initData signed
        with the sandbox's own token, in the page address as Telegram passes it."""
        from urllib.parse import quote

        from bot.webapp import initdata

        me = self.me.user
        signed = initdata.sign(self.kit.application.bot.token,
                               {"id": me.id, "first_name": me.first_name,
                                "language_code": me.language_code or "vi"},
                               self.kit.application.services.clock.now())
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
            self.personas[key] = self.kit.user(display, language="vi", user_id=persona_id(name),
                                               phone="0901234567")
        return self.personas[key]

    @property
    def me(self) -> TestUser:
        return self.persona(self.current)

    def print(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def show_new(self) -> None:
        """Print every bot message that appeared or changed since last time, in any chat."""
        names = {p.chat_id: ("Admin" if k == "admin" else p.user.first_name)
                 for k, p in self.personas.items()}
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
        self._show_buttons()

    def _show_buttons(self) -> None:
        me = self.me
        inline, reply = me.buttons, me.reply_buttons
        self._numbered = list(inline) + list(reply)
        if inline:
            self.print("   " + " ".join(f"[#{i} {label}]" for i, label in enumerate(inline, 1)))
        if reply:
            start = len(inline) + 1
            self.print("   ⌨ " + " ".join(f"[#{i} {label}]" for i, label in enumerate(reply, start)))

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
        me = self.me
        try:
            if re.fullmatch(r"#\d+", line):
                index = int(line[1:]) - 1
                if not 0 <= index < len(self._numbered):
                    self.print("⚠️  Không có nút này / no such button")
                    return True
                if me.is_web_app_button(self._numbered[index]):
                    self.print_web_link()  # Telegram would open the dashboard here
                    return True
                await me.press(self._numbered[index])
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
        return True


async def _run(settings: Settings, interactive: bool, web: bool = False) -> int:
    server = BotAPIServer()
    application = build_application(settings, request=EmulatorRequest(server), rate_limit=False)
    await application.initialize()
    await start_services(application)
    await application.start()
    sandbox = Sandbox(Testkit(server, application), colour=interactive and sys.stdout.isatty())
    sandbox.persona("admin")
    sandbox.print(BANNER)
    if web:
        sandbox.web_url = settings.webapp_url
        sandbox.print(WEB_BANNER)
        sandbox.print_web_link()
    sandbox.print(f"👤 {sandbox.me.user.first_name} (id {sandbox.me.id})")
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
        await application.stop()
        await application.shutdown()
    return 0


def run_sandbox(settings: Settings, database: str, fresh: bool = False,
                web: tuple[str, int] | None = None) -> int:
    path = Path(database)
    if fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    settings = settings.with_overrides(
        bot_token=None,
        database_path=path,
        admin_ids=settings.admin_ids | {SANDBOX_ADMIN_ID},
        data_key_file=settings.data_key_file or path.with_suffix(".key"),
    )
    if web is not None:
        host, port = web
        shown = f"[{host}]" if ":" in host else host
        settings = settings.with_overrides(webapp_url=f"http://{shown}:{port}/app/",
                                           webapp_listen=web)
    return asyncio.run(_run(settings, interactive=sys.stdin.isatty(), web=web is not None))
