"""The report intake service (bot/reports/service.py) and the table of steps
(handlers/report/steps.py): the rules hold without any handler in front of them."""

import pytest

from bot.guards import NotApplicable, PermissionDenied
from bot.reports.buttons import Back, Pick, Sos, parse_step_button
from bot.reports.draft import STEPS, Draft
from bot.reports.service import ReportIntake
from handlers.report.step import Asking
from handlers.report.steps import TABLE, step_of
from storage import audit, users
from tests.reports_support import person, quick_case, vi


async def test_someone_elses_case_is_refused_and_audited_without_a_handler(tg):
    lan = await person(tg, "Lan")
    case = await quick_case(tg, lan)
    khach = await person(tg, "Khách", role="public")
    intake = ReportIntake(tg.app.services)
    stranger = await users.get(tg.db, khach.id)
    with pytest.raises(PermissionDenied):
        await intake.forget_reporter_messages(stranger, case, tg.clock.now())
    refusals = [e for e in await audit.entries(tg.db, "case", case) if e.action == "refused"]
    assert [(e.actor_id, e.detail.get("attempted")) for e in refusals] == [
        (khach.id, "delete_reporter_messages")
    ]
    # The reporter may, once, within 48 hours; later it is too late.
    reporter = await users.get(tg.db, lan.id)
    assert await intake.forget_reporter_messages(reporter, case, tg.clock.now()) is not None
    tg.clock.advance(hours=49)
    with pytest.raises(NotApplicable):
        await intake.forget_reporter_messages(reporter, case, tg.clock.now())


async def test_staff_are_alerted_once_per_report_and_the_mark_is_saved(tg):
    lan = await person(tg, "Lan")
    reporter = await users.get(tg.db, lan.id)
    intake = ReportIntake(tg.app.services)
    queued: list[str | None] = []

    async def queue(db, cipher, services, ward, contact, now, route_to=None) -> None:
        queued.append(route_to)

    draft = Draft(step="age", ward="27418")
    assert await intake.alert_staff_now(reporter, draft, tg.clock.now(), queue) is True
    assert await intake.alert_staff_now(reporter, draft, tg.clock.now(), queue) is False
    assert queued == [reporter.ward]
    intake.forget(reporter)  # read back from SQLite, not the cache
    stored = await intake.load(reporter)
    assert stored is not None and stored.emergency_alerted and stored.step == "age"


async def test_the_table_has_one_entry_per_step_and_its_buttons_name_their_step(tg):
    assert tuple(step.name for step in TABLE) == STEPS
    lan = await person(tg, "Lan")
    asking_person = await users.get(tg.db, lan.id)
    for name in STEPS:
        draft = Draft(step=name)
        step = step_of(draft)
        asking = Asking(
            vi(tg), draft, ReportIntake(tg.app.services).rules, tg.app.services.areas, asking_person
        )
        assert step.hint(vi(tg), asking.rules)  # every step can say what it expects
        if name == "review":
            continue
        assert step.prompt(vi(tg), asking)
        markup = step.keyboard(asking)
        for row in getattr(markup, "inline_keyboard", ()):
            for button in row:
                pressed = parse_step_button(button.callback_data)
                assert pressed is not None and pressed.step == name, button.callback_data
    # The wire format of buttons already in chats is kept.
    assert Pick(step="age", value="unknown").data() == "rep:pick:age:unknown"
    assert parse_step_button("rep:sos:ward") == Sos(step="ward")
    assert parse_step_button("rep:back:name") == Back(step="name")
    assert parse_step_button("rep:pick:age:unknown:extra") is None
