"""Helpers for the report and case tests (issue 4): people with roles, and a report filed
through the real conversation."""

from __future__ import annotations

from bot.i18n import I18n
from storage import report_drafts, users

SITUATION_VIOLENCE = "i) Tổn hại nghiêm trọng do bạo lực"
DESCRIPTION = "Bé bị cha dượng đánh nhiều lần, tay có vết bầm, tối nay lại nghe tiếng la hét."


def vi(tg) -> I18n:
    return tg.app.services.i18n("vi")


async def person(
    tg,
    name: str,
    role: str = "collaborator",
    district: str | None = "Q8",
    ward: str | None = "27418",
    user_id: int | None = None,
    scope: str | None = None,
):
    """The testkit's person factory (`tg.person`), with this module's positional order."""
    return await tg.person(name, role, district, ward, scope=scope, user_id=user_id)


async def answer_until_review(
    tg,
    reporter,
    *,
    urgent: bool = False,
    own_ward: bool = True,
    ward_label: str = "Phường Bình Đông",
    description: str = DESCRIPTION,
    share_phone: bool = False,
    age: str = "khoảng 10",
    name: str | None = "Bé Na",
) -> None:
    _ = vi(tg)
    await reporter.send("/report")
    await reporter.press(_("🚨 Yes, in danger now") if urgent else _("No, not right now"))
    if own_ward:
        own = (await users.get(tg.db, reporter.id)).ward
        place = tg.app.services.areas.unit_name(own, "vi")
        await reporter.press(_("📍 {place} — confirm", place=place))
    else:
        await reporter.press(ward_label)
    await reporter.press(_("Skip"))  # place detail
    await reporter.press(_("Skip"))  # location (reply keyboard)
    if name:
        await reporter.send(name)
    else:
        await reporter.press(_("Skip"))
    await reporter.send(age)
    await reporter.press(_("Girl (nữ)"))
    await reporter.press("1")
    await reporter.press("▫️ " + SITUATION_VIOLENCE)
    await reporter.press(_("Done ✔️"))
    await reporter.send(description)
    await reporter.press(_("Skip"))  # photos
    await reporter.press(_("Not known"))  # caregiver
    await reporter.press(_("Nothing yet"))  # actions
    await reporter.press(_("📱 Share my phone number") if share_phone else _("🙈 Stay anonymous"))


async def file_report(tg, reporter, **options) -> str:
    """Send a whole report; returns its case code."""
    await answer_until_review(tg, reporter, **options)
    await reporter.press(vi(tg)("✅ Send"))
    code = await tg.db.fetchvalue(
        "SELECT code FROM cases WHERE reporter_id = ? ORDER BY id DESC LIMIT 1", (reporter.id,)
    )
    assert code, "the report was not stored"
    return code


async def case_id(tg, code: str) -> int:
    return await tg.db.fetchvalue("SELECT id FROM cases WHERE code = ?", (code,))


async def quick_case(
    tg, reporter, *, urgent: bool = False, ward: str = "27418", description: str = DESCRIPTION
) -> int:
    """A case straight from a finished draft (for tests about staff, not the conversation)."""
    from bot.crypto import cipher_for
    from bot.reports import casework
    from bot.reports.draft import Draft
    from bot.reports.rules import case_rules

    areas = tg.app.services.areas
    draft = Draft(
        step="review",
        urgent=urgent,
        ward=ward,
        age_asked=True,
        age=9,
        sex="male",
        situations=["k"],
        description=description,
        contact_consent=False,
        child_name="Tí",
    )
    user = await users.get(tg.db, reporter.id)
    cipher = cipher_for(tg.app.services)
    # As in the conversation: the draft is stored, and submitting takes it.
    await report_drafts.save(tg.db, cipher, reporter.id, draft.to_json(), tg.clock.now())
    submitted = await casework.submit(
        tg.db, cipher, areas, user, draft, tg.clock.now(), case_rules(), tg.settings.timezone
    )
    return submitted.case_id
