"""Onboarding: /start, who are you, and for collaborators and staff the sign-up for approval.

/start → role? ─ parent/public → ready, menu
                └ collaborator / staff → name → ward/commune → phone (optional) → pending

The ward/commune step offers the programme's units grouped by its areas, "Elsewhere / not
sure", a typed name (old names too) or a shared location (handlers/places.py). People whose
old ward was split are asked once to confirm their unit the next time they write.
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

from bot import callbacks, invites, keyboards, menu, outbox, people
from bot.commands import publish_for_user
from bot.context import BotContext
from bot.conversations import ExclusiveConversation
from bot.crypto import cipher_for
from bot.i18n import N_
from bot.messaging import edit_quietly
from handlers import approvals, places
from handlers.common import anything_else, free_text, leave_handlers, step_hints
from handlers.info import danger_words
from handlers.safety import answer_danger
from storage import users

# UNIT_CANDIDATES was the ward step of the old map: its number stays for persisted sign-ups.
ROLE, NAME, UNIT, UNIT_CANDIDATES, PHONE = range(5)
NS = "onb"


async def start(update: Update, context: BotContext) -> int:
    _ = context.translate
    user = context.user
    assert user is not None
    payload = people.valid_deep_link(context.args[0] if context.args else None)
    token = invites.token_of(payload)
    if token is not None:
        return await _start_invite(update, context, token)
    if payload:
        await users.set_source_if_empty(context.db, user.telegram_id, payload)
        # A feature that made the link (a poster's material, say) shows what it points to.
        for show in context.services.hooks.start_links:
            await show(update, context, payload)
    if not (user.subscribed_announcements and user.subscribed_reminders):
        await people.set_subscription(context.db, user.telegram_id, True, context.now)
        await update.message.reply_text(_("You will receive announcements and reminders again."))
    if user.onboarded:
        await update.message.reply_text(
            _(
                "Welcome back, {name}! Choose what you need from the menu below.",
                name=user.display_name,
            ),
            reply_markup=menu.keyboard(user.menu_role, _),
        )
        if user.is_pending:
            await update.message.reply_text(_("Your sign-up is still waiting for approval."))
        return ConversationHandler.END
    await update.message.reply_text(
        _(
            "👋 Hello! I am the child protection bot of the wards and communes of the former "
            "District 8 and Binh Chanh areas.\n"
            "• Report a child who needs help, and follow the case.\n"
            "• Events, reminders and communication materials.\n"
            "• Information for parents — and hotline 111, free, 24/7.\n\n"
            "Who are you?"
        ),
        reply_markup=_role_keyboard(context),
    )
    return ROLE


def _role_keyboard(context: BotContext):
    _ = context.translate
    other_language = "en" if context.translate.language == "vi" else "vi"
    return keyboards.inline(
        [
            [(_("🤝 Collaborator (cộng tác viên)"), callbacks.encode(NS, "role", "collaborator"))],
            [(_("🏢 Programme or ward/commune staff"), callbacks.encode(NS, "role", "staff"))],
            [(_("👪 Parent or member of the public"), callbacks.encode(NS, "role", "public"))],
            [
                (
                    "🌐 English" if other_language == "en" else "🌐 Tiếng Việt",
                    callbacks.encode(NS, "lang", other_language),
                )
            ],
        ]
    )


async def switch_language(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    data = callbacks.decode(query.data)
    language = data.arg(0) if data else None
    if language in ("vi", "en"):
        await users.update(context.db, context.user.telegram_id, context.now, language=language)
        context.set_user(await users.get(context.db, context.user.telegram_id))
    _ = context.translate
    await edit_quietly(query, _("Who are you?"), reply_markup=_role_keyboard(context))
    return ROLE


async def choose_role(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    data = callbacks.decode(query.data)
    return await _take_role(update, context, data.arg(0) if data else None)


async def _take_role(update: Update, context: BotContext, role: str | None) -> int:
    """The role, tapped (the question becomes the answer) or typed (a new message)."""
    _ = context.translate
    query = update.callback_query
    chat = update.effective_chat

    async def answered(text: str) -> None:
        if query is not None:
            await edit_quietly(query, text)
        else:
            await chat.send_message(text)

    if role == "public":
        await people.become_public(context.db, context.user.telegram_id, context.now)
        await answered(_("Thank you! You are all set."))
        await chat.send_message(
            _("Use the menu below: information for parents, materials, events and the hotline."),
            reply_markup=menu.keyboard("public", _),
        )
        return ConversationHandler.END
    if role not in people.APPLICABLE_ROLES:
        await chat.send_message(_("That button is no longer valid. Please choose again."))
        return ROLE
    context.user_data["signup"] = {"role": role}
    await answered(_("You chose: {role}.", role=_(approvals.ROLE_LABELS[role])))
    await chat.send_message(_("What is your full name? (as your colleagues know you)"))
    return NAME


async def role_typed(update: Update, context: BotContext) -> int | None:
    """At the first question: danger words get the hotlines at once; a typed role is taken."""
    _ = context.translate
    text = update.message.text or ""
    verdict = danger_words(context).check(text)
    if verdict is not None:
        await answer_danger(update.message, context, text, verdict)
        await update.message.reply_text(_("Who are you?"), reply_markup=_role_keyboard(context))
        return None
    role = people.typed_role(text)
    if role is None:
        return await _hint(ROLE)(update, context)
    return await _take_role(update, context, role)


async def _start_invite(update: Update, context: BotContext, token: str) -> int:
    """A one-time invite from a training: name and phone, then active at once."""
    _ = context.translate
    user = context.user
    if user.is_staff or user.is_collaborator:
        await update.message.reply_text(
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
        await update.message.reply_text(
            _(
                "This invite link was already used or has expired. "
                "Please ask the trainer for a new one, or sign up "
                "with /start."
            )
        )
        return ConversationHandler.END
    context.user_data["signup"] = {"invite": token, "role": invite.role}
    place = invites.place_label(context.services.areas, invite.ward, invite.scope, _.language)
    await update.message.reply_text(
        _(
            "👋 Welcome! This invite signs you up as {role} for {place}, with no need to wait for "
            "approval.\nWhat is your full name? (as your colleagues know you)",
            role=_(approvals.ROLE_LABELS[invite.role]),
            place=place,
        )
    )
    return NAME


async def enter_name(update: Update, context: BotContext) -> int:
    _ = context.translate
    verdict = danger_words(context).check(update.message.text)
    if verdict is not None:
        await answer_danger(update.message, context, update.message.text, verdict)
        await update.message.reply_text(_("What is your full name? (as your colleagues know you)"))
        return NAME
    name = people.clean_name(update.message.text)
    if name is None:
        await update.message.reply_text(
            _(
                "Please type your name, {min} to {max} letters.",
                min=people.NAME_MIN,
                max=people.NAME_MAX,
            )
        )
        return NAME
    signup = context.user_data.setdefault("signup", {})
    signup["name"] = name
    if signup.get("invite"):  # the invite already says where
        return await _ask_phone(update, context)
    await _ask_unit(update, context)
    return UNIT


def _unit_keyboard(context: BotContext):
    _ = context.translate
    return keyboards.inline(
        places.unit_rows(context.services.areas, _, lambda code: callbacks.encode(NS, "unit", code))
    )


def _unit_question(context: BotContext) -> str:
    _ = context.translate
    return (
        _(
            "Which ward or commune do you work in? Choose below, type its name (old names "
            "too, like “phường 4 quận 8”), or send your location with 📎."
        )
        + "\n\n"
        + places.units_text(context.services.areas, _)
    )


async def _ask_unit(update: Update, context: BotContext) -> None:
    await update.effective_chat.send_message(
        _unit_question(context), reply_markup=_unit_keyboard(context)
    )


async def choose_unit(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    _ = context.translate
    data = callbacks.decode(query.data)
    value = data.arg(0) if data else None
    areas = context.services.areas
    if value != places.OTHER and areas.unit(value) is None:
        await query.message.reply_text(_("That button is no longer valid. Please choose again."))
        return UNIT
    ward = None if value == places.OTHER else value
    context.user_data.setdefault("signup", {})["ward"] = ward
    await edit_quietly(
        query,
        _("Area: {place}", place=areas.unit_name(ward, _.language))
        if ward
        else _("Area: elsewhere / not sure"),
    )
    return await _ask_phone(update, context)


async def _ask_phone(update: Update, context: BotContext) -> int:
    _ = context.translate
    await update.effective_chat.send_message(
        _("Would you share your phone number, so the staff can call you back? It is optional."),
        reply_markup=keyboards.request_contact(_("📱 Share my phone number"), [_("Skip")]),
    )
    return PHONE


async def back_to_units(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    await edit_quietly(query, _unit_question(context), reply_markup=_unit_keyboard(context))
    return UNIT


async def unit_typed(update: Update, context: BotContext) -> int:
    """A ward or commune typed, today's name or an old one."""
    _ = context.translate
    text = update.message.text or ""
    verdict = danger_words(context).check(text)
    if verdict is not None:
        await answer_danger(update.message, context, text, verdict)
        return UNIT
    match = context.services.areas.find(text)
    if match is None:
        await update.message.reply_text(
            _(
                "I could not find that ward or commune. Please choose it with the buttons above, "
                "type it another way (for example “phường 4 quận 8”), or send the location."
            )
        )
        return UNIT
    heading = (
        places.match_text(context.services.areas, match, _)
        if match.old is not None or match.unit is None
        else None
    )
    await _offer(update, context, match.units, heading)
    return UNIT


