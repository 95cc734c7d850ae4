"""`python -m bench crash [--trials=30] [--seed=N]`: SIGKILL a real bot at random points.

Each trial starts `python -m bot` (its own SQLite file) against the emulator over loopback
HTTP, with 12 staff and an administrator who hear of every new case of Quận 8. A parent files
a report step by step; the bot is SIGKILLed either at a random moment of the report flow (any
step, a random delay after the person acted: before, while or after the bot saved and
answered) or, after Send, while the new-case alerts are still leaving through the outbox.
The bot is then started again on the same file, and the person carries on as a person would:
they answer the question they see (or send /report and tap Continue).

Printed at the end, over all trials:
  reports lost      a finished report with no case, or a reporter never told their code
  alerts lost       a staff member who never got the alert of a case
  alerts duplicated alerts received twice; allowed: the sends in flight at the kill (≤ 3)
  answers misfiled  a case field that is not what the person typed for it
"""

from __future__ import annotations

import asyncio
import random
import re
import sqlite3
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from tempfile import TemporaryDirectory

from bot.crypto import FieldCipher
from devkit.emulator.http import HTTPFront
from devkit.emulator.server import BotAPIServer
from storage import users
from storage.db import Database, migrate
from tests.live_flow import SITUATION_VIOLENCE, LiveUser, report_steps, take, vi
from tests.process_support import bot_env, kill_bot, start_bot, stop_bot, wait_for

NAME = "Hồng Nhung"
PHONE = "0912345678"
DESCRIPTION = "Cháu bị bỏ đói ở nhà kho sau chợ Xóm Củi, người gầy và có vết bầm."
PLACE = "Hẻm 77 Bến Phú Định"
STAFF = 12
ADMIN_ID = 900_000_001
IN_FLIGHT_ALLOWANCE = 3  # max_in_flight at 30 messages a second
CODE = re.compile(r"\b[A-Z]{1,4}-\d{4}-\d{4}\b")  # TE-2026-0001


@dataclass
class Totals:
    trials: int = 0
    reports_lost: int = 0
    alerts_lost: int = 0
    alerts_duplicated: int = 0
    over_allowance: int = 0
    answers_misfiled: int = 0
    notes: list[str] = field(default_factory=list)
    logs: list[str] = field(default_factory=list)  # the bots' logs, if asked for

    def ok(self) -> bool:
        return not (
            self.reports_lost or self.alerts_lost or self.answers_misfiled or self.over_allowance
        )

    def lines(self) -> list[str]:
        return [
            f"trials            {self.trials}",
            f"reports lost      {self.reports_lost}",
            f"alerts lost       {self.alerts_lost}",
            f"alerts duplicated {self.alerts_duplicated} (allowance {IN_FLIGHT_ALLOWANCE} per "
            f"kill; trials over it: {self.over_allowance})",
            f"answers misfiled  {self.answers_misfiled}",
        ]


def _plain(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text)


def _snippet(msgid: str) -> str:
    return _plain(vi(msgid)).split("{")[0][:28]


# What a question looks like (a snippet of its text) → what this person answers to it.
QUESTIONS = [
    (
        _snippet(
            "Which neighbourhood (khu phố / ấp), street or landmark? Type it, or tap Skip. "
            "A house number is not needed."
        ),
        ("send", PLACE),
    ),
    (
        _snippet("If you are near the place, you may send its location on the map (optional)."),
        ("press", vi("Skip")),
    ),
    (
        _snippet(
            "The child's <b>first name or initials only</b> (for example “An” or “T.N.”), "
            "to protect the child's privacy. Optional: you may tap Skip."
        ),
        ("send", NAME),
    ),
    (
        _snippet(
            "How old is the child? Type the age in years or an estimate, for example “10”, "
            "“10 tuổi” or “khoảng 10”."
        ),
        ("send", "khoảng 10"),
    ),
    (
        _snippet(
            "How many children are in this situation (for example siblings)? Tap a number "
            "or type it."
        ),
        ("press", "1"),
    ),
    (
        _snippet(
            "What happened, and how is the child now? Write what you saw or heard, in up to "
            "{limit} characters. Do not put yourself at risk to find out more."
        ),
        ("send", DESCRIPTION),
    ),
    (
        _snippet(
            "You may send up to {count} photos (of an injury or of the place, for "
            "example). Only the programme's staff will see them. Tap Done when finished, "
            "or Skip."
        ),
        ("press", vi("Skip")),
    ),
    (
        _snippet(
            "Who takes care of the child now (parents, grandparents, relatives, "
            "neighbours, nobody…)?"
        ),
        ("press", vi("Not known")),
    ),
    (
        _snippet(
            "Has anything been done already (called 111, told the ward, took the child to "
            "a clinic…)? Type it, or tap “Nothing yet”."
        ),
        ("press", vi("Nothing yet")),
    ),
    (
        _snippet(
            "May the staff call you back about this report? If yes, tap “Share my "
            "phone number”. If not, tap “Stay anonymous”: staff will not see your name "
            "or number."
        ),
        ("contact", ""),
    ),
    (_snippet("The child is:"), ("press", vi("Girl (nữ)"))),
]
BUTTONS = [  # questions recognised by a button they show
    (vi("▶️ Continue"), ("press", vi("▶️ Continue"))),
    (vi("No, not right now"), ("press", vi("No, not right now"))),
    ("Phường Chánh Hưng", ("press", "Phường Chánh Hưng")),
    ("✅ " + SITUATION_VIOLENCE, ("press", vi("Done ✔️"))),
    ("▫️ " + SITUATION_VIOLENCE, ("press", "▫️ " + SITUATION_VIOLENCE)),
    (vi("✅ Send"), ("press", vi("✅ Send"))),
]


