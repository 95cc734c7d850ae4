"""The handlers of the single-module features, declared without importing them: each callback
is imported when it is first called (bot/lazy.py). bot/application.py calls these in its order;
the features in packages have their own routes.py. The buttons, states and hints their
conversations need at registration are declared here too."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import delivery, menu, scheduling
from bot.callbacks import Button, Namespace
from bot.conversations import ExclusiveConversation
from bot.i18n import N_
from bot.lazy import lazy
from bot.stats.buttons import Export, ShowPeriod
from handlers.common import anything_else, free_text, leave_handlers, step_hints

if TYPE_CHECKING:
    from bot.application import BotApplication

PRIVATE = filters.ChatType.PRIVATE

# -- approving sign-ups (handlers/approvals.py) -------------------------------------------------
APPROVALS = Namespace("apv", owner="handlers.approvals")


class Approve(Button, namespace=APPROVALS, action="yes"):
    applicant_id: int


class Reject(Button, namespace=APPROVALS, action="no"):
    applicant_id: int


# -- the awareness sequence (handlers/awareness.py) --------------------------------------------
AWARENESS = Namespace("aw", owner="handlers.awareness")


class AddMessage(Button, namespace=AWARENESS, action="add"):
    pass


class SkipEnglish(Button, namespace=AWARENESS, action="skipen"):
    pass


ADD_VI, ADD_EN = range(2)  # the add-a-message conversation's states

# -- the wards' child-protection contacts (handlers/ward_contacts.py) ----------------------------
CONTACTS = Namespace("wct", owner="handlers.ward_contacts")


class PickGroup(Button, namespace=CONTACTS, action="d"):
    group: str


class PickUnit(Button, namespace=CONTACTS, action="w"):
    unit: str


class RemoveContact(Button, namespace=CONTACTS, action="del"):
    unit: str


PICK, TEXT = range(2)  # the /wardcontact conversation's states

_hint = step_hints(
    {
        ADD_VI: N_("Please send the message as text."),
        ADD_EN: N_("Please send the English text, or tap Skip."),
    }
)
_contact_hint = step_hints(
    {
        PICK: N_("Please choose with the buttons above, or /cancel."),
        TEXT: N_("Please send the contact as three lines of text, or /cancel."),
    }
)


def register_awareness(application: BotApplication) -> None:
    """Section 2: the add-a-message conversation; /awareness; the weekly tick."""
    delivery.install(application)
    scheduling.add_tick(application, "awareness", lazy("bot.awareness:tick"))
    i18n = application.services.i18n
    text = free_text(i18n)
    other = anything_else(i18n)
    steps = "handlers.awareness"
    application.add_handler(
        ExclusiveConversation(
            name="awareness_add",
            left_notice=N_("⏸ The message was not saved."),
            persistent=True,
            entry_points=[
                CallbackQueryHandler(lazy(f"{steps}:start_adding"), pattern=AddMessage.pattern())
            ],
            states={
                ADD_VI: [
                    MessageHandler(text, lazy(f"{steps}:enter_vietnamese")),
                    MessageHandler(other, _hint(ADD_VI)),
                ],
                ADD_EN: [
                    MessageHandler(text, lazy(f"{steps}:enter_english")),
                    CallbackQueryHandler(
                        lazy(f"{steps}:skip_english"), pattern=SkipEnglish.pattern()
                    ),
                    MessageHandler(other, _hint(ADD_EN)),
                ],
            },
            fallbacks=leave_handlers(i18n),
        )
    )
    application.add_handler(CommandHandler("awareness", lazy(f"{steps}:overview"), filters=PRIVATE))


def register_ward_contacts(application: BotApplication) -> None:
    """Staff: /wardcontact."""
    i18n = application.services.i18n
    other = anything_else(i18n)
    steps = "handlers.ward_contacts"
    application.add_handler(
        ExclusiveConversation(
            name="ward_contacts",
            left_notice=N_("⏸ The ward contact was not changed."),
            persistent=True,
            entry_points=[CommandHandler("wardcontact", lazy(f"{steps}:start"), filters=PRIVATE)],
            states={
                PICK: [
                    CallbackQueryHandler(
                        lazy(f"{steps}:choose_district"), pattern=PickGroup.pattern()
                    ),
                    CallbackQueryHandler(lazy(f"{steps}:choose_ward"), pattern=PickUnit.pattern()),
                    MessageHandler(other, _contact_hint(PICK)),
                ],
                TEXT: [
                    MessageHandler(free_text(i18n), lazy(f"{steps}:save")),
                    CallbackQueryHandler(lazy(f"{steps}:remove"), pattern=RemoveContact.pattern()),
                    MessageHandler(other, _contact_hint(TEXT)),
                ],
            },
            fallbacks=leave_handlers(i18n),
        )
    )


def register_approvals(application: BotApplication) -> None:
    """Section 3: Approve / Reject from any copy of a sign-up, and /pending."""
    decided = lazy("handlers.approvals:on_decision")
    application.add_handler(CallbackQueryHandler(decided, pattern=Approve.pattern()))
    application.add_handler(CallbackQueryHandler(decided, pattern=Reject.pattern()))
    # Lists of people (names, places) only in a private chat, never into a group.
    application.add_handler(
        CommandHandler("pending", lazy("handlers.approvals:pending_command"), filters=PRIVATE)
    )


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
