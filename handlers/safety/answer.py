"""The answer to anything that may be about a child in danger, from any step of the bot.

    typed disclosure → the numbers (113/115 first when it is happening now, else 111)
                     → "📨 Pass it to staff now": an anonymous quick tip, a case at once
                       → the place in one tap (skippable) when the bot does not know it
                     → the information topic that helps

The emergency buttons (`sos:*`, and the report's old 🆘 buttons `rep:sos:*`) work from any
message, however old: they never answer "this button has expired".
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update

from bot import keyboards, outbox
from bot.areas import Areas, Unit
from bot.context import BotContext
from bot.crypto import cipher_for
from bot.guards import require_message, require_query
from bot.hotline import emergency_text
from bot.i18n import Translator
from bot.info.buttons import ShowEntry
from bot.keyboards import Button
from bot.messaging import edit_markup_quietly, edit_quietly
from bot.questions import rules as question_rules
from bot.safety.buttons import PassToStaff, TipPlace
from bot.safety.writer import writes_about_self
from handlers import places

if TYPE_CHECKING:
    from bot.safety import Verdict
    from bot.safety.quick_tip import QuickTipService

log = logging.getLogger(__name__)
PENDING_TIP = "safety_tip"
# The information entry that says what to do, shown under the emergency answer (under words
# of self-harm: the one written to the young person first, then to the adult).
WHAT_TO_DO_ENTRY = "act"
SELF_HARM_ENTRY = "selfharm"


# The tip's rules and service (and the case journey behind them) are imported when a tip is
# first passed on or answered: neither /start nor ordinary text needs them.
def _tips(context: BotContext) -> QuickTipService:
    from bot.cases.alerts import queue_new_case_alert
    from bot.safety.quick_tip import QuickTipService

    # The case journey's new-case alerts go out with the tip's case.
    return QuickTipService(context.services, queue_new_case_alert)


def _answered_recently(pending: dict[str, Any] | None, now: dt.datetime) -> bool:
    from bot.safety.quick_tip import answered_recently

    return answered_recently(pending, now)


def danger_keyboard(
    _: Translator, entry_id: str | None = WHAT_TO_DO_ENTRY, tip: bool = True
) -> InlineKeyboardMarkup | None:
    rows: list[list[Button]] = []
    if tip:
        rows.append([(_("📨 Pass it to staff now"), PassToStaff().data())])
    if entry_id:
        rows.append([(_("🤝 What to do"), ShowEntry(entry_id=entry_id, below=True).data())])
    return keyboards.inline(rows) if rows else None


def remember_tip(
    context: BotContext, text: str, verdict: Verdict | None, about_self: bool = False
) -> None:
    """Keep what was typed (encrypted, in the persisted user data) for the tip button."""
    from bot.safety import tips as tip_rules

    context.person_data[PENDING_TIP] = {
        "text_enc": cipher_for(context.services).encrypt(text),
        "category": verdict.category if verdict else None,
        "urgent": tip_rules.is_urgent(verdict),
        "now": bool(verdict and verdict.now),
        "at": context.now.isoformat(),
        "about_self": about_self,
    }


SELF_HARM = "self_harm"  # the matcher's category of words of self-harm or suicide


async def answer_danger(
    message: Message,
    context: BotContext,
    text: str,
    verdict: Verdict | None,
    entry_id: str | None = WHAT_TO_DO_ENTRY,
    tip: bool = True,
) -> None:
    """The emergency answer to typed text, with the one-tap tip to staff."""
    _ = context.translate
    self_harm = bool(verdict and verdict.category == SELF_HARM)
    about_self = not self_harm and writes_about_self(text)  # "em bị bố đánh": to the writer
    if tip:
        remember_tip(context, text, verdict, about_self)
    if self_harm and entry_id == WHAT_TO_DO_ENTRY:
        entry_id = SELF_HARM_ENTRY
    await message.reply_text(
        emergency_text(
            _,
            now=bool(verdict and verdict.now),
            tip=tip,
            self_harm=self_harm,
            about_self=about_self,
        ),
        reply_markup=danger_keyboard(_, entry_id, tip),
    )


def _to_the_writer(pending: dict[str, Any]) -> bool:
    """The tip is the writer's own (self-harm, or harm they speak of as theirs): asked about
    them, not about "the child"."""
    return pending.get("category") == SELF_HARM or bool(pending.get("about_self"))


def _answered(
    _: Translator, pending: dict[str, Any] | None
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The emergency answer once its tip was passed on: the same numbers, no tip button."""
    self_harm = bool(pending and pending.get("category") == SELF_HARM)
    text = emergency_text(
        _,
        now=bool(pending and pending.get("now")),
        tip=False,
        self_harm=self_harm,
        about_self=bool(pending and pending.get("about_self")),
    )
    entry = SELF_HARM_ENTRY if self_harm else WHAT_TO_DO_ENTRY
    return text, danger_keyboard(_, entry, tip=False)


