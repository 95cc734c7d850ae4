"""The case service refuses by itself (issue 15): a handler that forgot its check, or code
that calls the service directly, is still refused, and each refusal leaves one audit row."""

import pytest

from bot.cases.service import CaseService
from bot.guards import PermissionDenied
from bot.messaging import STALE_BUTTON
from storage import audit, users
from tests.reports_support import person, quick_case, vi


async def _refusals(tg) -> list:
    return [e for e in await audit.entries(tg.db) if e.action in ("refused", "case_refused")]


async def test_every_case_action_is_refused_outside_the_scope_even_without_a_handler(tg):
    lan = await person(tg, "Lan")
    case = await quick_case(tg, lan)
    outsider = await person(tg, "Bình", role="staff", district="BC", ward=None)
    actor = await users.get(tg.db, outsider.id)
    service = CaseService.of(tg.app.services)
    now = tg.clock.now()
    attempts = {
        "accept": lambda: service.accept(actor, case, now),
        "verified": lambda: service.verified(actor, case, now),
        "to_review": lambda: service.to_review(actor, case, "tốt", now),
        "replan": lambda: service.new_plan(actor, case, now),
        "note": lambda: service.add_note(actor, case, "note", "ghi chú", now),
        "assign": lambda: service.assign_to(actor, case, outsider.id, now),
    }
    for call in attempts.values():
        with pytest.raises(PermissionDenied):
            await call()
    refused = await _refusals(tg)
    assert [(e.action, e.actor_id, str(e.entity_id), e.detail["attempted"]) for e in refused] == [
        ("case_refused", outsider.id, str(case), attempted) for attempted in attempts
    ]
    assert await tg.db.fetchvalue("SELECT status FROM cases WHERE id = ?", (case,)) == "received"


async def test_listing_and_binding_are_refused_to_those_without_the_role(tg):
    lan = await person(tg, "Lan")
    actor = await users.get(tg.db, lan.id)
    service = CaseService.of(tg.app.services)
    now = tg.clock.now()
    with pytest.raises(PermissionDenied):
        await service.find(actor, now)
    minh = await person(tg, "Minh", role="staff", ward=None)
    staff = await users.get(tg.db, minh.id)
    with pytest.raises(PermissionDenied):
        await service.bind_group(staff, "27418", -100123, now)
    with pytest.raises(PermissionDenied):
        await service.unbind_group(staff, -100123, now)
    refused = await _refusals(tg)
    assert [(e.actor_id, e.detail["attempted"]) for e in refused] == [
        (lan.id, "case_list"),
        (minh.id, "group_bind"),
        (minh.id, "group_unbind"),
    ]
    assert await tg.db.fetchvalue("SELECT COUNT(*) FROM staff_groups") == 0


async def test_a_refused_note_button_writes_one_audit_row(tg):
    lan = await person(tg, "Lan")
    case = await quick_case(tg, lan)
    outsider = await person(tg, "Bình", role="staff", district="BC", ward=None)
    await outsider.send("/cases")
    answer = await outsider.press_data(f"cin:note:{case}")
    assert answer["show_alert"]
    refused = await _refusals(tg)
    assert [(e.action, e.detail["attempted"]) for e in refused] == [("case_refused", "note")]


async def test_a_forged_case_button_gets_the_one_stale_answer(tg):
    minh = await person(tg, "Minh", role="staff", ward=None)
    await minh.send("/cases")
    for data in ("cas:rsk:1", "cas:to:1:x", "cpl:cat:1:a:b", "cin:cls:1"):
        answer = await minh.press_data(data)
        assert answer["text"] == vi(tg)(STALE_BUTTON), data


async def test_a_list_button_of_staff_who_cover_no_unit_is_refused_and_audited(tg):
    """Before the slices, the case buttons' handler audited every refusal; the list's "no
    units" refusal comes from the service, so the service must audit it itself."""
    lan = await person(tg, "Lan")
    await quick_case(tg, lan)
    nobody = await person(tg, "Vy", role="staff", ward=None, scope="")
    await nobody.send("/menu")
    before = await _refusals(tg)
    answer = await nobody.press_data("cas:ls:open::0")
    assert answer["show_alert"]
    refused = [e for e in await _refusals(tg) if e not in before]
    assert [(e.actor_id, e.entity, e.detail.get("attempted")) for e in refused] == [
        (nobody.id, "case", "case_list")
    ]
    staff = await users.get(tg.db, nobody.id)
    with pytest.raises(PermissionDenied):
        await CaseService.of(tg.app.services).find(staff, tg.clock.now())
    assert len([e for e in await _refusals(tg) if e not in before]) == 2
