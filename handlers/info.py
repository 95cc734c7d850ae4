"""Information for parents: /info and the menu button, answers to typed questions (FAQ),
"Was this helpful?" votes, and the ward's child-protection contact.

Typed text that matches an entry's keywords gets that entry; text that suggests a child in
danger gets the hotlines first. Both run after every conversation and journey, just before
the router of last resort, so "bao cao" and the menu buttons keep their journeys.
"""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters
from telegram.ext.filters import MessageFilter

from bot import callbacks, info, keyboards, menu, safety
from bot.context import BotContext
from bot.hotline import emergency_text, hotline_footer
from bot.i18n import Translator
from bot.materials.catalogue import TOPICS
from bot.messaging import edit_buttons_quietly, edit_quietly
from bot.services import Services
from handlers import places
from handlers.safety import WHAT_TO_DO_ENTRY, answer_danger
from storage import questions as store
from storage import users, ward_contacts

log = logging.getLogger(__name__)
NS = "info"
PRIVATE = filters.ChatType.PRIVATE

# Topics of the communication materials (issue 7): an entry's `materials_topic` in
# content/info/*.json is one of these codes.
MATERIAL_TOPICS = TOPICS
# handlers/materials/browse.py registers `async fn(update, context, topic) -> bool` here to show the
# materials of a topic; without it the reader is pointed to /materials.


def catalogue(context: BotContext) -> info.Catalogue:
    return info.load(context.translate.language)


def danger_words(context: BotContext) -> safety.Matcher:
    """The danger matcher (bot/safety, patterns in content/safety_patterns.json)."""
    return context.services.danger_matcher()


def danger_message(_: Translator, now: bool = False) -> str:
    """The numbers, where what was typed already goes to staff (a question, a report)."""
    return emergency_text(_, now=now, tip=False)


# -- the menu of topics ---------------------------------------------------------------------------


def menu_keyboard(context: BotContext):
    _ = context.translate
    topics = [
        (entry.title, callbacks.encode(NS, "show", entry.id))
        for entry in catalogue(context).entries
    ]
    rows = keyboards.columns(topics, 2)
    rows.append([(_("📍 Ward contact"), callbacks.encode(NS, "ward"))])
    rows.append([(_("💬 Ask a question"), callbacks.encode("qst", "new"))])
    return keyboards.inline(rows)


def menu_text(_: Translator) -> str:
    return _(
        "ℹ️ <b>Information for parents</b>\nShort answers: what abuse is, the signs, "
        "what to do and whom to call. Choose a topic:"
    )


async def info_command(update: Update, context: BotContext) -> None:
    await update.effective_message.reply_text(
        menu_text(context.translate), reply_markup=menu_keyboard(context)
    )


async def back_to_menu(update: Update, context: BotContext) -> None:
    query = update.callback_query
    await query.answer()
    await edit_quietly(query, menu_text(context.translate), reply_markup=menu_keyboard(context))


# -- one entry ------------------------------------------------------------------------------------


def entry_keyboard(context: BotContext, entry: info.Entry, with_votes: bool = True):
    _ = context.translate
    entries = catalogue(context)
    rows = []
    related = [entries.get(entry_id) for entry_id in entry.related]
    rows += keyboards.columns(
        [(other.title, callbacks.encode(NS, "show", other.id)) for other in related if other], 2
    )
    if entry.id == "call":
        rows.append([(_("📍 Ward contact"), callbacks.encode(NS, "ward"))])
    if entry.materials_topic:
        rows.append(
            [(_("📚 Materials on this topic"), callbacks.encode(NS, "mat", entry.materials_topic))]
        )
    if with_votes:
        rows.append(
            [
                (_("👍 Helpful"), callbacks.encode(NS, "vote", entry.id, 1)),
                (_("👎 Not helpful"), callbacks.encode(NS, "vote", entry.id, 0)),
            ]
        )
    rows.append([(_("‹ All topics"), callbacks.encode(NS, "menu"))])
    return keyboards.inline(rows)


