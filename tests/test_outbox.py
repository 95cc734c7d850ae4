"""The transactional outbox (issue 14): a notification is committed with the change that
causes it, or not at all; it is sent after a restart; one draft becomes at most one case."""

import asyncio

import pytest

from bot import outbox
from bot.cases.alerts import queue_new_case_alert
from bot.crypto import cipher_for
from bot.reports import casework
from bot.reports.draft import Draft
from bot.reports.rules import case_rules
from storage import outbox as store
from storage import report_drafts, users
from tests.reports_support import answer_until_review, case_id, file_report, person, vi


async def test_a_rolled_back_change_sends_nothing_and_a_committed_one_is_sent(tg):
    lan = await person(tg, "Lan")
    cipher = cipher_for(tg.app.services)
    with pytest.raises(RuntimeError):
        async with tg.db.transaction():
            await outbox.enqueue(tg.db, cipher, lan.id, "Không được gửi", now=tg.clock.now())
            raise RuntimeError("the change failed")
    async with tg.db.transaction():
        await outbox.enqueue(tg.db, cipher, lan.id, "Được gửi", now=tg.clock.now())
    await tg.settle()
    texts = [m.content for m in lan.bot_messages]
    assert "Được gửi" in texts and "Không được gửi" not in texts
    # Sent: its text is erased from the database, only ids and states stay.
    assert await tg.db.fetchvalue("SELECT payload_enc FROM outbox WHERE state = 'sent'") == ""
    assert (await store.counts(tg.db))["pending"] == 0


async def test_the_stored_text_is_encrypted_and_the_dedupe_key_queues_once(tg):
    lan = await person(tg, "Lan")
    cipher = cipher_for(tg.app.services)
    first = await outbox.enqueue(
        tg.db,
        cipher,
        lan.id,
        "Bí mật 0909123456",
        now=tg.clock.now(),
        dedupe_key="k:1",
        held_for_reply=True,
    )
    again = await outbox.enqueue(
        tg.db, cipher, lan.id, "Bí mật 0909123456", now=tg.clock.now(), dedupe_key="k:1"
    )
    assert first is not None and again is None
    stored = await tg.db.fetchvalue("SELECT payload_enc FROM outbox WHERE id = ?", (first,))
    assert "0909123456" not in stored and "Bí mật" not in stored


async def test_after_a_kill_between_the_commit_and_the_replies_everyone_is_told(tg):
    """The case is committed, the process dies before answering: after the restart the
    reporter gets the confirmation with the code, staff get the alert, and Send on the old
    summary shows the code instead of "no longer open" or a second case."""
    minh = await person(tg, "Minh", role="staff", ward=None)
    lan = await person(tg, "Lan")
    await answer_until_review(tg, lan)
    review = lan.last
    reporter = await users.get(tg.db, lan.id)
    cipher = cipher_for(tg.app.services)
    stored = await report_drafts.load(tg.db, cipher, lan.id)
    draft = Draft.from_json(stored.data)
    services = tg.app.services
    # What the handler's transaction does, without the replies that follow it ("killed").
    await tg.app.stop()
    now = tg.clock.now()

    async def on_created(new_id: int, code: str) -> None:
        await queue_new_case_alert(tg.db, cipher, services, new_id, now)
        await outbox.enqueue(
            tg.db, cipher, lan.id, f"Mã hồ sơ: {code}", now=now, held_for_reply=True
        )

    submitted = await casework.submit(
        tg.db,
        cipher,
        services.areas,
        reporter,
        draft,
        now,
        case_rules(),
        services.settings.timezone,
        source_message_id=review.message_id,
        on_created=on_created,
    )
    tg.clock.advance(seconds=1)
    await tg.restart()
    await tg.tick()  # the first dispatcher round: the held confirmation goes at once
    assert any(f"Mã hồ sơ: {submitted.code}" in (m.content or "") for m in lan.bot_messages)
    assert sum(submitted.code in (m.content or "") for m in minh.bot_messages) == 1
    await lan.press(vi(tg)("✅ Send"))
    assert await tg.db.fetchvalue("SELECT count(*) FROM cases") == 1
    answer = tg.server.callback_queries[max(tg.server.callback_queries)].answer
    assert submitted.code in (answer or {}).get("text", "")


async def test_two_presses_on_send_make_one_case(tg):
    minh = await person(tg, "Minh", role="staff", ward=None)
    lan = await person(tg, "Lan")
    await answer_until_review(tg, lan)
    review = lan.last
    data = next(
        b["callback_data"]
        for row in review.inline_keyboard
        for b in row
        if b["text"] == vi(tg)("✅ Send")
    )
    for _ in range(2):  # both arrive before the bot answers either
        tg.server.callback_query(lan.user, lan.chat, review.message_id, data)
    await tg.settle()
    assert await tg.db.fetchvalue("SELECT count(*) FROM cases") == 1
    code = await tg.db.fetchvalue("SELECT code FROM cases")
    assert sum(code in (m.content or "") for m in minh.bot_messages) == 1
    assert sum(f"Mã hồ sơ: {code}" in (m.content or "") for m in lan.bot_messages) == 1


async def test_concurrent_submits_of_one_draft_create_one_case(tg):
    lan = await person(tg, "Lan")
    areas = tg.app.services.areas
    cipher = cipher_for(tg.app.services)
    draft = Draft(
        step="review",
        urgent=False,
        ward="27418",
        age_asked=True,
        age=9,
        sex="male",
        situations=["k"],
        description="Một mô tả đủ dài để gửi.",
        contact_consent=False,
    )
    await report_drafts.save(tg.db, cipher, lan.id, draft.to_json(), tg.clock.now())
    reporter = await users.get(tg.db, lan.id)
    results = await asyncio.gather(
        *(
            casework.submit(
                tg.db,
                cipher,
                areas,
                reporter,
                draft,
                tg.clock.now(),
                case_rules(),
                tg.settings.timezone,
                source_message_id=77,
            )
            for _ in range(2)
        )
    )
    assert await tg.db.fetchvalue("SELECT count(*) FROM cases") == 1
    assert sorted(r.first for r in results) == [False, True]
    assert len({r.code for r in results}) == 1


