"""Conversations that never overlap: entering one ends any other the person was in.

python-telegram-bot lets a person be in two conversations at once: while in conversation A,
a button that is an entry point of conversation B starts B, and A keeps its state (closed
upstream as expected behaviour). Then the next typed answer goes to whichever conversation
is registered first — a reply to a parent's question could land in a half-written report.
Commands and menu buttons already leave a conversation (handlers.common.leave_handlers); this
covers the rest, in one place. Drafts that matter are in SQLite, so nothing is lost: the
person continues later where they left off (/report offers the saved draft).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from telegram.ext import ConversationHandler

# The conversation handling the person's latest update (so /cancel can say what it left).
IN_HAND = "conversation_in_hand"

# What to tell a person whose half-done conversation a command or a menu button ended: a msgid
# (marked with N_), or a function of the context giving one (None: nothing to say).
LeftNotice = str | Callable[[Any], str | None]


class ExclusiveConversation(ConversationHandler):
    """A ConversationHandler that ends the person's other conversations when entered.

    `left_notice` is said when another command or menu button ends it half-way (see
    handlers.common.leave_and_redispatch); None for conversations with nothing to lose.
    """

    def __init__(self, *args: Any, left_notice: LeftNotice | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.left_notice = left_notice

    # The application's other conversations, found once (a scan of every handler on each
    # entry cost ~0.1 ms): again only if handlers were added or removed since.
    _others: tuple[tuple[int, ...], tuple[ConversationHandler, ...]] | None = None

    def _other_conversations(self, application) -> tuple[ConversationHandler, ...]:
        handlers = application.handlers
        shape = tuple(len(group) for group in handlers.values())
        if self._others is None or self._others[0] != shape:
            others = tuple(
                other
                for group in handlers.values()
                for other in group
                if other is not self and isinstance(other, ConversationHandler)
            )
            self._others = (shape, others)
        return self._others[1]

    async def handle_update(self, update, application, check_result, context) -> Any:
        current_state, key, _handler, _result = check_result
        if context.user_data is not None:
            context.user_data[IN_HAND] = self.name
        if current_state is None:  # a fresh entry, not a step
            for other in self._other_conversations(application):
                if key in other._conversations:
                    # PTB's own way to end a state; persisted with the next flush.
                    other._update_state(ConversationHandler.END, key)
        return await super().handle_update(update, application, check_result, context)

    def entered_by(self, update: object) -> bool:
        """Whether `update` would start this conversation afresh (e.g. /report in a report)."""
        return any(entry.check_update(update) not in (None, False) for entry in self.entry_points)


def conversation_named(application, name: str) -> ExclusiveConversation | None:
    for group in application.handlers.values():
        for handler in group:
            if isinstance(handler, ExclusiveConversation) and handler.name == name:
                return handler
    return None
