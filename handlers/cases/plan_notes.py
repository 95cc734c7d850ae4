"""The plan's typed answers: its goals, one action (what → who → by when), the reason to send
it back. They run inside the case input conversation (handlers/cases/notes.py), which
registers them; no registration of their own."""

from __future__ import annotations

import contextlib
import datetime as dt

from telegram import Message, Update
from telegram.ext import ConversationHandler

from bot import keyboards
from bot.cases.buttons import PLAN_INPUTS, CancelPlanInput, NoDate, PlanAction, SendBack
from bot.cases.service import MAX_ACTIONS, can_approve_plan
from bot.context import BotContext
from bot.events.dates import DateError, local_today, parse
from bot.guards import NotApplicable, PermissionDenied, require_message, require_query
from bot.i18n import N_
from bot.messaging import STALE_BUTTON, edit_markup_quietly, edit_quietly
from handlers.cases.plan import DENIED, PLAN_MOVED, _answer, _service, show_plan
from handlers.cases.routes import PLAN_TEXT

PROMPTS = {
    "goals": N_(
        "🎯 Type the goals of the plan for {code}: what should be true for the child "
        "when the plan is done."
    ),
    "act": N_("➕ Type one action of the plan for {code}: what will be done."),
    "ret": N_("↩️ Why is the plan for {code} sent back? Type what must change."),
}
ASK_WHO = N_("👤 Who does it? (a name, a role or a service)")
ASK_BY = N_("📅 By when? Type a date (e.g. {example}), or tap “No date”.")
EXAMPLE_DAYS = 14  # the example date: two weeks from today, never a past one
NOTHING_SAVED = N_("This plan has moved on meanwhile; nothing was saved.")


async def start_input(update: Update, context: BotContext) -> int:
    query = require_query(update)
    _ = context.translate
    found = next(
        (
            (kind, pressed)
            for kind, spec in PLAN_INPUTS.items()
            if (pressed := spec.parse(query.data)) is not None
        ),
        None,
    )
    if found is None or not isinstance(query.message, Message):
        await query.answer(_(STALE_BUTTON), show_alert=True)
        return ConversationHandler.END
    kind, pressed = found
    case_id: int = pressed.case_id  # type: ignore[attr-defined]  # every plan input has one
    service = _service(context)
    person = context.person
    try:
        case = await service.summary(person, case_id, context.now, attempted="plan")
        plan = await service.plan(person, case_id, context.now)
    except PermissionDenied:
        await _answer(query, _(DENIED))
        return ConversationHandler.END
    except NotApplicable:
        await _answer(query, _(STALE_BUTTON))
        return ConversationHandler.END
    if isinstance(pressed, SendBack):
        allowed = (
            plan is not None
            and plan.status == "submitted"
            and can_approve_plan(person, case, context.services.areas)
            and person.telegram_id != plan.submitted_by
        )
    else:
        allowed = plan is not None and plan.editable and case.status == "planning"
        if isinstance(pressed, PlanAction) and plan is not None:
            allowed = allowed and len(plan.actions) < MAX_ACTIONS
    if not allowed:
        await _answer(query, _(PLAN_MOVED))
        return ConversationHandler.END
    await query.answer()
    prompt = await query.message.reply_text(
        _(PROMPTS[kind], code=case.code),
        reply_markup=keyboards.inline([[(_("✖️ Cancel"), CancelPlanInput())]]),
    )
    context.person_data["plan_input"] = {
        "kind": kind,
        "case": case_id,
        "prompt": prompt.message_id,
    }
    return PLAN_TEXT


