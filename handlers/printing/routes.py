"""The printing desk's handlers, declared without importing them: each callback is imported
when it is first called (bot/lazy.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.conversations import ExclusiveConversation
from bot.i18n import N_
from bot.lazy import lazy
from bot.materials.buttons import (
    DropRequest,
    MoveRequest,
    PrintGroup,
    PrintUnit,
    RejectRequest,
    RequestCopies,
    SendRequest,
    WantedIn,
)
from handlers.common import anything_else, free_text, leave_handlers, step_hints

if TYPE_CHECKING:
    from bot.application import BotApplication

PRIVATE = filters.ChatType.PRIVATE
ASK = "handlers.printing.ask"
REJECT = "handlers.printing.reject"
# The conversations' states (ask.py, reject.py), persisted: keep the numbers.
QUANTITY, DISTRICT, WARD, PLACE, WHEN, CONFIRM = range(6)
REASON = 6  # it followed the asking steps' 0–5

_hint = step_hints(
    {
        QUANTITY: N_("Please type a number of copies from 1 to 1,000, e.g. 200."),
        DISTRICT: N_("Please choose the area with the buttons above."),
        WARD: N_("Please choose the ward or commune with the buttons above."),
        PLACE: N_("Please type where the copies should be delivered."),
        WHEN: N_("Please type the date as day/month, e.g. 15/06."),
        CONFIRM: N_("Please tap “Send request” or “Cancel” above."),
        REASON: N_("Please type the reason as text."),
    }
)


def register_ask(application: BotApplication) -> None:
    """Section 2: the conversation of asking for copies."""
    i18n = application.services.i18n
    text = free_text(i18n)
    other = anything_else(i18n)
    application.add_handler(
        ExclusiveConversation(
            name="print_request",
            left_notice=N_(
                "⏸ The print request was not sent. To ask again, press “🖨 Request printed copies” on the material."
            ),
            persistent=True,
            entry_points=[
                CallbackQueryHandler(lazy(f"{ASK}:start_request"), pattern=RequestCopies.pattern())
            ],
            states={
                QUANTITY: [
                    MessageHandler(text, lazy(f"{ASK}:enter_quantity")),
                    MessageHandler(other, _hint(QUANTITY)),
                ],
                DISTRICT: [
                    CallbackQueryHandler(lazy(f"{ASK}:choose_group"), pattern=PrintGroup.pattern()),
                    MessageHandler(other, _hint(DISTRICT)),
                ],
                WARD: [
                    CallbackQueryHandler(lazy(f"{ASK}:choose_unit"), pattern=PrintUnit.pattern()),
                    MessageHandler(other, _hint(WARD)),
                ],
                PLACE: [
                    MessageHandler(text, lazy(f"{ASK}:enter_place")),
                    MessageHandler(other, _hint(PLACE)),
                ],
                WHEN: [
                    CallbackQueryHandler(lazy(f"{ASK}:choose_date"), pattern=WantedIn.pattern()),
                    MessageHandler(text, lazy(f"{ASK}:enter_date")),
                    MessageHandler(other, _hint(WHEN)),
                ],
                CONFIRM: [
                    CallbackQueryHandler(
                        lazy(f"{ASK}:send_request"), pattern=SendRequest.pattern()
                    ),
                    CallbackQueryHandler(
                        lazy(f"{ASK}:drop_request"), pattern=DropRequest.pattern()
                    ),
                    MessageHandler(other, _hint(CONFIRM)),
                ],
            },
            fallbacks=leave_handlers(i18n),
        )
    )


def register_reject(application: BotApplication) -> None:
    """Section 2: the conversation of giving a rejection's reason."""
    i18n = application.services.i18n
    application.add_handler(
        ExclusiveConversation(
            name="print_reject",
            left_notice=N_(
                "⏸ The request was not rejected: no reason was sent. It is still waiting."
            ),
            persistent=True,
            entry_points=[
                CallbackQueryHandler(
                    lazy(f"{REJECT}:start_reject"), pattern=RejectRequest.pattern()
                )
            ],
            states={
                REASON: [
                    MessageHandler(free_text(i18n), lazy(f"{REJECT}:enter_reason")),
                    MessageHandler(anything_else(i18n), _hint(REASON)),
                ],
            },
            fallbacks=leave_handlers(i18n),
        )
    )


def register_desk(application: BotApplication) -> None:
    """Section 3: /printqueue, /myrequests and the staff's step buttons."""
    application.add_handler(
        CommandHandler("printqueue", lazy("handlers.printing.desk:queue_command"), PRIVATE)
    )
    application.add_handler(
        CommandHandler("myrequests", lazy("handlers.printing.desk:my_requests_command"), PRIVATE)
    )
    application.add_handler(
        CallbackQueryHandler(lazy("handlers.printing.desk:move"), pattern=MoveRequest.pattern())
    )
