"""What the /newevent and edit steps share: the conversation's states, the draft kept in the
person's data between steps, the reminder choices and the summary of planned reminders."""

from __future__ import annotations

import datetime as dt
from typing import Any

from telegram import InlineKeyboardMarkup
from telegram.ext import filters

from bot import keyboards
from bot.context import BotContext
from bot.events import service, texts
from bot.events.buttons import RemindersDone, ToggleReminder
from bot.events.service import EventsService
from bot.i18n import N_, Translator
from bot.text import whole_number
from storage.models import Event

TITLE, KIND, START, END, PLACE, DISTRICT, AUDIENCE, CAPACITY, DESCRIPTION, CONFIRM = range(10)
EDIT_FIELD, EDIT_VALUE, EDIT_START, EDIT_END = range(10, 14)
DEADLINE, REMINDERS = range(14, 16)
# Reminder choices of /newevent, in minutes before the start (the default is ticked).
REMINDER_CHOICES: dict[int, str] = {
    7 * 24 * 60: N_("7 days before"),
    3 * 24 * 60: N_("3 days before"),
    24 * 60: N_("1 day before"),
    2 * 60: N_("2 hours before"),
    60: N_("1 hour before"),
}
DRAFT = "event_draft"
EDIT = "event_edit"
SKIP = filters.Regex(r"(?i)^\s*(skip|bỏ qua|bo qua|không|khong)\s*$")
# Staff retrying a choice after a stale button of the conversation.
CHOOSE_AGAIN = N_("That button is no longer valid. Please choose again.")


def draft_data(context: BotContext) -> dict[str, Any]:
    """The event being created, kept between steps (a fresh one if it is missing)."""
    data: dict[str, Any] = context.person_data.setdefault(DRAFT, {})
    return data


def edit_data(context: BotContext) -> dict[str, Any]:
    data: dict[str, Any] = context.person_data.setdefault(EDIT, {})
    return data


def draft_start(context: BotContext) -> dt.datetime:
    return dt.datetime.fromisoformat(draft_data(context)["starts_at"])


def draft_from(data: dict[str, Any]) -> service.Draft:
    return service.Draft(
        title=data["title"],
        kind=data["kind"],
        starts_at=dt.datetime.fromisoformat(data["starts_at"]),
        ends_at=dt.datetime.fromisoformat(data["ends_at"]),
        audience=frozenset(data["audience"]),
        description=data.get("description", ""),
        place=data.get("place", ""),
        district=data.get("district"),
        ward=data.get("ward"),
        capacity=data.get("capacity"),
        registration_deadline=(
            dt.datetime.fromisoformat(data["registration_deadline"])
            if data.get("registration_deadline")
            else None
        ),
        reminder_offsets=tuple(
            sorted(set(data.get("reminders", service.DEFAULT_REMINDERS)), reverse=True)
        ),
    )


def preview(draft: service.Draft) -> Event:
    """The draft as the card will show it."""
    return Event(
        id=0,
        sequence=0,
        status="active",
        ward=draft.ward,
        registration_deadline=draft.registration_deadline,
        all_day=False,
        recurrence="none",
        countdown_days=(),
        reminder_offsets=draft.reminder_offsets,
        title=draft.title,
        description=draft.description,
        kind=draft.kind,
        starts_at=draft.starts_at,
        ends_at=draft.ends_at,
        place=draft.place,
        district=draft.district,
        audience=draft.audience,
        capacity=draft.capacity,
    )


def reminder_keyboard(_: Translator, chosen: list[int]) -> InlineKeyboardMarkup:
    buttons: list[keyboards.Button] = [
        (("✅ " if minutes in chosen else "▫️ ") + _(label), ToggleReminder(minutes=minutes))
        for minutes, label in REMINDER_CHOICES.items()
    ]
    rows = keyboards.columns(buttons, 2)
    rows.append([(_("Done ›"), RemindersDone())])
    return keyboards.inline(rows)


def reminder_choice_text(_: Translator, chosen: list[int]) -> str:
    if not chosen:
        return _("Reminders: none.")
    labels = [_(REMINDER_CHOICES[m]) for m in sorted(chosen, reverse=True) if m in REMINDER_CHOICES]
    # Inside a sentence: "Nhắc lịch: trước 3 ngày, trước 1 ngày" (the buttons are capitalised).
    return _(
        "Reminders: {choices}.",
        choices=", ".join(label[:1].lower() + label[1:] for label in labels),
    )


async def reminder_summary(context: BotContext, event_id: int) -> str:
    _ = context.translate
    pending = await EventsService.of(context.services).pending_reminders(event_id)
    if not pending:
        return _("No reminder is planned (the event is too close or has none).")
    return _(
        "Reminders: {times}", times="; ".join(texts.moment(_, item.due_at) for item in pending)
    )


def capacity_from(text: str) -> int | None:
    """A number of places typed (1 to the maximum); None when it is not one."""
    number = whole_number(text.strip())
    return number if number is not None and 1 <= number <= service.CAPACITY_MAX else None
