"""The delivery engine on the emulator: audiences, languages, opt-out, 403/429/timeout/5xx,
limits, priorities, resume. Time is a FakeClock: the engine's waits move it, nobody sleeps."""

from __future__ import annotations

import datetime as dt

import pytest

from bot import delivery
from bot.audience import Audience
from bot.delivery import Content
from bot.delivery.engine import MAX_ATTEMPTS
from storage import delivery as store
from storage import users

PARENTS = Audience(roles=frozenset({"public"}))
# Reading RetryAfter.retry_after warns in PTB 22 unless PTB_TIMEDELTA is set; both are handled.
pytestmark = pytest.mark.filterwarnings(
    "ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning"
)


async def person(
    tg,
    name="Phụ huynh",
    *,
    role="public",
    district=None,
    ward=None,
    language="vi",
    subscribed=True,
    in_telegram=True,
    user_id=None,
):
    """A person the bot knows (as after onboarding), optionally unknown to Telegram."""
    if in_telegram:
        user_id = tg.server.create_user(name, user_id=user_id, language_code=language).id
    now = tg.clock.now()
    await users.touch(tg.db, user_id, name, language, now)
    await users.update(
        tg.db,
        user_id,
        now,
        role=role,
        district=district,
        ward=ward,
        scope=(district if role == "staff" else None),
        onboarded=1,
        subscribed_announcements=int(subscribed),
        subscribed_reminders=int(subscribed),
    )
    return user_id


def received(tg, chat_id, text=None) -> list[str]:
    chat = tg.server.chats.get(chat_id)
    if chat is None:
        return []
    return [
        m.content
        for m in chat.messages.values()
        if m.from_bot and (text is None or text in (m.content or ""))
    ]


async def run(tg, **advance):
    delivery.install(tg.app)
    await tg.tick(**advance)


async def test_audience_gets_exactly_one_copy_each_and_sender_gets_a_report(tg):
    parents = [await person(tg, f"P{i}") for i in range(25)]
    stopped = await person(tg, "Đã tắt", subscribed=False)
    collaborator = await person(tg, "CTV", role="collaborator", district="Q8")
    await tg.admin.send("/start")
    delivery_id = await delivery.enqueue(
        tg.db,
        kind="broadcast",
        content=Content.text("Tập huấn <b>thứ Bảy</b>"),
        now=tg.clock.now(),
        audience=PARENTS,
        created_by=tg.admin.id,
        report_chat_id=tg.admin.id,
    )
    await run(tg)
    for chat_id in parents:
        assert received(tg, chat_id, "Tập huấn") == ["Tập huấn thứ Bảy"]
    assert received(tg, stopped, "Tập huấn") == []
    assert received(tg, collaborator, "Tập huấn") == []
    row = await store.get(tg.db, delivery_id)
    assert row.state == "done"
    assert (row.total, row.sent_count, row.failed_count, row.blocked_count) == (25, 25, 0, 0)
    assert "Đã gửi: 25" in tg.admin.last_text
    assert "Thời gian" in tg.admin.last_text
    # The progress message lost its buttons once finished.
    progress = [m for m in tg.admin.bot_messages if "#" in (m.content or "")][0]
    assert not progress.inline_keyboard


async def test_each_person_gets_their_language_falling_back_to_vietnamese(tg):
    vi = await person(tg, "Lan", language="vi")
    en = await person(tg, "Anna", language="en")
    await delivery.enqueue(
        tg.db,
        kind="broadcast",
        content=Content.text("Xin chào", en="Hello"),
        now=tg.clock.now(),
        audience=PARENTS,
    )
    await delivery.enqueue(
        tg.db,
        kind="broadcast",
        content=Content.text("Chỉ tiếng Việt"),
        now=tg.clock.now(),
        audience=PARENTS,
    )
    await run(tg)
    assert received(tg, vi) == ["Xin chào", "Chỉ tiếng Việt"]
    assert received(tg, en) == ["Hello", "Chỉ tiếng Việt"]


