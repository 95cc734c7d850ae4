"""How a case reads, in the chat and on the dashboard alike: age, groups, status, place, one
line of history, and the one reading of a typed past moment."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.areas import Areas
from bot.events.dates import DateError, combine, local_today, names_a_weekday, parse
from bot.i18n import N_, Translator
from bot.reports import casework, lifecycle
from bot.reports.rules import situation
from storage import users
from storage.cases import CaseSummary, Note
from storage.db import Database

SEX_SHORT = {"male": N_("boy"), "female": N_("girl"), "unknown": N_("sex not known")}

HISTORY_ACTIONS = {
    "emergency_applied": N_("🚑 emergency measures applied: {text}"),
    "emergency_not_needed": N_("✋ no emergency measures needed: {text}"),
    "plan_submitted": N_("📤 plan submitted for approval"),
    "plan_returned": N_("↩️ plan sent back: {text}"),
    "plan_approved": N_("✅ plan approved"),
    "to_review": N_("🔍 review: {text}"),
    "replan": N_("📝 new plan"),
    "reopen": N_("↩️ reopened: {text}"),
}


def age_text(case: CaseSummary, _: Translator) -> str:
    if case.child_age is None:
        return _("age not known")
    if case.age_estimated:
        text = _("about {age} years old", age=case.child_age)
    else:
        text = _("{age} years old", age=case.child_age)
    if case.child_age >= 16:
        text += " " + _("(a minor of 16–17, not a child under the Law on Children)")
    return text


def groups_text(case: CaseSummary, _: Translator) -> str:
    return (
        "; ".join(
            s.label(_.language) for code in case.situations if (s := situation(code)) is not None
        )
        or "—"
    )


def status_text(case: CaseSummary, _: Translator) -> str:
    text = _(lifecycle.STATE_LABELS[case.status])
    if case.status == "closed" and case.outcome:
        text += " — " + _(lifecycle.OUTCOME_LABELS[case.outcome])
    return text


def case_place(case: CaseSummary, _: Translator, areas: Areas) -> str:
    """Today's unit, the other candidates of a split old unit, and the place as reported."""
    language = _.language
    if not case.ward:
        place = _("ward/commune not known")
    elif areas.in_programme(case.ward):
        place = areas.unit_name(case.ward, language)
    else:
        place = _("{unit} (outside the programme)", unit=areas.place(case.ward, language))
    others = [code for code in casework.case_units(case, areas) if code != case.ward]
    if others:
        place = _(
            "{unit} or {others}",
            unit=place,
            others=", ".join(areas.unit_name(code, language) for code in others),
        )
    if case.reported_place and case.reported_place != case.ward:
        place = _(
            "{unit} (reported as {old})", unit=place, old=areas.place(case.reported_place, language)
        )
    return place


async def person_name(db: Database, user_id: int | None) -> str:
    """A staff member's display name (their id when they have none); "—" for nobody."""
    if user_id is None:
        return "—"
    person = await users.get(db, user_id)
    return person.display_name if person and person.display_name else str(user_id)


OPENED = N_("📥 Report received from the reporter")


def opening_entry(_: Translator) -> str:
    """What a case's first history line, its opening, says (the notes come after it), whole:
    no "who:" before it, so it never reads as the reporter receiving something. The
    reporter's name is never in it, as in the alerts."""
    return _(OPENED)


async def history_entry(db: Database, note: Note, _: Translator) -> str:
    """What one line of a case's history says (the chat's 🕓 History and the dashboard)."""
    action = note.detail.get("action")
    if note.kind == "status" and action in HISTORY_ACTIONS:
        what = _(HISTORY_ACTIONS[action], text=note.body or "—")
    elif note.kind == "status":
        what = _(lifecycle.STATE_LABELS.get(note.detail.get("to") or "", "")) or "—"
        if note.detail.get("risk"):
            what += " · " + _("risk {level}", level=_(lifecycle.RISK_LABELS[note.detail["risk"]]))
        if note.detail.get("outcome"):
            what += " · " + _(lifecycle.OUTCOME_LABELS[note.detail["outcome"]])
        if note.body:
            what += " · " + _("📝 {text}", text=note.body)
    elif note.kind == "assign":
        what = _("assigned to {name}", name=await person_name(db, note.detail.get("assignee")))
    elif note.kind == "referral":
        what = _("🔗 referral: {text}", text=note.body or "")
    elif note.detail.get("source") == "reporter":
        what = _("📨 from the reporter: {text}", text=note.body or _("a photo"))
    else:
        what = _("📝 {text}", text=note.body or "")
    return what


# A day this close ahead is one to come, not last year's: a time that passed refuses it.
SOON_TO_COME = dt.timedelta(days=60)


def past_moment(text: str, now: dt.datetime, timezone: ZoneInfo) -> dt.datetime | None:
    """A time that has passed, today unless a day is given (the one date parser)."""
    today = local_today(now, timezone)
    try:
        # The next such day (yearly), then a year back when it is ahead: a time that passed.
        moment = parse(text, today, yearly=True)
    except DateError:
        return None
    if moment.time is None:
        return None
    day = moment.date or today
    if day > today and names_a_weekday(text):  # "thứ 2 8h": last Monday, not the next
        day -= dt.timedelta(days=7)
    if day > today:
        if day - today <= SOON_TO_COME:  # a day still to come ('6/12' on the 5th)
            return None
        try:  # the next such day is far ahead: "the 3rd" typed on the 5th is this month's
            day = day.replace(year=day.year - 1)
        except ValueError:  # 29/2 a year back
            return None
    when = combine(day, moment.time, timezone)
    return when if when <= now else None
