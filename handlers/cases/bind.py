"""/bind and /unbind, inside a staff group chat: the group receives the new cases of a unit
(ward or commune) or of a programme area (administrators only; CaseService checks again)."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType

from bot.areas import Areas
from bot.context import BotContext
from bot.guards import admin_only, require_message
from handlers.cases.detail import service_for


async def bind_command(update: Update, context: BotContext) -> None:
    _ = context.translate
    message = require_message(update)
    chat = message.chat
    areas = context.services.areas
    usage = _(
        "Usage: /bind AREA — a programme area ({groups}) or a ward/commune (its code or "
        "name, e.g. /bind 27418 or /bind Chánh Hưng), sent inside the staff group chat.",
        groups=", ".join(group.code for group in areas.groups()),
    )
    if chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
        await message.reply_text(usage)
        return
    await bind_here(update, context, usage)


@admin_only
async def bind_here(update: Update, context: BotContext, usage: str) -> None:
    _ = context.translate
    message = require_message(update)
    target, name = _bind_target(context.services.areas, " ".join(context.args or []), _.language)
    if target is None:
        await message.reply_text(usage)
        return
    await service_for(context).bind_group(context.person, target, message.chat.id, context.now)
    await message.reply_text(
        _(
            "✅ This group now receives the new cases of {area}. Alerts show no child's name; "
            "details open only in a private chat, for the staff who cover them.",
            area=name,
        )
    )


def _bind_target(areas: Areas, typed: str, language: str) -> tuple[str | None, str]:
    """A programme group's code, a unit's code, or a unit of the programme typed by name."""
    typed = typed.strip()
    if areas.group(typed.upper()) is not None:
        return typed.upper(), areas.group_name(typed.upper(), language)
    unit = typed if areas.in_programme(typed) else None
    if unit is None and typed:
        match = areas.find(typed)
        unit = match.unit if match is not None and areas.in_programme(match.unit) else None
    return (unit, areas.unit_name(unit, language)) if unit else (None, "")


@admin_only
async def unbind_command(update: Update, context: BotContext) -> None:
    _ = context.translate
    message = require_message(update)
    if message.chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
        await message.reply_text(
            _("Send /unbind inside the staff group chat that should stop receiving new cases.")
        )
        return
    target = await service_for(context).unbind_group(context.person, message.chat.id, context.now)
    if target is None:
        await message.reply_text(_("This chat is not bound to a ward, commune or area."))
        return
    await message.reply_text(
        _(
            "This group no longer receives new cases. The staff who "
            "cover them are alerted privately instead."
        )
    )
