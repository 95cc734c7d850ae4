"""The answers of the report's steps that need more than a field set: the first question
(🚨 at once), the ward or commune, the child's age, name, sex and count, the situations, photos
and the contact step. Plain functions named by the table of steps (steps.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import InlineKeyboardMarkup

from bot import keyboards
from bot.i18n import Html, Translator
from bot.reports.buttons import Done, Pick, Toggle
from bot.reports.draft import SEXES, Draft
from bot.reports.intake import (
    InvalidAnswer,
    is_unsure,
    parse_age,
    parse_children_count,
    parse_yes_no,
)
from bot.reports.rules import CaseRules, situation, situations
from bot.text import fold, truncate
from handlers import places
from handlers.report import emergency, ward
from handlers.report.step import Asking, Markup
from handlers.report.ui import (
    ACTIVE,
    DONE,
    KEEP,
    SEX_LABELS,
    SKIP,
    nav_row,
)

if TYPE_CHECKING:
    from handlers.report.engine import Flow


# -- safety: in danger right now? --------------------------------------------------------------
def safety_answered(draft: Draft) -> bool:
    """The first question was really answered (the report went on past it): not only marked
    urgent by a 🆘 tapped under it."""
    return draft.urgent is not None and draft.furthest != "safety"


def safety_kept(draft: Draft, value: str) -> bool:
    """Tapping `value` leaves the draft as it is: "no" already answered, or "yes" once the
    staff were alerted (answered, or 🆘): it just goes on, never a second alarm."""
    if value == "yes":
        return draft.urgent is True and draft.emergency_alerted
    return draft.urgent is False and safety_answered(draft)


def safety_keeps(a: Asking) -> bool:
    """Pick(safety, KEEP) is offered (safety_keyboard) for the draft as it is."""
    return safety_kept(a.draft, "yes") or safety_kept(a.draft, "no")


def safety_prompt(_: Translator, a: Asking) -> str:
    if safety_answered(a.draft):  # back here, or the urgency edited from the summary
        return _(
            "⚠️ Is the child in danger <b>right now</b>, for example being hurt, lost, or alone "
            "without anyone to help? Your answer so far is marked ✓: tap it to keep it, or "
            "choose the other answer."
        )
    if a.draft.urgent is not None:  # asked again below the numbers after 🆘
        return _(
            "⚠️ Is the child in danger <b>right now</b>, for example being hurt, lost, or alone "
            "without anyone to help?"
        )
    return (
        _(
            "📝 <b>Report a child who needs help</b>\nA few short questions (about 3 "
            "minutes). Your draft is saved after every step: you can stop and continue "
            "later with /report."
        )
        + "\n\n"
        + _(
            "⚠️ First: is the child in danger <b>right now</b>, for example being hurt, lost, or "
            "alone without anyone to help?"
        )
    )


def safety_keyboard(a: Asking) -> Markup:
    _ = a.translate
    draft = a.draft
    answered = safety_answered(draft)

    def choice(label: str, value: str) -> keyboards.Button:
        mark = answered and draft.urgent is (value == "yes")
        kept = safety_kept(draft, value)
        return (f"✓ {label}" if mark else label, Pick(step="safety", value=KEEP if kept else value))

    return keyboards.inline(
        [
            [choice(_("🚨 Yes, in danger now"), "yes")],
            [choice(_("No, not right now"), "no")],
            # Editing it from the summary: Back returns there unchanged.
            nav_row(_, "safety", back=draft.edit_section is not None),
        ]
    )


def safety_pick(a: Asking, draft: Draft, value: str) -> bool:
    if value not in ("yes", "no"):
        return False
    draft.urgent = value == "yes"
    return True


async def safety_typed(flow: Flow, draft: Draft, text: str, danger: bool) -> int | None:
    if is_unsure(text):  # an honest "không biết nữa": help to choose, never an alarm
        _ = flow.translate
        await flow.message.reply_text(
            _(
                "Not sure is all right. If the child could be hurt today, tap “🚨 Yes, in "
                "danger now”; otherwise “No, not right now”. Staff will look at it either way."
            )
        )
        return ACTIVE
    typed = parse_yes_no(text)
    if typed is None and not danger:
        return None
    if typed is True and safety_kept(draft, "yes"):  # "có" again: the staff know already
        return await flow.next(draft, "safety")
    # "có", "dạ có", "ừ", or the danger itself typed; "không" is a no even beside danger words.
    draft.urgent = typed is not False
    return await emergency.answer_safety(flow, draft)


# -- ward / commune ----------------------------------------------------------------------------
def ward_prompt(_: Translator, a: Asking) -> str:
    return (
        _(
            "Where is the child? Choose the ward or commune below, type its name (old "
            "names too, like “phường 4 quận 8” or “Vĩnh Lộc A”), or send the location "
            "with 📎."
        )
        + "\n\n"
        + places.units_text(a.areas, _)
    )


def _own_unit(a: Asking):  # noqa: ANN202 - an Areas unit
    person = a.person
    own = a.areas.unit(person.ward)
    if own is not None and person.is_active and person.role != "public":
        return own
    return None


def ward_keyboard(a: Asking) -> Markup:
    _ = a.translate
    rows: list[list[keyboards.Button]] = []
    own = _own_unit(a)
    if own is not None:
        rows.append(
            [
                (
                    _("📍 {place} — confirm", place=own.name(_.language)),
                    Pick(step="ward", value="own"),
                )
            ]
        )
    rows += places.unit_rows(a.areas, _, lambda code: Pick(step="ward", value=code))
    rows.append(nav_row(_, "ward"))
    return keyboards.inline(rows)


def ward_pick(a: Asking, draft: Draft, value: str) -> bool:
    areas = a.areas
    own = areas.unit(a.person.ward)
    unit = own.code if value == "own" and own is not None else value
    if unit != places.OTHER and areas.unit(unit) is None:
        return False
    draft.ward = "" if unit == places.OTHER else unit
    if value == "own" or (
        draft.reported_place and unit not in areas.successors(draft.reported_place)
    ):
        draft.reported_place = None
    return True


async def ward_typed(flow: Flow, draft: Draft, text: str, danger: bool) -> int | None:
    if danger:
        return None  # the emergency path first
    return await ward.typed_unit(flow, draft, text)


def read_age(draft: Draft, text: str, rules: CaseRules) -> None:
    age = parse_age(text)
    draft.age, draft.age_estimated, draft.age_asked = age.years, age.estimated, True


def pick_age(a: Asking, draft: Draft, value: str) -> bool:
    if value != "unknown":
        return False
    draft.age, draft.age_estimated, draft.age_asked = None, True, True
    return True


def age_error(error: InvalidAnswer, _: Translator, rules: CaseRules) -> str:
    if error.reason == "implausible":
        return _(
            "{age} is not a possible age. Please type the child's age in years, for "
            "example “10” or “khoảng 10”.",
            age=error.details["age"],
        )
    if error.reason == "adult":
        return _(
            "{age} years old is an adult, not a child. This report is for children "
            "under 18. For an adult in danger, call 113.",
            age=error.details["age"],
        )
    return _(
        "Please type the age as a number, for example “10”, “10 tuổi” or “khoảng 10”, "
        "or tap “Not known”."
    )


def age_note(draft: Draft, _: Translator) -> str | None:
    if draft.age is None or draft.age < 16:
        return None
    return _(
        "Noted: at {age} the young person is a minor but not a “child” under the Law on "
        "Children (under 16). Staff will still receive your report.",
        age=draft.age,
    )


def name_error(error: InvalidAnswer, _: Translator, rules: CaseRules) -> str:
    if error.reason == "too_long":
        return _(
            "Please type only the first name or initials, at most two words, to "
            "protect the child. Or tap Skip."
        )
    return _("Please type a first name or initials using letters, or tap Skip.")


def pick_sex(a: Asking, draft: Draft, value: str) -> bool:
    if value not in SEXES:
        return False
    draft.sex = value
    return True


def pick_count(a: Asking, draft: Draft, value: str) -> bool:
    if not (value.isdigit() and 1 <= int(value) <= 5):
        return False
    draft.children = int(value)
    return True


def read_count(draft: Draft, text: str, rules: CaseRules) -> None:
    draft.children = parse_children_count(text, rules.max_children)


def count_error(error: InvalidAnswer, _: Translator, rules: CaseRules) -> str:
    return _(
        "Please type a number of children from 1 to {maximum}.",
        maximum=error.details.get("maximum", rules.max_children),
    )


def situation_keyboard(a: Asking) -> InlineKeyboardMarkup:
    _ = a.translate
    rows: list[list[keyboards.Button]] = []
    for item in situations():
        mark = "✅ " if item.code in a.draft.situations else "▫️ "
        rows.append([(mark + item.label(_.language), Toggle(step="situation", value=item.code))])
    rows.append([(_(DONE), Done(step="situation"))])
    rows.append(nav_row(_, "situation"))
    return keyboards.inline(rows)


def toggle_situation(draft: Draft, value: str) -> bool:
    if situation(value) is None:
        return False
    if value in draft.situations:
        draft.situations.remove(value)
    else:
        draft.situations.append(value)
    return True


def situation_unfinished(draft: Draft, _: Translator) -> str | None:
    return None if draft.situations else _("Please tick at least one situation, or “Other”.")


def photos_keyboard(a: Asking) -> Markup:
    _ = a.translate
    label = _(DONE) if a.draft.photos else _(SKIP)
    return keyboards.inline([[(label, Pick(step="photos", value="done"))], nav_row(_, "photos")])


def stay_anonymous(draft: Draft) -> None:
    draft.contact_consent, draft.reporter_name, draft.reporter_phone = False, None, None


# -- the answer already given, shown when a step is visited again (back, or a section edit) ------
def given_ward(_: Translator, a: Asking) -> str | None:
    ward = a.draft.ward
    if ward is None:
        return None
    return a.areas.place(ward, _.language) if ward else _("elsewhere / not sure")


def location_given(draft: Draft) -> bool:
    """The location step was answered: a map location sent, or a landmark typed there that
    is still among the place's words."""
    return draft.location is not None or _landmark(draft) is not None


