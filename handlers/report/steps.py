"""The report flow as a table: one entry per step of the official intake form (Mẫu số 01)
with its prompt, its keyboard, how it reads typed text and taps, its hint and its errors.

The order of the steps lives in bot/reports/draft.py (STEPS); adding or changing a step is one
entry here (and its place in STEPS). The engine (engine.py) drives every entry the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot import keyboards
from bot.i18n import N_, Translator
from bot.questions.rules import is_small_talk
from bot.reports.buttons import Pick
from bot.reports.draft import SEXES, STEPS, Draft
from bot.reports.intake import (
    InvalidAnswer,
    add_landmark,
    clean_child_name,
    clean_text,
    parse_sex,
)
from bot.reports.rules import CaseRules
from bot.text import truncate
from handlers.report import emergency, review
from handlers.report.answers import (
    age_error,
    age_note,
    count_error,
    given_age,
    given_contact,
    given_count,
    given_field,
    given_location,
    given_photos,
    given_sex,
    given_ward,
    location_given,
    name_error,
    photos_keyboard,
    pick_age,
    pick_count,
    pick_sex,
    read_age,
    read_count,
    safety_keeps,
    safety_keyboard,
    safety_pick,
    safety_prompt,
    safety_typed,
    situation_keyboard,
    situation_unfinished,
    stay_anonymous,
    toggle_situation,
    ward_keyboard,
    ward_pick,
    ward_prompt,
    ward_typed,
)
from handlers.report.step import (
    Asking,
    LabelAnswer,
    Markup,
    Step,
    button,
    clear,
    generic_error,
    inline,
    nav,
    pick_done,
    pick_skip,
    read_text_into,
    skip_row,
    skipped,
)
from handlers.report.ui import (
    BACK,
    EMERGENCY,
    KEEP_ANSWER,
    KEPT,
    NOT_KNOWN,
    NOTHING_YET,
    SEND_LOCATION,
    SEX_LABELS,
    SHARE_PHONE,
    SKIP,
    STAY_ANONYMOUS,
)

if TYPE_CHECKING:
    pass

KEEP_WRITTEN = N_("✔️ Keep what I wrote")


def add_to_place_detail(draft: Draft, text: str, rules: CaseRules) -> None:
    if is_small_talk(text):  # "xin chào", "ok": not a landmark
        raise InvalidAnswer("format")
    draft.place_detail = add_landmark(draft.place_detail, text, rules.place_detail_max_chars)
    draft.landmark = clean_text(text, rules.place_detail_max_chars)


def location_error(error: InvalidAnswer, _: Translator, rules: CaseRules) -> str:
    if error.reason == "format":
        return _("Please tap “Send the location” or “Skip” on the keyboard below.")
    return generic_error(error, _, rules)


def location_keyboard(a: Asking) -> Markup:
    """Telegram's send-my-location button; back here with a location shared, keeping it is
    one tap (Skip would drop it)."""
    _ = a.translate
    keep = [_(KEEP_ANSWER)] if location_given(a.draft) else []
    return keyboards.request_location(_(SEND_LOCATION), [*keep, _(SKIP), _(BACK)], [_(EMERGENCY)])


def contact_keyboard(a: Asking) -> Markup:
    """Telegram's share-my-number button; back here once answered, keeping it is one tap."""
    _ = a.translate
    keep = [_(KEEP_ANSWER)] if a.draft.contact_consent is not None else []
    return keyboards.request_contact(
        _(SHARE_PHONE), [*keep, _(STAY_ANONYMOUS)], [_(BACK), _(EMERGENCY)]
    )


def description_prompt(_: Translator, a: Asking) -> str:
    text = _(
        "What happened, and how is the child now? Write what you saw or heard, in up to "
        "{limit} characters. Do not put yourself at risk to find out more.",
        limit=a.rules.description_max_chars,
    )
    if a.draft.description:
        text += "\n\n" + _("You wrote: “{text}”", text=truncate(a.draft.description, 300))
    return text


def keep_written(a: Asking) -> list[keyboards.Button]:
    if not a.draft.description:
        return []
    return [(a.translate(KEEP_WRITTEN), Pick(step="description", value="keep"))]


