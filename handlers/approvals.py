"""Approving sign-ups, and the administrators' commands for people.

/pending, /users [role] [group], /promote ID ROLE, /move ID UNIT, /scope ID UNITS…,
/deactivate ID, /planapprover ID on|off, /invite ROLE UNIT (a one-time sign-up link and its
QR code). Every button and command re-checks the actor's role and scope.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot import invites, keyboards, menu, outbox, people, staff_copies
from bot.callbacks import MAX_ID, Button, Namespace
from bot.commands import publish_for_user
from bot.context import BotContext
from bot.crypto import cipher_for
from bot.guards import admin_only, require_message, require_query, staff_only
from bot.i18n import N_, Translator
from bot.messaging import answer_stale_button, edit_markup_quietly
from bot.text import join_within, whole_number
from storage.alert_copies import AlertCopy
from storage.users import User

log = logging.getLogger(__name__)
APPROVALS = Namespace("apv", owner=__name__)


class Approve(Button, namespace=APPROVALS, action="yes"):
    applicant_id: int


class Reject(Button, namespace=APPROVALS, action="no"):
    applicant_id: int


ROLE_LABELS = {
    "public": N_("parent / public"),
    "collaborator": N_("collaborator"),
    "staff": N_("staff member"),
    "admin": N_("administrator"),
}
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
    await _admin_change(
        update, context, people.deactivate(context.db, context.person, target, context.now)
    )


async def _admin_change(update: Update, context: BotContext, change) -> None:
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
        text = N_("Your account was updated: {role}, {place}. Your menu is below.")
        await outbox.enqueue(
            context.db,
            cipher_for(context.services),
            person.telegram_id,
            theirs(
                text,
                role=theirs(ROLE_LABELS[person.role]),
                place=place_of(person, theirs, context.services.areas),
            ),
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


def register(application: Application) -> None:
    application.add_handler(CallbackQueryHandler(on_decision, pattern=Approve.pattern()))
    application.add_handler(CallbackQueryHandler(on_decision, pattern=Reject.pattern()))
    # Lists of people (names, places) only in a private chat, never into a group.
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("pending", pending_command, filters=private))
    application.add_handler(CommandHandler("users", users_command, filters=private))
    application.add_handler(CommandHandler("promote", promote_command))
    application.add_handler(CommandHandler("move", move_command))
    application.add_handler(CommandHandler("scope", scope_command))
    application.add_handler(CommandHandler("deactivate", deactivate_command))
    application.add_handler(CommandHandler("planapprover", plan_approver_command))
    # An invite is as good as an approval: only in a private chat with an administrator.
    application.add_handler(CommandHandler("invite", invite_command, filters=private))