async def send_entry(message: Message, context: BotContext, entry: info.Entry) -> None:
    await message.reply_text(
        info.render(entry, context.translate), reply_markup=entry_keyboard(context, entry)
    )


async def show_entry(update: Update, context: BotContext) -> None:
    query = update.callback_query
    data = callbacks.decode(query.data)
    entry = catalogue(context).get(data.arg(0) if data else None)
    if entry is None:
        _ = context.translate
        await query.answer(_("This topic is no longer available."), show_alert=True)
        return
    await query.answer()
    await store.count_view(context.db, entry.id, "menu")
    await edit_quietly(
        query, info.render(entry, context.translate), reply_markup=entry_keyboard(context, entry)
    )


async def vote(update: Update, context: BotContext) -> None:
    query = update.callback_query
    _ = context.translate
    data = callbacks.decode(query.data)
    entry = catalogue(context).get(data.arg(0) if data else None)
    helpful = data.arg(1) if data else None
    if entry is None or helpful not in ("0", "1"):
        await query.answer(_("This button is not valid."), show_alert=True)
        return
    await store.vote(context.db, context.user.telegram_id, entry.id, helpful == "1", context.now)
    yes, _no = await store.votes(context.db, entry.id)
    if helpful == "1":
        await query.answer(
            _("Thank you! People who found this helpful: {count}.", count=_.number(yes))
        )
    else:
        await query.answer(_("Thank you. You can ask staff directly with “💬 Ask a question”."))
    await edit_buttons_quietly(query, entry_keyboard(context, entry, with_votes=False))


async def materials_for_topic(update: Update, context: BotContext) -> None:
    query = update.callback_query
    _ = context.translate
    data = callbacks.decode(query.data)
    topic = data.arg(0) if data else None
    if topic not in MATERIAL_TOPICS:
        await query.answer(_("This button is not valid."), show_alert=True)
        return
    await query.answer()
    hook = context.services.hooks.topic_materials
    if hook is not None and await hook(update, context, topic):
        return
    await query.message.reply_text(
        _(
            "📚 Posters, leaflets and handbooks on “{topic}”: send /materials and choose this "
            "topic.",
            topic=_(MATERIAL_TOPICS[topic]),
        )
    )


# -- typed questions ------------------------------------------------------------------------------


class FaqOrDanger(MessageFilter):
    """Free text that matches an information entry or contains a danger word."""

    def __init__(self, services: Services) -> None:
        self._services = services  # the matcher is compiled on first use, not at start-up
        super().__init__(name="FaqOrDanger")

    def filter(self, message: Message) -> bool:
        text = message.text or ""
        return bool(text) and (
            info.match(text) is not None
            or self._services.danger_matcher().found_in(text) is not None
        )


async def answer_typed_question(update: Update, context: BotContext) -> None:
    _ = context.translate
    text = update.message.text
    entry = catalogue(context).get(info.match(text))
    verdict = danger_words(context).check(text)
    if verdict is not None:
        await answer_danger(
            update.message,
            context,
            text,
            verdict,
            entry_id=None if entry is not None else WHAT_TO_DO_ENTRY,
        )
    if entry is not None:
        await store.count_view(context.db, entry.id, "faq")
        await send_entry(update.message, context, entry)


# -- the ward's contact ---------------------------------------------------------------------------


def _unit_buttons(context: BotContext) -> list:
    return places.unit_rows(
        context.services.areas, context.translate, lambda code: callbacks.encode(NS, "wc", code)
    )


def _unit_question(context: BotContext) -> str:
    _ = context.translate
    return (
        _("Which ward or commune do you live in?")
        + "\n\n"
        + places.units_text(context.services.areas, _)
    )


async def ward_start(update: Update, context: BotContext) -> None:
    """Show the contact of the person's own ward, or let them pick their ward."""
    query = update.callback_query
    await query.answer()
    _ = context.translate
    ward = context.services.areas.unit(context.user.ward)
    if ward is not None:
        await _show_ward_contact(query.message, context, ward.code)
        return
    await query.message.reply_text(
        _unit_question(context), reply_markup=keyboards.inline(_unit_buttons(context))
    )


