"""The materials' handlers outside their conversations, declared without importing them: each
callback is imported when it is first called (bot/lazy.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.lazy import lazy
from bot.materials.buttons import Hide, MoveDown, MoveUp, Poster, PosterGroup, PosterUnit, Show

if TYPE_CHECKING:
    from bot.application import BotApplication


def register_manage(application: BotApplication) -> None:
    """Section 3: hide/show/reorder/poster buttons (from any message) and /materialstats."""
    application.add_handler(
        CommandHandler(
            "materialstats",
            lazy("handlers.materials.manage:stats_command"),
            filters=filters.ChatType.PRIVATE,
        )
    )
    for button, callback in (
        (Hide, "on_hide_or_show"),
        (Show, "on_hide_or_show"),
        (MoveUp, "on_move"),
        (MoveDown, "on_move"),
        (Poster, "on_poster"),
        (PosterGroup, "on_poster"),
        (PosterUnit, "on_poster_unit"),
    ):
        application.add_handler(
            CallbackQueryHandler(
                lazy(f"handlers.materials.manage:{callback}"), pattern=button.pattern()
            )
        )
