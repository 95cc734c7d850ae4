"""/materials: browse by audience, then topic (paginated); search; open a material.

/materials           → who is it for? → topics → materials → the material (text and file)
/materials bạo lực   → search, accent- and case-insensitive, title matches first
Typed text while in the materials menu is a search too. Buttons are handled anywhere (also
from old messages), and everything a button carries is checked again on the server.
"""

from __future__ import annotations

import datetime as dt
import logging
import math

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    filters,
)

from bot import keyboards
from bot.context import BotContext
from bot.guards import require_message, require_query
from bot.i18n import N_
from bot.materials import deeplink, printing, search
from bot.materials.buttons import (
    ALL,
    ChooseAudience,
    Home,
    ListTopic,
    OpenMaterial,
    SearchPage,
)
from bot.materials.catalogue import AUDIENCES, TOPICS, audience_for
from bot.messaging import answer_stale_button, edit_quietly
from bot.text import shorten
from handlers.common import leave_and_redispatch
from handlers.materials.routes import SEARCH
from handlers.materials.views import catalogue, deliver
from handlers.safety.answer import answer_danger
from storage.models import Material

log = logging.getLogger(__name__)
PAGE_SIZE = keyboards.PAGE_SIZE
# Typed text counts as a search only this long after the last use of the materials menu.
SEARCH_MODE_FOR = dt.timedelta(hours=1)
# Words of danger in a search this short may be a topic ("bắt cóc"); longer, a disclosure.
DANGER_SEARCH_WORDS = 3
QUERY_KEY = "materials_query"
SEEN_KEY = "materials_seen"
PRIVATE = filters.ChatType.PRIVATE
GONE = N_("This material is no longer available.")
Screen = tuple[str, InlineKeyboardMarkup]


def _note_seen(context: BotContext) -> None:
    context.person_data[SEEN_KEY] = context.now.isoformat()


def _known_audience(code: str) -> bool:
    return code in AUDIENCES or code == ALL


def _known_topic(code: str) -> bool:
    return code in TOPICS or code == ALL


# -- screens --------------------------------------------------------------------------------------


def _home(context: BotContext) -> Screen:
    _ = context.translate
    person = context.person
    choices: list[keyboards.Button] = [
        (_(label), ChooseAudience(audience=code)) for code, label in AUDIENCES.items()
    ]
    rows = keyboards.columns(choices, 2)
    rows.append([(_("📚 All materials"), ChooseAudience(audience=ALL))])
    text = _(
        "📚 <b>Communication materials</b>\nWho is it for?\n\n"
        "Or type a few words to search, e.g. “abuse”, “111”, “online”."
    )
    if person.is_staff:
        text += "\n\n" + _(
            "Staff: send me a PDF or a picture to add a material. "
            "/printqueue — print requests, /materialstats — figures."
        )
    elif printing.may_request(person):
        text += "\n\n" + _("/myrequests — your requests for printed copies.")
    return text, keyboards.inline(rows)


async def _topics(context: BotContext, audience: str) -> Screen:
    _ = context.translate
    found = await catalogue(context).listing(
        context.person, audience=None if audience == ALL else audience
    )
    counts = {code: sum(1 for m in found if m.topic == code) for code in TOPICS}
    rows: list[list[keyboards.Button]] = [
        [(f"{_(label)} ({counts[code]})", ListTopic(audience=audience, topic=code))]
        for code, label in TOPICS.items()
        if counts[code]
    ]
    if found:
        rows.append(
            [
                (
                    _("All topics ({count})", count=_.number(len(found))),
                    ListTopic(audience=audience, topic=ALL),
                )
            ]
        )
    rows.append([(_("‹ Back"), Home())])
    who = _("All materials") if audience == ALL else _(AUDIENCES[audience])
    if not found:
        return _("{who}: there are no materials yet.", who=who), keyboards.inline(rows)
    return _("{who}: choose a topic.", who=who), keyboards.inline(rows)


def _material_label(material: Material, language: str) -> str:
    prefix = "🙈 " if material.hidden else ("📄 " if material.has_file else "📝 ")
    return prefix + shorten(material.title_in(language), 60)


