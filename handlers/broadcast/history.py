"""/broadcasts (staff): the latest announcements of their area (administrators: all) with
their figures and audience, and ✖ Cancel for those still open that they may control; a
cancel from the list shows the list again in place (handlers/broadcast/control.py)."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardMarkup, Update

from bot import keyboards
from bot.context import BotContext
from bot.delivery import progress
from bot.delivery.content import TEXT_LIMIT
from bot.delivery.progress import CancelListed
from bot.guards import PermissionDenied, require_message
from bot.messaging import edit_quietly
from bot.text import join_within
from handlers.broadcast.views import audience_summary, service


async def history(update: Update, context: BotContext) -> None:
    _ = context.translate
    message = require_message(update)
    try:
        text, markup = await history_view(context)
    except PermissionDenied:
        await message.reply_text(_("Only staff can see past announcements."))
        return
    await message.reply_text(text, reply_markup=markup)


async def show_again(query: CallbackQuery, context: BotContext) -> None:
    """The list edited in place after a cancel pressed on it (a list that can no longer be
    edited, or someone no longer staff, is left as it is)."""
    try:
        text, markup = await history_view(context)
    except PermissionDenied:
        return
    await edit_quietly(query, text, markup, fail_quietly=True)


async def history_view(context: BotContext) -> tuple[str, InlineKeyboardMarkup | None]:
    """The list's text and its cancel buttons; PermissionDenied for anyone but staff."""
    _ = context.translate
    entries = await service(context).history(context.user, context.now)
    if not entries:
        return _("No announcements yet. /broadcast sends the first one."), None
    lines, buttons = [_("<b>Latest announcements</b>")], []
    for entry in entries:
        line = progress.history_line(_, entry.delivery, entry.counts)
        if entry.audience is not None:
            summary = audience_summary(_, context, entry.audience, entry.event)
            line += "\n" + _("To: {audience}", audience=summary)
        lines.append(line)
        if entry.may_cancel:
            number = entry.delivery.id
            buttons.append(
                (_("✖ Cancel #{number}", number=number), CancelListed(delivery_id=number))
            )
    return (
        join_within(lines, TEXT_LIMIT, "\n\n"),  # audiences with wards and events are long
        keyboards.inline(keyboards.columns(buttons, 2)) if buttons else None,
    )