def _labels(message) -> set[str]:
    return {b.get("text") for row in (message.inline_keyboard or []) for b in row}


def next_move(person: LiveUser) -> tuple[str, str] | None:
    """What the person does now: answer the latest question they can see."""
    for message in reversed(person.bot_messages()):
        labels = _labels(message)
        for label, move in BUTTONS:
            if label in labels:
                return move
        text = message.text or ""
        for snippet, move in QUESTIONS:
            if snippet and text.startswith(snippet):
                return move
    return None


def told_code(person: LiveUser, server: BotAPIServer) -> str | None:
    for text in person.texts():
        if "Mã hồ sơ" in text and (found := CODE.search(text)):
            return found.group(0)
    for query in server.callback_queries.values():
        text = (query.answer or {}).get("text") or ""
        if found := CODE.search(text):
            return found.group(0)
    return None


async def _prepare(path: Path, staff_ids: list[int], reporter_id: int) -> None:
    import datetime as dt

    db = await Database.connect(path)
    try:
        await migrate(db)
        now = dt.datetime.now(dt.UTC)
        for index, staff_id in enumerate(staff_ids):
            await users.touch(db, staff_id, f"Cán bộ {index}", "vi", now)
            await users.update(
                db,
                staff_id,
                now,
                role="staff",
                district="Q8",
                scope="Q8",
                onboarded=1,
                status="active",
            )
        await users.touch(db, reporter_id, "Lan", "vi", now)
        await users.update(db, reporter_id, now, onboarded=1, status="active")
    finally:
        await db.close()


def _outbox_pending(path: Path) -> int:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as connection:
            return connection.execute(
                "SELECT count(*) FROM outbox WHERE state = 'pending'"
            ).fetchone()[0]
    except sqlite3.Error:
        return -1


@dataclass(frozen=True)
class Kill:
    """Where a trial kills the bot: right after the person's step `at` (index in
    `report_steps`), `delay` seconds later; `during_alerts`: the step is Send, and the kill
    comes while the alerts leave."""

    at: int
    delay: float
    during_alerts: bool = False


def random_kill(rng: random.Random) -> Kill:
    last = len(report_steps(NAME, DESCRIPTION, PLACE)) - 1
    if rng.random() < 0.3:
        return Kill(last, rng.uniform(0.0, 0.6), True)
    return Kill(rng.randrange(last + 1), rng.uniform(0.0, 0.35))


