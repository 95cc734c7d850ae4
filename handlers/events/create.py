"""Staff create an event, step by step (/newevent or ➕ New event):

title → kind → start ("8h30 1/6", confirmed with the weekday) → end ("11h") → place →
district (administrators; staff get their own) → audience (several) → places and the
registration deadline (club and training) → reminders (several) → description → summary
→ Save. The steps are states of the conversation in handlers/events/conversation.py.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from bot import keyboards
from bot.context import BotContext
from bot.events import dates, service, texts
from bot.events.buttons import (
    WHOLE_PROGRAMME,
    AudienceDone,
    PickDistrict,
    PickKind,
    ToggleAudience,
)
from bot.events.model import AUDIENCES, KIND_ICONS, KINDS
from bot.guards import refuse, require_message, require_query
from bot.i18n import N_, Translator
from bot.messaging import edit_buttons_quietly, edit_quietly
from handlers.events.details import ask_reminders
from handlers.events.flow import (
    AUDIENCE,
    CAPACITY,
    CHOOSE_AGAIN,
    DISTRICT,
    DRAFT,
    END,
    KIND,
    PLACE,
    SKIP,
    START,
    TITLE,
    draft_data,
    draft_start,
)

ONLY_STAFF_CREATE = N_("Only staff can create events.")


async def new_event(update: Update, context: BotContext) -> int:
    _ = context.translate
    if not context.person.is_staff:
        await refuse(update, context, "new_event", ONLY_STAFF_CREATE)
        return ConversationHandler.END
    if update.callback_query:
        await update.callback_query.answer()
    context.person_data[DRAFT] = {}
    await require_message(update).reply_text(
        _("➕ <b>New event</b>\nWhat is its title? (for example: Children's club summer day)")
    )
    return TITLE


async def enter_title(update: Update, context: BotContext) -> int:
    _ = context.translate
    message = require_message(update)
    title = " ".join((message.text or "").split())
    if not 3 <= len(title) <= service.TITLE_MAX:
        await message.reply_text(
            _(
                "Please type an event name of 3 to {max} characters.",
                max=_.number(service.TITLE_MAX),
            )
        )
        return TITLE
    draft_data(context)["title"] = title
    buttons: list[keyboards.Button] = [
        (f"{KIND_ICONS[key]} {_(name)}", PickKind(kind=key)) for key, name in KINDS.items()
    ]
    await message.reply_text(
        _("What kind of event is it?"), reply_markup=keyboards.inline(keyboards.columns(buttons, 2))
    )
    return KIND


async def choose_kind(update: Update, context: BotContext) -> int:
    _ = context.translate
    query = require_query(update)
    await query.answer()
    pressed = PickKind.parse(query.data)
    message = require_message(update)
    if pressed is None or pressed.kind not in KINDS:
        await message.reply_text(_(CHOOSE_AGAIN))
        return KIND
    draft_data(context)["kind"] = pressed.kind
    await edit_quietly(query, _("Kind: {kind}", kind=_(KINDS[pressed.kind])))
    await message.reply_text(
        _(
            "When does it start? Type the date and time, for example: <b>8h30 1/6</b> or "
            "<b>1/6 8:00</b>."
        )
    )
    return START


async def enter_start(update: Update, context: BotContext) -> int:
    _ = context.translate
    message = require_message(update)
    timezone = context.services.settings.timezone
    try:
        start = dates.parse_start(message.text or "", context.now, timezone)
    except dates.DateError as error:
        await message.reply_text(texts.date_error(_, error.code))
        return START
    draft_data(context)["starts_at"] = start.isoformat()
    await message.reply_text(
        _(
            "Start: <b>{when}</b>\nWhen does it end? For example: <b>11h</b> (same day) or "
            "<b>17h 3/6</b>.",
            when=texts.moment(_, start),
        )
    )
    return END


async def enter_end(update: Update, context: BotContext) -> int:
    _ = context.translate
    message = require_message(update)
    start = draft_start(context)
    try:
        end = dates.parse_end(message.text or "", start, context.services.settings.timezone)
    except dates.DateError as error:
        await message.reply_text(texts.date_error(_, error.code, start))
        return END
    draft_data(context)["ends_at"] = end.isoformat()
    await message.reply_text(
        _(
            "End: <b>{when}</b>\nWhere does it take place? (address or place; “skip” if not "
            "decided yet)",
            when=texts.moment(_, end),
        )
    )
    return PLACE


async def enter_place(update: Update, context: BotContext) -> int:
    _ = context.translate
    message = require_message(update)
    place = "" if SKIP.check_update(update) else " ".join((message.text or "").split())
    if len(place) > service.PLACE_MAX:
        await message.reply_text(
            _("Please keep the place under {max} characters.", max=_.number(service.PLACE_MAX))
        )
        return PLACE
    draft = draft_data(context)
    draft["place"] = place
    if context.person.is_admin:
        language = _.language
        buttons: list[list[keyboards.Button]] = [
            [(_("🌐 Whole programme"), PickDistrict(code=WHOLE_PROGRAMME))]
        ]
        buttons += [
            [(d.name(language), PickDistrict(code=d.code))] for d in context.services.areas.groups()
        ]
        await message.reply_text(_("Which area is it for?"), reply_markup=keyboards.inline(buttons))
        return DISTRICT
    district, ward = service.home_area(context.person)
    draft["district"] = district
    if ward is not None:
        draft["ward"] = ward
    return await _ask_audience(update, context)


async def choose_district(update: Update, context: BotContext) -> int:
    _ = context.translate
    query = require_query(update)
    await query.answer()
    pressed = PickDistrict.parse(query.data)
    code = pressed.code if pressed else None
    if code is None or (code != WHOLE_PROGRAMME and context.services.areas.group(code) is None):
        await require_message(update).reply_text(_(CHOOSE_AGAIN))
        return DISTRICT
    whole = code == WHOLE_PROGRAMME
    draft_data(context)["district"] = None if whole else code
    await edit_quietly(
        query,
        _(
            "Area: {area}",
            area=(
                _("whole programme (the former District 8 and Binh Chanh areas)")
                if whole
                else context.services.areas.group_name(code, _.language)
            ),
        ),
    )
    return await _ask_audience(update, context)


def _audience_keyboard(_: Translator, chosen: list[str]) -> InlineKeyboardMarkup:
    buttons: list[keyboards.Button] = [
        (("✅ " if key in chosen else "▫️ ") + _(name), ToggleAudience(audience=key))
        for key, name in AUDIENCES.items()
    ]
    rows = keyboards.columns(buttons, 2)
    rows.append([(_("Done ›"), AudienceDone())])
    return keyboards.inline(rows)


async def _ask_audience(update: Update, context: BotContext) -> int:
    _ = context.translate
    chosen = draft_data(context).setdefault("audience", [])
    await require_message(update).reply_text(
        _("Who is it for? Tap one or more, then “Done”."),
        reply_markup=_audience_keyboard(_, chosen),
    )
    return AUDIENCE


async def toggle_audience(update: Update, context: BotContext) -> int:
    _ = context.translate
    query = require_query(update)
    pressed = ToggleAudience.parse(query.data)
    chosen = draft_data(context).setdefault("audience", [])
    if pressed is None or pressed.audience not in AUDIENCES:
        await query.answer(_(CHOOSE_AGAIN))
        return AUDIENCE
    await query.answer()
    if pressed.audience in chosen:
        chosen.remove(pressed.audience)
    else:
        chosen.append(pressed.audience)
    await edit_buttons_quietly(query, _audience_keyboard(_, chosen))
    return AUDIENCE


async def audience_done(update: Update, context: BotContext) -> int:
    _ = context.translate
    query = require_query(update)
    draft = draft_data(context)
    if not draft.get("audience"):
        await query.answer(_("Please choose at least one group."), show_alert=True)
        return AUDIENCE
    await query.answer()
    await edit_quietly(
        query,
        _(
            "For: {audience}",
            audience=", ".join(_(AUDIENCES[key]) for key in AUDIENCES if key in draft["audience"]),
        ),
    )
    if draft["kind"] in ("club", "training"):
        await require_message(update).reply_text(
            _("How many places are there? Type a number, or “skip” if there is no limit.")
        )
        return CAPACITY
    return await ask_reminders(update, context)
