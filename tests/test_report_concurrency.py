"""200 reporters at once: every report stored, distinct codes, nobody sees another's answers."""

import asyncio
import time

from storage import users
from tests.reports_support import SITUATION_VIOLENCE, person

REPORTERS = 200


async def _step(people, action):
    await asyncio.gather(*(action(index, reporter) for index, reporter in enumerate(people)))


async def test_two_hundred_reporters_submit_at_once(tg):
    staff = await person(tg, "Minh", role="staff", ward=None)
    group = tg.group("Cán bộ Q8", members=[tg.admin, staff])
    await group.send(tg.admin, "/bind Q8")
    people = []
    for index in range(REPORTERS):
        reporter = tg.user(f"CTV {index}")
        await users.touch(tg.db, reporter.id, f"CTV {index}", "vi", tg.clock.now())
        await users.update(
            tg.db,
            reporter.id,
            tg.clock.now(),
            role="collaborator",
            district="Q8",
            ward="27418",
            onboarded=1,
        )
        people.append(reporter)
    started, cpu = time.perf_counter(), time.process_time()
    # Every step is taken by all 200 at the same time, so their updates interleave.
    await _step(people, lambda i, p: p.send("/report"))
    await _step(people, lambda i, p: p.press("Không, hiện chưa"))
    await _step(people, lambda i, p: p.press("📍 Phường Chánh Hưng — xác nhận"))
    await _step(people, lambda i, p: p.send(f"Khu phố {i}"))
    await _step(people, lambda i, p: p.press("Bỏ qua"))
    await _step(people, lambda i, p: p.press("Bỏ qua"))
    await _step(people, lambda i, p: p.send(str(i % 15 + 1)))
    await _step(people, lambda i, p: p.press("Nữ"))
    await _step(people, lambda i, p: p.press("1"))
    await _step(people, lambda i, p: p.press("▫️ " + SITUATION_VIOLENCE))
    await _step(people, lambda i, p: p.press("Xong ✔️"))
    await _step(people, lambda i, p: p.send(f"Báo cáo số {i}: em bị đánh, cần giúp ngay."))
    await _step(people, lambda i, p: p.press("Bỏ qua"))
    await _step(people, lambda i, p: p.press("Không rõ"))
    await _step(people, lambda i, p: p.press("Chưa làm gì"))
    await _step(people, lambda i, p: p.press("🙈 Giữ ẩn danh"))
    await _step(people, lambda i, p: p.press("✅ Gửi"))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    # The 200 alerts leave through the outbox at one message a second into the group (fake
    # time): let the engine finish.
    await tg.settle()

    rows = await tg.db.fetchall("SELECT id, code, reporter_id, child_age FROM cases")
    assert len(rows) == REPORTERS
    codes = {row["code"] for row in rows}
    assert codes == {f"TE-2021-{n:04d}" for n in range(1, REPORTERS + 1)}
    assert await tg.db.fetchvalue("SELECT count(*) FROM report_drafts") == 0
    by_reporter = {row["reporter_id"]: row for row in rows}
    from bot.crypto import cipher_for
    from storage import cases

    cipher = cipher_for(tg.app.services)
    for index, reporter in enumerate(people):
        row = by_reporter[reporter.id]
        assert row["child_age"] == index % 15 + 1
        case = await cases.get(tg.db, cipher, row["id"], tg.clock.now())
        assert case.description.startswith(f"Báo cáo số {index}:")  # no cross-talk
        assert case.place_detail == f"Khu phố {index}"
        thanks = reporter.last_text
        assert f"Mã hồ sơ: {row['code']}" in thanks  # each told their own code
    alerts = [m for m in group.bot_messages if m.content and "Báo cáo mới" in m.content]
    assert len(alerts) == REPORTERS and all(m.protect_content for m in alerts)
    print(f"{REPORTERS} reporters, {REPORTERS * 17} updates: {elapsed:.2f} s, CPU {cpu:.2f} s")