async def on_tip(update: Update, context: BotContext) -> None:
    """ "Pass it to staff now": the case is opened at once, then the place is asked.

    The case, its alerts to staff and the tipster's confirmation (with the place question
    when the bot does not know the place) are committed together (bot/outbox.py); a press
    on the same answer again, even after a restart, gives the case code, never a second
    case."""
    query = require_query(update)
    _ = context.translate
    pending = context.person_data.get(PENDING_TIP)
    if pending and pending.get("code"):
        await query.answer(
            _("Already passed to staff: case {code}.", code=pending["code"]), show_alert=True
        )
        return
    person = context.person
    source = query.message.message_id if query.message is not None else None
    from bot.safety.quick_tip import RateLimited

    service = _tips(context)
    earlier = await service.earlier(person, source)
    if earlier is not None:  # the bot stopped after the case was made: the code, again
        await _tip_already_sent(query, context, earlier.code, pending)
        return
    if not pending or not pending.get("text_enc"):
        await query.answer()
        await require_message(update).reply_text(
            emergency_text(_, now=False, tip=False)
            + "\n\n"
            + _("Write in one message what is happening, and I will pass it to staff.")
        )
        return
    areas = context.services.areas
    own = areas.unit(person.ward)
    try:
        sent = await service.pass_to_staff(
            person,
            cipher_for(context.services).decrypt(pending["text_enc"]),
            category=pending.get("category"),
            urgent=bool(pending.get("urgent", True)),
            source_message_id=source,
            confirmation=lambda case_id, code: _tip_confirmation(
                _,
                areas,
                own,
                case_id,
                code,
                about_self=_to_the_writer(pending),
            ),
        )
    except RateLimited:
        await query.answer(
            _("You have sent many reports in the last hour. Please call 111 or 113 now."),
            show_alert=True,
        )
        return
    submitted = sent.submitted
    pending.pop("text_enc", None)
    pending["code"], pending["case_id"] = submitted.code, submitted.case_id
    if not submitted.first:  # two presses at once: the second gets the first one's case
        await _tip_already_sent(query, context, submitted.code, pending)
        return
    if own is None:  # the confirmation asks the place: a typed name answers it too
        pending["asks_place"] = True
    await query.answer()
    log.info("quick tip %s created", submitted.code)
    # The numbers stay on screen; the line about the tip button goes with the button.
    await edit_quietly(query, *_answered(_, pending))
    await outbox.send_now(context.application, sent.confirmation_id)