async def ward_change(update: Update, context: BotContext) -> None:
    query = update.callback_query
    await query.answer()
    _ = context.translate
    await edit_quietly(
        query, _unit_question(context), reply_markup=keyboards.inline(_unit_buttons(context))
    )


async def ward_district(update: Update, context: BotContext) -> None:
    query = update.callback_query
    _ = context.translate
    data = callbacks.decode(query.data)
    if context.services.areas.group(data.arg(0) if data else None) is None:
        await query.answer(_("This button is not valid."), show_alert=True)
        return
    await query.answer()  # a button of the old two-step picker: today's question instead
    await edit_quietly(
        query, _unit_question(context), reply_markup=keyboards.inline(_unit_buttons(context))
    )


async def ward_chosen(update: Update, context: BotContext) -> None:
    query = update.callback_query
    _ = context.translate
    data = callbacks.decode(query.data)
    if data is not None and data.arg(0) == places.OTHER:
        await query.answer()
        await edit_quietly(
            query,
            _(
                "Please go to the People's Committee (UBND) of the ward or commune where you live: "
                "it has a child-protection officer. In an emergency call 111 (free, 24/7) or 113."
            ),
        )
        return
    ward = context.services.areas.unit(data.arg(0) if data else None)
    if ward is None:
        await query.answer(_("This button is not valid."), show_alert=True)
        return
    await query.answer()
    user = context.user
    # Remember a parent's ward: their questions then go to the right unit's staff.
    # Staff and applicants keep the area they signed up with.
    if user.role == "public" and user.is_active and user.ward != ward.code:
        await users.update(
            context.db,
            user.telegram_id,
            context.now,
            ward=ward.code,
            district=ward.group,
            ward_confirm=None,
        )
    await edit_buttons_quietly(query, None)
    await _show_ward_contact(query.message, context, ward.code)


async def _show_ward_contact(message: Message, context: BotContext, ward_code: str) -> None:
    _ = context.translate
    place = context.services.areas.place(ward_code, _.language)
    contact = await ward_contacts.get(context.db, ward_code)
    if contact is None:
        text = _(
            "📍 <b>{place}</b>\nNo child-protection contact has been recorded for this "
            "ward yet. Please go to the ward People's Committee, or call 111 (free, 24/7).",
            place=place,
        )
    else:
        text = _(
            "📍 <b>{place}</b> — child-protection contact\n👤 {name}\n📞 {phone}\n🕐 {hours}",
            place=place,
            name=contact.name,
            phone=contact.phone,
            hours=contact.hours,
        )
    text += "\n\n" + hotline_footer(_)
    await message.reply_text(
        text,
        reply_markup=keyboards.inline(
            [
                [(_("🔄 Another ward"), callbacks.encode(NS, "wchange"))],
                [(_("‹ All topics"), callbacks.encode(NS, "menu"))],
            ]
        ),
    )


def register(application: Application) -> None:
    """Section 3: /info, the menu button, the topic buttons and typed questions."""
    i18n = application.services.i18n
    application.add_handler(CommandHandler("info", info_command, filters=PRIVATE))
    application.add_handler(
        MessageHandler(PRIVATE & menu.Intent(i18n, "parents_info"), info_command)
    )
    for action, callback in (
        ("menu", back_to_menu),
        ("show", show_entry),
        ("vote", vote),
        ("mat", materials_for_topic),
        ("ward", ward_start),
        ("wchange", ward_change),
        ("wd", ward_district),
        ("wc", ward_chosen),
    ):
        application.add_handler(CallbackQueryHandler(callback, pattern=rf"^{NS}:{action}(:|$)"))
    application.add_handler(
        MessageHandler(
            PRIVATE
            & filters.TEXT
            & ~filters.COMMAND
            & ~menu.AnyIntent(i18n)
            & FaqOrDanger(application.services),
            answer_typed_question,
        )
    )
