"""What every update goes through first, and the pieces every conversation shares.

- `identify` (group -1) loads or creates the person, picks their language and notes that
  they can be reached again.
- `leave_handlers` are every conversation's fallbacks: any command or menu button ends the
  conversation and the same update is handled again from the top, so "/events" or the
  Events button in the middle of a report does what it says (the report draft is kept).
- `free_text` is the filter for typed answers inside conversations; `anything_else` and
  `step_hints` answer whatever else arrives at a step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import (
    Application,
    ChatMemberHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import people
from bot.context import BotContext
from bot.conversations import IN_HAND, conversation_named
from bot.guards import require_message
from bot.menu import MenuButton

LAST_SEEN_RESOLUTION = dt.timedelta(hours=1)
LEFT_CONVERSATION = "left_conversation"


async def identify(update: Update, context: BotContext) -> None:
    person = update.effective_user
    if person is None or person.is_bot:
        return
    services = context.services
    if update.my_chat_member is not None:
        # A membership change is not the person writing to us (on_membership records it).
        known = await people.person(context.db, person.id)
        if known is not None:
            context.set_user(known)
            return
    user = await people.identify(
        context.db,
        person.id,
        person.full_name,
        services.i18n.guess_language(person.language_code),
        services.clock.now(),
        configured_admin=person.id in services.settings.admin_ids,
        refresh=update.my_chat_member is None and _stale(context),
    )
    context.set_user(user)


def _stale(context: BotContext) -> bool:
    seen = context.user_data.get("_seen") if context.user_data is not None else None
    now = context.now
    if seen and now - dt.datetime.fromisoformat(seen) < LAST_SEEN_RESOLUTION:
        return False
    if context.user_data is not None:
        context.user_data["_seen"] = now.isoformat()
    return True


async def on_membership(update: Update, context: BotContext) -> None:
    """A private chat's member update with status 'kicked' means the person blocked the bot."""
    change = update.my_chat_member
    if change is None or change.chat.type != ChatType.PRIVATE:
        return
    blocked = change.new_chat_member.status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT)
    await people.note_reachable(context.db, change.chat.id, not blocked, context.now)


def free_text(context_i18n) -> filters.BaseFilter:
    """Typed text that is neither a command nor a menu button."""
    return filters.TEXT & ~filters.COMMAND & ~MenuButton(context_i18n)


def anything_else(i18n) -> filters.BaseFilter:
    """Any other message at a step (a sticker, a photo, text where a button is due).

    Commands and menu buttons are left out: `leave_handlers` take those and leave the
    conversation."""
    return ~filters.COMMAND & ~MenuButton(i18n)


StepHint = Callable[[Update, BotContext], Coroutine[Any, Any, None]]


def step_hints(hints: Mapping[object, str]) -> Callable[[object], StepHint]:
    """`hint(state)` → the answer to `anything_else` at that step: say what the step needs.

    One helper for every conversation, so each module only lists its texts and all of them
    answer the same way: a reply in the person's language, and None, so the conversation
    stays on the step. `hints` maps a state to its message marked with `N_` at module level
    (extracted for translation there, translated here when it is sent).
    """

    def hint(state: object) -> StepHint:
        message = hints[state]  # a state without a hint fails when the bot is built, not later

        async def answer(update: Update, context: BotContext) -> None:
            await require_message(update).reply_text(context.translate(message))

        return answer

    return hint


def leave_filter(i18n) -> filters.BaseFilter:
    return filters.COMMAND | MenuButton(i18n)


async def leave_and_redispatch(update: Update, context: BotContext) -> int:
    """End the conversation and hand the same update to the whole bot again.

    /cancel says itself what it ended (it reads LEFT_CONVERSATION). Any other command or menu
    button first gets one line on what was left half done, so nothing is dropped silently;
    not when it starts the same conversation again (it says so itself), nor for the hotline,
    whose numbers must come first."""
    name = context.user_data.get(IN_HAND) if context.user_data is not None else None
    message = update.effective_message
    text = (message.text or "") if message is not None else ""
    if _command_of(text) == "cancel":
        if context.user_data is not None:
            context.user_data[LEFT_CONVERSATION] = name or True
    elif name and message is not None:
        notice = _left_notice(update, context, name, text)
        if notice:
            await message.reply_text(context.translate(notice))
    await context.application.update_queue.put(update)
    return ConversationHandler.END


def _command_of(text: str) -> str | None:
    if not text.startswith("/"):
        return None
    return text[1:].split(maxsplit=1)[0].split("@", 1)[0].lower() if len(text) > 1 else None


def _left_notice(update: Update, context: BotContext, name: str, text: str) -> str | None:
    conversation = conversation_named(context.application, name)
    if conversation is None or conversation.left_notice is None:
        return None
    if MenuButton(context.services.i18n).key_of(text) == "hotline":
        return None
    if conversation.entered_by(update):
        return None
    notice = conversation.left_notice
    return notice(context) if callable(notice) else notice


def leave_handlers(i18n) -> list:
    return [MessageHandler(leave_filter(i18n), leave_and_redispatch)]


def pop_left_conversation(context: BotContext) -> str | bool:
    """Once after a conversation was left by a command (for /cancel's answer): its name
    (True if unknown); False when none was left."""
    if context.user_data is None:
        return False
    return context.user_data.pop(LEFT_CONVERSATION, False) or False


def register(application: Application) -> None:
    # Group -2 and -1: both run for every update, before any journey (group 0).
    application.add_handler(
        ChatMemberHandler(on_membership, ChatMemberHandler.MY_CHAT_MEMBER), group=-2
    )
    application.add_handler(TypeHandler(Update, identify), group=-1)
