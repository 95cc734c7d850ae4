"""The one conversation of staff who create (/newevent, ➕ New event) or edit (✏️ Edit on a
card) an event: its entry points, its states (steps in create.py, details.py and edit.py,
imported when first used: bot/lazy.py) and a hint for anything else typed at a step."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
)

from bot.conversations import ExclusiveConversation
from bot.events.buttons import (
    AudienceDone,
    Discard,
    Edit,
    EditField,
    NewEvent,
    PickDeadline,
    PickDistrict,
    PickKind,
    RemindersDone,
    Save,
    ToggleAudience,
    ToggleReminder,
)
from bot.i18n import N_
from bot.lazy import lazy
from handlers.common import anything_else, free_text, leave_handlers, step_hints
from handlers.events.flow import (
    AUDIENCE,
    CAPACITY,
    CONFIRM,
    DEADLINE,
    DESCRIPTION,
    DISTRICT,
    EDIT_END,
    EDIT_FIELD,
    EDIT_START,
    EDIT_VALUE,
    END,
    KIND,
    PLACE,
    REMINDERS,
    START,
    TITLE,
)

if TYPE_CHECKING:
    from bot.application import BotApplication

CREATE, DETAILS, EDIT = "handlers.events.create", "handlers.events.details", "handlers.events.edit"

_hint = step_hints(
    {
        TITLE: N_("Please type the event's title."),
        KIND: N_("Please choose the kind with the buttons above."),
        START: N_("Please type the start, for example: 8h30 1/6."),
        END: N_("Please type the end, for example: 11h."),
        PLACE: N_("Please type the place, or “skip”."),
        DISTRICT: N_("Please choose the area with the buttons above."),
        AUDIENCE: N_("Please tap the groups above, then “Done”."),
        CAPACITY: N_("Please type a number of places, or “skip”."),
        DESCRIPTION: N_("Please type a short description, or “skip”."),
        CONFIRM: N_("Please tap “Save” or “Discard” above."),
        DEADLINE: N_("Please tap a choice above, or type a day and time, for example: 17h 31/5."),
        REMINDERS: N_("Please tap the reminders above, then “Done”."),
        EDIT_FIELD: N_("Please choose what to change with the buttons above."),
        EDIT_VALUE: N_("Please type the new value."),
        EDIT_START: N_("Please type the new start, for example: 8h30 1/6."),
        EDIT_END: N_("Please type the new end, for example: 11h."),
    }
)


def build_conversation(application: BotApplication) -> ConversationHandler[Any]:
    i18n = application.services.i18n
    text = free_text(i18n)
    other = anything_else(i18n)

    def step(state: int, *handlers: BaseHandler[Any, Any, Any]) -> list[BaseHandler[Any, Any, Any]]:
        return [*handlers, MessageHandler(other, _hint(state))]

    def button(callback: Any, spec: Any) -> CallbackQueryHandler[Any, Any]:
        return CallbackQueryHandler(callback, pattern=spec.pattern())

    return ExclusiveConversation(
        name="events_admin",
        left_notice=N_("⏸ The event was not saved."),
        persistent=True,
        entry_points=[
            CommandHandler("newevent", lazy(f"{CREATE}:new_event")),
            button(lazy(f"{CREATE}:new_event"), NewEvent),
            button(lazy(f"{EDIT}:start_edit"), Edit),
        ],
        states={
            TITLE: step(TITLE, MessageHandler(text, lazy(f"{CREATE}:enter_title"))),
            KIND: step(KIND, button(lazy(f"{CREATE}:choose_kind"), PickKind)),
            START: step(START, MessageHandler(text, lazy(f"{CREATE}:enter_start"))),
            END: step(END, MessageHandler(text, lazy(f"{CREATE}:enter_end"))),
            PLACE: step(PLACE, MessageHandler(text, lazy(f"{CREATE}:enter_place"))),
            DISTRICT: step(DISTRICT, button(lazy(f"{CREATE}:choose_district"), PickDistrict)),
            AUDIENCE: step(
                AUDIENCE,
                button(lazy(f"{CREATE}:toggle_audience"), ToggleAudience),
                button(lazy(f"{CREATE}:audience_done"), AudienceDone),
            ),
            CAPACITY: step(CAPACITY, MessageHandler(text, lazy(f"{DETAILS}:enter_capacity"))),
            DEADLINE: step(
                DEADLINE,
                MessageHandler(text, lazy(f"{DETAILS}:enter_deadline")),
                button(lazy(f"{DETAILS}:choose_deadline"), PickDeadline),
            ),
            REMINDERS: step(
                REMINDERS,
                button(lazy(f"{DETAILS}:toggle_reminder"), ToggleReminder),
                button(lazy(f"{DETAILS}:reminders_done"), RemindersDone),
            ),
            DESCRIPTION: step(
                DESCRIPTION, MessageHandler(text, lazy(f"{DETAILS}:enter_description"))
            ),
            CONFIRM: step(
                CONFIRM,
                button(lazy(f"{DETAILS}:save"), Save),
                button(lazy(f"{DETAILS}:discard"), Discard),
            ),
            EDIT_FIELD: step(EDIT_FIELD, button(lazy(f"{EDIT}:choose_field"), EditField)),
            EDIT_VALUE: step(EDIT_VALUE, MessageHandler(text, lazy(f"{EDIT}:enter_value"))),
            EDIT_START: step(EDIT_START, MessageHandler(text, lazy(f"{EDIT}:enter_new_start"))),
            EDIT_END: step(EDIT_END, MessageHandler(text, lazy(f"{EDIT}:enter_new_end"))),
        },
        fallbacks=leave_handlers(i18n),
    )


def register(application: BotApplication) -> None:
    """Section 2: the conversation (its buttons only while someone is in it)."""
    application.add_handler(build_conversation(application))