def _page(items: list[Material], page: int) -> tuple[list[Material], int, int]:
    pages = max(1, math.ceil(len(items) / PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    return items[page * PAGE_SIZE : (page + 1) * PAGE_SIZE], page, pages


async def _listing(context: BotContext, audience: str, topic: str, page: int) -> Screen:
    _ = context.translate
    found = await catalogue(context).listing(
        context.person,
        audience=None if audience == ALL else audience,
        topic=None if topic == ALL else topic,
    )
    shown, page, pages = _page(found, page)
    rows: list[list[keyboards.Button]] = [
        [(_material_label(m, _.language), OpenMaterial(material_id=m.id))] for m in shown
    ]
    rows.append(
        keyboards.page_row(
            page,
            page + 1 < pages,
            _("‹ Previous"),
            _("Next ›"),
            lambda n: ListTopic(audience=audience, topic=topic, page=n),
        )
    )
    rows.append([(_("‹ Back"), ChooseAudience(audience=audience))])
    who = _("All materials") if audience == ALL else _(AUDIENCES[audience])
    what = _("All topics") if topic == ALL else _(TOPICS[topic])
    if not found:
        return _("{who} · {what}: nothing here yet.", who=who, what=what), keyboards.inline(rows)
    text = _(
        "{who} · {what} — page {page} of {pages}. Tap a material to open it.",
        who=who,
        what=what,
        page=page + 1,
        pages=pages,
    )
    return text, keyboards.inline(rows)


async def show_topic(update: Update, context: BotContext, topic: str) -> bool:
    """The materials of one topic, for the reader's audience (by role), sent below the
    message that asked for them; every audience when there is none for theirs yet."""
    if topic not in TOPICS:
        return False
    person = context.person
    audience = audience_for(person.role if person.is_active else None) or ALL
    if audience != ALL and not await catalogue(context).listing(
        person, audience=audience, topic=topic
    ):
        audience = ALL
    _note_seen(context)
    text, markup = await _listing(context, audience, topic, 0)
    await require_message(update).reply_text(text, reply_markup=markup)
    return True


# -- entry points ---------------------------------------------------------------------------------


async def materials_command(update: Update, context: BotContext) -> int:
    _note_seen(context)
    message = require_message(update)
    query = " ".join(context.args or [])
    if not query and message.text and not message.text.startswith("/"):
        # Typed anywhere: "tìm tài liệu bạo lực" is a search, not just the menu.
        query = search.typed_query(message.text) or ""
    if query:
        await _search_and_answer(update, context, query)
        return SEARCH
    text, markup = _home(context)
    await message.reply_text(text, reply_markup=markup)
    return SEARCH


async def typed_search(update: Update, context: BotContext) -> int | None:
    """Free text inside the materials menu, unless it is no search: after a long pause, or
    a whole sentence (of danger: more than a few words)."""
    seen = context.person_data.get(SEEN_KEY)
    message = require_message(update)
    text = message.text or ""
    verdict = context.services.danger_matcher().check(text)
    if (
        not seen
        or context.now - dt.datetime.fromisoformat(seen) > SEARCH_MODE_FOR
        or not search.looks_like_search(text)
        or (verdict is not None and len(search.words(text)) > DANGER_SEARCH_WORDS)
    ):
        # Not a search: a sentence of danger gets the emergency answer, any other sentence
        # the closest topics and one tap to staff, as anywhere else in the bot.
        return await leave_and_redispatch(update, context)
    if verdict is not None:  # "tự tử", "bắt cóc": maybe a search, the numbers first anyway
        # A topic's word or two is no disclosure to pass on (nor replaces one); three words
        # ("ba đánh em") or danger now may be one: the tip button stays.
        tip = verdict.now or len(search.words(text)) >= DANGER_SEARCH_WORDS
        await answer_danger(message, context, text, verdict, tip=tip)
    _note_seen(context)
    await _search_and_answer(update, context, search.typed_query(text) or text)
    return SEARCH


async def _search_and_answer(update: Update, context: BotContext, text: str) -> None:
    _ = context.translate
    message = require_message(update)
    query = search.clean_query(text)
    if query is None:
        await message.reply_text(_("Please type at least one word of two letters or more."))
        return
    context.person_data[QUERY_KEY] = query
    message_text, markup = await _search_page(context, query, 0)
    await message.reply_text(message_text, reply_markup=markup)


async def _search_page(context: BotContext, query: str, page: int) -> Screen:
    _ = context.translate
    found = search.rank(await catalogue(context).everything(context.person), query)
    if not found:
        return (
            _("No material matches “{query}”. Try other words, or browse:", query=query),
            keyboards.inline([[(_("📚 Browse materials"), Home())]]),
        )
    shown, page, pages = _page(found, page)
    rows: list[list[keyboards.Button]] = [
        [(_material_label(m, _.language), OpenMaterial(material_id=m.id))] for m in shown
    ]
    rows.append(
        keyboards.page_row(
            page, page + 1 < pages, _("‹ Previous"), _("Next ›"), lambda n: SearchPage(page=n)
        )
    )
    rows.append([(_("📚 Browse materials"), Home())])
    text = _(
        "🔍 Results for “{query}”: {count} — page {page} of {pages}:",
        count=_.number(len(found)),
        query=query,
        page=page + 1,
        pages=pages,
    )
    return text, keyboards.inline(rows)


async def search_hint(update: Update, context: BotContext) -> None:
    _ = context.translate
    await require_message(update).reply_text(
        _("In the materials menu, type a few words to search, or use the buttons above.")
    )


# -- buttons (from any message) -------------------------------------------------------------------


async def _show(update: Update, context: BotContext, screen: Screen) -> None:
    query = require_query(update)
    await query.answer()
    text, markup = screen
    await edit_quietly(query, text, markup)


async def on_home(update: Update, context: BotContext) -> None:
    _note_seen(context)
    await _show(update, context, _home(context))


async def on_audience(update: Update, context: BotContext) -> None:
    pressed = ChooseAudience.parse(require_query(update).data)
    if pressed is None or not _known_audience(pressed.audience):
        await answer_stale_button(update, context)
        return
    _note_seen(context)
    await _show(update, context, await _topics(context, pressed.audience))


async def on_topic(update: Update, context: BotContext) -> None:
    pressed = ListTopic.parse(require_query(update).data)
    if pressed is None or not (_known_audience(pressed.audience) and _known_topic(pressed.topic)):
        await answer_stale_button(update, context)
        return
    _note_seen(context)
    screen = await _listing(context, pressed.audience, pressed.topic, pressed.page)
    await _show(update, context, screen)


async def on_search_page(update: Update, context: BotContext) -> None:
    query = require_query(update)
    pressed = SearchPage.parse(query.data)
    if pressed is None:
        await answer_stale_button(update, context)
        return
    _note_seen(context)
    last = context.person_data.get(QUERY_KEY)
    if not last:
        _ = context.translate
        await query.answer(_("Please type your search again."), show_alert=True)
        return
    await _show(update, context, await _search_page(context, last, pressed.page))


async def on_open(update: Update, context: BotContext) -> None:
    query = require_query(update)
    pressed = OpenMaterial.parse(query.data)
    if pressed is None:
        await answer_stale_button(update, context)
        return
    _note_seen(context)
    material = await catalogue(context).open(context.person, pressed.material_id)
    if material is None or query.message is None:
        await query.answer(context.translate(GONE), show_alert=True)
        return
    await query.answer()
    await deliver(context, query.message.chat.id, material)


# -- start-up and links ---------------------------------------------------------------------------


async def show_poster_material(update: Update, context: BotContext, payload: str) -> None:
    """/start from a poster's QR code: show the material the poster is about."""
    code = deeplink.decode(payload)
    if code is None or update.effective_chat is None:
        return
    material = await catalogue(context).published(code.material_id)
    if material is not None:
        await deliver(context, update.effective_chat.id, material)
