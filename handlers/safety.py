"""The answer to anything that may be about a child in danger, from any step of the bot.

    typed disclosure → the numbers (113/115 first when it is happening now, else 111)
                     → "📨 Pass it to staff now": an anonymous quick tip, a case at once
                       → the place in one tap (skippable) when the bot does not know it
                     → the information topic that helps

The emergency buttons (`sos:*`, and the report's old 🆘 buttons `rep:sos:*`) work from any
message, however old: they never answer "this button has expired".
"""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.ext import Application, CallbackQueryHandler

from bot import callbacks, keyboards, outbox
from bot.context import BotContext
from bot.crypto import cipher_for
from bot.hotline import emergency_text
from bot.i18n import Translator
from bot.messaging import edit_markup_quietly, edit_quietly
from bot.reports import casework, routing
from bot.reports.rules import case_rules
from bot.safety import Verdict
from bot.safety import tips as tip_rules
from handlers import cases as case_handlers
from handlers import places

log = logging.getLogger(__name__)
NS = "sos"
PENDING_TIP = "safety_tip"
# The information entry that says what to do, shown under the emergency answer.
WHAT_TO_DO_ENTRY = "act"


def danger_keyboard(_: Translator, entry_id: str | None = WHAT_TO_DO_ENTRY, tip: bool = True):
    rows = []
    if tip:
        rows.append([(_("📨 Pass it to staff now"), callbacks.encode(NS, "tip"))])
    if entry_id:
        rows.append([(_("🤝 What to do"), callbacks.encode("info", "show", entry_id))])
    return keyboards.inline(rows) if rows else None


def remember_tip(context: BotContext, text: str, verdict: Verdict | None) -> None:
    """Keep what was typed (encrypted, in the persisted user data) for the tip button."""
    context.user_data[PENDING_TIP] = {
        "text_enc": cipher_for(context.services).encrypt(text),
        "category": verdict.category if verdict else None,
        "urgent": tip_rules.is_urgent(verdict),
        "now": bool(verdict and verdict.now),
    }


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
    if tip:
        remember_tip(context, text, verdict)
    await message.reply_text(
        emergency_text(_, now=bool(verdict and verdict.now), tip=tip),
        reply_markup=danger_keyboard(_, entry_id, tip),
    )


async def on_tip(update: Update, context: BotContext) -> None:
    """ "Pass it to staff now": the case is opened at once, then the place is asked.

    The case, its alerts to staff and the tipster's confirmation (with the place question
    when the bot does not know the place) are committed together (bot/outbox.py); a press
    on the same answer again, even after a restart, gives the case code, never a second
    case."""
    query = update.callback_query
    _ = context.translate
    pending = context.user_data.get(PENDING_TIP)
    if pending and pending.get("code"):
        await query.answer(
            _("Already passed to staff: case {code}.", code=pending["code"]), show_alert=True
        )
        return
    source = query.message.message_id if query.message is not None else None
    earlier = await casework.already_submitted(context.db, context.user.telegram_id, source)
    if earlier is not None:  # the bot stopped after the case was made: the code, again
        await _tip_already_sent(query, context, earlier.code, pending)
        return
    if not pending or not pending.get("text_enc"):
        await query.answer()
        await query.message.reply_text(
            emergency_text(_, now=False, tip=False)
            + "\n\n"
            + _("Write in one message what is happening, and I will pass it to staff.")
        )
        return
    user = context.user
    cipher = cipher_for(context.services)
    text = cipher.decrypt(pending["text_enc"])
    areas = context.services.areas
    own = areas.unit(user.ward)
    confirmation: list[int | None] = []

    async def on_created(case_id: int, code: str) -> None:
        # In the case's transaction: staff's alerts and the tipster's answer with the code.
        await case_handlers.queue_new_case_alert(
            context.db, cipher, context.services, case_id, context.now
        )
        reply, markup = _tip_confirmation(_, areas, own, case_id, code)
        confirmation.append(
            await outbox.enqueue(
                context.db,
                cipher,
                user.telegram_id,
                reply,
                now=context.now,
                markup=markup,
                dedupe_key=f"case:{case_id}:thanks",
                held_for_reply=True,
            )
        )

    try:
        submitted = await tip_rules.submit_tip(
            context.db,
            cipher,
            areas,
            user,
            text,
            pending.get("category"),
            own.code if own else None,
            context.now,
            case_rules(),
            context.services.settings.timezone,
            urgent=bool(pending.get("urgent", True)),
            source_message_id=source,
            on_created=on_created,
        )
    except casework.RateLimited:
        await query.answer(
            _("You have sent many reports in the last hour. Please call 111 or 113 now."),
            show_alert=True,
        )
        return
    pending.pop("text_enc", None)
    pending["code"], pending["case_id"] = submitted.code, submitted.case_id
    if not submitted.first:  # two presses at once: the second gets the first one's case
        await _tip_already_sent(query, context, submitted.code, pending)
        return
    await query.answer()
    log.info("quick tip %s created", submitted.code)
    # The numbers stay on screen; the line about the tip button goes with the button.
    await edit_quietly(
        query,
        emergency_text(_, now=bool(pending.get("now")), tip=False),
        danger_keyboard(_, WHAT_TO_DO_ENTRY, tip=False),
    )
    await outbox.send_now(context.application, confirmation[0] if confirmation else None)


