"""The priority lane, measured with a live bot: reply latency while a broadcast is sending.

    python -m bench lane            3,000 recipients at 30/s, 80 messages before and during
    python -m bench lane --quick    600 recipients, 20 messages each (for iterating)

The bot runs as `python -m bot` (production rate limiter: the shared budget, 30/s) against
the emulator served over loopback HTTP with Telegram's flood limits on (`python -m bot
emulator --flood-limits` does the same standalone). Collaborators (not in the audience) write
about once a second (/start, /help, /report and a report step, in turn; a second group does
the same journeys during the broadcast, so both runs are alike); the latency is from
the moment their message is queued to the bot's first message back in their chat. First with
no broadcast, then while an administrator's broadcast (composed and sent through the bot's
own /broadcast, so the sender's chat gets its reply and the progress message) goes to every
parent. Every 429 the emulator answered is counted, the sender's chat included.
"""

from __future__ import annotations

import asyncio
import statistics
import time

from bench.live import BenchServer, LiveBot
from storage.db import Database, migrate

ADMIN = 900_000_001
FIRST_PARENT = 200_000_000
FIRST_PERSON = 500_000_000
PEOPLE = 20
TURN = ("/start", "/help", "/report", "Em bé ở gần chợ Bình Điền, khoảng 8 tuổi")
TEXT = "Thông báo: tập huấn bảo vệ trẻ em lúc 8 giờ sáng thứ Bảy tại UBND phường."


