"""Legal clocks with an injected clock: reminders before the deadline, administrators told once
when it passes, working days around public holidays, and all of it across a restart."""

import datetime as dt
from zoneinfo import ZoneInfo

from bot.cases.service import CaseService
from bot.crypto import cipher_for
from bot.reports import casework
from storage import audit, users
from tests.reports_support import file_report, person, quick_case

HCMC = ZoneInfo("Asia/Ho_Chi_Minh")


def _count(user, text: str) -> int:
    return sum(text in (m.content or "") for m in user.bot_messages)


async def test_urgent_case_reminds_the_assignee_then_tells_admins_once(tg):
    minh = await person(tg, "Minh", role="staff", ward=None)
    lan = await person(tg, "Lan")
    code = await file_report(tg, lan, urgent=True)  # received Tue 25/5 09:00
    await minh.press("✅ Tiếp nhận")
    await tg.tick(hours=8, minutes=59)  # 17:59: three hours before 21:00 not reached yet
    assert _count(minh, "Nhắc việc") == 0
    await tg.tick(minutes=2)  # 18:01
    assert _count(minh, "Nhắc việc") == 1
    reminder = [m for m in minh.bot_messages if "Nhắc việc" in (m.content or "")][0]
    assert code in reminder.content and "21:00" in reminder.content and reminder.protect_content
    await tg.restart()  # clocks are rows in SQLite, not jobs
    await tg.tick(hours=1)
    assert _count(minh, "Nhắc việc") == 1  # once only
    assert _count(tg.admin, "quá hạn") == 0
    await tg.tick(hours=2)  # 21:01: the 12-hour clock has passed
    assert _count(tg.admin, "quá hạn") == 1
    assert code in tg.admin.last_text and "can thiệp khẩn cấp" in tg.admin.last_text
    await tg.restart()
    await tg.tick(hours=5)
    assert _count(tg.admin, "quá hạn") == 1  # told once, even after a restart
    await minh.send("/cases")
    assert next(b for b in minh.buttons if "TE-2021-" in b).startswith("⏰🚨" + code)
    await minh.press(next(b for b in minh.buttons if "TE-2021-" in b))
    assert "QUÁ HẠN từ 25/05/2021 21:00" in minh.last_text
    actions = [e.action for e in await audit.entries(tg.db, "case")]
    assert actions.count("case_reminder") == 1 and actions.count("case_overdue") == 1


async def test_unassigned_reminder_goes_to_district_staff_and_met_clocks_stay_quiet(tg):
    minh = await person(tg, "Minh", role="staff", ward=None)
    lan = await person(tg, "Lan")
    pending = await quick_case(tg, lan, urgent=True)
    handled = await quick_case(tg, lan, urgent=True)
    actor = await users.get(tg.db, minh.id)
    cipher = cipher_for(tg.app.services)
    await casework.move(tg.db, cipher, actor, handled, "accept", tg.clock.now())
    # Recording a risk level does not meet the 12-hour clock; the emergency decision does.
    await casework.move(tg.db, cipher, actor, handled, "assess", tg.clock.now(), risk="medium")
    await CaseService.of(tg.app.services).emergency_not_needed(
        actor, handled, "Trẻ đã ở nhà bà ngoại, an toàn", tg.clock.now()
    )
    await tg.tick(hours=9, minutes=1)
    reminders = [m.content for m in minh.bot_messages if "Nhắc việc" in (m.content or "")]
    assert len(reminders) == 1 and "TE-2021-0001" in reminders[0]  # the assessed one is quiet
    assert pending and handled


async def test_support_plan_counts_working_days_around_the_april_holidays(tg):
    tg.clock.set(dt.datetime(2021, 4, 29, 10, 0, tzinfo=HCMC))  # Thursday before 30/4 and 1/5
    minh = await person(tg, "Minh", role="staff", ward=None)
    lan = await person(tg, "Lan")
    case = await quick_case(tg, lan)
    actor = await users.get(tg.db, minh.id)
    await casework.move(tg.db, cipher_for(tg.app.services), actor, case, "accept", tg.clock.now())
    row = await tg.db.fetchone("SELECT due_at, remind_at FROM case_deadlines WHERE kind = 'plan'")
    # Fri 30/4 and Mon 3/5 are holidays: the 5th working day is Monday 10/5, 17:00 in HCMC.
    assert row["due_at"] == "2021-05-10T10:00:00Z" and row["remind_at"] == "2021-05-09T10:00:00Z"
    tg.clock.set(dt.datetime(2021, 5, 9, 16, 59, tzinfo=HCMC))
    await tg.tick()
    assert _count(minh, "Nhắc việc") == 0
    await tg.tick(minutes=2)
    assert _count(minh, "Nhắc việc") == 1 and "10/05/2021 17:00" in minh.last_text
    await tg.tick(hours=24)
    assert _count(tg.admin, "quá hạn") == 1 and "kế hoạch hỗ trợ" in tg.admin.last_text
