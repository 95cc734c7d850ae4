"""The administrators' commands for people, and /users for staff.

/users [role] [group], /promote ID ROLE, /move ID UNIT, /scope ID UNITS…, /deactivate ID,
/planapprover ID on|off, /invite ROLE UNIT (a one-time sign-up link and its QR code). The
people service (bot/people.py) checks the actor's role and scope for every change.
"""

from __future__ import annotations

from telegram import Update

from bot import invites, menu, outbox, people
from bot.callbacks import MAX_ID
from bot.commands import publish_for_user
from bot.context import BotContext
from bot.crypto import cipher_for
from bot.guards import admin_only, require_message, staff_only
from bot.i18n import N_
from bot.text import join_within, whole_number
from handlers.approvals import ROLE_LABELS, describe, place_of


@staff_only
async def users_command(update: Update, context: BotContext) -> None:
    _ = context.translate
    message = require_message(update)
    areas = context.services.areas
    args = context.args or []
    role = next((a for a in args if a in people.ROLES), None)
    group = next((a.upper() for a in args if areas.group(a.upper())), None)
    people_found = await people.people_for(
        context.db, areas, context.person, role, group, context.now
    )
    if not people_found:
        await message.reply_text(_("Nobody matches."))
        return
    lines = [describe(p, _, context.services.areas) for p in people_found]
    # Whole entries only: a cut "<b>" tag or "&amp;" makes Telegram refuse the message.
    await message.reply_text(join_within(lines, 4000, "\n\n"))


def _target_id(context: BotContext) -> int | None:
    return whole_number(context.args[0], MAX_ID) if context.args else None


def _args(context: BotContext) -> list[str]:
    return context.args or []


async def promote_command(update: Update, context: BotContext) -> None:
    _ = context.translate
    target = _target_id(context)
    args = _args(context)
    role = args[1] if len(args) > 1 else None
    if target is None or role not in people.ROLES:
        await require_message(update).reply_text(
            _("Usage: /promote ID ROLE — ROLE is one of: public, collaborator, staff, admin.")
        )
        return
    await _admin_change(
        update, context, people.promote(context.db, context.person, target, role, context.now)
    )


async def move_command(update: Update, context: BotContext) -> None:
    _ = context.translate
    target = _target_id(context)
    areas = context.services.areas
    typed = " ".join(_args(context)[1:])
    ward = typed if areas.unit(typed) else None
    if ward is None and typed:
        match = areas.find(typed)  # a name, today's or old: "Chánh Hưng", "p4 q8"
        ward = match.unit if match is not None else None
    if target is None or not typed:
        await require_message(update).reply_text(
            _(
                "Usage: /move ID UNIT — the ward or commune's code or "
                "name, e.g. /move 123 27418 or /move 123 Chánh Hưng"
            )
        )
        return
    await _admin_change(
        update,
        context,
        people.move(context.db, areas, context.person, target, ward or typed, context.now),
    )


async def scope_command(update: Update, context: BotContext) -> None:
    _ = context.translate
    target = _target_id(context)
    if target is None or len(_args(context)) < 2:
        codes = ", ".join(group.code for group in context.services.areas.groups())
        await require_message(update).reply_text(
            _(
                "Usage: /scope ID UNITS — what a staff member covers: unit codes (27418), programme "
                "areas ({codes}) or “all”, e.g. /scope 123 27418 27424",
                codes=codes,
            )
        )
        return
    await _admin_change(
        update,
        context,
        people.set_scope(
            context.db,
            context.services.areas,
            context.person,
            target,
            " ".join(_args(context)[1:]),
            context.now,
        ),
    )


async def deactivate_command(update: Update, context: BotContext) -> None:
    _ = context.translate
    target = _target_id(context)
    if target is None:
        await require_message(update).reply_text(_("Usage: /deactivate ID"))
        return
    before = await people.person(context.db, target)
    await _admin_change(
        update,
        context,
        people.deactivate(context.db, context.person, target, context.now),
        turned_off=before is not None and before.is_active,
    )


