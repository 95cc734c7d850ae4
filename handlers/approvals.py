"""Approving sign-ups: every approver gets the sign-up with Approve / Reject (each copy
follows the decision), and /pending lists those waiting. Every button re-checks the actor's
role and scope (bot/people.py). People's accounts: handlers/people_admin.py.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Update

from bot import keyboards, menu, outbox, people, staff_copies
from bot.commands import publish_for_user
from bot.context import BotContext
from bot.crypto import cipher_for
from bot.guards import require_message, require_query, staff_only
from bot.i18n import N_, Translator
from bot.messaging import answer_stale_button, edit_markup_quietly
from handlers.onboarding.steps import ROLE_LABELS
from handlers.routes import Approve, Reject
from storage.alert_copies import AlertCopy
from storage.users import User

log = logging.getLogger(__name__)
STATUS_LABELS = {
    "active": N_("active"),
    "pending": N_("waiting for approval"),
    "rejected": N_("rejected"),
    "deactivated": N_("deactivated"),
}


def contact_line(person: User, translate: Translator, cipher=None) -> str:
    """What an approver checks a sign-up against: the phone (encrypted at rest: shown only
    where the caller decrypts it) and the Telegram username."""
    _ = translate
    if not person.phone:
        phone = _("no phone shared")
    else:
        phone = cipher.decrypt(person.phone) if cipher is not None else _("phone shared")
    return _(
        "☎️ {phone} · Telegram: {username}",
        phone=phone,
        username=f"@{person.username}" if person.username else _("no username"),
    )


def describe(person: User, translate: Translator, areas, cipher=None) -> str:
    """The registered name (never the Telegram name), role, state and place; for staff and
    collaborators also the phone and username, so an approver can check who it is."""
    _ = translate
    role = person.requested_role if person.is_pending and person.requested_role else person.role
    text = _(
        "<b>{name}</b> (id {id}) — {role}, {status}\n{place}",
        name=person.display_name or "—",
        id=person.telegram_id,
        role=_(ROLE_LABELS[role]),
        status=_(STATUS_LABELS[person.status]),
        place=place_of(person, _, areas),
    )
    if role in ("collaborator", "staff", "admin"):
        text += "\n" + contact_line(person, _, cipher)
    if person.is_staff and not person.is_admin:
        text += "\n" + _("Covers: {scope}", scope=areas.scope_label(person.scope, _.language))
    if person.approves_plans and person.is_staff:
        text += "\n" + _("📋 Approves support plans")
    return text


def place_of(person: User, translate: Translator, areas) -> str:
    if person.ward:
        return areas.place(person.ward, translate.language)
    _ = translate
    return _("ward/commune not given")


def _decision_keyboard(translate: Translator, applicant_id: int) -> InlineKeyboardMarkup:
    _ = translate
    return keyboards.inline(
        [
            [
                (_("✅ Approve"), Approve(applicant_id=applicant_id)),
                (_("❌ Reject"), Reject(applicant_id=applicant_id)),
            ]
        ]
    )


APPROVED = N_("✅ Approved")
REJECTED = N_("❌ Rejected")
DECIDED_BY = N_("{outcome} by {name}.")


async def ask_approvers(context: BotContext, applicant: User) -> None:
    """Send the Approve / Reject message to every administrator and eligible staff member."""
    i18n, areas = context.services.i18n, context.services.areas
    cipher = cipher_for(context.services)
    async with context.db.atomic():  # all approvers or none; sent by the outbox
        for approver in await people.approvers_for(context.db, applicant):
            _ = i18n(approver.language)
            # Every approver's copy is recorded when sent, and edited once someone decides
            # (staff_copies).
            await outbox.enqueue(
                context.db,
                cipher,
                approver.telegram_id,
                _("🆕 New sign-up to approve:") + "\n" + describe(applicant, _, areas, cipher),
                now=context.now,
                markup=_decision_keyboard(_, applicant.telegram_id),
                copy=outbox.CopyOf("signup", applicant.telegram_id, approver.language),
            )


async def _sync_decided(context: BotContext, applicant: User, outcome_line, pressed) -> None:
    """Every copy of the sign-up now says how it was decided, with no buttons left."""
    areas = context.services.areas

    async def render(copy: AlertCopy):
        theirs = context.services.i18n(copy.language)
        return describe(applicant, theirs, areas) + "\n\n" + outcome_line(theirs), None

    extra = [
        AlertCopy(
            "signup",
            applicant.telegram_id,
            pressed.chat.id,
            pressed.message_id,
            context.translate.language,
            "new",
            None,
        )
    ]
    await staff_copies.sync(
        context.bot,
        context.db,
        "signup",
        applicant.telegram_id,
        render,
        context.now,
        extra=extra,
        final=True,
    )


async def on_decision(update: Update, context: BotContext) -> None:
    query = require_query(update)
    _ = context.translate
    pressed = Approve.parse(query.data) or Reject.parse(query.data)
    if pressed is None:
        await answer_stale_button(update, context)
        return
    applicant_id = pressed.applicant_id
    approve = isinstance(pressed, Approve)
    actor = context.person

    async def tell_applicant(decision) -> None:
        applicant = decision.applicant
        theirs = context.services.i18n(applicant.language)
        if approve:
            text = N_("🎉 Your sign-up was approved. Welcome to the team! Your menu is below.")
        else:
            text = N_(
                "Your sign-up was not approved. You can still use the information for "
                "parents, materials and the hotline. Questions? Contact the programme "
                "staff."
            )
        await outbox.enqueue(
            context.db,
            cipher_for(context.services),
            applicant.telegram_id,
            theirs(text),
            now=context.now,
            markup=menu.keyboard(applicant.menu_role, theirs),
        )

    try:
        decision = await people.decide(
            context.db, actor, applicant_id, approve, context.now, then=tell_applicant
        )
    except people.PermissionDenied:
        await people.refused(context.db, actor, pressed.action, applicant_id, context.now)
        await query.answer(
            _(
                "Only administrators, or staff of the same ward or commune, can decide "
                "on this sign-up."
            ),
            show_alert=True,
        )
        return
    except people.NotApplicable:
        await query.answer(_("This sign-up was already decided."), show_alert=True)
        message = require_message(update)
        await edit_markup_quietly(context.bot, message.chat.id, message.message_id)
        return
    await query.answer()
    applicant = decision.applicant
    decider = actor.display_name

    def outcome_line(theirs: Translator) -> str:
        outcome = theirs(APPROVED if approve else REJECTED)
        return theirs(DECIDED_BY, outcome=outcome, name=decider)

    await _sync_decided(context, applicant, outcome_line, require_message(update))
    await publish_for_user(
        context.bot, context.services.i18n, applicant, context.services.settings.webapp_url
    )


@staff_only
async def pending_command(update: Update, context: BotContext) -> None:
    _ = context.translate
    message = require_message(update)
    waiting = await people.pending_for(context.db, context.person, context.now, limit=20)
    if not waiting:
        await message.reply_text(_("No sign-ups are waiting."))
        return
    for person in waiting:
        sent = await message.reply_text(
            describe(person, _, context.services.areas),
            reply_markup=_decision_keyboard(_, person.telegram_id),
        )
        await staff_copies.remember(
            context.db,
            "signup",
            person.telegram_id,
            sent,
            _.language,
            context.now,
            variant="pending",
        )
