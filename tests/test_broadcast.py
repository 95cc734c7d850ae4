"""/broadcast end to end on the emulator: compose, audience and counts, district limits,
preview, send now or later, progress with pause/resume/cancel, /broadcasts."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from bot import delivery
from bot.audience import Audience, count, limit_for
from bot.delivery.limiter import ClockTimer
from bot.people import PermissionDenied
from storage import delivery as store
from storage import users
from tests.test_delivery_engine import person, received


async def staff_member(tg, name="Cán bộ Q8", district="Q8", role="staff"):
    member = await tg.person(name, role, district, None)
    await member.send("/start")  # a chat with the bot, as staff who signed up have
    return member


async def seed(tg):
    """Parents in Q8 (two wards) and BC, a collaborator and staff in Q8, an English parent."""
    return {
        "q8_p1": [await person(tg, f"Q8 P1 {i}", district="Q8", ward="27427") for i in range(3)],
        "q8_p2": [await person(tg, "Q8 P2", district="Q8", ward="27424")],
        "q8_en": [await person(tg, "Anna", district="Q8", ward="27424", language="en")],
        "q8_off": [await person(tg, "Tắt", district="Q8", ward="27427", subscribed=False)],
        "bc": [await person(tg, f"BC {i}", district="BC", ward="27595") for i in range(2)],
        "ctv": [await person(tg, "CTV", role="collaborator", district="Q8", ward="27427")],
    }


async def compose(member, text="Mời phụ huynh dự <b>tập huấn</b> thứ Bảy"):
    await member.send("/broadcast")
    assert "Thông báo mới" in member.last_text
    await member.send(text)
    assert "bản tiếng Anh" in member.last_text


async def test_staff_broadcast_reaches_exactly_their_district_with_preview_and_report(tg):
    people = await seed(tg)
    lan = await staff_member(tg)
    await compose(lan)
    await lan.press("Bỏ qua ›")
    # By default the groups that can be reached: parents of Q8 (opted-out excluded:
    # 3 + 1 + 1) and the collaborator; each choice shows its own figure.
    assert "Số người nhận hiện tại: 6" in lan.last_text
    assert lan.buttons[:3] == [
        "✅ Phụ huynh và người dân (5)",
        "✅ Cộng tác viên (1)",
        "▫️ Cán bộ (1)",
    ]
    assert "Toàn chương trình" not in lan.buttons  # no district choice for staff
    await lan.press("✅ Cộng tác viên (1)")
    assert "Số người nhận hiện tại: 5" in lan.last_text
    pickers = len([m for m in lan.bot_messages if "Gửi cho ai?" in (m.content or "")])
    await lan.press("✅ Phụ huynh và người dân (5)")  # the only ticked group stays ticked
    assert len([m for m in lan.bot_messages if "Gửi cho ai?" in (m.content or "")]) == pickers
    await lan.press("▫️ Cộng tác viên (1)")
    assert "Số người nhận hiện tại: 6" in lan.last_text
    # An urgent notice goes to staff only; turned off again, the groups chosen come back.
    await lan.press("▫️ 🚨 Thông báo khẩn cho cán bộ")
    assert "Số người nhận hiện tại: 1" in lan.last_text
    await lan.press("✅ 🚨 Thông báo khẩn cho cán bộ")
    assert "Số người nhận hiện tại: 6" in lan.last_text
    await lan.press("Tiếp tục ›")
    preview = [m for m in lan.bot_messages if "tập huấn" in (m.content or "")][-1]
    assert "Thông báo sẽ gửi tới <b>6</b> người" in lan.last.raw_text
    await lan.press("✅ Gửi ngay")
    await tg.settle()
    reached = people["q8_p1"] + people["q8_p2"] + people["q8_en"] + people["ctv"]
    for chat_id in reached:
        copies = [m for m in tg.server.chats[chat_id].messages.values() if m.from_bot]
        assert len(copies) == 1
        # The preview is exactly what recipients got: same text, same formatting.
        assert (copies[0].text, copies[0].entities) == (preview.text, preview.entities)
    for chat_id in people["bc"] + people["q8_off"]:
        assert received(tg, chat_id) == []
    assert copies[0].text.startswith("📣 Từ: Cán bộ Khu vực Quận 8 cũ\n\n")  # who sent it
    report = lan.last_text
    assert "Đã gửi: 6" in report and "Lỗi: 0" in report
    # One final report: the progress message points to it rather than giving other figures.
    figures = [m for m in lan.bot_messages if "Đã gửi" in (m.content or "")]
    assert len(figures) == 1
    progress_message = [m for m in lan.bot_messages if "Kết quả chi tiết" in (m.content or "")]
    assert progress_message and "đã xong" in progress_message[0].content
    assert not progress_message[0].inline_keyboard
    row = (await store.history(tg.db, "Q8", all_districts=False))[0]
    assert (row.district, row.created_by, row.sent_count) == ("Q8", lan.id, 6)


async def test_admin_chooses_district_wards_and_language_and_counts_are_exact(tg):
    await seed(tg)
    admin = tg.admin
    await admin.send("/start")
    await users.update(tg.db, admin.id, tg.clock.now(), onboarded=1)
    await compose(admin)
    await admin.press("Bỏ qua ›")
    await admin.press("✅ Cộng tác viên (1)")
    assert "Số người nhận hiện tại: 7" in admin.last_text  # every subscribed parent
    assert (
        "▫️ Khu vực Bình Chánh cũ (2)" in admin.buttons
        and "▫️ Khu vực Quận 8 cũ (5)" in admin.buttons
    )
    await admin.press("▫️ Khu vực Bình Chánh cũ (2)")
    assert "Số người nhận hiện tại: 2" in admin.last_text
    await admin.press("✅ Khu vực Bình Chánh cũ (2)")
    await admin.press("▫️ Khu vực Quận 8 cũ (5)")
    assert "Số người nhận hiện tại: 5" in admin.last_text
    await admin.press("🏘 Phường/xã: tất cả")
    await admin.press("▫️ Phường Bình Đông")
    await admin.press("✓ Xong")
    assert "Số người nhận hiện tại: 2" in admin.last_text
    await admin.press("🌐 Ngôn ngữ: mọi ngôn ngữ")
    assert "Số người nhận hiện tại: 1" in admin.last_text  # Vietnamese only
    await admin.press("🌐 Ngôn ngữ: chỉ tiếng Việt")
    assert "Số người nhận hiện tại: 1" in admin.last_text  # English only: Anna


async def test_english_version_goes_to_english_speakers(tg):
    people = await seed(tg)
    lan = await staff_member(tg)
    await compose(lan, "Họp phụ huynh")
    await lan.send("Parents' meeting")
    await lan.press("Tiếp tục ›")
    assert any("Bản tiếng Anh" in (m.content or "") for m in lan.bot_messages)
    await lan.press("✅ Gửi ngay")
    await tg.settle()
    assert received(tg, people["q8_en"][0]) == [
        "📣 From: the staff of Former District 8 area\n\nParents' meeting"
    ]
    assert received(tg, people["q8_p2"][0]) == ["📣 Từ: Cán bộ Khu vực Quận 8 cũ\n\nHọp phụ huynh"]


async def test_photo_with_caption_is_previewed_and_sent_as_a_photo(tg):
    people = await seed(tg)
    lan = await staff_member(tg)
    await lan.send("/broadcast")
    await lan.send_photo(caption="Lịch sinh hoạt CLB")
    await lan.press("Bỏ qua ›")
    await lan.press("Tiếp tục ›")
    assert any(
        m.photo and m.caption == "📣 Từ: Cán bộ Khu vực Quận 8 cũ\n\nLịch sinh hoạt CLB"
        for m in lan.bot_messages
    )
    await lan.press("✅ Gửi ngay")
    await tg.settle()
    sent = list(tg.server.chats[people["q8_p1"][0]].messages.values())
    assert (
        len(sent) == 1
        and sent[0].photo
        and sent[0].caption == "📣 Từ: Cán bộ Khu vực Quận 8 cũ\n\nLịch sinh hoạt CLB"
    )


async def test_staff_are_confined_to_their_district(tg):
    await seed(tg)
    lan = await staff_member(tg)
    await compose(lan)
    await lan.press("Bỏ qua ›")
    before = lan.last_text
    await lan.press_data("bcc:dist:BC")  # forged: only administrators choose districts
    assert "Số người nhận hiện tại: 5" in lan.last_text or lan.last_text == before
    staff = await users.get(tg.db, lan.id)
    with pytest.raises(PermissionDenied):
        limit_for(staff, Audience(districts=frozenset({"BC"})))
    limited = limit_for(staff, Audience())
    assert limited.districts == {"Q8"}
    assert await count(tg.db, limited) == 5
    parent = await users.get(tg.db, (await seed_one_parent(tg)))
    with pytest.raises(PermissionDenied):
        limit_for(parent, Audience())


async def seed_one_parent(tg):
    return await person(tg, "Một phụ huynh")


async def test_people_who_are_not_staff_cannot_broadcast(tg):
    mai = tg.user("Mai")
    await mai.send("/start")
    await mai.press("👪 Phụ huynh hoặc người dân")
    await mai.send("/broadcast")
    assert "Chỉ cán bộ chương trình" in mai.last_text
    await mai.send("Xin chào mọi người")
    assert not await store.history(tg.db, None, all_districts=True)


async def test_unexpected_input_gets_a_hint_and_stays_on_the_step(tg):
    lan = await staff_member(tg)
    await lan.send("/broadcast")
    await lan.send_sticker()
    assert "nhãn dán" in lan.last_text
    await lan.send("Nội dung")
    await lan.send_sticker()
    assert "tiếng Anh" in lan.last_text
    await lan.press("Bỏ qua ›")
    await lan.send("chữ lung tung")
    assert "Tiếp tục" in lan.last_text


async def test_nobody_in_the_audience_cannot_continue(tg):
    lan = await staff_member(tg, district="BC")
    await compose(lan)
    await lan.press("Bỏ qua ›")
    # Nobody but themselves in BC: the default is the one group with someone in it.
    assert "Số người nhận hiện tại: 1" in lan.last_text and "✅ Cán bộ (1)" in lan.buttons
    await lan.press("▫️ Phụ huynh và người dân (0)")
    await lan.press("✅ Cán bộ (1)")
    assert "Số người nhận hiện tại: 0" in lan.last_text
    answer = await lan.press("Tiếp tục ›")
    assert answer["show_alert"] and "Chưa có ai" in answer["text"]
    await lan.press("✖ Hủy")
    assert "Chưa có gì được gửi" in lan.last_text


def test_broadcast_times_are_read_by_the_one_date_parser():
    from zoneinfo import ZoneInfo

    from bot.events import dates

    hcm = ZoneInfo("Asia/Ho_Chi_Minh")
    now = dt.datetime(2021, 5, 25, 2, 0, tzinfo=dt.UTC)
    assert dates.parse_start("01/06 08:00", now, hcm) == dt.datetime(
        2021, 6, 1, 1, 0, tzinfo=dt.UTC
    )
    assert dates.parse_start("sáng mai 8h", now, hcm) == dt.datetime(
        2021, 5, 26, 1, 0, tzinfo=dt.UTC
    )
    assert dates.parse_start("chieu mai 2h", now, hcm) == dt.datetime(
        2021, 5, 26, 7, 0, tzinfo=dt.UTC
    )
    assert dates.parse_start("01/01 08:00", now, hcm).year == 2022  # past this year: next year
    with pytest.raises(dates.DateError):
        dates.parse_start("31/02 08:00", now, hcm)
    with pytest.raises(dates.DateError):
        dates.parse_start("ngày mai", now, hcm)  # a broadcast needs its hour


async def test_send_later_is_persisted_and_sent_at_its_time(tg):
    people = await seed(tg)
    lan = await staff_member(tg)
    await compose(lan, "Ngày 1/6 vui chơi")
    await lan.press("Bỏ qua ›")
    await lan.press("Tiếp tục ›")
    await lan.press("🕒 Hẹn giờ gửi")
    await lan.send("mai nhé")
    assert "chưa đọc được" in lan.last_text
    await lan.send("mai")
    assert "thêm giờ" in lan.last_text  # the day alone is not enough
    await lan.send("24/05 08:00")
    assert "đã qua" in lan.last_text or "90 ngày" in lan.last_text
    await lan.send("01/06 08:00")
    assert "đã hẹn gửi lúc Thứ Ba, 01/06/2021 08:00" in lan.last_text
    await tg.restart()  # kept in SQLite, not in the job queue
    await tg.tick(days=6)
    assert received(tg, people["q8_p1"][0], "Ngày 1/6") == []
    await tg.tick(hours=23, minutes=1)  # 08:01 on June 1
    assert received(tg, people["q8_p1"][0], "Ngày 1/6") == [
        "📣 Từ: Cán bộ Khu vực Quận 8 cũ\n\nNgày 1/6 vui chơi"
    ]
    assert "Đã gửi: 6" in lan.last_text


class GatedTimer(ClockTimer):
    """A fake timer that stops the engine after `open_for` waits until the test lets it go."""

    def __init__(self, clock, open_for: int) -> None:
        super().__init__(clock)
        self.open_for = open_for
        self.waits = 0
        self.held = asyncio.Event()
        self.gate = asyncio.Event()

    async def sleep(self, seconds: float) -> None:
        await super().sleep(seconds)
        self.waits += 1
        if self.waits >= self.open_for and not self.gate.is_set():
            self.held.set()
            await self.gate.wait()


def gate_engine(tg, open_for):
    engine = delivery.engine_of(tg.app)
    timer = GatedTimer(tg.clock, open_for)
    engine.timer = engine.limiter.timer = timer
    engine.max_in_flight = 1
    return timer


async def start_sending(tg, lan, parents=30):
    ids = [await person(tg, f"P{i}", district="Q8") for i in range(parents)]
    await compose(lan, "Tin dài")
    await lan.press("Bỏ qua ›")
    await lan.press("Tiếp tục ›")
    return ids


async def test_pause_resume_and_cancel_from_the_progress_message(tg):
    lan = await staff_member(tg)
    ids = await start_sending(tg, lan)
    timer = gate_engine(tg, open_for=10)
    await lan.press("✅ Gửi ngay")
    await asyncio.wait_for(timer.held.wait(), 5)
    await lan.press("⏸ Tạm dừng")
    assert "tạm dừng" in lan.last_text.lower() or any(
        "đang tạm dừng" in (m.content or "") for m in lan.bot_messages
    )
    timer.gate.set()
    await tg.settle()
    sent_at_pause = sum(len(received(tg, c)) for c in ids)
    assert 0 < sent_at_pause < len(ids)
    await tg.tick(minutes=5)  # the dispatcher does not resume a paused send
    assert sum(len(received(tg, c)) for c in ids) == sent_at_pause
    progress_message = [m for m in lan.bot_messages if "đang tạm dừng" in (m.content or "")][0]
    assert "▶️ Tiếp tục gửi" in progress_message.buttons
    await lan.press("▶️ Tiếp tục gửi")
    await tg.settle()
    assert all(
        received(tg, c) == ["📣 Từ: Cán bộ Khu vực Quận 8 cũ\n\nTin dài"] for c in ids
    )  # everyone exactly once
    assert "Đã gửi: 30" in lan.last_text


async def test_cancel_stops_for_good_and_reports(tg):
    lan = await staff_member(tg)
    ids = await start_sending(tg, lan)
    timer = gate_engine(tg, open_for=5)
    await lan.press("✅ Gửi ngay")
    await asyncio.wait_for(timer.held.wait(), 5)
    await lan.press("✖ Hủy")
    timer.gate.set()
    await tg.settle()
    await tg.tick(minutes=5)
    sent = sum(len(received(tg, c)) for c in ids)
    assert 0 < sent < len(ids)
    row = (await store.history(tg.db, "Q8", all_districts=False))[0]
    assert row.state == "cancelled"
    assert "đã hủy" in lan.last_text and "Chưa gửi:" in lan.last_text


async def test_controls_are_checked_on_the_server(tg):
    lan = await staff_member(tg)
    await start_sending(tg, lan, parents=3)
    await lan.press("✅ Gửi ngay")
    await tg.settle()
    delivery_id = (await store.history(tg.db, "Q8", all_districts=False))[0].id
    other = await staff_member(tg, "Cán bộ BC", district="BC")
    answer = await other.press_data(f"bc:cancel:{delivery_id}")
    assert answer["show_alert"] and "người gửi" in answer["text"]
    answer = await lan.press_data("bc:cancel:99999")
    assert answer["show_alert"]
    answer = await lan.press_data(f"bc:cancel:{delivery_id}")  # already finished
    assert answer["show_alert"] and "kết thúc" in answer["text"]


async def test_history_lists_figures_and_cancels_a_scheduled_one(tg):
    await seed(tg)
    lan = await staff_member(tg)
    await compose(lan, "Gửi ngay")
    await lan.press("Bỏ qua ›")
    await lan.press("Tiếp tục ›")
    await lan.press("✅ Gửi ngay")
    await tg.settle()
    await compose(lan, "Hẹn giờ")
    await lan.press("Bỏ qua ›")
    await lan.press("Tiếp tục ›")
    await lan.press("🕒 Hẹn giờ gửi")
    await lan.send("chủ nhật tuần này 9 giờ sáng")  # 30/05, read as /newevent reads it
    assert "30/05/2021 09:00" in lan.last_text
    await lan.send("/broadcasts")
    text = lan.last_text
    assert "Đã gửi 6/6 · 0 lỗi · 0 không liên lạc được" in text
    assert "đã hẹn giờ" in text
    scheduled_id = max(r.id for r in await store.history(tg.db, "Q8", all_districts=False))
    listed = lan.last
    await lan.press(f"✖ Hủy #{scheduled_id}")
    assert (await store.get(tg.db, scheduled_id)).state == "cancelled"
    # The list it was cancelled from shows it cancelled, in place, without its button.
    assert "đã hẹn giờ" not in listed.content and "đã hủy" in listed.content
    assert f"✖ Hủy #{scheduled_id}" not in listed.buttons
    await tg.tick(days=6)
    assert (await store.get(tg.db, scheduled_id)).sent_count == 0
    collaborator = tg.user("CTV")
    await collaborator.send("/start")
    await collaborator.send("/broadcasts")
    assert "Chỉ cán bộ" in collaborator.last_text


# -- the service refuses by itself (a forgotten check in a handler is still refused) ----------


async def refusals(tg, entity):
    from storage import audit

    return [
        (entry.actor_id, entry.detail.get("attempted"))
        for entry in await audit.entries(tg.db, entity)
        if entry.action == "refused"
    ]


async def test_the_service_refuses_and_audits_people_who_may_not_send(tg):
    from bot.broadcast.service import BroadcastService, NotStaff

    await seed(tg)
    broadcasts = BroadcastService.of(tg.app)
    collaborator = await users.get(tg.db, await person(tg, "CTV gửi", role="collaborator"))
    with pytest.raises(NotStaff):
        await broadcasts.queue(
            collaborator,
            kind="broadcast",
            content=delivery.Content(texts={"vi": "Không được gửi"}),
            audience=Audience(),
            when=tg.clock.now(),
            now=tg.clock.now(),
            report_chat_id=collaborator.telegram_id,
        )
    with pytest.raises(PermissionDenied):
        await broadcasts.history(collaborator, tg.clock.now())
    assert not await store.history(tg.db, None, all_districts=True)  # nothing queued
    assert await refusals(tg, "delivery") == [
        (collaborator.telegram_id, "broadcast_send"),
        (collaborator.telegram_id, "broadcast_history"),
    ]


async def test_the_service_refuses_an_audience_beyond_the_senders_units(tg):
    from bot.broadcast.service import BroadcastService, NotStaff

    await seed(tg)
    lan = await users.get(tg.db, (await staff_member(tg)).id)
    broadcasts = BroadcastService.of(tg.app)
    with pytest.raises(PermissionDenied) as refused:
        await broadcasts.queue(
            lan,
            kind="broadcast",
            content=delivery.Content(texts={"vi": "Sang Bình Chánh"}),
            audience=Audience(districts=frozenset({"BC"})),
            when=tg.clock.now(),
            now=tg.clock.now(),
            report_chat_id=lan.telegram_id,
        )
    assert not isinstance(refused.value, NotStaff)  # staff, only out of reach
    assert not await store.history(tg.db, None, all_districts=True)
    assert await refusals(tg, "delivery") == [(lan.telegram_id, "broadcast_send")]
    assert await broadcasts.count_within(lan, Audience(), "broadcast", tg.clock.now()) == 5


async def test_controls_of_another_area_are_refused_and_audited(tg):
    from bot.broadcast.service import BroadcastService

    lan = await staff_member(tg)
    await start_sending(tg, lan, parents=2)
    await lan.press("✅ Gửi ngay")
    await tg.settle()
    delivery_id = (await store.history(tg.db, "Q8", all_districts=False))[0].id
    other = await users.get(tg.db, (await staff_member(tg, "Cán bộ BC", district="BC")).id)
    broadcasts = BroadcastService.of(tg.app)
    now = tg.clock.now()
    assert await broadcasts.control(other, "cancel", delivery_id, now) == "refused"
    assert await broadcasts.control(other, "pause", 99999, now) == "stale"
    sender = await users.get(tg.db, lan.id)
    assert await broadcasts.control(sender, "cancel", delivery_id, now) == "ended"
    assert await refusals(tg, "delivery") == [(other.telegram_id, "delivery_cancel")]


def test_a_scheduled_time_must_be_a_minute_to_ninety_days_ahead():
    from zoneinfo import ZoneInfo

    from bot.broadcast.service import TimeRefused, check_time
    from bot.events import dates

    hcm = ZoneInfo("Asia/Ho_Chi_Minh")
    now = dt.datetime(2021, 5, 25, 2, 0, tzinfo=dt.UTC)  # 09:00 in HCMC
    assert check_time("01/06 8:00", now, hcm) == dt.datetime(2021, 6, 1, 1, 0, tzinfo=dt.UTC)
    with pytest.raises(TimeRefused) as soon:
        check_time("9:00", dt.datetime(2021, 5, 25, 1, 59, 30, tzinfo=dt.UTC), hcm)
    assert soon.value.code == "passed"
    with pytest.raises(TimeRefused) as far:
        check_time("01/12 8:00", now, hcm)
    assert far.value.code == "beyond"
    with pytest.raises(dates.DateError):
        check_time("ngày mai", now, hcm)  # a day without its hour


async def test_the_schedule_step_can_be_cancelled_like_the_others(tg):
    await seed(tg)
    lan = await staff_member(tg)
    await compose(lan, "Hẹn giờ")
    await lan.press("Bỏ qua ›")
    await lan.press("Tiếp tục ›")
    await lan.press("🕒 Hẹn giờ gửi")
    assert "Khi nào gửi?" in lan.last_text and lan.buttons == ["✖ Hủy"]
    await lan.press("✖ Hủy")
    assert "Đã hủy. Chưa có gì được gửi đi." in lan.last_text and not lan.last.buttons
    assert await store.history(tg.db, "Q8", all_districts=False) == []
    await lan.send("chủ nhật tuần này 9 giờ sáng")  # the conversation is over: not a time
    assert await store.history(tg.db, "Q8", all_districts=False) == []
    # Scheduled by typing the time: the question's Cancel goes with it.
    await compose(lan, "Hẹn giờ")
    await lan.press("Bỏ qua ›")
    await lan.press("Tiếp tục ›")
    await lan.press("🕒 Hẹn giờ gửi")
    question = lan.last
    await lan.send("chủ nhật tuần này 9 giờ sáng")
    assert "đã hẹn gửi" in lan.last_text and not question.buttons


async def test_cancel_typed_at_the_last_steps_takes_their_buttons_away(tg):
    """/cancel (or another command) while the time is asked, or at the confirmation: the
    question it leaves keeps no ✖ Hủy (nor Send) that no longer does anything."""
    await seed(tg)
    lan = await staff_member(tg)
    await compose(lan, "Hẹn giờ")
    await lan.press("Bỏ qua ›")
    await lan.press("Tiếp tục ›")
    await lan.press("🕒 Hẹn giờ gửi")
    question = lan.last
    assert question.buttons == ["✖ Hủy"]
    await lan.send("/cancel")
    assert not question.buttons
    assert await store.history(tg.db, "Q8", all_districts=False) == []
    await compose(lan, "Gửi ngay")
    await lan.press("Bỏ qua ›")
    await lan.press("Tiếp tục ›")
    confirmation = lan.last
    assert "✅ Gửi ngay" in confirmation.buttons
    await lan.send("/cancel")
    assert not confirmation.buttons
    assert await store.history(tg.db, "Q8", all_districts=False) == []