async def receive_input(update: Update, context: BotContext) -> int:
    _ = context.translate
    message = require_message(update)
    pending = context.person_data.get("plan_input") or {}
    text = (message.text or "").strip()
    if not text:
        return PLAN_TEXT
    kind, case_id = pending.get("kind"), pending.get("case") or 0
    limit = 1000 if kind in ("goals", "ret") else 300
    if len(text) > limit:
        await message.reply_text(
            _(
                "That is {length} characters; the limit is {limit}. Please shorten it and send it "
                "again.",
                length=len(text),
                limit=limit,
            )
        )
        return PLAN_TEXT
    if kind == "act" and "what" not in pending:
        return await _next_step(update, context, pending, "what", text, ASK_WHO, no_date=False)
    if kind == "act" and "who" not in pending:
        today = local_today(context.now, context.services.settings.timezone)
        example = (today + dt.timedelta(days=EXAMPLE_DAYS)).strftime("%d/%m/%Y")
        return await _next_step(
            update, context, pending, "who", text, ASK_BY, no_date=True, example=example
        )
    if kind == "act":
        timezone = context.services.settings.timezone
        today = local_today(context.now, timezone)
        try:
            moment = parse(text, today)
        except DateError:
            moment = None
        if moment is None or moment.date is None or moment.date < today:
            await message.reply_text(
                _("Please type a date from today on (e.g. 15/6), or tap “No date”.")
            )
            return PLAN_TEXT
        return await _save_action(update, context, pending, moment.date)
    service = _service(context)
    try:
        if kind == "goals":
            await service.set_goals(context.person, case_id, text, context.now)
        elif kind == "ret":
            await service.decide_plan(context.person, case_id, False, text, context.now)
        else:
            return ConversationHandler.END
    except PermissionDenied:
        await message.reply_text(
            _("Sorry, only staff with the approving role for this case's area can do this.")
        )
    except NotApplicable:
        await message.reply_text(_(NOTHING_SAVED))
    return await _finish(update, context, pending)


async def _next_step(
    update: Update,
    context: BotContext,
    pending: dict,
    field: str,
    text: str,
    question: str,
    no_date: bool,
    **params: str,
) -> int:
    _ = context.translate
    pending[field] = text
    await _tidy(update, context, pending)
    row: list[keyboards.Button] = [(_("No date"), NoDate(pending["case"]))] if no_date else []
    prompt = await require_message(update).reply_text(
        _(question, **params),
        reply_markup=keyboards.inline([row, [(_("✖️ Cancel"), CancelPlanInput())]]),
    )
    pending["prompt"] = prompt.message_id
    context.person_data["plan_input"] = pending
    return PLAN_TEXT


async def _save_action(
    update: Update, context: BotContext, pending: dict, by: dt.date | None
) -> int:
    _ = context.translate
    message = require_message(update)
    try:
        await _service(context).add_action(
            context.person, pending["case"], pending["what"], pending["who"], by, context.now
        )
    except PermissionDenied:
        await message.reply_text(_(DENIED))
    except (NotApplicable, ValueError):
        await message.reply_text(_(NOTHING_SAVED))
    return await _finish(update, context, pending)


async def no_date(update: Update, context: BotContext) -> int:
    await require_query(update).answer()
    pending = context.person_data.get("plan_input") or {}
    if pending.get("kind") != "act" or "who" not in pending:
        return ConversationHandler.END
    return await _save_action(update, context, pending, None)


async def _tidy(update: Update, context: BotContext, pending: dict) -> None:
    if pending.get("prompt") and update.effective_chat is not None:
        await edit_markup_quietly(context.bot, update.effective_chat.id, pending["prompt"])


async def _finish(update: Update, context: BotContext, pending: dict) -> int:
    context.person_data.pop("plan_input", None)
    await _tidy(update, context, pending)
    with contextlib.suppress(PermissionDenied, NotApplicable):
        await show_plan(update, context, pending["case"], edit=False)
    return ConversationHandler.END


async def cancel_input(update: Update, context: BotContext) -> int:
    _ = context.translate
    query = require_query(update)
    await query.answer()
    context.person_data.pop("plan_input", None)
    await edit_quietly(query, _("Cancelled. Nothing was saved."))
    return ConversationHandler.END


async def input_hint(update: Update, context: BotContext) -> int:
    _ = context.translate
    await require_message(update).reply_text(_("Please type the text, or tap Cancel."))
    return PLAN_TEXT
