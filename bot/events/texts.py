"""How events read in messages: dates with the weekday, cards, reminders, notices, errors."""

from __future__ import annotations

import datetime as dt
import html

from bot.areas import Areas
from bot.events.model import AUDIENCES, KIND_ICONS, KINDS
from bot.i18n import N_, Translator
from bot.text import shorten
from storage.events import Counts
from storage.models import Event

DATE_ERRORS = {
    "empty": N_("Please type a date and time, for example: 8h30 1/6."),
    "unreadable": N_("I could not read that date. Please type it like: 1/6 8:30 or 8h30 1/6."),
    "bad_date": N_(
        "That day does not exist. Please check the day and the month (day/month, for example 1/6)."
    ),
    "bad_time": N_(
        "That time does not exist. Please type hours 0–23 and minutes 0–59, "
        "for example 8h30 or 14:00."
    ),
    "no_time": N_("Please add a time, for example: 8h30 1/6."),
    "no_date": N_("Please add a date, for example: 1/6."),
    "past": N_("That moment has already passed. Please type a date and time in the future."),
    "too_far": N_("That date is too far ahead. Please check the year."),
    "end_before_start": N_(
        "The end must be after the start ({start}). Please type the end time again."
    ),
}


def moment(_: Translator, when: dt.datetime) -> str:
    """'Thứ Ba, 01/06/2021, 08:30' — the weekday always, so a wrong day is noticed."""
    return f"{_.date(when)}, {_.time(when)}"


def when(_: Translator, event: Event) -> str:
    """The event's time span in the reader's language and the bot's time zone."""
    if event.all_day:
        first = _.local(event.starts_at).date()
        last = (_.local(event.ends_at) - dt.timedelta(seconds=1)).date()
        if first == last:
            return _("{day} (all day)", day=_.date(first))
        return f"{_.date(first)} – {_.date(last)}"
    if _.local(event.starts_at).date() == _.local(event.ends_at).date():
        return f"{moment(_, event.starts_at)} – {_.time(event.ends_at)}"
    return f"{moment(_, event.starts_at)} – {moment(_, event.ends_at)}"


def scope(_: Translator, event: Event, areas: Areas) -> str:
    if event.ward:
        return areas.place(event.ward, _.language)
    if event.district:
        return areas.group_name(event.district, _.language)
    return _("whole programme (the former District 8 and Binh Chanh areas)")


def audience(_: Translator, event: Event) -> str:
    groups = [key for key in AUDIENCES if key in event.audience]
    return ", ".join(_(AUDIENCES[key]) for key in groups)


def button_label(_: Translator, event: Event, limit: int = 40, with_time: bool = False) -> str:
    """'01/06 · Tập huấn quyền trẻ em cho…': the day first, so two trainings with similar
    titles can be told apart, and the title cut between words (`with_time`: sessions of
    one day, as attendance lists them)."""
    day = _.local(event.starts_at).strftime("%d/%m")
    if with_time:
        day = f"{day} {_.time(event.starts_at)}"
    return f"{day} · {shorten(event.title, max(12, limit - len(day) - 3))}"


def kind(_: Translator, event: Event) -> str:
    return f"{KIND_ICONS.get(event.kind, '📅')} {_(KINDS[event.kind])}"


STATE_NAMES = {
    "going": N_("✅ You are registered."),
    "waiting": N_("⏳ You are on the waiting list."),
    "declined": N_("You said you are not going."),
}


