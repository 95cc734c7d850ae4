"""The handlers of the single-module features, declared without importing them: each callback
is imported when it is first called (bot/lazy.py). bot/application.py calls these in its order;
the features in packages have their own routes.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import menu
from bot.lazy import lazy
from bot.stats.buttons import Export, ShowPeriod

if TYPE_CHECKING:
    from bot.application import BotApplication

PRIVATE = filters.ChatType.PRIVATE


def register_people_admin(application: BotApplication) -> None:
    """Section 3: the administrators' commands for people; /users for staff."""
    # Lists of people (names, places) only in a private chat, never into a group.
    for command, callback, only in (
        ("users", "users_command", PRIVATE),
        ("promote", "promote_command", None),
        ("move", "move_command", None),
        ("scope", "scope_command", None),
        ("deactivate", "deactivate_command", None),
        ("planapprover", "plan_approver_command", None),
        # An invite is as good as an approval: only in a private chat with an administrator.
        ("invite", "invite_command", PRIVATE),
    ):
        application.add_handler(
            CommandHandler(command, lazy(f"handlers.people_admin:{callback}"), filters=only)
        )


def register_stats(application: BotApplication) -> None:
    """/stats, /export and their period buttons (staff)."""
    stats = lazy("handlers.stats:stats_command")
    application.add_handler(CommandHandler("stats", stats, filters=PRIVATE))
    application.add_handler(
        MessageHandler(
            PRIVATE & menu.Intent(application.services, "stats"),
            lazy("handlers.stats:stats_button"),
        )
    )
    application.add_handler(
        CommandHandler("export", lazy("handlers.stats:export_command"), filters=PRIVATE)
    )
    pressed = lazy("handlers.stats:on_button")
    application.add_handler(CallbackQueryHandler(pressed, pattern=ShowPeriod.pattern()))
    application.add_handler(CallbackQueryHandler(pressed, pattern=Export.pattern()))
