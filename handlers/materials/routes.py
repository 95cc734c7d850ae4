"""The materials' handlers outside their conversations, declared without importing them: each
callback is imported when it is first called (bot/lazy.py)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import menu
from bot.conversations import ExclusiveConversation
from bot.i18n import N_
from bot.lazy import add_button_handlers, lazy
from bot.materials import starter
from bot.materials.buttons import (
    AudiencesDone,
    ChooseAudience,
    Edit,
    EditField,
    Hide,
    Home,
    ListTopic,
    MoveDown,
    MoveUp,
    OpenMaterial,
    PickTopic,
    Poster,
    PosterGroup,
    PosterUnit,
    SearchPage,
    Show,
    ToggleAudience,
)
from handlers.common import anything_else, free_text, leave_handlers, step_hints

if TYPE_CHECKING:
    from bot.application import BotApplication

log = logging.getLogger(__name__)
PRIVATE = filters.ChatType.PRIVATE
BROWSE = "handlers.materials.browse"
EDITING = "handlers.materials.editing"
# The conversations' states: typing a search (browse.py); adding or editing (editing.py).
SEARCH = 0
TITLE, TOPIC, AUDIENCE, SUMMARY, FIELD = range(5)

_hint = step_hints(
    {
        TITLE: N_("Please type the title as text."),
        TOPIC: N_("Please choose the topic with the buttons above."),
        AUDIENCE: N_("Please tap the audiences above, then “Done”."),
        SUMMARY: N_("Please type the summary as text."),
        FIELD: N_("Please choose what to change with the buttons above."),
    }
)


async def install_starter_set(application: BotApplication) -> None:
    """Start-up hook: add the shipped starter materials that are not in the database yet."""
    services = application.services
    added = await starter.install(services.database, services.clock.now())
    if added:
        log.info("installed %d starter materials", len(added))


def register_editing(application: BotApplication) -> None:
    """Section 2: adding and editing are conversations."""
    i18n = application.services.i18n
    text = free_text(i18n)
    other = anything_else(i18n)
    application.add_handler(
        ExclusiveConversation(
            name="materials_admin",
            left_notice=N_("⏸ The material was not saved."),
            persistent=True,
            entry_points=[
                MessageHandler(
                    PRIVATE & (filters.Document.ALL | filters.PHOTO),
                    lazy(f"{EDITING}:receive_file"),
                ),
                CallbackQueryHandler(lazy(f"{EDITING}:start_edit"), pattern=Edit.pattern()),
            ],
            states={
                TITLE: [
                    MessageHandler(text, lazy(f"{EDITING}:enter_title")),
                    MessageHandler(other, _hint(TITLE)),
                ],
                TOPIC: [
                    CallbackQueryHandler(
                        lazy(f"{EDITING}:choose_topic"), pattern=PickTopic.pattern()
                    ),
                    MessageHandler(other, _hint(TOPIC)),
                ],
                AUDIENCE: [
                    CallbackQueryHandler(
                        lazy(f"{EDITING}:toggle_audience"), pattern=ToggleAudience.pattern()
                    ),
                    CallbackQueryHandler(
                        lazy(f"{EDITING}:audiences_done"), pattern=AudiencesDone.pattern()
                    ),
                    MessageHandler(other, _hint(AUDIENCE)),
                ],
                SUMMARY: [
                    MessageHandler(text, lazy(f"{EDITING}:enter_summary")),
                    MessageHandler(other, _hint(SUMMARY)),
                ],
                FIELD: [
                    CallbackQueryHandler(
                        lazy(f"{EDITING}:choose_field"), pattern=EditField.pattern()
                    ),
                    MessageHandler(other, _hint(FIELD)),
                ],
            },
            fallbacks=leave_handlers(i18n),
        )
    )


def register_browse(application: BotApplication) -> None:
    """Section 2 (the menu conversation) and its buttons, which work from any message."""
    application.start_hooks.append(install_starter_set)
    # info → materials of a topic; /start from a poster's QR code.
    application.services.hooks.topic_materials = lazy(f"{BROWSE}:show_topic")
    application.services.hooks.start_links.append(lazy(f"{BROWSE}:show_poster_material"))
    i18n = application.services.i18n
    materials = lazy(f"{BROWSE}:materials_command")
    application.add_handler(
        ExclusiveConversation(
            name="materials",
            persistent=True,
            entry_points=[
                CommandHandler("materials", materials, filters=PRIVATE),
                MessageHandler(PRIVATE & menu.Intent(application.services, "materials"), materials),
            ],
            states={
                SEARCH: [
                    MessageHandler(free_text(i18n), lazy(f"{BROWSE}:typed_search")),
                    MessageHandler(anything_else(i18n), lazy(f"{BROWSE}:search_hint")),
                ],
            },
            fallbacks=leave_handlers(i18n),
        )
    )
    add_button_handlers(
        application,
        BROWSE,
        (Home, "on_home"),
        (ChooseAudience, "on_audience"),
        (ListTopic, "on_topic"),
        (SearchPage, "on_search_page"),
        (OpenMaterial, "on_open"),
    )


def register_manage(application: BotApplication) -> None:
    """Section 3: hide/show/reorder/poster buttons (from any message) and /materialstats."""
    application.add_handler(
        CommandHandler(
            "materialstats",
            lazy("handlers.materials.manage:stats_command"),
            filters=PRIVATE,
        )
    )
    add_button_handlers(
        application,
        "handlers.materials.manage",
        (Hide, "on_hide_or_show"),
        (Show, "on_hide_or_show"),
        (MoveUp, "on_move"),
        (MoveDown, "on_move"),
        (Poster, "on_poster"),
        (PosterGroup, "on_poster"),
        (PosterUnit, "on_poster_unit"),
    )