async def _admin_change(
    update: Update, context: BotContext, change, turned_off: bool = False
) -> None:
    """`turned_off`: the change deactivated the person (told so once, not at later changes)."""
    _ = context.translate
    try:
        person = await change
    except people.PermissionDenied:
        command = (require_message(update).text or "").split(" ", 1)[0][:32]
        await people.refused(context.db, context.person, command, None, context.now)
        await require_message(update).reply_text(_("Only administrators can do this."))
        return
    except people.NotApplicable:
        await require_message(update).reply_text(
            _("No such person. They must have started the bot first.")
        )
        return
    except ValueError:
        await require_message(update).reply_text(_("Unknown ward, commune or programme area."))
        return
    await require_message(update).reply_text(
        _("Done.") + "\n" + describe(person, _, context.services.areas)
    )
    await publish_for_user(
        context.bot, context.services.i18n, person, context.services.settings.webapp_url
    )
    if person.telegram_id != context.person.telegram_id:
        # The person hears of the change with the menu of their role as it is now.
        theirs = context.services.i18n(person.language)
        if turned_off:
            told = theirs(
                N_(
                    "An administrator has suspended your access. You can still find "
                    "information here; if a child is in danger, call 111 (free, 24/7)."
                )
            )
        elif not person.is_active:
            return  # a deactivated person's details changed: nothing to tell them
        else:
            updated = N_("Your account was updated: {role}, {place}. Your menu is below.")
            told = theirs(
                updated,
                role=theirs(ROLE_LABELS[person.role]),
                place=place_of(person, theirs, context.services.areas),
            )
        await outbox.enqueue(
            context.db,
            cipher_for(context.services),
            person.telegram_id,
            told,
            now=context.now,
            markup=menu.keyboard(person.menu_role, theirs),
        )


async def plan_approver_command(update: Update, context: BotContext) -> None:
    _ = context.translate
    target = _target_id(context)
    args = _args(context)
    switch = args[1].lower() if len(args) > 1 else None
    if target is None or switch not in ("on", "off"):
        await require_message(update).reply_text(
            _(
                "Usage: /planapprover ID on|off — staff who approve "
                "support plans for their area (the commune "
                "chairperson or their delegate)."
            )
        )
        return
    try:
        person = await people.set_plan_approver(
            context.db, context.person, target, switch == "on", context.now
        )
    except people.PermissionDenied:
        await require_message(update).reply_text(_("Only administrators can do this."))
        return
    except people.NotApplicable:
        await require_message(update).reply_text(_("No such staff member."))
        return
    await require_message(update).reply_text(
        _("Done.") + "\n" + describe(person, _, context.services.areas)
    )


@admin_only
async def invite_command(update: Update, context: BotContext) -> None:
    """/invite ROLE UNIT: a one-time link and QR code that signs a person up, pre-approved."""
    _ = context.translate
    args = _args(context)
    role = args[0].lower() if args else None
    typed = " ".join(args[1:])
    if role not in invites.ROLES or not typed:
        codes = ", ".join(group.code for group in context.services.areas.groups())
        await require_message(update).reply_text(
            _(
                "Usage: /invite ROLE UNIT — ROLE is collaborator or staff; UNIT the ward or "
                "commune's code or name (e.g. 27418 or Chánh Hưng) or, for staff, a programme "
                "area ({codes}) or “all”.",
                codes=codes,
            )
        )
        return
    areas = context.services.areas
    try:
        made, target = await invites.create(
            context.db, areas, context.person, role, typed, context.now
        )
    except ValueError:
        await require_message(update).reply_text(
            _(
                "I do not know that place as one ward or commune. Please type its code or its "
                "name, e.g. 27418 or Chánh Hưng."
            )
        )
        return
    url = invites.link(context.bot.username, made.payload)
    place = invites.place_label(areas, target.ward, target.scope, _.language)
    await context.bot.send_photo(
        require_message(update).chat.id,
        invites.qr_png(url),
        protect_content=True,
        caption=_(
            "🎟 One-time invite: {role}, {place}. Whoever opens it first signs up at once, "
            "with no approval, until {until}.\n{link}",
            role=_(ROLE_LABELS[role]),
            place=place,
            until=_.short_datetime(made.expires_at),
            link=url,
        ),
    )
