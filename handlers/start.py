"""Onboarding: /start, who are you, and for collaborators and staff the sign-up for approval.

/start → role? ─ parent/public → ready, menu
                └ collaborator / staff → name → district → ward → phone (optional) → pending
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

from bot import callbacks, invites, keyboards, menu, people
from bot.commands import publish_for_user
from bot.context import BotContext
from bot.conversations import ExclusiveConversation
from bot.i18n import N_
from bot.messaging import notify
from handlers import approvals
from handlers.common import anything_else, free_text, leave_handlers, step_hints
from handlers.info import danger_message, danger_words
from storage import users

ROLE, NAME, DISTRICT, WARD, PHONE = range(5)
NS = "onb"
# services.extras key: async functions (update, context, payload) run for /start <payload>.
START_LINK_HOOKS = "start_link_hooks"


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
        for show in context.services.extras.get(START_LINK_HOOKS, []):
            await show(update, context, payload)
    if not (user.subscribed_announcements and user.subscribed_reminders):
        await people.set_subscription(context.db, user.telegram_id, True, context.now)
        await update.message.reply_text(_("You will receive announcements and reminders again."))
    if user.onboarded:
        await update.message.reply_text(
            _("Welcome back, {name}! Choose what you need from the menu below.",
              name=user.display_name),
            reply_markup=menu.keyboard(user.menu_role, _),
        )
        if user.is_pending:
            await update.message.reply_text(_("Your sign-up is still waiting for approval."))
        return ConversationHandler.END
    await update.message.reply_text(
        _("👋 Hello! I am the child protection bot of District 8 and Binh Chanh.\n"
          "• Report a child who needs help, and follow the case.\n"
          "• Events, reminders and communication materials.\n"
          "• Information for parents — and hotline 111, free, 24/7.\n\n"
          "Who are you?"),
        reply_markup=_role_keyboard(context),
    )
    return ROLE


def _role_keyboard(context: BotContext):
    _ = context.translate
    other_language = "en" if context.translate.language == "vi" else "vi"
    return keyboards.inline([
        [(_("🤝 Collaborator (cộng tác viên)"), callbacks.encode(NS, "role", "collaborator"))],
        [(_("🏢 Programme or district staff"), callbacks.encode(NS, "role", "staff"))],
        [(_("👪 Parent or member of the public"), callbacks.encode(NS, "role", "public"))],
        [("🌐 English" if other_language == "en" else "🌐 Tiếng Việt",
          callbacks.encode(NS, "lang", other_language))],
    ])


async def switch_language(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    data = callbacks.decode(query.data)
    language = data.arg(0) if data else None
    if language in ("vi", "en"):
        await users.update(context.db, context.user.telegram_id, context.now, language=language)
        context.set_user(await users.get(context.db, context.user.telegram_id))
    _ = context.translate
    await query.edit_message_text(_("Who are you?"), reply_markup=_role_keyboard(context))
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
            await query.edit_message_text(text)
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
    if danger_words(context).found_in(text) is not None:
        await update.message.reply_text(danger_message(_))
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
        await update.message.reply_text(_("You are already signed up as {role}. This invite "
                                          "was not used; it can go to someone else.",
                                          role=_(approvals.ROLE_LABELS[user.role])),
                                        reply_markup=menu.keyboard(user.menu_role, _))
        return ConversationHandler.END
    try:
        invite = await invites.look_up(context.db, token, context.now)
    except people.NotApplicable:
        await update.message.reply_text(_("This invite link was already used or has expired. "
                                          "Please ask the trainer for a new one, or sign up "
                                          "with /start."))
        return ConversationHandler.END
    context.user_data["signup"] = {"invite": token, "role": invite.role}
    place = context.services.areas.place(invite.ward, _.language) if invite.ward \
        else context.services.areas.district_name(invite.district, _.language)
    await update.message.reply_text(_(
        "👋 Welcome! This invite signs you up as {role} for {place}, with no need to wait for "
        "approval.\nWhat is your full name? (as your colleagues know you)",
        role=_(approvals.ROLE_LABELS[invite.role]), place=place))
    return NAME


async def _ask_phone(message, _) -> None:
    await message.reply_text(
        _("Would you share your phone number, so district staff can call you back? "
          "It is optional."),
        reply_markup=keyboards.request_contact(_("📱 Share my phone number"), [_("Skip")]),
    )


async def enter_name(update: Update, context: BotContext) -> int:
    _ = context.translate
    if danger_words(context).found_in(update.message.text) is not None:
        await update.message.reply_text(danger_message(_))
        await update.message.reply_text(_("What is your full name? (as your colleagues know "
                                          "you)"))
        return NAME
    name = people.clean_name(update.message.text)
    if name is None:
        await update.message.reply_text(
            _("Please type your name, {min} to {max} letters.", min=people.NAME_MIN,
              max=people.NAME_MAX)
        )
        return NAME
    signup = context.user_data.setdefault("signup", {})
    signup["name"] = name
    if signup.get("invite"):  # the invite already says where
        await _ask_phone(update.message, _)
        return PHONE
    await _ask_district(update, context)
    return DISTRICT


async def _ask_district(update: Update, context: BotContext) -> None:
    _ = context.translate
    language = _.language
    buttons = [(d.name(language), callbacks.encode(NS, "district", d.code))
               for d in context.services.areas.districts()]
    await update.effective_chat.send_message(
        _("Which district do you work in?"), reply_markup=keyboards.inline([[b] for b in buttons])
    )


async def choose_district(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    _ = context.translate
    data = callbacks.decode(query.data)
    areas = context.services.areas
    district = areas.district(data.arg(0) if data else None)
    if district is None:
        await query.message.reply_text(_("That button is no longer valid. Please choose again."))
        return DISTRICT
    context.user_data.setdefault("signup", {})["district"] = district.code
    language = _.language
    wards = [(w.name(language), callbacks.encode(NS, "ward", w.code))
             for w in areas.wards(district.code)]
    rows = keyboards.columns(wards, 3) + [[(_("‹ Back"), callbacks.encode(NS, "back"))]]
    await query.edit_message_text(
        _("{district}: which ward or commune?", district=district.name(language)),
        reply_markup=keyboards.inline(rows),
    )
    return WARD


async def back_to_district(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    _ = context.translate
    language = _.language
    buttons = [(d.name(language), callbacks.encode(NS, "district", d.code))
               for d in context.services.areas.districts()]
    await query.edit_message_text(
        _("Which district do you work in?"), reply_markup=keyboards.inline([[b] for b in buttons])
    )
    return DISTRICT


async def choose_ward(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    _ = context.translate
    data = callbacks.decode(query.data)
    signup = context.user_data.setdefault("signup", {})
    ward = context.services.areas.ward(data.arg(0) if data else None)
    if ward is None or ward.district != signup.get("district"):
        await query.message.reply_text(_("That button is no longer valid. Please choose again."))
        return WARD
    signup["ward"] = ward.code
    await query.edit_message_text(
        _("Area: {place}", place=context.services.areas.place(ward.code, _.language))
    )
    await _ask_phone(query.message, _)
    return PHONE


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
    if not {"role", "name", "district", "ward"} <= signup.keys():
        await update.message.reply_text(_("Something was missing. Let us start again with /start."))
        return ConversationHandler.END
    user_id = context.user.telegram_id
    await people.apply(context.db, user_id, signup["role"], signup["name"], signup["district"],
                       signup["ward"], phone, context.now,
                       username=update.effective_user.username)
    applicant = await users.get(context.db, user_id)
    context.set_user(applicant)
    await update.message.reply_text(
        _("Thank you, {name}! Your sign-up as {role} was sent for approval. "
          "We will tell you here as soon as it is decided.\n"
          "Meanwhile you can use the information for parents, materials and the hotline.",
          name=applicant.display_name, role=_(approvals.ROLE_LABELS[signup["role"]])),
        reply_markup=menu.keyboard("public", _),
    )
    await approvals.ask_approvers(context, applicant)
    return ConversationHandler.END


INVITE_USED = N_("✅ {name} signed up with your invite as {role} ({place}).\n{contact}")


async def _finish_invite(update: Update, context: BotContext, signup: dict,
                         phone: str | None) -> int:
    _ = context.translate
    try:
        person, invite = await invites.redeem(context.db, signup["invite"],
                                              context.user.telegram_id, signup["name"], phone,
                                              update.effective_user.username, context.now)
    except people.NotApplicable:
        await update.message.reply_text(_("This invite link was already used or has expired. "
                                          "Please ask the trainer for a new one, or sign up "
                                          "with /start."), reply_markup=menu.keyboard("public", _))
        return ConversationHandler.END
    context.set_user(person)
    areas = context.services.areas
    place = areas.place(person.ward, _.language) if person.ward \
        else areas.district_name(person.district, _.language)
    await update.message.reply_text(
        _("🎉 Welcome to the team, {name}! You are signed up as {role} for {place}. Your menu "
          "is below.", name=person.display_name, role=_(approvals.ROLE_LABELS[person.role]),
          place=place),
        reply_markup=menu.keyboard(person.menu_role, _))
    await publish_for_user(context.bot, context.services.i18n, person)
    inviter = await users.get(context.db, invite.created_by)
    if inviter is not None:
        theirs = context.services.i18n(inviter.language)
        await notify(context, inviter.telegram_id, theirs(
            INVITE_USED,
            name=person.display_name, role=theirs(approvals.ROLE_LABELS[person.role]),
            place=place, contact=approvals.contact_line(person, theirs)))
    return ConversationHandler.END


_hint = step_hints({
    ROLE: N_("Please choose one of the buttons above."),
    NAME: N_("Please type your name as text."),
    DISTRICT: N_("Please choose your district with the buttons above."),
    WARD: N_("Please choose your ward or commune with the buttons above."),
    PHONE: N_("Please tap “Share my phone number” or “Skip”."),
})


def build_conversation(application: Application) -> ConversationHandler:
    i18n = application.services.i18n
    text = free_text(i18n)
    other = anything_else(i18n)
    skip = filters.Regex(r"(?i)^\s*(skip|bỏ qua|bo qua)\s*$")
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
            DISTRICT: [
                CallbackQueryHandler(choose_district, pattern=rf"^{NS}:district:"),
                MessageHandler(other, _hint(DISTRICT)),
            ],
            WARD: [
                CallbackQueryHandler(choose_ward, pattern=rf"^{NS}:ward:"),
                CallbackQueryHandler(back_to_district, pattern=rf"^{NS}:back"),
                MessageHandler(other, _hint(WARD)),
            ],
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