def _landmark(draft: Draft) -> str | None:
    landmark, place = draft.landmark, draft.place_detail or ""
    return landmark if landmark and fold(landmark) in fold(place) else None


def given_location(_: Translator, a: Asking) -> str | None:
    if a.draft.location is not None:
        return Html(_("You sent a location on the map"))
    landmark = _landmark(a.draft)
    if landmark is None:
        return None
    return Html(_("You wrote the place: {place}", place=truncate(landmark, 300)))


def given_age(_: Translator, a: Asking) -> str | None:
    draft = a.draft
    if not draft.age_asked:
        return None
    if draft.age is None:
        return _("age not known")
    if draft.age_estimated:
        return _("about {age} years old", age=draft.age)
    return _("{age} years old", age=draft.age)


def given_sex(_: Translator, a: Asking) -> str | None:
    return _(SEX_LABELS[a.draft.sex]) if a.draft.sex in SEX_LABELS else None


def given_count(_: Translator, a: Asking) -> str | None:
    return _.number(a.draft.children)


def given_photos(_: Translator, a: Asking) -> str | None:
    count = len(a.draft.photos)
    return _("photos sent: {count}", count=_.number(count)) if count else None


def given_contact(_: Translator, a: Asking) -> str | None:
    draft = a.draft
    if draft.contact_consent is None:
        return None
    if draft.contact_consent:
        return Html(_("You shared your phone number {phone}", phone=draft.reporter_phone or "—"))
    return _("anonymous")


def given_field(name: str):  # noqa: ANN201
    """The typed answer kept in `name` (a place, a name, a caregiver…), None when skipped."""
    return lambda _, a: getattr(a.draft, name) or None
