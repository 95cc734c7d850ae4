"""Onboarding: /start, who are you, and for collaborators and staff the sign-up for approval.

/start → role? ─ parent/public → ready, menu
                └ collaborator / staff → name → ward/commune → phone (optional) → pending

The ward/commune step offers the programme's units grouped by its areas, "Elsewhere / not
sure", a typed name (old names too) or a shared location (handlers/places.py). People whose
old ward was split are asked once to confirm their unit the next time they write.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import invites, keyboards, menu, people
from bot.context import BotContext
from bot.conversations import ExclusiveConversation
from bot.crypto import cipher_for
from bot.guards import require_message, require_query
from bot.hotline import hotline_text
from bot.i18n import N_
from bot.lazy import lazy
from bot.messaging import edit_quietly
from handlers.common import anything_else, free_text, leave_handlers, step_hints
from handlers.info import danger_words
from handlers.onboarding.steps import (
    NAME,
    PHONE,
    ROLE,
    ROLE_LABELS,
    SIGNUP,
    UNIT,
    UNIT_CANDIDATES,
    BackToUnits,
    ChooseRole,
    ChooseUnit,
    OldDistrictStep,
    OldWardStep,
    SwitchLanguage,
)
from handlers.onboarding.units import (
    ask_phone,
    ask_unit,
    back_to_units,
    choose_unit,
    unit_located,
    unit_typed,
)

if TYPE_CHECKING:
    from bot.application import BotApplication

# Only some sign-ups need these: an invite link, the approvers of a finished sign-up, and the
# emergency answer to a name or place with danger words. Imported at their first use.
start_invite = lazy("handlers.onboarding.invites:start_invite")
finish_invite = lazy("handlers.onboarding.invites:finish_invite")
ask_approvers = lazy("handlers.approvals:ask_approvers")
answer_danger = lazy("handlers.safety.answer:answer_danger")


async def start(update: Update, context: BotContext) -> int:
    _ = context.translate
    user = context.person
    message = require_message(update)
    payload = people.valid_deep_link(context.args[0] if context.args else None)
    token = invites.token_of(payload)
    if token is not None:
        return await start_invite(update, context, token)
    if payload:
        await people.note_source(context.db, user.telegram_id, payload)
        # A feature that made the link (a poster's material, say) shows what it points to.
        for show in context.services.hooks.start_links:
            await show(update, context, payload)
    if not (user.subscribed_announcements and user.subscribed_reminders):
        await people.set_subscription(context.db, user.telegram_id, True, context.now)
        await message.reply_text(_("You will receive announcements and reminders again."))
    if user.onboarded:
        await message.reply_text(
            _(
                "Welcome back, {name}! Choose what you need from the menu below.",
                name=user.display_name,
            ),
            reply_markup=menu.keyboard(user.menu_role, _),
        )
        if user.is_pending:
            await message.reply_text(_("Your sign-up is still waiting for approval."))
        return ConversationHandler.END
    await message.reply_text(
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


# One greeting keyboard per language, built once (a frozen markup may be reused).
_ROLE_KEYBOARDS: dict[str, InlineKeyboardMarkup] = {}


def _role_keyboard(context: BotContext) -> InlineKeyboardMarkup:
    language = context.translate.language
    keyboard = _ROLE_KEYBOARDS.get(language)
    if keyboard is None:
        keyboard = _ROLE_KEYBOARDS[language] = keyboards.reused(_role_rows(context))
    return keyboard


def _role_rows(context: BotContext) -> list[list[keyboards.Button]]:
    _ = context.translate
    other_language = "en" if context.translate.language == "vi" else "vi"
    return [
        [(_("🤝 Collaborator (cộng tác viên)"), ChooseRole(role="collaborator"))],
        [(_("🏢 Programme or ward/commune staff"), ChooseRole(role="staff"))],
        [(_("👪 Parent or member of the public"), ChooseRole(role="public"))],
        [
            (
                "🌐 English" if other_language == "en" else "🌐 Tiếng Việt",
                SwitchLanguage(language=other_language),
            )
        ],
    ]


async def switch_language(update: Update, context: BotContext) -> int:
    query = require_query(update)
    await query.answer()
    pressed = SwitchLanguage.parse(query.data)
    if pressed is not None and pressed.language in ("vi", "en"):
        context.set_user(
            await people.set_language(
                context.db, context.person.telegram_id, pressed.language, context.now
            )
        )
    _ = context.translate
    await edit_quietly(query, _("Who are you?"), reply_markup=_role_keyboard(context))
    return ROLE


async def choose_role(update: Update, context: BotContext) -> int:
    query = require_query(update)
    await query.answer()
    pressed = ChooseRole.parse(query.data)
    return await _take_role(update, context, pressed.role if pressed else None)


async def _take_role(update: Update, context: BotContext, role: str | None) -> int:
    """The role, tapped (the question becomes the answer) or typed (a new message)."""
    _ = context.translate
    query = update.callback_query
    chat = update.effective_chat
    assert chat is not None  # a private chat: every onboarding update has one

    async def answered(text: str) -> None:
        if query is not None:
            await edit_quietly(query, text)
        else:
            await chat.send_message(text)

    if role == "public":
        await people.become_public(context.db, context.person.telegram_id, context.now)
        await answered(_("Thank you! You are all set."))
        await chat.send_message(
            _("Use the menu below: information for parents, materials, events and the hotline."),
            reply_markup=menu.keyboard("public", _),
        )
        return ConversationHandler.END
    if role not in people.APPLICABLE_ROLES:
        await chat.send_message(_("That button is no longer valid. Please choose again."))
        return ROLE
    context.person_data[SIGNUP] = {"role": role}
    await answered(_("You chose: {role}.", role=_(ROLE_LABELS[role])))
    await chat.send_message(_("What is your full name? (as your colleagues know you)"))
    return NAME


async def role_typed(update: Update, context: BotContext) -> int | None:
    """At the first question: danger words get the hotlines at once; a typed role is taken."""
    _ = context.translate
    message = require_message(update)
    text = message.text or ""
    verdict = danger_words(context).check(text)
    if verdict is not None:
        await answer_danger(message, context, text, verdict)
        await message.reply_text(_("Who are you?"), reply_markup=_role_keyboard(context))
        return None
    if menu.keyword_intent(text) == "hotline":  # "111", "cho em xin số đường dây nóng"
        await message.reply_text(hotline_text(_))
        await message.reply_text(_("Who are you?"), reply_markup=_role_keyboard(context))
        return None
    role = people.typed_role(text)
    if role is None:
        await _hint(ROLE)(update, context)
        return None  # stay at the question
    return await _take_role(update, context, role)


async def enter_name(update: Update, context: BotContext) -> int:
    _ = context.translate
    message = require_message(update)
    typed = message.text or ""
    verdict = danger_words(context).check(typed)
    if verdict is not None:
        await answer_danger(message, context, typed, verdict)
        await message.reply_text(_("What is your full name? (as your colleagues know you)"))
        return NAME
    name = people.clean_name(typed)
    if name is None:
        await message.reply_text(
            _(
                "Please type your name, {min} to {max} letters.",
                min=people.NAME_MIN,
                max=people.NAME_MAX,
            )
        )
        return NAME
    signup = context.person_data.setdefault(SIGNUP, {})
    signup["name"] = name
    if signup.get("invite"):  # the invite already says where
        return await ask_phone(update, context)
    await ask_unit(update, context)
    return UNIT


async def share_phone(update: Update, context: BotContext) -> int:
    _ = context.translate
    message = require_message(update)
    contact = message.contact
    if contact is None or contact.user_id != context.person.telegram_id:
        await message.reply_text(
            _("Please share your own number with the button below, or tap Skip.")
        )
        return PHONE
    return await _finish_signup(update, context, contact.phone_number)


async def skip_phone(update: Update, context: BotContext) -> int:
    return await _finish_signup(update, context, None)


async def _finish_signup(update: Update, context: BotContext, phone: str | None) -> int:
    _ = context.translate
    message = require_message(update)
    signup = context.person_data.pop(SIGNUP, {})
    if signup.get("invite") and "name" in signup:
        return await finish_invite(update, context, signup, phone)
    if not {"role", "name", "ward"} <= signup.keys():
        await message.reply_text(_("Something was missing. Let us start again with /start."))
        return ConversationHandler.END
    user_id = context.person.telegram_id
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
        username=message.from_user.username if message.from_user else None,
        then=lambda applicant: ask_approvers(context, applicant),
    )
    applicant = await people.person(context.db, user_id)
    assert applicant is not None  # just signed up
    context.set_user(applicant)
    await message.reply_text(
        _(
            "Thank you, {name}! Your sign-up as {role} was sent for approval. "
            "We will tell you here as soon as it is decided.\n"
            "Meanwhile you can use the information for parents, materials and the hotline.",
            name=applicant.display_name,
            role=_(ROLE_LABELS[signup["role"]]),
        ),
        reply_markup=menu.keyboard("public", _),
    )
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


def build_conversation(application: BotApplication) -> ConversationHandler:
    i18n = application.services.i18n
    text = free_text(i18n)
    other = anything_else(i18n)
    skip = filters.Regex(r"(?i)^\s*(skip|bỏ qua|bo qua)\s*$")
    unit_step: list[BaseHandler] = [
        CallbackQueryHandler(choose_unit, pattern=ChooseUnit.pattern()),
        CallbackQueryHandler(back_to_units, pattern=BackToUnits.pattern()),
        CallbackQueryHandler(back_to_units, pattern=OldDistrictStep.pattern()),
        CallbackQueryHandler(back_to_units, pattern=OldWardStep.pattern()),
        MessageHandler(filters.LOCATION, unit_located),
        MessageHandler(text, unit_typed),
        MessageHandler(other, _hint(UNIT)),
    ]
    return ExclusiveConversation(
        name="onboarding",
        left_notice=N_("⏸ Sign-up is not finished yet: /start continues it."),
        persistent=True,
        entry_points=[CommandHandler("start", start)],
        states={
            ROLE: [
                CallbackQueryHandler(choose_role, pattern=ChooseRole.pattern()),
                CallbackQueryHandler(switch_language, pattern=SwitchLanguage.pattern()),
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


def register(application: BotApplication) -> None:
    application.add_handler(build_conversation(application))