async def unit_located(update: Update, context: BotContext) -> int:
    _ = context.translate
    where = update.message.location
    unit = await places.unit_of_location(where.latitude, where.longitude)
    if unit is None:
        await update.message.reply_text(
            _(
                "That location is outside Ho Chi Minh City. Please choose “Elsewhere / not sure” "
                "with the buttons above."
            )
        )
        return UNIT
    await _offer(update, context, (unit,), None)
    return UNIT


async def _offer(
    update: Update, context: BotContext, units: tuple[str, ...], heading: str | None
) -> None:
    """The unit(s) found, to confirm with one tap (outside the area: said so, with 111)."""
    _ = context.translate
    areas = context.services.areas
    encode = lambda code: callbacks.encode(NS, "unit", code)  # noqa: E731
    lines = []
    if len(units) == 1:
        lines.append(heading or _("Is it {unit}?", unit=areas.unit_name(units[0], _.language)))
        if not areas.in_programme(units[0]):
            lines.append(places.outside_text(areas, units[0], _))
        rows = [
            [(_("✓ Yes, {unit}", unit=areas.unit_name(units[0], _.language)), encode(units[0]))]
        ]
    else:
        lines.append(heading or _("Which one do you mean?"))
        rows = places.candidate_rows(areas, _, units, encode)
    rows.append([(_("Elsewhere / not sure"), encode(places.OTHER))])
    rows.append([(_("‹ Back"), callbacks.encode(NS, "back"))])
    await update.effective_chat.send_message(
        "\n\n".join(lines), reply_markup=keyboards.inline(rows)
    )


