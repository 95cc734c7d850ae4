"""Typed answers that start from a case's button: a note, a referral, the emergency decision
(what was applied and when, or why none is needed), the review, the closing note, the reason
to reopen, and a search; the plan's typed answers (handlers/cases/plan_notes.py) run in the
same conversation. Registered before the report conversation: a note being typed takes the
text first."""

from __future__ import annotations

import datetime as dt

from telegram import Message, Update
from telegram.ext import ConversationHandler

from bot import keyboards
from bot.callbacks import Button
from bot.cases.buttons import (
    INPUTS,
    CancelInput,
    CloseWith,
    ConfirmClose,
    JustNow,
    KeepOpen,
    OpenCase,
)
from bot.cases.service import BeforeReceived
from bot.cases.texts import past_moment
from bot.context import BotContext
from bot.guards import NotApplicable, PermissionDenied, require_message, require_query
from bot.i18n import N_
from bot.messaging import STALE_BUTTON, edit_markup_quietly, edit_quietly
from bot.reports import lifecycle
from bot.reports.rules import case_rules
from handlers.cases.alerts import after_change
from handlers.cases.detail import (
    ALREADY_CLOSED,
    DENIED,
    MOVED_ON,
    OPEN_PRIVATELY,
    deny,
    in_private,
    service_for,
)
from handlers.cases.listing import reply_found
from handlers.cases.routes import TEXT

# As long as a report description: a field visit can take a long note (fits one message).
NOTE_MAX_CHARS = 2000
INPUT_PROMPTS = {
    "note": N_("📝 Type the note for {code} (up to {limit} characters)."),
    "ref": N_(
        "🔗 Type the service the case is referred to, and what was asked of it "
        "(up to {limit} characters)."
    ),
    "emg": N_(
        "🚑 {code}: which emergency measures were applied (Điều 31–32: e.g. the child "
        "taken to a safe place, temporary separation, medical care)? Type them."
    ),
    "emgno": N_("✋ {code}: why is no emergency intervention needed? Type the reason."),
    "rev": N_(
        "🔍 Review of {code} (Điều 30): type what was done, how the child is now, and "
        "whether the case can close or needs a new plan."
    ),
    "cls": N_(
        "🏁 Closing {code} — {outcome}. Type a closing note: what was done and why "
        "the case closes (for a referral: the service and what was asked of it)."
    ),
    "reo": N_("↩️ Why is {code} reopened? Type the reason."),
    "find": N_(
        "🔎 Type the case code as you have it (e.g. TE-2026-0001, te 26 1, or just "
        "0001), or a ward or commune (e.g. Chánh Hưng, phường 4 quận 8 cũ)."
    ),
}
EMERGENCY_WHEN = N_(
    "🕒 When were the measures applied? Type a time (e.g. 14:30, or 9h "
    "sáng nay), or tap “Just now”."
)
NOTHING_SAVED = N_("This case has moved on meanwhile; nothing was saved.")
# What each typed answer opens with: which cases it may start from.
NEEDS_OPEN = ("note", "ref", "emg", "emgno", "rev", "cls")


def _pressed(data: str | None) -> tuple[str, Button] | None:
    for kind, spec in INPUTS.items():
        pressed = spec.parse(data)
        if pressed is not None:
            return kind, pressed
    return None