def card(
    _: Translator,
    event: Event,
    areas: Areas,
    now: dt.datetime,
    state: str | None = None,
    counts: Counts | None = None,
    position: int | None = None,
    figures: bool = False,
) -> str:
    """The event's details: what, when, where, for whom, places taken, the person's state;
    with `figures` (staff) also the waiting list and the people not going."""
    lines = [f"<b>{_escape(event.title)}</b>", kind(_, event)]
    if not event.is_active:
        lines.insert(0, _("❌ <b>CANCELLED</b>"))
    lines.append(_("🕗 {when}", when=when(_, event)))
    if event.place:
        lines.append(_("📍 {place}", place=event.place))
    lines.append(_("🗺 {scope}", scope=scope(_, event, areas)))
    lines.append(_("👥 For: {audience}", audience=audience(_, event)))
    if event.capacity is not None:
        taken = counts.going if counts else 0
        lines.append(
            _(
                "🎟 Places: {taken}/{capacity}",
                taken=_.number(taken),
                capacity=_.number(event.capacity),
            )
        )
    if figures and counts is not None and (counts.waiting or counts.declined):
        lines.append(
            _(
                "Waiting list: {waiting} · not going: {declined}",
                waiting=_.number(counts.waiting),
                declined=_.number(counts.declined),
            )
        )
    if event.registration_deadline and event.takes_registrations:
        lines.append(
            _("Register before: {deadline}", deadline=moment(_, event.registration_deadline))
        )
    if event.example:
        lines.append(
            _("✏️ An example from the yearly plan: edit it to fit, or cancel it.")
            if figures
            else _("🗓 Planned: the time and place may still change.")
        )
    if event.description:
        lines.append("")
        lines.append(_escape(event.description))
    if state in STATE_NAMES:
        lines.append("")
        text = _(STATE_NAMES[state])
        if state == "waiting" and position:
            text += " " + _("Your place in the queue: {position}.", position=_.number(position))
        lines.append(text)
    elif (
        event.takes_registrations
        and event.is_active
        and not event.registration_open(now)
        and not event.has_started(now)
    ):
        lines.append("")
        lines.append(_("Registration is closed."))
    return "\n".join(lines)


def list_line(_: Translator, number: int, event: Event, state: str | None) -> str:
    mark = {"going": " ✅", "waiting": " ⏳"}.get(state or "", "")
    return (
        f"{number}. {KIND_ICONS.get(event.kind, '📅')} <b>{_escape(event.title)}</b>{mark}\n"
        f"    {when(_, event)}"
    )


def countdown_to(_: Translator, start: dt.datetime, now: dt.datetime) -> str:
    days = (_.local(start).date() - _.local(now).date()).days
    if days <= 0:
        hours = max(1, round((start - now).total_seconds() / 3600))
        return _("in 1 hour") if hours == 1 else _("in {count} hours", count=hours)
    if days == 1:
        return _("tomorrow")
    return _("in {count} days", count=_.number(days))


def reminder(_: Translator, event: Event, areas: Areas, now: dt.datetime) -> str:
    lines = [
        _(
            "⏰ <b>Reminder</b>: {title} — {when_relative}",
            title=event.title,
            when_relative=countdown_to(_, event.starts_at, now),
        ),
        _("🕗 {when}", when=when(_, event)),
    ]
    if event.place:
        lines.append(_("📍 {place}", place=event.place))
    lines.append(_("🗺 {scope}", scope=scope(_, event, areas)))
    lines.append(_("Details and your registration: /events"))
    return "\n".join(lines)


def countdown(
    _: Translator,
    event: Event,
    activities: list[Event],
    district_name: str | None,
    now: dt.datetime,
) -> str:
    """The June 1 countdown to collaborators and staff, with their district's activities."""
    lines = [
        _(
            "🎈 <b>{title}</b> starts {when_relative} ({day}).",
            title=event.title,
            when_relative=countdown_to(_, event.starts_at, now),
            day=_.date(event.starts_at),
        ),
    ]
    if district_name:
        lines.append(_("Activities in {district}:", district=district_name))
    else:
        lines.append(_("Activities of the programme:"))
    if activities:
        for item in activities:
            lines.append(f"• {moment(_, item.starts_at)} — {_escape(item.title)}")
    else:
        lines.append(_("No activity is planned yet. Staff can add one with /newevent."))
    lines.append(_("Details and registration: /events"))
    return "\n".join(lines)


def cancelled(_: Translator, event: Event) -> str:
    return _(
        "❌ <b>Cancelled</b>: {title} ({when}). We are sorry for the change.",
        title=event.title,
        when=when(_, event),
    )


def moved(_: Translator, event: Event, old_when: str) -> str:
    return _(
        "🔁 <b>New time</b>: {title}\nBefore: {old}\nNow: {new}\nYour registration is kept. "
        "If you can no longer come, tap “Not going” in /events.",
        title=event.title,
        old=old_when,
        new=when(_, event),
    )


def promoted(_: Translator, event: Event) -> str:
    return _(
        "🎉 A place freed up: you are now registered for {title} ({when}).",
        title=event.title,
        when=when(_, event),
    )


def date_error(_: Translator, code: str, start: dt.datetime | None = None) -> str:
    message = DATE_ERRORS.get(code, DATE_ERRORS["unreadable"])
    if code == "end_before_start" and start is not None:
        return _(message, start=moment(_, start))
    return _(message)


def _escape(text: str) -> str:
    return html.escape(text, quote=False)
