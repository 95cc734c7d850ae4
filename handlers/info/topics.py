"""/info and the menu button: the topics for parents, one entry with its related topics,
"Was this helpful?" votes, and the materials of an entry's topic."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, Update

from bot import info, keyboards
from bot.context import BotContext
from bot.guards import require_message, require_query
from bot.i18n import N_, Translator
from bot.info.buttons import InfoMenu, ShowEntry, TopicMaterials, Vote, WardContact
from bot.info.service import InfoService
from bot.keyboards import Button
from bot.messaging import answer_stale_button, edit_buttons_quietly, edit_quietly
from bot.questions.buttons import NewQuestion
from handlers.info import MATERIAL_TOPICS

WARD_CONTACT = N_("📍 Ward contact")
ALL_TOPICS = N_("‹ All topics")


def catalogue(context: BotContext) -> info.Catalogue:
    return info.load(context.translate.language)


def menu_keyboard(context: BotContext) -> InlineKeyboardMarkup:
    _ = context.translate
    topics: list[Button] = [
        (entry.title, ShowEntry(entry_id=entry.id).data()) for entry in catalogue(context).entries
    ]
    rows = keyboards.columns(topics, 2)
    rows.append([(_(WARD_CONTACT), WardContact().data())])
    rows.append([(_("💬 Ask a question"), NewQuestion().data())])
    return keyboards.inline(rows)


def menu_text(_: Translator) -> str:
    return _(
        "ℹ️ <b>Information for parents</b>\nShort answers: what abuse is, the signs, "
        "what to do and whom to call. Choose a topic:"
    )


async def info_command(update: Update, context: BotContext) -> None:
    await require_message(update).reply_text(
        menu_text(context.translate), reply_markup=menu_keyboard(context)
    )


async def back_to_menu(update: Update, context: BotContext) -> None:
    query = require_query(update)
    await query.answer()
    await edit_quietly(query, menu_text(context.translate), reply_markup=menu_keyboard(context))


# -- one entry ------------------------------------------------------------------------------------


def entry_keyboard(
    context: BotContext, entry: info.Entry, with_votes: bool = True
) -> InlineKeyboardMarkup:
    _ = context.translate
    entries = catalogue(context)
    related = [entries.get(entry_id) for entry_id in entry.related]
    rows = keyboards.columns(
        [(other.title, ShowEntry(entry_id=other.id).data()) for other in related if other], 2
    )
    if entry.id == "call":
        rows.append([(_(WARD_CONTACT), WardContact().data())])
    if entry.materials_topic:
        rows.append(
            [
                (
                    _("📚 Materials on this topic"),
                    TopicMaterials(topic=entry.materials_topic).data(),
                )
            ]
        )
    if with_votes:
        rows.append(
            [
                (_("👍 Helpful"), Vote(entry_id=entry.id, helpful=True).data()),
                (_("👎 Not helpful"), Vote(entry_id=entry.id, helpful=False).data()),
            ]
        )
    rows.append([(_(ALL_TOPICS), InfoMenu().data())])
    return keyboards.inline(rows)


async def send_entry(message: Message, context: BotContext, entry: info.Entry) -> None:
    await message.reply_text(
        info.render(entry, context.translate), reply_markup=entry_keyboard(context, entry)
    )


async def show_entry(update: Update, context: BotContext) -> None:
    query = require_query(update)
    pressed = ShowEntry.parse(query.data)
    entry = catalogue(context).get(pressed.entry_id if pressed else None)
    if entry is None:
        _ = context.translate
        await query.answer(_("This topic is no longer available."), show_alert=True)
        return
    await query.answer()
    await InfoService(context.services).count_view(entry.id, "menu")
    if pressed is not None and pressed.below and query.message is not None:
        await send_entry(require_message(update), context, entry)
        return
    await edit_quietly(
        query, info.render(entry, context.translate), reply_markup=entry_keyboard(context, entry)
    )


async def vote(update: Update, context: BotContext) -> None:
    query = require_query(update)
    _ = context.translate
    pressed = Vote.parse(query.data)
    entry = catalogue(context).get(pressed.entry_id if pressed else None)
    if pressed is None or entry is None:
        await answer_stale_button(update, context)
        return
    yes = await InfoService(context.services).vote(context.person, entry.id, pressed.helpful)
    if pressed.helpful:
        await query.answer(
            _("Thank you! People who found this helpful: {count}.", count=_.number(yes))
        )
    else:
        await query.answer(_("Thank you. You can ask staff directly with “💬 Ask a question”."))
    await edit_buttons_quietly(query, entry_keyboard(context, entry, with_votes=False))


async def materials_for_topic(update: Update, context: BotContext) -> None:
    query = require_query(update)
    _ = context.translate
    pressed = TopicMaterials.parse(query.data)
    topic = pressed.topic if pressed else None
    if topic is None or topic not in MATERIAL_TOPICS:
        await answer_stale_button(update, context)
        return
    await query.answer()
    # handlers/materials/browse.py registers the hook that shows the materials of a topic;
    # without it the reader is pointed to /materials.
    hook = context.services.hooks.topic_materials
    if hook is not None and await hook(update, context, topic):
        return
    await require_message(update).reply_text(
        _(
            "📚 Posters, leaflets and handbooks on “{topic}”: send /materials and choose this "
            "topic.",
            topic=_(MATERIAL_TOPICS[topic]),
        )
    )