async def test_blocked_and_unknown_chats_are_marked_unreachable_and_skipped_later(tg):
    ok = await person(tg, "A")
    blocker = await person(tg, "B")
    ghost = await person(tg, "Ghost", in_telegram=False, user_id=555_000_001)
    tg.server.block(blocker)
    await tg.drain()  # the my_chat_member update already marks them unreachable…
    await users.set_reachable(tg.db, blocker, True, tg.clock.now())  # …pretend we missed it
    first = await delivery.enqueue(
        tg.db, kind="broadcast", content=Content.text("Một"), now=tg.clock.now(), audience=PARENTS
    )
    await run(tg)
    states = await store.recipient_states(tg.db, first)
    assert states == {ok: "sent", blocker: "blocked", ghost: "blocked"}
    assert not (await users.get(tg.db, blocker)).reachable
    assert not (await users.get(tg.db, ghost)).reachable
    calls = tg.server.calls["sendmessage"]
    second = await delivery.enqueue(
        tg.db,
        kind="broadcast",
        content=Content.text("Hai"),
        now=tg.clock.now(),
        recipients=[ok, blocker, ghost],
    )
    await run(tg)
    assert tg.server.calls["sendmessage"] == calls + 1  # the unreachable were not even tried
    assert await store.recipient_states(tg.db, second) == {
        ok: "sent",
        blocker: "blocked",
        ghost: "blocked",
    }
    # Writing to the bot again makes a person reachable: the next audience includes them.
    tg.server.unblock(blocker)
    await tg.drain()
    tg.server.user_message(blocker, None, "xin chào")
    await tg.drain()
    assert (await users.get(tg.db, blocker)).reachable
    third = await delivery.enqueue(
        tg.db, kind="broadcast", content=Content.text("Ba"), now=tg.clock.now(), audience=PARENTS
    )
    await run(tg)
    assert (await store.recipient_states(tg.db, third))[blocker] == "sent"


async def test_429_pauses_the_whole_queue_and_nobody_is_lost(tg):
    ids = [await person(tg, f"P{i}") for i in range(6)]
    tg.server.faults.add("sendMessage", chat_id=ids[2], kind="retry_after", retry_after=7)
    engine = delivery.install(tg.app)
    start = tg.clock.now()
    delivery_id = await delivery.enqueue(
        tg.db, kind="broadcast", content=Content.text("Tin"), now=start, audience=PARENTS
    )
    await run(tg)
    assert engine.limiter.pauses == 1
    assert tg.clock.now() - start >= dt.timedelta(seconds=7)
    for chat_id in ids:
        assert received(tg, chat_id) == ["Tin"]
    # Nothing was sent during the pause: the next send came ≥ 7 s after the refused one.
    sent_times = sorted(m.date for c in ids for m in tg.server.chats[c].messages.values())
    gaps = [b - a for a, b in zip(sent_times, sent_times[1:], strict=False)]
    assert max(gaps) >= dt.timedelta(seconds=6)
    assert (await store.get(tg.db, delivery_id)).state == "done"


@pytest.mark.parametrize("kind", ["timeout", "server_error"])
async def test_timeouts_and_5xx_are_retried_with_backoff(tg, kind):
    ids = [await person(tg, f"P{i}") for i in range(3)]
    tg.server.faults.add("sendMessage", chat_id=ids[1], kind=kind, times=2, status=502)
    delivery_id = await delivery.enqueue(
        tg.db, kind="broadcast", content=Content.text("Tin"), now=tg.clock.now(), audience=PARENTS
    )
    start = tg.clock.now()
    await run(tg)
    assert [received(tg, c) for c in ids] == [["Tin"]] * 3
    row = await tg.db.fetchone(
        "SELECT attempts, state FROM delivery_recipients WHERE delivery_id = ? AND chat_id = ?",
        (delivery_id, ids[1]),
    )
    assert (row["attempts"], row["state"]) == (3, "sent")
    assert tg.clock.now() - start >= dt.timedelta(seconds=5 + 10)  # backoff 5 s, then 10 s
    assert (await store.get(tg.db, delivery_id)).state == "done"


async def test_a_chat_that_keeps_failing_is_given_up_after_the_limit(tg):
    ok, bad = await person(tg, "A"), await person(tg, "B")
    tg.server.faults.add("sendMessage", chat_id=bad, kind="server_error", times=None)
    delivery_id = await delivery.enqueue(
        tg.db, kind="broadcast", content=Content.text("Tin"), now=tg.clock.now(), audience=PARENTS
    )
    await run(tg)
    row = await tg.db.fetchone(
        "SELECT attempts, state FROM delivery_recipients WHERE delivery_id = ? AND chat_id = ?",
        (delivery_id, bad),
    )
    assert (row["attempts"], row["state"]) == (MAX_ATTEMPTS, "failed")
    final = await store.get(tg.db, delivery_id)
    assert (final.state, final.sent_count, final.failed_count) == ("done", 1, 1)
    assert received(tg, ok) == ["Tin"]