async def share_phone(update: Update, context: BotContext) -> int:
    _ = context.translate
    contact = update.message.contact
    if contact.user_id != update.effective_user.id:
        await update.message.reply_text(
            _("Please share your own number with the button below, or tap Skip.")
        )
        return PHONE
    return await _finish_signup(update, context, contact.phone_number)


async def skip_phone(update: Update, context: BotContext) -> int:
    return await _finish_signup(update, context, None)


async def _finish_signup(update: Update, context: BotContext, phone: str | None) -> int:
    _ = context.translate
    signup = context.user_data.pop("signup", {})
    if signup.get("invite") and "name" in signup:
        return await _finish_invite(update, context, signup, phone)
    if not {"role", "name", "ward"} <= signup.keys():
        await update.message.reply_text(_("Something was missing. Let us start again with /start."))
        return ConversationHandler.END
    user_id = context.user.telegram_id
    await people.apply(
        context.db,
        context.services.areas,
        user_id,
        signup["role"],
        signup["name"],
        signup["ward"],
        phone,
        context.now,
        cipher=cipher_for(context.services),
        username=update.effective_user.username,
        then=lambda applicant: approvals.ask_approvers(context, applicant),
    )
    applicant = await users.get(context.db, user_id)
    context.set_user(applicant)
    await update.message.reply_text(
        _(
            "Thank you, {name}! Your sign-up as {role} was sent for approval. "
            "We will tell you here as soon as it is decided.\n"
            "Meanwhile you can use the information for parents, materials and the hotline.",
            name=applicant.display_name,
            role=_(approvals.ROLE_LABELS[signup["role"]]),
        ),
        reply_markup=menu.keyboard("public", _),
    )
    return ConversationHandler.END


