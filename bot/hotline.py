"""The emergency answer: hotline 111 first, police 113 and ambulance 115 for immediate danger.

Numbers come from `content/hotlines.json` so staff can correct them without a release.
"""

from __future__ import annotations

from bot.content import load_json, localized
from bot.i18n import Html, Translator


def hotline_text(_: Translator) -> str:
    data = load_json("hotlines.json")
    language = _.language
    child, police, ambulance = data["child_protection"], data["police"], data["ambulance"]
    rescue = data["fire_rescue"]
    return _(
        "☎️ <b>Call {child_number}</b> — {child_name}, {child_hours}.\n"
        "🚨 If a child is in danger right now: call <b>{police_number}</b> ({police_name}) "
        "or <b>{ambulance_number}</b> ({ambulance_name}); <b>{rescue_number}</b> "
        "({rescue_name}).\n"
        "You can also tell the child-protection officer or the People's Committee of the ward "
        "or commune.",
        rescue_number=Html(rescue["number"]),
        rescue_name=localized(rescue["name"], language),
        child_number=Html(child["number"]),
        child_name=localized(child["name"], language),
        child_hours=localized(child["hours"], language),
        police_number=Html(police["number"]),
        police_name=localized(police["name"], language),
        ambulance_number=Html(ambulance["number"]),
        ambulance_name=localized(ambulance["name"], language),
    )


def hotline_footer(_: Translator) -> str:
    """One line to end information messages with."""
    number = load_json("hotlines.json")["child_protection"]["number"]
    return _("☎️ Hotline {number}: free, 24/7.", number=Html(number))


def emergency_text(
    _: Translator,
    now: bool = False,
    tip: bool = True,
    self_harm: bool = False,
    about_self: bool = False,
) -> str:
    """The short emergency answer (a few lines: it must fit a small phone screen unscrolled).
    Danger happening now puts police and ambulance first; otherwise the child hotline. Words
    of self-harm, and harm the writer speaks of as their own (`about_self`), are answered to
    the person (most often the child writes it themselves)."""
    data = load_json("hotlines.json")
    language = _.language
    child, police, ambulance = data["child_protection"], data["police"], data["ambulance"]
    numbers = dict(
        child_number=Html(child["number"]),
        child_hours=localized(child["hours"], language),
        police_number=Html(police["number"]),
        police_name=localized(police["name"], language),
        ambulance_number=Html(ambulance["number"]),
        ambulance_name=localized(ambulance["name"], language),
    )
    if self_harm and not now:
        text = _(
            "💛 You are not alone. Call <b>{child_number}</b> now: someone will listen to you "
            "({child_hours}).\n"
            "🚨 If someone is hurting themselves right now: <b>{police_number}</b> or "
            "<b>{ambulance_number}</b>.",
            **numbers,
        )
    elif about_self and not now:  # the writer speaks of their own harm: answered to them
        text = _(
            "💛 It is not your fault, and you are not alone. Call <b>{child_number}</b> now: "
            "someone will listen and help you ({child_hours}).\n"
            "🚨 If you are in danger right now: <b>{police_number}</b> ({police_name}) or "
            "<b>{ambulance_number}</b>.",
            **numbers,
        )
    elif now:
        text = _(
            "🚨 Danger right now: call <b>{police_number}</b> ({police_name}) or "
            "<b>{ambulance_number}</b> ({ambulance_name}).\n"
            "☎️ Then <b>{child_number}</b>, the child protection hotline ({child_hours}).",
            **numbers,
        )
    else:
        text = _(
            "⚠️ A child may be in danger. Call <b>{child_number}</b>, the child protection "
            "hotline ({child_hours}).\n"
            "🚨 Happening right now: <b>{police_number}</b> ({police_name}) or "
            "<b>{ambulance_number}</b> ({ambulance_name}).",
            **numbers,
        )
    if tip:
        text += "\n" + _("Tap “📨 Pass it to staff now” and I send what you wrote; no name needed.")
    return text


def danger_message(_: Translator, now: bool = False) -> str:
    """The numbers, where what was typed already goes to staff (a question, a report)."""
    return emergency_text(_, now=now, tip=False)
