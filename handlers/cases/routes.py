"""Case work's handlers outside its conversations, declared without importing them: each
callback is imported when it is first called (bot/lazy.py). bot/application.py calls these in
its order."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import menu, scheduling
from bot.cases.buttons import (
    INPUTS,
    PLAN_INPUTS,
    AcceptCase,
    AddInformation,
    ApprovePlan,
    AssessRisk,
    AssignMenu,
    AssignTo,
    CancelAddition,
    CancelInput,
    CancelPlanInput,
    CaseHistory,
    CasePhotos,
    CloseMenu,
    ConfirmClose,
    JustNow,
    KeepOpen,
    ListCases,
    MoveCase,
    NoDate,
    OpenCase,
    OpenPlan,
    PickUnit,
    RemoveAction,
    RemoveMenu,
    ServiceCategories,
    ServiceCategory,
    SubmitPlan,
    ToggleService,
)
from bot.conversations import ExclusiveConversation
from bot.i18n import N_
from bot.lazy import add_button_handlers, lazy
from handlers.common import anything_else, free_text, leave_handlers

if TYPE_CHECKING:
    from bot.application import BotApplication

PRIVATE = filters.ChatType.PRIVATE


def register_listing(application: BotApplication) -> None:
    """/cases, /case, the list's filter buttons."""
    cases = lazy("handlers.cases.listing:cases_command")
    application.add_handler(CommandHandler("cases", cases, filters=PRIVATE))
    application.add_handler(
        CommandHandler("case", lazy("handlers.cases.listing:case_command"), filters=PRIVATE)
    )
    application.add_handler(
        MessageHandler(PRIVATE & menu.Intent(application.services, "cases"), cases)
    )
    add_button_handlers(
        application, "handlers.cases.listing", (ListCases, "on_list"), (PickUnit, "on_pick_unit")
    )


def register_bind(application: BotApplication) -> None:
    """/bind, /unbind of a staff group."""
    application.add_handler(CommandHandler("bind", lazy("handlers.cases.bind:bind_command")))
    application.add_handler(CommandHandler("unbind", lazy("handlers.cases.bind:unbind_command")))


def register_actions(application: BotApplication) -> None:
    """A case's buttons (accept, risk, close, assign…)."""
    add_button_handlers(
        application,
        "handlers.cases.actions",
        (OpenCase, "on_open"),
        (AcceptCase, "on_accept"),
        (AssessRisk, "on_assess"),
        (MoveCase, "on_move"),
        (CloseMenu, "on_close_menu"),
        (ConfirmClose, "on_confirm_close"),
        (KeepOpen, "on_keep_open"),
        (AssignMenu, "on_assign_menu"),
        (AssignTo, "on_assign"),
        (CaseHistory, "on_history"),
        (CasePhotos, "on_photos"),
    )


def register_plan(application: BotApplication) -> None:
    """The support plan's buttons."""
    add_button_handlers(
        application,
        "handlers.cases.plan",
        (OpenPlan, "on_view"),
        (ServiceCategories, "on_categories"),
        (ServiceCategory, "on_category"),
        (ToggleService, "on_toggle"),
        (RemoveMenu, "on_remove_menu"),
        (RemoveAction, "on_remove"),
        (SubmitPlan, "on_submit"),
        (ApprovePlan, "on_approve"),
    )


def register_alerts(application: BotApplication) -> None:
    """The legal clocks' tick (reminders, escalations)."""
    scheduling.add_tick(application, "case_deadlines", lazy("bot.cases.ticks:check_deadlines"))


def register_myreports(application: BotApplication) -> None:
    """/myreports."""
    my_reports = lazy("handlers.cases.myreports:my_reports")
    application.add_handler(CommandHandler("myreports", my_reports, filters=PRIVATE))
    application.add_handler(
        MessageHandler(PRIVATE & menu.Intent(application.services, "my_reports"), my_reports)
    )


# -- the conversations ---------------------------------------------------------------------------
# States of the case input conversation: a note or answer typed on a case (handlers/cases/
# notes.py), and a plan's goals, actions or reason (handlers/cases/plan_notes.py).
TEXT = 0
PLAN_TEXT = 1
# The reporter's addition to a report (handlers/cases/additions.py).
ADDING = 0


def _inputs() -> list[BaseHandler]:
    notes = lazy("handlers.cases.notes:start_input")
    plan = lazy("handlers.cases.plan_notes:start_input")
    return [
        *(CallbackQueryHandler(notes, pattern=spec.pattern()) for spec in INPUTS.values()),
        *(CallbackQueryHandler(plan, pattern=spec.pattern()) for spec in PLAN_INPUTS.values()),
    ]


def register_notes(application: BotApplication) -> None:
    """Before the report conversation: a note being typed takes the text first."""
    i18n = application.services.i18n
    notes, plan = "handlers.cases.notes", "handlers.cases.plan_notes"
    application.add_handler(
        ExclusiveConversation(
            name="case_input",
            left_notice=N_("⏸ What you were entering on the case was not saved."),
            persistent=True,
            entry_points=_inputs(),
            states={
                TEXT: [
                    MessageHandler(free_text(i18n), lazy(f"{notes}:receive_input")),
                    CallbackQueryHandler(
                        lazy(f"{notes}:cancel_input"), pattern=CancelInput.pattern()
                    ),
                    CallbackQueryHandler(
                        lazy(f"{notes}:emergency_just_now"), pattern=JustNow.pattern()
                    ),
                    *_inputs(),
                    MessageHandler(anything_else(i18n), lazy(f"{notes}:input_hint")),
                ],
                PLAN_TEXT: [
                    MessageHandler(free_text(i18n), lazy(f"{plan}:receive_input")),
                    CallbackQueryHandler(
                        lazy(f"{plan}:cancel_input"), pattern=CancelPlanInput.pattern()
                    ),
                    CallbackQueryHandler(lazy(f"{plan}:no_date"), pattern=NoDate.pattern()),
                    *(
                        CallbackQueryHandler(lazy(f"{plan}:start_input"), pattern=spec.pattern())
                        for spec in PLAN_INPUTS.values()
                    ),
                    MessageHandler(anything_else(i18n), lazy(f"{plan}:input_hint")),
                    *(
                        CallbackQueryHandler(lazy(f"{notes}:start_input"), pattern=spec.pattern())
                        for spec in INPUTS.values()
                    ),
                ],
            },
            fallbacks=leave_handlers(i18n),
        )
    )


def register_additions(application: BotApplication) -> None:
    """A reporter adding information to a sent report later."""
    i18n = application.services.i18n
    adding = lazy("handlers.cases.additions:start_adding")
    application.add_handler(
        ExclusiveConversation(
            name="report_addition",
            left_notice=N_("⏸ The addition to the report was not sent."),
            persistent=True,
            entry_points=[CallbackQueryHandler(adding, pattern=AddInformation.pattern())],
            states={
                ADDING: [
                    MessageHandler(
                        free_text(i18n) | filters.PHOTO, lazy("handlers.cases.additions:receive")
                    ),
                    CallbackQueryHandler(
                        lazy("handlers.cases.additions:cancel"), pattern=CancelAddition.pattern()
                    ),
                    CallbackQueryHandler(adding, pattern=AddInformation.pattern()),
                    MessageHandler(anything_else(i18n), lazy("handlers.cases.additions:hint")),
                ]
            },
            fallbacks=leave_handlers(i18n),
        )
    )