def _tip_confirmation(
    _: Translator,
    areas: Areas,
    own: Unit | None,
    case_id: int,
    code: str,
    about_self: bool = False,
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The tipster's answer: the case code, and the place (or the one-tap question)."""
    sent = _("✅ Passed to staff at once. Case code: <b>{code}</b>. You stay anonymous.", code=code)
    if own is not None:
        return sent + "\n" + _("Place: {place}.", place=areas.place(own.code, _.language)), None
    rows = places.unit_rows(
        areas, _, lambda unit: TipPlace(case_id=case_id, code=unit).data(), other=False
    )
    rows.append([(_("Skip"), TipPlace(case_id=case_id, code=places.OTHER).data())])
    # Words of self-harm are most often the young person's own: asked about them, not "the child".
    question = (
        _("Where are you? One tap helps the staff near you reach you.")
        if about_self
        else _("Where is the child? One tap helps the right staff go there.")
    )
    return sent + "\n" + question, keyboards.inline(rows)


async def _tip_already_sent(
    query: CallbackQuery, context: BotContext, code: str, pending: dict[str, Any] | None
) -> None:
    _ = context.translate
    await query.answer(_("Already passed to staff: case {code}.", code=code), show_alert=True)
    await edit_quietly(query, *_answered(_, pending), fail_quietly=True)


async def on_place(update: Update, context: BotContext) -> None:
    """The place of a tip sent without one: the staff of that unit are alerted too, in the
    same transaction; those already alerted (the administrators) are not alerted again."""
    query = require_query(update)
    _ = context.translate
    pressed = TipPlace.parse(query.data)  # anything else: as if skipped, never "expired"
    await query.answer()
    message = require_message(update)
    # A double tap on a place button must not fail the second press.
    await edit_markup_quietly(context.bot, message.chat_id, message.message_id)
    pending = context.person_data.get(PENDING_TIP)
    if pending:
        pending.pop("asks_place", None)
    service = _tips(context)
    placed = (
        pressed is not None
        and pressed.code != places.OTHER
        and await service.place(context.person, pressed.case_id, pressed.code)
    )
    if pressed is not None:  # from the split ward's parts: the first question closes too
        asked = await service.confirmation_message(pressed.case_id)
        if asked is not None and asked != message.message_id:
            await edit_markup_quietly(context.bot, message.chat_id, asked)
    await _placed_reply(message, context, pressed.code if placed and pressed else None)


async def _placed_reply(message: Message, context: BotContext, unit: str | None) -> None:
    _ = context.translate
    if unit is not None:
        place = context.services.areas.unit_name(unit, _.language)
        await message.reply_text(_("Thank you. The staff of {place} have it now.", place=place))
    else:
        await message.reply_text(_("Thank you. The programme staff have it."))


async def typed_place(update: Update, context: BotContext) -> bool:
    """A ward or commune typed, today's name or an old one, at the tip's place question: as
    good as a tap (the report takes typed places too). False when it is not that."""
    pending = context.person_data.get(PENDING_TIP)
    message = update.message
    if not pending or not pending.get("asks_place") or message is None or not message.text:
        return False
    if not _answered_recently(pending, context.now):  # a ward typed days later is not it
        pending.pop("asks_place", None)
        return False
    areas = context.services.areas
    match = areas.find(message.text)
    if match is None:
        return False
    case_id = int(pending["case_id"])
    _ = context.translate
    candidates = [code for code in match.units if areas.in_programme(code)]
    if match.unit is None and candidates:  # a split old ward: one tap on the right one
        rows = [
            [(areas.unit_name(code, _.language), TipPlace(case_id=case_id, code=code).data())]
            for code in candidates
        ]
        rows.append([(_("Skip"), TipPlace(case_id=case_id, code=places.OTHER).data())])
        about_self = _to_the_writer(pending)
        await message.reply_text(
            _("That place is now in several wards or communes. Which one are you in?")
            if about_self
            else _("That place is now in several wards or communes. Which one?"),
            reply_markup=keyboards.inline(rows),
        )
        return True
    unit = match.unit
    if unit is None or not areas.in_programme(unit):  # elsewhere in the city
        pending.pop("asks_place", None)
        await message.reply_text(
            _(
                "That place is outside the programme's area. If the child is in danger now, "
                "call 113; the 111 hotline helps children everywhere, free, 24/7."
            )
        )
        return True
    pending.pop("asks_place", None)
    service = _tips(context)
    placed = await service.place(context.person, case_id, unit)
    asked = await service.confirmation_message(case_id)
    if asked is not None:
        await edit_markup_quietly(context.bot, message.chat_id, asked)
    await _placed_reply(message, context, unit if placed else None)
    return True


async def taking_back(update: Update, context: BotContext) -> bool:
    """ "Never mind" soon after the emergency answer (often a young person who said too
    much): a warm word that keeps the hotline and the bot open, never "not understood"."""
    message = update.message
    pending = context.person_data.get(PENDING_TIP)
    if message is None or not _answered_recently(pending, context.now):
        return False
    if not question_rules.is_taking_back(message.text):
        return False
    _ = context.translate
    await message.reply_text(
        _(
            "💛 That's all right. I am still here: if anything happens, however small, write "
            "to me, or call <b>111</b> (free, 24/7) and someone will listen to you."
        )
    )
    return True


async def on_numbers(update: Update, context: BotContext) -> None:
    """Any emergency button, from any message however old: the numbers, always."""
    query = require_query(update)
    await query.answer()
    await require_message(update).reply_text(emergency_text(context.translate, now=True, tip=False))
