"""/broadcasts (staff): the latest announcements of their area (administrators: all) with
their figures and audience, and ✖ Cancel for those still open that they may control."""

from __future__ import annotations

from telegram import Update

from bot import keyboards
from bot.context import BotContext
from bot.delivery import progress
from bot.delivery.content import TEXT_LIMIT
from bot.delivery.progress import Cancel
from bot.guards import PermissionDenied, require_message
from bot.text import join_within
from handlers.broadcast.views import audience_summary, service


async def history(update: Update, context: BotContext) -> None:
    _ = context.translate
    message = require_message(update)
    try:
        entries = await service(context).history(context.user, context.now)
    except PermissionDenied:
        await message.reply_text(_("Only staff can see past announcements."))
        return
    if not entries:
        await message.reply_text(_("No announcements yet. /broadcast sends the first one."))
        return
    lines, buttons = [_("<b>Latest announcements</b>")], []
    for entry in entries:
        line = progress.history_line(_, entry.delivery, entry.counts)
        if entry.audience is not None:
            summary = audience_summary(_, context, entry.audience, entry.event)
            line += "\n" + _("To: {audience}", audience=summary)
        lines.append(line)
        if entry.may_cancel:
            number = entry.delivery.id
            buttons.append((_("✖ Cancel #{number}", number=number), Cancel(delivery_id=number)))
    await message.reply_text(
        join_within(lines, TEXT_LIMIT, "\n\n"),  # audiences with wards and events are long
        reply_markup=keyboards.inline(keyboards.columns(buttons, 2)) if buttons else None,
    )