INVITE_USED = N_("✅ {name} signed up with your invite as {role} ({place}).\n{contact}")


async def _finish_invite(
    update: Update, context: BotContext, signup: dict, phone: str | None
) -> int:
    _ = context.translate
    areas = context.services.areas
    cipher = cipher_for(context.services)

    async def tell_inviter(person, invite) -> None:
        """In the sign-up's transaction, through the outbox."""
        inviter = await users.get(context.db, invite.created_by)
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
            context.user.telegram_id,
            signup["name"],
            phone,
            update.effective_user.username,
            context.now,
            then=tell_inviter,
        )
    except people.NotApplicable:
        await update.message.reply_text(
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
    await update.message.reply_text(
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


_hint = step_hints(
    {
        ROLE: N_("Please choose one of the buttons above."),
        NAME: N_("Please type your name as text."),
        UNIT: N_(
            "Please choose your ward or commune with the buttons above, type its name, or "
            "send your location."
        ),
        UNIT_CANDIDATES: N_("Please choose your ward or commune with the buttons above."),
        PHONE: N_("Please tap “Share my phone number” or “Skip”."),
    }
)


def build_conversation(application: Application) -> ConversationHandler:
    i18n = application.services.i18n
    text = free_text(i18n)
    other = anything_else(i18n)
    skip = filters.Regex(r"(?i)^\s*(skip|bỏ qua|bo qua)\s*$")
    unit_step = [
        CallbackQueryHandler(choose_unit, pattern=rf"^{NS}:unit:"),
        CallbackQueryHandler(back_to_units, pattern=rf"^{NS}:back"),
        # Old sign-ups half-way through the district/ward buttons get today's question.
        CallbackQueryHandler(back_to_units, pattern=rf"^{NS}:(district|ward):"),
        MessageHandler(filters.LOCATION, unit_located),
        MessageHandler(text, unit_typed),
        MessageHandler(other, _hint(UNIT)),
    ]
    return ExclusiveConversation(
        name="onboarding",
        persistent=True,
        entry_points=[CommandHandler("start", start)],
        states={
            ROLE: [
                CallbackQueryHandler(choose_role, pattern=rf"^{NS}:role:"),
                CallbackQueryHandler(switch_language, pattern=rf"^{NS}:lang:"),
                MessageHandler(text, role_typed),
                MessageHandler(other, _hint(ROLE)),
            ],
            NAME: [
                MessageHandler(text, enter_name),
                MessageHandler(other, _hint(NAME)),
            ],
            UNIT: unit_step,
            UNIT_CANDIDATES: unit_step,
            PHONE: [
                MessageHandler(filters.CONTACT, share_phone),
                MessageHandler(text & skip, skip_phone),
                MessageHandler(other, _hint(PHONE)),
            ],
        },
        fallbacks=leave_handlers(i18n),
    )


def register(application: Application) -> None:
    application.add_handler(build_conversation(application))