def pick_keep_written(a: Asking, draft: Draft, value: str) -> bool:
    return value == "keep" and bool(draft.description)


TABLE: tuple[Step, ...] = (
    Step(
        "safety",
        prompt=safety_prompt,
        keyboard=safety_keyboard,
        hint=lambda _, r: _("Please tap “Yes, in danger now” or “No, not right now” above."),
        read_pick=safety_pick,
        read_typed=safety_typed,
        answered=emergency.answer_safety,
        keeps=safety_keeps,
    ),
    Step(
        "ward",
        prompt=ward_prompt,
        keyboard=ward_keyboard,
        hint=lambda _, r: _(
            "Please choose the ward or commune with the buttons above, type its name, "
            "or send the location."
        ),
        read_pick=ward_pick,
        read_typed=ward_typed,
        given=given_ward,
        media=frozenset({"location"}),
    ),
    Step(
        "place",
        prompt=lambda _, a: _(
            "Which neighbourhood (khu phố / ấp), street or landmark? Type it, or tap Skip. "
            "A house number is not needed."
        ),
        keyboard=inline(lambda a: skip_row(a, "place"), nav("place")),
        hint=lambda _, r: _("Please type the neighbourhood or a landmark as text, or tap Skip."),
        read_text=read_text_into("place_detail", lambda r: r.place_detail_max_chars),
        error=generic_error,
        danger_first=True,
        read_pick=pick_skip("place_detail"),
        labels=(LabelAnswer(SKIP, clear("place_detail"), skipped),),
        given=given_field("place_detail"),
        media=frozenset({"location"}),
    ),
    Step(
        "location",
        prompt=lambda _, a: _(
            "If you are near the place, you may send its location on the map (optional)."
        ),
        keyboard=location_keyboard,
        hint=lambda _, r: _("Please tap “Send the location” or “Skip” on the keyboard below."),
        labels=(
            LabelAnswer(SKIP, clear("location"), skipped),
            LabelAnswer(KEEP_ANSWER, lambda draft: None, lambda _: _(KEPT), when=location_given),
        ),
        given=given_location,
        # A landmark typed here ("nhà màu xanh") is kept with the place's words, not lost.
        read_text=add_to_place_detail,
        error=location_error,
        danger_first=True,
        note=lambda draft, _: _("Added to the place: {place}", place=draft.place_detail or ""),
        media=frozenset({"location"}),
    ),
    Step(
        "name",
        prompt=lambda _, a: _(
            "The child's <b>first name or initials only</b> (for example “An” or “T.N.”), "
            "to protect the child's privacy. Optional: you may tap Skip."
        ),
        keyboard=inline(lambda a: skip_row(a, "name"), nav("name")),
        hint=lambda _, r: _("Please type a first name or initials as text, or tap Skip."),
        read_text=lambda draft, text, rules: setattr(draft, "child_name", clean_child_name(text)),
        error=name_error,
        read_pick=pick_skip("child_name"),
        labels=(LabelAnswer(SKIP, clear("child_name"), skipped),),
        given=given_field("child_name"),
    ),
    Step(
        "age",
        prompt=lambda _, a: _(
            "How old is the child? Type the age in years or an estimate, for example "
            "“10”, “10 tuổi” or “khoảng 10”."
        ),
        keyboard=inline(button(NOT_KNOWN, "age", "unknown"), nav("age")),
        hint=lambda _, r: _(
            "Please type the child's age as a number, for example “10” or “khoảng 10”."
        ),
        read_text=read_age,
        error=age_error,
        note=age_note,
        read_pick=pick_age,
        given=given_age,
    ),
    Step(
        "sex",
        prompt=lambda _, a: _("The child is:"),
        keyboard=inline(
            lambda a: [
                (a.translate(SEX_LABELS[sex]), Pick(step="sex", value=sex)) for sex in SEXES
            ],
            nav("sex"),
        ),
        hint=lambda _, r: _("Please choose with the buttons above: boy, girl or not known."),
        read_pick=pick_sex,
        typed_pick=parse_sex,
        given=given_sex,
    ),
    Step(
        "count",
        prompt=lambda _, a: _(
            "How many children are in this situation (for example siblings)? Tap a "
            "number or type it."
        ),
        keyboard=inline(
            lambda a: [(str(n), Pick(step="count", value=str(n))) for n in range(1, 6)],
            nav("count"),
        ),
        hint=lambda _, r: _("Please type the number of children, for example “2”."),
        read_text=read_count,
        error=count_error,
        read_pick=pick_count,
        given=given_count,
    ),
    Step(
        "situation",
        prompt=lambda _, a: _(
            "What is the child's situation? Tick everything that applies, then tap Done."
        ),
        keyboard=situation_keyboard,
        hint=lambda _, r: _("Please tick the situations with the buttons above, then tap Done."),
        toggle=toggle_situation,
        unfinished=situation_unfinished,
    ),
    Step(
        "description",
        prompt=description_prompt,
        # Back at this step after writing it: keep it in one tap, or type it again.
        keyboard=inline(keep_written, nav("description")),
        read_pick=pick_keep_written,
        hint=lambda _, r: _(
            "Please describe what happened as text (up to {limit} characters).",
            limit=r.description_max_chars,
        ),
        read_text=read_text_into("description", lambda r: r.description_max_chars, minimum=10),
        error=generic_error,
        photo_refusal=lambda _: _(
            "Please first describe what happened in words; you can send photos at the next step."
        ),
    ),
    Step(
        "photos",
        prompt=lambda _, a: _(
            "You may send up to {count} photos (of an injury or of the place, for example). "
            "Only the programme's staff will see them. Tap Done when finished, or Skip.",
            count=a.rules.max_photos,
        ),
        keyboard=photos_keyboard,
        hint=lambda _, r: _("Please send a photo, or tap Done."),
        read_pick=pick_done,
        media=frozenset({"photo"}),
        given=given_photos,
        keep_button=False,  # its Done goes on with the photos sent: one button, not two
    ),
    Step(
        "caregiver",
        prompt=lambda _, a: _(
            "Who takes care of the child now (parents, grandparents, relatives, "
            "neighbours, nobody…)?"
        ),
        keyboard=inline(button(NOT_KNOWN, "caregiver", "skip"), nav("caregiver")),
        hint=lambda _, r: _("Please type who takes care of the child, or tap “Not known”."),
        read_text=read_text_into("caregiver", lambda r: r.text_max_chars),
        error=generic_error,
        read_pick=pick_skip("caregiver"),
        given=given_field("caregiver"),
    ),
    Step(
        "actions",
        prompt=lambda _, a: _(
            "Has anything been done already (called 111, told the ward, took the child to "
            "a clinic…)? Type it, or tap “Nothing yet”."
        ),
        keyboard=inline(button(NOTHING_YET, "actions", "skip"), nav("actions")),
        hint=lambda _, r: _("Please type what has been done, or tap “Nothing yet”."),
        read_text=read_text_into("actions", lambda r: r.text_max_chars),
        error=generic_error,
        read_pick=pick_skip("actions"),
        given=given_field("actions"),
    ),
    Step(
        "contact",
        prompt=lambda _, a: _(
            "May the staff call you back about this report? If yes, tap “Share my "
            "phone number”. If not, tap “Stay anonymous”: staff will not see your name "
            "or number."
        ),
        keyboard=contact_keyboard,
        hint=lambda _, r: _(
            "Please tap “Share my phone number” or “Stay anonymous” on the keyboard below."
        ),
        labels=(
            LabelAnswer(
                STAY_ANONYMOUS,
                stay_anonymous,
                lambda _: _("You stay anonymous: staff will not see your name or number."),
            ),
            LabelAnswer(
                KEEP_ANSWER,
                lambda draft: None,
                lambda _: _(KEPT),
                when=lambda draft: draft.contact_consent is not None,
            ),
        ),
        media=frozenset({"contact"}),
        given=given_contact,
    ),
    Step(
        "review",
        prompt=lambda _, a: "",
        keyboard=lambda a: review.review_keyboard(a.translate),
        hint=lambda _, r: _("Please check the summary and tap Send, Edit a section or Cancel."),
        ask=review.show_review,
    ),
)

BY_NAME: dict[str, Step] = {step.name: step for step in TABLE}
assert tuple(BY_NAME) == STEPS, "the table and the draft's steps must match"


def step_of(draft: Draft) -> Step:
    return BY_NAME[draft.step]