async def _seed(path, count: int) -> None:
    """Parents, and the collaborators who write, straight into SQLite before the bot starts
    (onboarding is not measured)."""
    db = await Database.connect(path)
    try:
        await migrate(db)
        stamp = "2021-05-25T02:00:00Z"
        await db.executemany(
            "INSERT INTO users (telegram_id, display_name, language, onboarded, created_at,"
            " updated_at) VALUES (?, 'P', 'vi', 1, ?, ?)",
            [(FIRST_PARENT + n, stamp, stamp) for n in range(count)],
        )
        await db.executemany(
            "INSERT INTO users (telegram_id, display_name, role, status, district, ward,"
            " language, onboarded, created_at, updated_at)"
            " VALUES (?, 'CTV', 'collaborator', 'active', 'Q8', 'Q8-P01', 'vi', 1, ?, ?)",
            [(FIRST_PERSON + n, stamp, stamp) for n in range(2 * PEOPLE)],
        )
    finally:
        await db.close()


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Driver:
    def __init__(self, server: BenchServer) -> None:
        self.server = server
        self.waiting: dict[int, float] = {}
        self.latencies: list[float] = []
        self.sent_to_parents = 0
        server.on_send.append(self._on_send)

    def _on_send(self, method: str, chat_id: int, message_id: int, text) -> None:
        started = self.waiting.pop(chat_id, None)
        if started is not None:
            self.latencies.append(time.perf_counter() - started)
        if FIRST_PARENT <= chat_id < FIRST_PERSON:
            self.sent_to_parents += 1

    async def people_write(self, messages: int, group: int, interval: float = 1.0) -> list[float]:
        """`messages` messages about one a second from one group of people (the same
        journeys in both runs); returns their latencies (seconds)."""
        self.latencies = []
        start = time.perf_counter()
        for number in range(messages):
            person = FIRST_PERSON + group * PEOPLE + number % PEOPLE
            text = TURN[(number // PEOPLE) % len(TURN)]
            await asyncio.sleep(max(0.0, start + number * interval - time.perf_counter()))
            self.waiting[person] = time.perf_counter()
            self.server.user_message(person, None, text)
        deadline = time.perf_counter() + 10
        while self.waiting and time.perf_counter() < deadline:
            await asyncio.sleep(0.01)
        return list(self.latencies)

    async def admin(
        self,
        text: str | None = None,
        press: str | None = None,
        expect: str | None = None,
        timeout: float = 20.0,
    ) -> None:
        """Act as the administrator and wait for the bot's answer."""
        chat = self.server.chats[ADMIN]
        before = chat.next_message_id
        query = None
        if text is not None:
            self.server.user_message(ADMIN, None, text)
        else:
            assert press is not None, "a text or a button to press"
            message, data = self._button(press)
            update = self.server.callback_query(ADMIN, None, message.message_id, data)
            query = self.server.callback_queries[update["callback_query"]["id"]]
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            newest = [m for m in chat.messages.values() if m.from_bot]
            if expect is not None:
                if any(expect in (m.text or "") for m in newest[-3:]):
                    return
            elif query is not None:
                if query.answered:
                    await asyncio.sleep(0.2)  # the edit that follows the answer
                    return
            elif chat.next_message_id > before + 1:
                return
            await asyncio.sleep(0.02)
        raise TimeoutError(f"the bot did not answer {text or press!r} with {expect!r}")

    def _button(self, label: str):
        chat = self.server.chats[ADMIN]
        for message in reversed(list(chat.messages.values())):
            for row in message.inline_keyboard or []:
                for button in row:
                    if button.get("text") == label:
                        return message, button["callback_data"]
        raise LookupError(f"no button {label!r} in the administrator's chat")


async def _run(recipients: int, messages: int) -> dict:
    server = BenchServer(keep_transcripts=True, enforce_limits=True)
    server.create_user("Admin", user_id=ADMIN, language_code="vi")
    for n in range(recipients):
        server.create_user("P", user_id=FIRST_PARENT + n, language_code="vi")
    for n in range(2 * PEOPLE):
        server.create_user(f"CTV {n}", user_id=FIRST_PERSON + n, language_code="vi")
    bot = LiveBot("bot", server, ADMIN_IDS=str(ADMIN))
    await _seed(bot.database, recipients)
    driver = Driver(server)
    try:
        await bot.start()
        await asyncio.sleep(1.0)
        quiet = await driver.people_write(messages, group=0)
        await driver.admin(text="/start")
        await asyncio.sleep(1.1)
        await driver.admin(text="/broadcast", expect="Thông báo mới")
        await asyncio.sleep(1.1)
        await driver.admin(text=TEXT, expect="bản tiếng Anh")
        await driver.admin(press="Bỏ qua ›")
        await driver.admin(press="Tiếp tục ›", expect="Thông báo sẽ gửi tới")
        started = time.perf_counter()
        before_429 = server.flood_429_count
        await driver.admin(press="✅ Gửi ngay")
        during = await driver.people_write(messages, group=1)
        while driver.sent_to_parents < recipients:
            if time.perf_counter() - started > recipients / 10 + 60:
                raise TimeoutError("the broadcast did not finish")
            await asyncio.sleep(0.05)
        seconds = time.perf_counter() - started
        await asyncio.sleep(2.0)  # the final report and the last edits
        errors = bot.stderr().count("Traceback")
    finally:
        await bot.stop()
    return {
        "quiet": quiet,
        "during": during,
        "seconds": seconds,
        "sent": driver.sent_to_parents,
        "http_429": server.flood_429_count - before_429,
        "http_429_total": server.flood_429_count,
        "errors": errors,
    }


def _latency(values: list[float]) -> str:
    ms = [1000 * v for v in values]
    return (
        f"p50 {statistics.median(ms):.0f} / p95 {_percentile(ms, 0.95):.0f} / "
        f"p99 {_percentile(ms, 0.99):.0f} ms ({len(ms)} replies)"
    )


def main(argv: list[str] | None = None) -> None:
    argv = argv or []
    quick = "--quick" in argv
    recipients, messages = (600, 20) if quick else (3_000, 80)
    print(
        f"Priority lane — live bot (`python -m bot`, 30/s budget), emulator over HTTP with "
        f"Telegram's flood limits on, {recipients:,} recipients, people writing ~1/s"
    )
    row = asyncio.run(_run(recipients, messages))
    quiet_p99 = _percentile(row["quiet"], 0.99)
    during_p99 = _percentile(row["during"], 0.99)
    print(f"  reply latency, no broadcast:     {_latency(row['quiet'])}")
    print(f"  reply latency, during broadcast: {_latency(row['during'])}")
    verdict = "ok" if during_p99 <= 1.5 * quiet_p99 else "over 1.5×"
    print(f"  p99 during / p99 without: {during_p99 / quiet_p99:.2f}× ({verdict})")
    print(
        f"  broadcast: {row['sent']:,} sent in {row['seconds']:.1f} s = "
        f"{row['sent'] / row['seconds']:.1f}/s · 429 answers: {row['http_429_total']} "
        f"(replies, broadcast and the sender's chat) · errors logged: {row['errors']}"
    )
