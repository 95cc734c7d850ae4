"""The broadcast's handlers outside its conversation, declared without importing them: each
callback is imported when it is first called (bot/lazy.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import delivery, menu
from bot.broadcast.buttons import (
    PICKER_PATTERN,
    Abort,
    ChangeAudience,
    ChooseEvent,
    Continue,
    EventsBack,
    ListEvents,
    SendLater,
    SendNow,
    SkipEnglish,
    ToggleWard,
    WardsDone,
)
from bot.callbacks import DataPattern
from bot.conversations import ExclusiveConversation
from bot.delivery.progress import CONTROLS
from bot.i18n import N_
from bot.lazy import lazy
from handlers.common import anything_else, free_text, leave_filter, step_hints

if TYPE_CHECKING:
    from bot.application import BotApplication

PRIVATE = filters.ChatType.PRIVATE
# The conversation's states (compose.py, audience.py, send.py); persisted as numbers.
COMPOSE, ENGLISH, AUDIENCE, WARDS, CONFIRM, WHEN, EVENTS = range(7)
STEPS = "handlers.broadcast.compose"
PICKER = "handlers.broadcast.audience"
SEND = "handlers.broadcast.send"

_hint = step_hints(
    {
        COMPOSE: N_(
            "Please send the announcement as a text, a photo or a document. "
            "Stickers, voice messages and videos cannot be sent to everyone."
        ),
        ENGLISH: N_("Please send the English text, or tap Skip."),
        AUDIENCE: N_("Please choose the recipients with the buttons above, then tap Continue."),
        WARDS: N_("Please choose wards with the buttons above, then tap Done."),
        EVENTS: N_("Please choose an event with the buttons above, or tap Back."),
        CONFIRM: N_("Please tap Send now, Send later, Change audience or Cancel above."),
        WHEN: N_("Please type the day and time, for example 1/6 8:00, or tap Cancel."),
    }
)


def _button(callback: str, pattern: DataPattern) -> CallbackQueryHandler:
    return CallbackQueryHandler(lazy(callback), pattern=pattern)


def register_compose(application: BotApplication) -> None:
    """Section 2 (conversations): the /broadcast conversation."""
    delivery.install(application)
    i18n = application.services.i18n
    text = free_text(i18n)
    other = anything_else(i18n)
    media = filters.PHOTO | filters.Document.ALL
    start = lazy(f"{STEPS}:start")
    application.add_handler(
        ExclusiveConversation(
            name="broadcast",
            left_notice=N_("⏸ The announcement was not sent. /broadcast starts a new one."),
            persistent=True,
            entry_points=[
                CommandHandler("broadcast", start, filters=PRIVATE),
                MessageHandler(PRIVATE & menu.Intent(application.services, "broadcast"), start),
            ],
            states={
                COMPOSE: [
                    MessageHandler(text, lazy(f"{STEPS}:compose_text")),
                    MessageHandler(media, lazy(f"{STEPS}:compose_media")),
                    MessageHandler(other, _hint(COMPOSE)),
                ],
                ENGLISH: [
                    MessageHandler(text, lazy(f"{STEPS}:english_text")),
                    _button(f"{STEPS}:skip_english", SkipEnglish.pattern()),
                    MessageHandler(other, _hint(ENGLISH)),
                ],
                AUDIENCE: [
                    _button(f"{SEND}:show_preview", Continue.pattern()),
                    _button(f"{SEND}:abort", Abort.pattern()),
                    _button(f"{PICKER}:show_events", ListEvents.pattern()),
                    _button(f"{PICKER}:audience_button", PICKER_PATTERN),
                    MessageHandler(other, _hint(AUDIENCE)),
                ],
                EVENTS: [
                    _button(f"{PICKER}:show_events", ListEvents.pattern()),
                    _button(f"{PICKER}:choose_event", ChooseEvent.pattern()),
                    _button(f"{PICKER}:back_to_audience", EventsBack.pattern()),
                    MessageHandler(other, _hint(EVENTS)),
                ],
                WARDS: [
                    _button(f"{PICKER}:ward_button", ToggleWard.pattern()),
                    _button(f"{PICKER}:back_to_audience", WardsDone.pattern()),
                    MessageHandler(other, _hint(WARDS)),
                ],
                CONFIRM: [
                    _button(f"{SEND}:send_now", SendNow.pattern()),
                    _button(f"{SEND}:ask_when", SendLater.pattern()),
                    _button(f"{SEND}:change_audience", ChangeAudience.pattern()),
                    _button(f"{SEND}:abort", Abort.pattern()),
                    MessageHandler(other, _hint(CONFIRM)),
                ],
                WHEN: [
                    MessageHandler(text, lazy(f"{SEND}:enter_when")),
                    _button(f"{SEND}:abort", Abort.pattern()),
                    MessageHandler(other, _hint(WHEN)),
                ],
            },
            # Left half-way: the confirmation's buttons go first (send.py), as every leave.
            fallbacks=[MessageHandler(leave_filter(i18n), lazy(f"{SEND}:leave"))],
        )
    )


def register_history(application: BotApplication) -> None:
    """Section 3 (global): /broadcasts."""
    delivery.install(application)
    application.add_handler(
        CommandHandler("broadcasts", lazy("handlers.broadcast.history:history"), filters=PRIVATE)
    )


def register_control(application: BotApplication) -> None:
    """Section 3 (global): the progress buttons, pressed anywhere."""
    delivery.install(application)
    application.add_handler(
        CallbackQueryHandler(lazy("handlers.broadcast.control:control"), pattern=CONTROLS.pattern())
    )