def _tip_confirmation(_: Translator, areas, own, case_id: int, code: str):
    """The tipster's answer: the case code, and the place (or the one-tap question)."""
    sent = _("✅ Passed to staff at once. Case code: <b>{code}</b>. You stay anonymous.", code=code)
    if own is not None:
        return sent + "\n" + _("Place: {place}.", place=areas.place(own.code, _.language)), None
    rows = places.unit_rows(
        areas, _, lambda unit: callbacks.encode(NS, "place", case_id, unit), other=False
    )
    rows.append([(_("Skip"), callbacks.encode(NS, "place", case_id, places.OTHER))])
    return (
        sent + "\n" + _("Where is the child? One tap helps the right staff go there."),
        keyboards.inline(rows),
    )


async def _tip_already_sent(query, context: BotContext, code: str, pending: dict | None) -> None:
    _ = context.translate
    await query.answer(_("Already passed to staff: case {code}.", code=code), show_alert=True)
    await edit_quietly(
        query,
        emergency_text(_, now=bool(pending and pending.get("now")), tip=False),
        danger_keyboard(_, WHAT_TO_DO_ENTRY, tip=False),
        fail_quietly=True,
    )


async def on_place(update: Update, context: BotContext) -> None:
    """The place of a tip sent without one: the staff of that unit are alerted too, in the
    same transaction; those already alerted (the administrators) are not alerted again."""
    query = update.callback_query
    _ = context.translate
    data = callbacks.decode(query.data)
    case_id = data.int_arg(0) if data else None
    code = data.arg(1) if data else None
    await query.answer()
    # A double tap on a place button must not fail the second press.
    await edit_markup_quietly(context.bot, query.message.chat_id, query.message.message_id)
    areas = context.services.areas
    cipher = cipher_for(context.services)

    async def alert_the_unit(placed_id: int) -> None:
        await case_handlers.queue_new_case_alert(
            context.db, cipher, context.services, placed_id, context.now
        )

    placed = (
        case_id is not None
        and code not in (None, places.OTHER)
        and await tip_rules.place_tip(
            context.db, areas, context.user, case_id, code, context.now, then=alert_the_unit
        )
    )
    if placed:
        await query.message.reply_text(
            _(
                "Thank you. The staff of {place} have it now.",
                place=areas.unit_name(code, _.language),
            )
        )
    else:
        await query.message.reply_text(_("Thank you. The programme staff have it."))


async def on_numbers(update: Update, context: BotContext) -> None:
    """Any emergency button, from any message however old: the numbers, always."""
    query = update.callback_query
    await query.answer()
    await query.message.reply_text(emergency_text(context.translate, now=True, tip=False))


def register(application: Application) -> None:
    """After every journey (an active report answers its own 🆘 first), before the fallbacks."""
    application.add_handler(CallbackQueryHandler(on_tip, pattern=rf"^{NS}:tip$"))
    application.add_handler(CallbackQueryHandler(on_place, pattern=rf"^{NS}:place:"))
    application.add_handler(CallbackQueryHandler(on_numbers, pattern=rf"^({NS}:num|rep:sos)(:|$)"))


# -- the report's emergency path -----------------------------------------------------------------


def emergency_alert_text(_: Translator, areas, ward: str | None, contact: str | None) -> str:
    """What staff see at once when a reporter says a child is in danger now: where, and how
    to reach the reporter only if they agreed; never the child's name or the story."""
    place = areas.place(ward, _.language) if ward else _("not given yet")
    lines = [
        _("🚨 <b>A child may be in danger right now</b>"),
        _("A report is being written; the full report follows when it is sent."),
        _("📍 Place: {place}", place=place),
    ]
    if contact:
        lines.append(_("☎️ Reporter (agreed to be called): {contact}", contact=contact))
    else:
        lines.append(_("👤 Reporter: anonymous so far"))
    lines.append(_("Call 113 if someone must go there now."))
    return "\n".join(lines)


EMERGENCY_PRIVATELY = "emergency_alert_privately"


async def queue_emergency_alert(
    db, cipher, services, ward: str | None, contact: str | None, now, route_to: str | None = None
) -> None:
    """Alert the staff of the ward/commune at once (its staff group, or the staff covering it
    and the administrators privately: bot/scope.py), in the caller's transaction
    (bot/outbox.py). `route_to` is the unit to alert while the place is not given yet (the
    reporter's own)."""
    areas = services.areas
    unit = ward or route_to or None
    recipients = await routing.alert_recipients(db, unit, areas)
    if recipients.group_chat_id is not None:
        _ = services.i18n(None)
        await outbox.enqueue(
            db,
            cipher,
            recipients.group_chat_id,
            emergency_alert_text(_, areas, ward, contact),
            now=now,
            protect=True,
            instead=EMERGENCY_PRIVATELY,
            # The reporter's number stays encrypted here too.
            instead_args={
                "unit": unit,
                "ward": ward,
                "contact": cipher.encrypt(contact) if contact else None,
            },
        )
        return
    await _queue_private_emergency(db, cipher, services, recipients.people, ward, contact, now)


async def _queue_private_emergency(
    db, cipher, services, people, ward: str | None, contact: str | None, now
) -> None:
    for person in people:
        _ = services.i18n(person.language)
        await outbox.enqueue(
            db,
            cipher,
            person.telegram_id,
            emergency_alert_text(_, services.areas, ward, contact),
            now=now,
            protect=True,
        )


async def _emergency_privately(db, cipher, application, message, now) -> None:
    """The unit's staff group cannot be reached: its staff and the administrators hear
    privately instead."""
    args = message.instead_args
    log.warning("staff group of %s unreachable; emergency alert sent privately", args.get("unit"))
    contact = cipher.decrypt(args["contact"]) if args.get("contact") else None
    people = await routing.unit_people(db, args.get("unit"))
    await _queue_private_emergency(
        db, cipher, application.services, people, args.get("ward"), contact, now
    )


outbox.on_unreachable(EMERGENCY_PRIVATELY, _emergency_privately)