async def test_limits_on_no_429_and_the_pace_is_30_a_second(tg):
    tg.server.configure_limits()  # the emulator refuses what Telegram would refuse
    ids = [await person(tg, f"P{i}") for i in range(90)]
    start = tg.clock.now()
    await delivery.enqueue(
        tg.db, kind="broadcast", content=Content.text("Tin"), now=start, audience=PARENTS
    )
    await run(tg)
    assert tg.server.flood_429_count == 0
    assert all(received(tg, c) == ["Tin"] for c in ids)
    elapsed = (tg.clock.now() - start).total_seconds()
    assert 2.9 <= elapsed <= 3.5  # 90 messages at (just under) 30/s


async def test_one_message_a_second_per_chat(tg):
    chat_id = await person(tg, "A")
    tg.server.configure_limits()
    for text in ("Một", "Hai", "Ba"):
        await delivery.enqueue(
            tg.db,
            kind="broadcast",
            content=Content.text(text),
            now=tg.clock.now(),
            recipients=[chat_id],
        )
    await run(tg)
    assert received(tg, chat_id) == ["Một", "Hai", "Ba"]
    assert tg.server.flood_429_count == 0
    times = [m.date for m in tg.server.chats[chat_id].messages.values()]
    assert all(b - a >= dt.timedelta(seconds=1) for a, b in zip(times, times[1:], strict=False))


async def test_urgent_notice_overtakes_a_long_broadcast_and_ignores_opt_out(tg):
    parents = [await person(tg, f"P{i}") for i in range(450)]
    staff_on = await person(tg, "Staff", role="staff", district="Q8")
    staff_off = await person(tg, "Staff off", role="staff", district="Q8", subscribed=False)
    engine = delivery.install(tg.app)
    engine.page_size = 100
    await delivery.enqueue(
        tg.db, kind="broadcast", content=Content.text("Dài"), now=tg.clock.now(), audience=PARENTS
    )
    order = []
    tg.server.on_send.append(lambda method, chat, message, text: order.append(text))
    await delivery.enqueue(
        tg.db,
        kind="urgent",
        content=Content.text("Khẩn"),
        now=tg.clock.now(),
        audience=Audience(roles=frozenset({"staff"})),
    )
    await run(tg)
    assert order.index("Khẩn") < order.index("Dài")
    assert received(tg, staff_on) == ["Khẩn"]
    assert received(tg, staff_off) == ["Khẩn"]  # urgent: explicit kind, reaches opted-out staff
    assert all(received(tg, p) == ["Dài"] for p in parents)


async def test_opt_out_during_a_broadcast_is_respected(tg):
    ids = [await person(tg, f"P{i}") for i in range(4)]
    delivery_id = await delivery.enqueue(
        tg.db, kind="broadcast", content=Content.text("Tin"), now=tg.clock.now(), recipients=ids
    )
    lan = ids[3]
    tg.server.user_message(lan, None, "/stop")
    await tg.drain()
    await run(tg)
    assert received(tg, lan, "Tin") == []
    assert (await store.recipient_states(tg.db, delivery_id))[lan] == "skipped"
    assert (await store.get(tg.db, delivery_id)).skipped_count == 1


async def test_dedupe_key_queues_once(tg):
    chat_id = await person(tg, "A")
    first = await delivery.enqueue(
        tg.db,
        kind="reminder",
        content=Content.text("Nhắc"),
        now=tg.clock.now(),
        recipients=[chat_id],
        dedupe_key="r:1",
    )
    again = await delivery.enqueue(
        tg.db,
        kind="reminder",
        content=Content.text("Nhắc"),
        now=tg.clock.now(),
        recipients=[chat_id],
        dedupe_key="r:1",
    )
    await run(tg)
    await run(tg)
    assert first == again
    assert received(tg, chat_id) == ["Nhắc"]


async def test_scheduled_delivery_waits_for_its_time_and_counts_people_then(tg):
    early = await person(tg, "Sớm")
    at = tg.clock.now() + dt.timedelta(hours=3)
    delivery_id = await delivery.enqueue(
        tg.db,
        kind="broadcast",
        content=Content.text("Hẹn"),
        now=tg.clock.now(),
        audience=PARENTS,
        scheduled_at=at,
    )
    await run(tg, hours=1)
    assert received(tg, early) == []
    assert (await store.get(tg.db, delivery_id)).state == "scheduled"
    late = await person(tg, "Muộn")  # joined before the time: included
    await run(tg, hours=2)
    assert received(tg, early) == ["Hẹn"] and received(tg, late) == ["Hẹn"]