async def trial(
    number: int, kill: Kill, workdir: Path, totals: Totals, log_level: str | None = None
) -> None:
    server = BotAPIServer()
    async with HTTPFront(server) as front:
        admin = server.create_user("Quản trị", user_id=ADMIN_ID)
        staff = [server.create_user(f"Cán bộ {i}") for i in range(STAFF)]
        reporter = server.create_user("Lan", phone=PHONE)
        database = workdir / f"trial{number}.sqlite3"
        await _prepare(database, [s.id for s in staff], reporter.id)
        env = bot_env(
            front.port,
            database,
            ADMIN_IDS=str(ADMIN_ID),
            **({"LOG_LEVEL": log_level} if log_level else {}),
        )
        log = workdir / f"trial{number}.log"
        # The person reads the chat once the bot has been quiet for 1.5 s: two messages to one
        # chat are a second apart (Telegram's 1 a second per chat), so the next question comes
        # a second after the "Skipped." before it.
        person = LiveUser(server, reporter, quiet=1.5)
        steps = report_steps(NAME, DESCRIPTION, PLACE)
        kill_at, delay, during_alerts = kill.at, kill.delay, kill.during_alerts
        if not 0 <= kill_at < len(steps):
            raise ValueError(f"no step {kill_at}: the report has {len(steps)} steps")
        process = await start_bot(workdir, env, log_file=log)
        try:
            # The bot is up once it answers someone (start-up takes a moment on a busy box).
            await LiveUser(server, admin, timeout=30).send("/start")
            for index, step in enumerate(steps):
                if index == kill_at:
                    await take(person, step, PHONE, wait=False)
                    await asyncio.sleep(delay)
                    kill_bot(process)
                    await process.wait()
                    break
                if not await take(person, step, PHONE):
                    totals.notes.append(f"trial {number}: no answer before the kill at {step}")
            pending_at_kill = _outbox_pending(database)
            # Started again on the same file; the person carries on.
            process = await start_bot(workdir, env, log_file=log)
            stuck = 0
            last = None
            for _ in range(60):
                if told_code(person, server):
                    break
                move = next_move(person)
                if move is None or (move == last and stuck >= 2):
                    await person.send("/report")
                    stuck, last = 0, None
                    continue
                stuck = stuck + 1 if move == last else 0
                last = move
                if not await take(person, move, PHONE):
                    await asyncio.sleep(0.2)
            # The confirmation held for the reply is sent by the engine 15 s after the commit
            # if the kill came first; alerts go at the outbox's pace.
            await wait_for(
                lambda: told_code(person, server) is not None and _outbox_pending(database) == 0,
                40,
                interval=0.2,
            )
        finally:
            if process.returncode is None:
                await stop_bot(process)
        if log_level:
            totals.logs.append(log.read_text(encoding="utf-8", errors="replace"))
        code = told_code(person, server)
        with sqlite3.connect(database) as connection:
            rows = connection.execute(
                "SELECT code, child_name_enc, place_detail_enc, description_enc,"
                " reporter_phone_enc, child_age FROM cases"
            ).fetchall()
        cipher = FieldCipher(env["DATA_KEY"].encode())
        totals.trials += 1
        where = (
            f"trial {number} (killed at step {kill_at}{' after Send' if during_alerts else ''},"
            f" +{delay:.2f} s, {pending_at_kill} pending)"
        )
        if len(rows) != 1 or code is None or rows[0][0] != code:
            totals.reports_lost += 1
            totals.notes.append(f"{where}: cases {len(rows)}, told {code}")
            return
        case_code, name, place, description, phone, age = rows[0]
        expected = {"name": NAME, "place": PLACE, "description": DESCRIPTION, "phone": PHONE}
        got = {
            "name": cipher.decrypt(name),
            "place": cipher.decrypt(place),
            "description": cipher.decrypt(description),
            "phone": cipher.decrypt(phone),
        }
        misfiled = [k for k in expected if got[k] != expected[k]] + ([] if age == 10 else ["age"])
        if misfiled:
            totals.answers_misfiled += len(misfiled)
            totals.notes.append(
                f"{where}: misfiled {misfiled}: "
                + ", ".join(f"{k}={got.get(k, age)!r}" for k in misfiled)
            )
        duplicates = 0
        for someone in [admin, *staff]:
            alerts = [
                m
                for m in server.chats[someone.id].messages.values()
                if m.from_bot and case_code in (m.text or "") and "Mã hồ sơ" not in (m.text or "")
            ]
            if not alerts:
                totals.alerts_lost += 1
                totals.notes.append(f"{where}: no alert for {someone.id}")
            duplicates += max(0, len(alerts) - 1)
        totals.alerts_duplicated += duplicates
        if duplicates > IN_FLIGHT_ALLOWANCE:
            totals.over_allowance += 1
            totals.notes.append(f"{where}: {duplicates} duplicated alerts")


def _quiet_disconnects(loop, context) -> None:
    # A SIGKILLed bot cuts its HTTP connections to the emulator mid-request: expected here.
    if isinstance(context.get("exception"), asyncio.IncompleteReadError | ConnectionError):
        return
    loop.default_exception_handler(context)


async def run_kills(kills: list[Kill], log_level: str | None = None) -> Totals:
    """`log_level` (e.g. "DEBUG"): run the bots at that level and keep their logs."""
    asyncio.get_running_loop().set_exception_handler(_quiet_disconnects)
    totals = Totals()
    with TemporaryDirectory(prefix="bvte-crash-") as directory:
        for number, kill in enumerate(kills):
            await trial(number, kill, Path(directory), totals, log_level)
    return totals


async def run(trials: int, seed: int | None = None) -> Totals:
    rng = random.Random(seed)
    return await run_kills([random_kill(rng) for _ in range(trials)])


def main(argv: list[str] | None = None) -> None:
    options = dict(a.lstrip("-").split("=", 1) for a in (argv or []) if "=" in a)
    trials = int(options.get("trials", 30))
    seed = int(options["seed"]) if "seed" in options else int(time.time())
    started = time.perf_counter()
    totals = asyncio.run(run(trials, seed))
    print(
        f"crash test: {trials} SIGKILLs of a live bot (seed {seed}), "
        f"{time.perf_counter() - started:.0f} s"
    )
    for line in totals.lines():
        print("  " + line)
    for note in totals.notes:
        print("  note: " + note)
    if not totals.ok():
        sys.exit(1)
