"""Who may do what, checked in one place: the services call `ensure_*` before every change or
view (so a handler that forgets its decorator is still refused), and handlers put `staff_only`
or `admin_only` in front of staff commands and buttons to answer politely before any work.

Every refusal is audited (who, what they tried) without personal data.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from telegram import CallbackQuery, Message, Update
from telegram.ext import ConversationHandler

from bot import scope
from bot.areas import Areas
from bot.i18n import N_
from storage import audit
from storage.users import User

if TYPE_CHECKING:
    from bot.context import BotContext


class PermissionDenied(Exception):
    """The actor may not do this (role, scope or state)."""


class NotApplicable(Exception):
    """The target is not in a state where this applies (e.g. already decided)."""


# -- checks inside services ----------------------------------------------------------------------
def ensure_staff(actor: User | None) -> User:
    if actor is None or not actor.is_staff:
        raise PermissionDenied("staff only")
    return actor


def ensure_admin(actor: User | None) -> User:
    if actor is None or not actor.is_admin:
        raise PermissionDenied("administrators only")
    return actor


def ensure_in_unit(actor: User | None, unit: str | None, areas: Areas | None = None) -> User:
    """Staff acting on something in `unit` (a ward or commune code of today's map)."""
    person = ensure_staff(actor)
    if not scope.can_act_in_unit(person, unit, areas):
        raise PermissionDenied("outside scope")
    return person


# -- non-Optional access to the parts of an update a handler was registered for ----------------
def require_query(update: Update) -> CallbackQuery:
    if update.callback_query is None:
        raise TypeError("a button handler received an update without a callback query")
    return update.callback_query


def require_message(update: Update) -> Message:
    """The message a command or text handler was registered for (or the button's message)."""
    message = update.effective_message
    if message is None:
        raise TypeError("a message handler received an update without a message")
    return message


# -- handler decorators ----------------------------------------------------------------------------
STAFF_ONLY = N_("This command is for staff.")
ADMIN_ONLY = N_("Only administrators can do this.")

Handler = TypeVar("Handler", bound=Callable[..., Awaitable[Any]])


async def record_refusal(
    context: BotContext, attempted: str, entity: str = "command", entity_id: object = None
) -> None:
    """The audit row of a refused attempt: who, what they tried, on which object."""
    person = context.user
    await audit.refused(
        context.db,
        person.telegram_id if person is not None else None,
        attempted,
        entity,
        entity_id,
        context.now,
    )


async def refuse(update: Update, context: BotContext, attempted: str, text: str) -> None:
    """Audit a refused attempt and tell the person politely; nothing else happens."""
    await record_refusal(context, attempted)
    _ = context.translate
    if update.callback_query is not None:
        await update.callback_query.answer(_(text), show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(_(text))


def _guard(allowed: Callable[[User | None], bool], text: str) -> Callable[[Handler], Handler]:
    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def guarded(update: Update, context: BotContext, *args: Any, **kwargs: Any) -> Any:
            if not allowed(context.user):
                await refuse(update, context, handler.__name__, text)
                return ConversationHandler.END  # a refused entry point starts nothing
            return await handler(update, context, *args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate


def _is_staff(person: User | None) -> bool:
    return person is not None and person.is_staff


def _is_admin(person: User | None) -> bool:
    return person is not None and person.is_admin


staff_only = _guard(_is_staff, STAFF_ONLY)
admin_only = _guard(_is_admin, ADMIN_ONLY)
