"""/awareness (staff): the weekly awareness sequence — how many messages, when the next week
goes out, how many parents receive it — and adding a message to the end of the sequence.

➕ Add → Vietnamese text → English text or Skip → preview → saved (audited).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import awareness, callbacks, keyboards, menu
from bot.audience import count
from bot.context import BotContext
from bot.conversations import ExclusiveConversation
from bot.delivery import send_content
from bot.delivery.content import TEXT_LIMIT
from bot.i18n import N_
from handlers.common import anything_else, free_text, leave_handlers, step_hints
from storage import audit
from storage import awareness as store

NS = "aw"
ADD_VI, ADD_EN = range(2)
PRIVATE = filters.ChatType.PRIVATE
# Room for the hotline footer and the /stop hint added to every message.
MAX_LENGTH = TEXT_LIMIT - 400


async def overview(update: Update, context: BotContext) -> None:
    _ = context.translate
    if context.user is None or not context.user.is_staff:
        await update.effective_message.reply_text(_("This is for programme staff."))
        return
    messages = await awareness.sequence(context.db)
    timezone = context.services.settings.timezone
    next_time = awareness.schedule().next_slot(context.now, timezone)
    parents = await count(context.db, awareness.PARENTS, "awareness")
    await update.effective_message.reply_text(
        _(
            "<b>Weekly awareness messages</b>\n"
            "Messages in the sequence: {messages}\n"
            "Next sending: {when}\n"
            "Subscribed parents: {parents}\n"
            "Each parent gets the next message they have not received yet.",
            messages=_.number(len(messages)),
            when=_.datetime(next_time),
            parents=_.number(parents),
        ),
        reply_markup=keyboards.inline([[(_("➕ Add a message"), callbacks.encode(NS, "add"))]]),
    )


async def start_adding(update: Update, context: BotContext) -> int:
    _ = context.translate
    if update.callback_query is not None:
        await update.callback_query.answer()
    if context.user is None or not context.user.is_staff:
        await update.effective_message.reply_text(_("This is for programme staff."))
        return ConversationHandler.END
    context.user_data["awareness_draft"] = {}
    await update.effective_message.reply_text(
        _(
            "Send the new awareness message in Vietnamese: short, warm and practical, at most "
            "{limit} characters. The hotline and how to stop are added below it.",
            limit=MAX_LENGTH,
        )
    )
    return ADD_VI


async def enter_vietnamese(update: Update, context: BotContext) -> int:
    _ = context.translate
    if len(update.message.text) > MAX_LENGTH:
        await update.message.reply_text(
            _(
                "That is too long: at most {limit} characters here. Please shorten it.",
                limit=MAX_LENGTH,
            )
        )
        return ADD_VI
    context.user_data.setdefault("awareness_draft", {})["vi"] = update.message.text_html
    await update.message.reply_text(
        _("Now the English version, or tap Skip."),
        reply_markup=keyboards.inline([[(_("Skip ›"), callbacks.encode(NS, "skipen"))]]),
    )
    return ADD_EN


async def enter_english(update: Update, context: BotContext) -> int:
    _ = context.translate
    if len(update.message.text) > MAX_LENGTH:
        await update.message.reply_text(
            _(
                "That is too long: at most {limit} characters here. Please shorten it.",
                limit=MAX_LENGTH,
            )
        )
        return ADD_EN
    context.user_data.setdefault("awareness_draft", {})["en"] = update.message.text_html
    return await _save(update, context)


async def skip_english(update: Update, context: BotContext) -> int:
    await update.callback_query.answer()
    return await _save(update, context)


async def _save(update: Update, context: BotContext) -> int:
    _ = context.translate
    draft = context.user_data.pop("awareness_draft", {})
    if not draft.get("vi"):
        await update.effective_message.reply_text(_("Something was missing. Please start again."))
        return ConversationHandler.END
    async with context.db.transaction():
        message_id = await store.add_message(
            context.db, draft["vi"], draft.get("en"), context.user.telegram_id, context.now
        )
        await audit.record(
            context.db,
            context.user.telegram_id,
            "awareness_added",
            "awareness_message",
            message_id,
            context.now,
        )
    position = len(await awareness.sequence(context.db))
    content = awareness.content_of(draft, context.services.i18n)
    await update.effective_message.reply_text(
        _(
            "Added as message {position} of the sequence. Parents will see it like this:",
            position=position,
        )
    )
    await send_content(context.bot, update.effective_chat.id, content, "vi")
    await update.effective_message.reply_text(
        _("Choose what you need:"), reply_markup=menu.keyboard(context.user.menu_role, _)
    )
    return ConversationHandler.END


_hint = step_hints(
    {
        ADD_VI: N_("Please send the message as text."),
        ADD_EN: N_("Please send the English text, or tap Skip."),
    }
)


def build_conversation(application: Application) -> ConversationHandler:
    i18n = application.services.i18n
    text = free_text(i18n)
    other = anything_else(i18n)
    return ExclusiveConversation(
        name="awareness_add",
        persistent=True,
        entry_points=[CallbackQueryHandler(start_adding, pattern=rf"^{NS}:add$")],
        states={
            ADD_VI: [MessageHandler(text, enter_vietnamese), MessageHandler(other, _hint(ADD_VI))],
            ADD_EN: [
                MessageHandler(text, enter_english),
                CallbackQueryHandler(skip_english, pattern=rf"^{NS}:skipen$"),
                MessageHandler(other, _hint(ADD_EN)),
            ],
        },
        fallbacks=leave_handlers(i18n),
    )


def register(application: Application) -> None:
    """Section 2: the add-a-message conversation; /awareness; the weekly tick."""
    awareness.register(application)
    application.add_handler(build_conversation(application))
    application.add_handler(CommandHandler("awareness", overview, filters=PRIVATE))