async def start_input(update: Update, context: BotContext) -> int:
    query = require_query(update)
    _ = context.translate
    found = _pressed(query.data)
    if found is None:
        await query.answer(_(STALE_BUTTON), show_alert=True)
        return ConversationHandler.END
    kind, pressed = found
    case_id: int = getattr(pressed, "case_id", 0)
    outcome: str | None = pressed.outcome if isinstance(pressed, CloseWith) else None
    if not in_private(query) or not isinstance(query.message, Message):
        await query.answer(_(OPEN_PRIVATELY), show_alert=True)
        return ConversationHandler.END
    code = ""
    if kind == "find":
        if not context.person.is_staff:
            await deny(query, _)
            return ConversationHandler.END
    else:
        service = service_for(context)
        try:
            case = await service.summary(context.person, case_id, context.now, attempted=kind)
        except PermissionDenied:
            await deny(query, _)
            return ConversationHandler.END
        except NotApplicable:
            await query.answer(_(STALE_BUTTON), show_alert=True)
            return ConversationHandler.END
        code = case.code
        moved = (kind in NEEDS_OPEN and not lifecycle.is_open(case.status)) or (
            kind == "reo" and not service.can_reopen(case, context.now)
        )
        if kind == "cls" and not lifecycle.can_close(case.status, outcome or ""):
            moved = True
        if moved:
            closed = case.status == "closed" and kind == "cls"
            await query.answer(_(ALREADY_CLOSED if closed else MOVED_ON), show_alert=True)
            return ConversationHandler.END
    await query.answer()
    prompt = await query.message.reply_text(
        _(
            INPUT_PROMPTS[kind],
            code=code,
            limit=NOTE_MAX_CHARS,
            outcome=_(lifecycle.OUTCOME_LABELS[outcome]) if outcome else "",
        ),
        reply_markup=keyboards.inline([[(_("✖️ Cancel"), CancelInput())]]),
    )
    # Remember the prompt, so its Cancel button goes away once the text is saved.
    context.person_data["case_input"] = {
        "kind": kind,
        "case": case_id,
        "prompt": prompt.message_id,
        "outcome": outcome,
    }
    return TEXT


async def receive_input(update: Update, context: BotContext) -> int:
    _ = context.translate
    message = require_message(update)
    person = context.person
    pending = context.person_data.get("case_input") or {}
    text = (message.text or "").strip()
    if not text:
        return TEXT
    if len(text) > NOTE_MAX_CHARS:
        await message.reply_text(
            _(
                "That is {length} characters; the limit is {limit}. Please shorten it and send it "
                "again.",
                length=len(text),
                limit=NOTE_MAX_CHARS,
            )
        )
        return TEXT
    case_id: int = pending.get("case") or 0
    kind = pending.get("kind")
    if kind == "find":
        context.person_data.pop("case_input", None)
        await _tidy_prompt(update, context, pending)
        try:
            await reply_found(update, context, text)
        except PermissionDenied:
            await message.reply_text(_("This command is for staff."))
        return ConversationHandler.END
    if kind == "emg" and "measures" not in pending:
        pending["measures"] = text
        context.person_data["case_input"] = pending
        await _tidy_prompt(update, context, pending)
        prompt = await message.reply_text(
            _(EMERGENCY_WHEN),
            reply_markup=keyboards.inline(
                [[(_("⏱ Just now"), JustNow(case_id))], [(_("✖️ Cancel"), CancelInput())]]
            ),
        )
        pending["prompt"] = prompt.message_id
        return TEXT
    if kind == "emg":
        when = past_moment(text, context.now, context.services.settings.timezone)
        if when is None:
            await message.reply_text(
                _(
                    "Please type a time that has passed, e.g. 14:30 "
                    "or 9h sáng nay, or tap “Just now”."
                )
            )
            return TEXT
        return await _finish_emergency(update, context, pending, when)
    if kind == "cls":
        return await _ask_close_confirmation(update, context, pending, text)
    service = service_for(context)
    try:
        if kind in ("note", "ref"):
            change = await service.add_note(
                person, case_id, "note" if kind == "note" else "referral", text, context.now
            )
            done = _("Saved to {code}.", code=change.case.code)
        elif kind == "emgno":
            change = await service.emergency_not_needed(person, case_id, text, context.now)
            done = _(
                "Recorded for {code}: no emergency measures needed. The 12-hour clock is met.",
                code=change.case.code,
            )
        elif kind == "rev":
            change = await service.to_review(person, case_id, text, context.now)
            done = _(
                "Review recorded for {code}. Close the case, or make a new plan.",
                code=change.case.code,
            )
        elif kind == "reo":
            change = await service.reopen(person, case_id, text, context.now)
            done = _(
                "{code} is open again: {status}.",
                code=change.case.code,
                status=_(lifecycle.STATE_LABELS[change.case.status]),
            )
        else:
            return ConversationHandler.END
        await after_change(context, change)
    except PermissionDenied:  # audited by the service
        done = _(DENIED)
    except NotApplicable:
        done = _(NOTHING_SAVED)
    context.person_data.pop("case_input", None)
    await _tidy_prompt(update, context, pending)
    await message.reply_text(
        done, reply_markup=keyboards.inline([[(_("📄 Open the case"), OpenCase(case_id))]])
    )
    return ConversationHandler.END


