"""Files of events: staff download an event's registrations (📋 Registrations (.csv) on its
card); an administrator who sends a .json or .csv calendar file to the bot imports it (all
rows or none; bot/events/calendar_file.py reads it)."""

from __future__ import annotations

from telegram import InputFile, Update

from bot import delivery
from bot.context import BotContext
from bot.events.buttons import Registrations
from bot.events.service import EventsService
from bot.guards import NotApplicable, PermissionDenied, refuse, require_message, require_query
from bot.i18n import N_
from bot.messaging import answer_stale_button
from handlers.events.manage import not_yours

ONLY_ADMINS_IMPORT = N_(
    "Only administrators can import a calendar file. To add an event, use /newevent."
)


async def export_csv(update: Update, context: BotContext) -> None:
    _ = context.translate
    query = require_query(update)
    pressed = Registrations.parse(query.data)
    if pressed is None:
        await answer_stale_button(update, context)
        return
    try:
        event, export = await EventsService.of(context.services).export_registrations(
            context.person, pressed.event_id, _, context.now
        )
    except (PermissionDenied, NotApplicable):
        await not_yours(update, context)
        return
    await query.answer()
    counts = export.counts
    caption = _(
        "{title}\nRegistered: {going} · waiting: {waiting} · not going: {declined}",
        title=event.title,
        going=counts.going,
        waiting=counts.waiting,
        declined=counts.declined,
    )
    if export.attended is not None:
        caption += " · " + _("attended: {count}", count=export.attended)
    await require_message(update).reply_document(
        InputFile(export.data, filename=export.file_name), caption=caption
    )


async def import_document(update: Update, context: BotContext) -> None:
    _ = context.translate
    message = require_message(update)
    document = message.document
    if document is None:
        return
    if not context.person.is_admin:
        await refuse(update, context, "import_document", ONLY_ADMINS_IMPORT)
        return
    from bot.events import calendar_file  # on first use: imports are rare

    if document.file_size and document.file_size > calendar_file.MAX_BYTES:
        await message.reply_text(
            _(calendar_file.PROBLEMS["too_big"], max_rows=calendar_file.MAX_ROWS)
        )
        return
    data = bytes(await (await document.get_file()).download_as_bytearray())
    try:
        result, errors = await EventsService.of(context.services).import_calendar(
            context.person, data, document.file_name or "", context.now
        )
    except PermissionDenied:
        await message.reply_text(_(ONLY_ADMINS_IMPORT))
        return
    if errors or result is None:
        lines = [_("❌ Nothing was imported. Please fix these rows and send the file again:")]
        lines += calendar_file.error_lines(_, errors)
        await message.reply_text(_truncate("\n".join(lines)))
        return
    delivery.kick(context.application)
    await message.reply_text(
        _(
            "✅ Calendar imported: {created} new, {updated} updated. See /events.",
            created=result.created,
            updated=result.updated,
        )
    )


def _truncate(text: str, limit: int = 4000) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