async def test_restart_resumes_where_it_stopped(tg):
    ids = [await person(tg, f"P{i}") for i in range(10)]
    delivery_id = await delivery.enqueue(
        tg.db, kind="broadcast", content=Content.text("Tin"), now=tg.clock.now(), audience=PARENTS
    )
    engine = delivery.install(tg.app)
    sent = []

    def stop_after_four(method, chat, message, text):
        sent.append(chat)
        if len(sent) == 4:
            engine.stopping = True  # as a shutdown in the middle would

    engine.max_in_flight = 1
    tg.server.on_send.append(stop_after_four)
    await run(tg)
    states = await store.recipient_states(tg.db, delivery_id)
    assert sum(s == "sent" for s in states.values()) == 4
    assert (await store.get(tg.db, delivery_id)).state == "sending"
    await tg.restart()
    await run(tg)
    assert all(received(tg, c) == ["Tin"] for c in ids)
    assert (await store.get(tg.db, delivery_id)).state == "done"


async def test_content_telegram_refuses_stops_the_delivery(tg):
    ids = [await person(tg, f"P{i}") for i in range(15)]
    delivery_id = await delivery.enqueue(
        tg.db,
        kind="broadcast",
        content=Content(texts={"vi": "Ảnh"}, media="photo", file_id="no-such-file"),
        now=tg.clock.now(),
        recipients=ids,
    )
    engine = delivery.install(tg.app)
    engine.page_size = 12
    await run(tg)
    final = await store.get(tg.db, delivery_id)
    assert final.state == "failed"
    assert final.failed_count == 12 and final.sent_count == 0


async def test_photo_and_document_with_caption(tg):
    chat_id = await person(tg, "A")
    photo = tg.server.store_file(b"\xff\xd8\xffphoto", "photo")
    document = tg.server.store_file(b"%PDF-1.4", "document", "lich.pdf", "application/pdf")
    await delivery.enqueue(
        tg.db,
        kind="broadcast",
        now=tg.clock.now(),
        recipients=[chat_id],
        content=Content(texts={"vi": "Ảnh <i>đẹp</i>"}, media="photo", file_id=photo.file_id),
    )
    await delivery.enqueue(
        tg.db,
        kind="broadcast",
        now=tg.clock.now(),
        recipients=[chat_id],
        content=Content(texts={"vi": "Lịch"}, media="document", file_id=document.file_id),
    )
    await run(tg)
    messages = list(tg.server.chats[chat_id].messages.values())
    assert messages[0].photo and messages[0].caption == "Ảnh đẹp"
    assert messages[1].document["file_name"] == "lich.pdf" and messages[1].caption == "Lịch"


async def test_blocking_the_bot_marks_unreachable_without_any_send(tg):
    ok, blocker = await person(tg, "A"), await person(tg, "B")
    tg.server.block(blocker)
    await tg.drain()  # my_chat_member "kicked"
    assert not (await users.get(tg.db, blocker)).reachable
    delivery_id = await delivery.enqueue(
        tg.db,
        kind="broadcast",
        content=Content.text("Tin"),
        now=tg.clock.now(),
        recipients=[ok, blocker],
    )
    await run(tg)
    assert tg.server.calls["sendmessage"] == 1
    assert await store.recipient_states(tg.db, delivery_id) == {ok: "sent", blocker: "blocked"}
    assert await count_parents(tg) == 1  # the audience count leaves them out too


async def count_parents(tg):
    from bot.audience import count

    return await count(tg.db, PARENTS)


def test_limiter_spaces_sends_evenly_and_one_a_second_per_chat():
    from bot.clock import FakeClock
    from bot.delivery.limiter import ClockTimer, Limiter

    timer = ClockTimer(FakeClock())
    limiter = Limiter(timer, overall_rate=30)
    assert limiter.wait_for(1) == 0
    limiter.take(1)
    # 29 a (1.03 s) window: one slot of each is left for replies (tests/test_priority_lane.py).
    assert limiter.wait_for(2) == pytest.approx(1.03 / 29)
    assert limiter.wait_for(1) == pytest.approx(1.03)  # the same chat waits a second
    limiter.pause_all(5)
    assert limiter.wait_for(3) == pytest.approx(5)
    unlimited = Limiter(timer, overall_rate=None, per_chat_interval=None)
    unlimited.take(1)
    assert unlimited.wait_for(1) == 0 and not unlimited.limited


async def test_outcome_writer_commits_outcomes_that_finish_together_at_once():
    import asyncio

    from bot.delivery.writer import OutcomeWriter

    batches = []

    async def flush(rows):
        await asyncio.sleep(0)
        batches.append(list(rows))

    writer = OutcomeWriter(flush)
    await asyncio.gather(*(writer.write((n,)) for n in range(5)))
    await writer.write((5,))
    assert sum(batches, []) == [(n,) for n in range(6)]
    assert len(batches) <= 3  # grouped, not one transaction per row

    async def broken(rows):
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        await OutcomeWriter(broken).write((1,))