async def _finish_emergency(
    update: Update, context: BotContext, pending: dict, when: dt.datetime
) -> int:
    _ = context.translate
    case_id = pending.get("case") or 0
    try:
        change = await service_for(context).emergency_applied(
            context.person, case_id, pending.get("measures", ""), when, context.now
        )
        await after_change(context, change)
        done = _(
            "Recorded for {code}: emergency measures applied {when}. The 12-hour clock is met.",
            code=change.case.code,
            when=_.short_datetime(when),
        )
    except PermissionDenied:
        done = _(DENIED)
    except NotApplicable:
        done = _(NOTHING_SAVED)
    except BeforeReceived as error:
        await require_message(update).reply_text(
            _(
                "That time is before the report arrived ({received}). Please type when "
                "the measures were applied, or tap “Just now”.",
                received=_.short_datetime(error.received_at),
            ),
            reply_markup=keyboards.inline(
                [[(_("⏱ Just now"), JustNow(case_id))], [(_("✖️ Cancel"), CancelInput())]]
            ),
        )
        return TEXT
    except ValueError:
        done = _("Please type the measures again: they are empty or too long.")
    context.person_data.pop("case_input", None)
    await _tidy_prompt(update, context, pending)
    await require_message(update).reply_text(
        done, reply_markup=keyboards.inline([[(_("📄 Open the case"), OpenCase(case_id))]])
    )
    return ConversationHandler.END


async def emergency_just_now(update: Update, context: BotContext) -> int:
    query = require_query(update)
    pending = context.person_data.get("case_input") or {}
    await query.answer()
    if pending.get("kind") != "emg" or "measures" not in pending:
        return ConversationHandler.END
    return await _finish_emergency(update, context, pending, context.now)


async def _ask_close_confirmation(
    update: Update, context: BotContext, pending: dict, note: str
) -> int:
    _ = context.translate
    message = require_message(update)
    case_id, outcome = pending.get("case") or 0, pending.get("outcome") or ""
    context.person_data.pop("case_input", None)
    await _tidy_prompt(update, context, pending)
    context.person_data["case_close"] = {"case": case_id, "outcome": outcome, "note": note}
    try:
        case = await service_for(context).summary(
            context.person, case_id, context.now, attempted="close"
        )
    except (PermissionDenied, NotApplicable):
        await message.reply_text(_(NOTHING_SAVED))
        return ConversationHandler.END
    await message.reply_text(
        _(
            "Close {code} — {outcome}?\nNote: {note}\nThe reporter will be told it is closed. "
            "It can be reopened within {days} days.",
            code=case.code,
            outcome=_(lifecycle.OUTCOME_LABELS[outcome]),
            note=note,
            days=case_rules().reopen_days,
        ),
        reply_markup=keyboards.inline(
            [
                [
                    (_("✅ Yes, close"), ConfirmClose(case_id, outcome)),
                    (_("✖️ No, keep it open"), KeepOpen(case_id)),
                ]
            ]
        ),
        protect_content=True,
    )
    return ConversationHandler.END


async def _tidy_prompt(update: Update, context: BotContext, pending: dict) -> None:
    if pending.get("prompt") and update.effective_chat is not None:
        await edit_markup_quietly(context.bot, update.effective_chat.id, pending["prompt"])


async def cancel_input(update: Update, context: BotContext) -> int:
    query = require_query(update)
    _ = context.translate
    await query.answer()
    context.person_data.pop("case_input", None)
    await edit_quietly(query, _("Cancelled. Nothing was saved."))
    return ConversationHandler.END


async def input_hint(update: Update, context: BotContext) -> int:
    _ = context.translate
    await require_message(update).reply_text(_("Please type the text, or tap Cancel."))
    return TEXT
