"""A one-time invite from a training: name and phone, then active at once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import ConversationHandler

from bot import invites, menu, outbox, people
from bot.commands import publish_for_user
from bot.context import BotContext
from bot.crypto import cipher_for
from bot.guards import require_message
from bot.i18n import N_
from handlers import approvals

if TYPE_CHECKING:
    pass

from handlers.onboarding.steps import NAME, SIGNUP


async def start_invite(update: Update, context: BotContext, token: str) -> int:
    """A one-time invite from a training: name and phone, then active at once."""
    _ = context.translate
    user = context.person
    message = require_message(update)
    if user.is_staff or user.is_collaborator:
        await message.reply_text(
            _(
                "You are already signed up as {role}. This invite "
                "was not used; it can go to someone else.",
                role=_(approvals.ROLE_LABELS[user.role]),
            ),
            reply_markup=menu.keyboard(user.menu_role, _),
        )
        return ConversationHandler.END
    try:
        invite = await invites.look_up(context.db, token, context.now)
    except people.NotApplicable:
        await message.reply_text(
            _(
                "This invite link was already used or has expired. "
                "Please ask the trainer for a new one, or sign up "
                "with /start."
            )
        )
        return ConversationHandler.END
    context.person_data[SIGNUP] = {"invite": token, "role": invite.role}
    place = invites.place_label(context.services.areas, invite.ward, invite.scope, _.language)
    await message.reply_text(
        _(
            "👋 Welcome! This invite signs you up as {role} for {place}, with no need to wait for "
            "approval.\nWhat is your full name? (as your colleagues know you)",
            role=_(approvals.ROLE_LABELS[invite.role]),
            place=place,
        )
    )
    return NAME


INVITE_USED = N_("✅ {name} signed up with your invite as {role} ({place}).\n{contact}")


async def finish_invite(
    update: Update, context: BotContext, signup: dict, phone: str | None
) -> int:
    _ = context.translate
    message = require_message(update)
    areas = context.services.areas
    cipher = cipher_for(context.services)

    async def tell_inviter(person, invite) -> None:
        """In the sign-up's transaction, through the outbox."""
        inviter = await people.person(context.db, invite.created_by)
        if inviter is None:
            return
        theirs = context.services.i18n(inviter.language)
        await outbox.enqueue(
            context.db,
            cipher,
            inviter.telegram_id,
            theirs(
                INVITE_USED,
                name=person.display_name,
                role=theirs(approvals.ROLE_LABELS[person.role]),
                place=invites.place_label(areas, person.ward, person.scope, theirs.language),
                contact=approvals.contact_line(person, theirs, cipher),
            ),
            now=context.now,
        )

    try:
        person, invite = await invites.redeem(
            context.db,
            cipher,
            areas,
            signup["invite"],
            context.person.telegram_id,
            signup["name"],
            phone,
            message.from_user.username if message.from_user else None,
            context.now,
            then=tell_inviter,
        )
    except people.NotApplicable:
        await message.reply_text(
            _(
                "This invite link was already used or has expired. "
                "Please ask the trainer for a new one, or sign up "
                "with /start."
            ),
            reply_markup=menu.keyboard("public", _),
        )
        return ConversationHandler.END
    context.set_user(person)
    place = invites.place_label(areas, person.ward, person.scope, _.language)
    await message.reply_text(
        _(
            "🎉 Welcome to the team, {name}! You are signed up as {role} for {place}. Your menu "
            "is below.",
            name=person.display_name,
            role=_(approvals.ROLE_LABELS[person.role]),
            place=place,
        ),
        reply_markup=menu.keyboard(person.menu_role, _),
    )
    await publish_for_user(context.bot, context.services.i18n, person)
    return ConversationHandler.END