async def test_an_unreachable_staff_group_alerts_the_staff_privately(tg):
    minh = await person(tg, "Minh", role="staff", ward=None)
    group = tg.group("Cán bộ Q8", members=[tg.admin, minh])
    await group.send(tg.admin, "/bind Q8")
    await group.remove_bot(tg.admin)
    lan = await person(tg, "Lan")
    code = await file_report(tg, lan)
    await tg.settle()
    assert any(code in (m.content or "") for m in minh.bot_messages)
    assert await case_id(tg, code)
    assert (await store.counts(tg.db))["blocked"] == 1


async def test_an_answer_after_a_crash_before_the_question_is_not_misfiled(tg):
    """Save, then ask: the draft moved to the name step but the bot died before asking; the
    person, still looking at the place question, types their answer again. It is not taken
    as the child's name: the name question is asked."""
    lan = await person(tg, "Lan")
    await lan.send("/report")
    await lan.press(vi(tg)("No, not right now"))
    await lan.press(vi(tg)("📍 {place} — confirm", place="Phường Chánh Hưng"))
    await lan.send("Hẻm 77")  # place: saved, the location question follows
    cipher = cipher_for(tg.app.services)
    stored = await report_drafts.load(tg.db, cipher, lan.id)
    draft = Draft.from_json(stored.data)
    assert draft.step == "location" and draft.shown
    draft.step, draft.shown = "name", False  # as if killed after the save, before asking
    await report_drafts.save(tg.db, cipher, lan.id, draft.to_json(), tg.clock.now())
    await tg.restart()
    await lan.send("Bỏ qua")  # what they would type at the location step they still see
    stored = Draft.from_json((await report_drafts.load(tg.db, cipher, lan.id)).data)
    assert stored.child_name is None and stored.step == "name" and stored.shown
    assert "tên" in lan.last_text.lower()  # the name question, asked now


# -- what main added since: quick tips and the report's emergency alert ----------------------

TIP = "📨 Báo ngay cho cán bộ"


def _about(who, code: str) -> list[str]:
    return [m.content for m in who.bot_messages if m.content and code in m.content]


async def test_a_tip_without_a_place_alerts_each_administrator_once(tg):
    """The tip reaches the administrators at once; when its sender then taps the place, the
    staff of that ward hear of it too, and the administrators are not alerted again."""
    second_admin = await person(tg, "Hà", role="admin", district=None, ward=None)
    mai = await person(tg, "Mai", role="staff", district="Q8", ward=None)
    lan = await person(tg, "Lan", role="public", district=None, ward=None)
    await lan.send("e hok muon song nua")
    await lan.press(TIP)
    code = await tg.db.fetchvalue("SELECT code FROM cases")
    assert len(_about(tg.admin, code)) == 1 and len(_about(second_admin, code)) == 1
    assert not _about(mai, code)  # no place yet: not hers
    await lan.press("Phường Phú Định")
    assert await tg.db.fetchvalue("SELECT ward FROM cases") == "27427"
    assert len(_about(mai, code)) == 1  # now the ward's staff have it
    for admin in (tg.admin, second_admin):
        assert len(_about(admin, code)) == 1  # exactly one alert each
    assert "Phường Phú Định" in lan.last_text


async def test_a_tip_pressed_again_after_a_restart_gives_its_code_not_a_second_case(tg):
    """The case was committed but the process died before the person's data said so: the
    same button gives back the case code."""
    await person(tg, "Mai", role="staff", district="Q8", ward=None)
    lan = await person(tg, "Lan", role="public", district="Q8", ward="27418")
    await lan.send("bé nhà bên bị xâm hại tình dục")
    pending = dict(tg.app.user_data[lan.id]["safety_tip"])  # as persisted before the press
    answer_id = next(m for m in reversed(lan.bot_messages) if TIP in m.buttons).message_id
    await lan.press(TIP)
    code = await tg.db.fetchvalue("SELECT code FROM cases")
    tg.app.user_data[lan.id]["safety_tip"] = pending  # the state a kill would have left
    # The same button again, on the same answer (its old keyboard, still on the phone).
    answer = await lan._callback(lan.user, answer_id, "sos:tip", forge=True)
    assert await tg.db.fetchvalue("SELECT count(*) FROM cases") == 1
    assert code in answer["text"]


async def test_an_emergency_alert_reaches_the_staff_privately_when_their_group_is_gone(tg):
    mai = await person(tg, "Mai", role="staff", district="Q8", ward=None)
    group = tg.group("Cán bộ Q8", members=[tg.admin, mai])
    await group.send(tg.admin, "/bind Q8")
    await group.remove_bot(tg.admin)
    lan = await person(tg, "Lan")
    await lan.send("/report")
    await lan.press("🚨 Có, đang nguy hiểm")
    await tg.settle()
    assert "nguy hiểm ngay lúc này" in mai.last_text
    assert any("nguy hiểm ngay lúc này" in t for t in _about_text(tg.admin))
    # One alert each, committed with the report's mark "staff alerted".
    assert (
        await tg.db.fetchvalue(
            "SELECT count(*) FROM outbox WHERE state = 'sent' AND chat_id = ?", (mai.id,)
        )
        == 1
    )


def _about_text(who) -> list[str]:
    return [m.content for m in who.bot_messages if m.content]
