"""The support/intervention plan of a case (Mẫu 04) as staff build it on a phone: goals,
actions with who and by when, services chosen from the directory (content/services.json,
each marked confirmed or not); submitted for approval and approved or sent back (Mẫu 05) by
a staff member with the approving role. Thin: the rules are in bot/cases/service.py.
"""

from __future__ import annotations

import contextlib
import html

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, ConversationHandler, MessageHandler

from bot import callbacks, keyboards
from bot.cases.service import (
    MAX_ACTIONS,
    CaseService,
    can_approve_plan,
    find_service,
    service_categories,
    services_directory,
)
from bot.content import localized
from bot.context import BotContext
from bot.events.dates import DateError, local_today, parse
from bot.i18n import N_, Translator
from bot.messaging import edit_buttons_quietly, edit_markup_quietly, edit_quietly
from bot.reports import casework
from handlers.common import anything_else, free_text
from storage import cases as case_store
from storage.case_plans import Plan
from storage.cases import CaseSummary

NS = "cpl"
INPUT_NS = "cpi"
PLAN_TEXT = 1
SERVICES_PAGE = 8
PLAN_STATES = {
    "draft": N_("being drafted"),
    "submitted": N_("waiting for approval"),
    "approved": N_("approved"),
    "returned": N_("sent back for changes"),
}
PROMPTS = {
    "goals": N_(
        "🎯 Type the goals of the plan for {code}: what should be true for the child "
        "when the plan is done."
    ),
    "act": N_("➕ Type one action of the plan for {code}: what will be done."),
    "ret": N_("↩️ Why is the plan for {code} sent back? Type what must change."),
}
ASK_WHO = N_("👤 Who does it? (a name, a role or a service)")
ASK_BY = N_("📅 By when? Type a date (e.g. 15/6 or 15/06/2026), or tap “No date”.")


def _service(context: BotContext) -> CaseService:
    return CaseService.of(context.services)


def plan_text(case: CaseSummary, plan: Plan | None, plan_due, _: Translator) -> str:
    if plan is None:
        return _(
            "📋 <b>Support plan — {code}</b>\nNo plan yet: it is drafted once the case is "
            "verified.",
            code=case.code,
        )
    lines = [
        _(
            "📋 <b>Support plan — {code}</b> (version {version}, {state})",
            code=case.code,
            version=plan.version,
            state=_(PLAN_STATES.get(plan.status, plan.status)),
        )
    ]
    lines.append(_("🎯 Goals: {goals}", goals=plan.goals or "—"))
    lines.append(_("✅ Actions:"))
    for number, action in enumerate(plan.actions, 1):
        by = _.date(action.by) if action.by else _("no date")
        lines.append(
            f"{number}. " + _("{what} — {who}, by {by}", what=action.what, who=action.who, by=by)
        )
    if not plan.actions:
        lines.append("—")
    lines.append(_("🏥 Services:"))
    for code in plan.services:
        entry = find_service(code)
        if entry is None:
            continue
        mark = _("✔️ confirmed") if entry.confirmed else _("⚠️ not confirmed, check first")
        phone = f" ☎️ {entry.phone}" if entry.phone else ""
        lines.append(f"• {html.escape(entry.name(_.language))}{phone} ({mark})")
    if not plan.services:
        lines.append("—")
    if plan.status == "returned" and plan.decision_note:
        lines.append(_("↩️ Sent back: {why}", why=plan.decision_note))
    if plan.status == "approved" and plan.decided_at:
        lines.append(_("✅ Approved {when}", when=_.short_datetime(plan.decided_at)))
    if plan_due is not None:
        lines.append(
            _("⏰ To be approved by {when} (5 working days)", when=_.short_datetime(plan_due))
        )
    return "\n".join(lines)


def plan_keyboard(case: CaseSummary, plan: Plan | None, actor, _: Translator):
    rows: list[list[tuple[str, str]]] = []
    if plan is not None and plan.editable and case.status == "planning":
        rows.append(
            [
                (_("🎯 Goals"), callbacks.encode(INPUT_NS, "goals", case.id)),
                (_("➕ Action"), callbacks.encode(INPUT_NS, "act", case.id)),
            ]
        )
        rows.append(
            [
                (_("🏥 Services"), callbacks.encode(NS, "svc", case.id)),
                (_("🗑 Remove an action"), callbacks.encode(NS, "rm", case.id)),
            ]
        )
        rows.append([(_("📤 Submit for approval"), callbacks.encode(NS, "sub", case.id))])
    if (
        plan is not None
        and plan.status == "submitted"
        and case.status == "planning"
        and can_approve_plan(actor, case)
        and actor.telegram_id != plan.submitted_by
    ):
        rows.append(
            [
                (_("✅ Approve the plan"), callbacks.encode(NS, "ok", case.id)),
                (_("↩️ Send back"), callbacks.encode(INPUT_NS, "ret", case.id)),
            ]
        )
    rows.append([(_("‹ Case"), callbacks.encode("cas", "v", case.id))])
    return keyboards.inline(rows)


async def _render(context: BotContext, case_id: int):
    _ = context.translate
    service = _service(context)
    case = await service.summary(context.user, case_id, context.now)
    plan = await service.plan(context.user, case_id, context.now)
    due = next(
        (
            d["due_at"]
            for d in await case_store.deadlines(context.db, case_id)
            if d["kind"] == "plan" and d["met_at"] is None
        ),
        None,
    )
    return plan_text(case, plan, due, _), plan_keyboard(case, plan, context.user, _)


async def show_plan(update: Update, context: BotContext, case_id: int, *, edit: bool = True):
    text, markup = await _render(context, case_id)
    query = update.callback_query
    if edit and query is not None and query.message is not None:
        await edit_quietly(query, text, markup)
    else:
        await update.effective_message.reply_text(text, reply_markup=markup, protect_content=True)


# -- buttons ----------------------------------------------------------------------------------
async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    _ = context.translate
    data = callbacks.decode(query.data)
    case_id = data.int_arg(0) if data else None
    action = _ACTIONS.get(data.action) if data else None
    if action is None or case_id is None:
        await query.answer(_("This button is not valid."), show_alert=True)
        return
    try:
        await action(update, context, case_id, data)
    except casework.PermissionDenied:
        await _answer(
            query,
            _(
                "Sorry, only staff with the approving role for this case's "
                "ward or commune can do this."
            )
            if data.action == "ok"
            else _(
                "Sorry, only the staff covering this case and administrators can open or change it."
            ),
        )
    except casework.NotApplicable:
        await _answer(query, _("This plan has moved on meanwhile; here is where it is now."))
        with contextlib.suppress(casework.PermissionDenied, casework.NotApplicable, TelegramError):
            await show_plan(update, context, case_id)
    except ValueError as error:
        messages = {
            "incomplete": _("A plan needs goals and at least one action before it is submitted."),
            "too_many_services": _("That is the most services one plan can list."),
        }
        await _answer(query, messages.get(str(error), _("This cannot be saved as it is.")))


async def _answer(query, text: str) -> None:
    with contextlib.suppress(TelegramError):
        await query.answer(text, show_alert=True)


async def _act_view(update, context, case_id, data) -> None:
    await show_plan(update, context, case_id)
    await update.callback_query.answer()


async def _act_categories(update, context, case_id, data) -> None:
    _ = context.translate
    await _service(context).summary(context.user, case_id, context.now)
    rows = keyboards.columns(
        [
            (localized(names, _.language), callbacks.encode(NS, "cat", case_id, code, 0))
            for code, names in service_categories().items()
        ]
    )
    rows.append([(_("‹ Plan"), callbacks.encode(NS, "v", case_id))])
    await update.callback_query.answer()
    await edit_buttons_quietly(update.callback_query, keyboards.inline(rows))


async def _act_category(update, context, case_id, data) -> None:
    _ = context.translate
    category = data.arg(1)
    page = data.int_arg(2) or 0
    plan = await _service(context).plan(context.user, case_id, context.now)
    chosen = plan.services if plan else ()
    entries = [s for s in services_directory() if s.category == category]
    shown = entries[page * SERVICES_PAGE : (page + 1) * SERVICES_PAGE]
    rows = [
        [
            (
                ("☑️ " if s.code in chosen else "▫️ ")
                + s.name(_.language)
                + ("" if s.confirmed else " ⚠️"),
                callbacks.encode(NS, "tog", case_id, s.code),
            )
        ]
        for s in shown
    ]
    rows.append(
        keyboards.pager(
            NS,
            "cat",
            page,
            len(entries) > (page + 1) * SERVICES_PAGE,
            _("‹ Previous"),
            _("Next ›"),
            case_id,
            category,
        )
    )
    rows.append(
        [
            (_("‹ Categories"), callbacks.encode(NS, "svc", case_id)),
            (_("✔️ Done"), callbacks.encode(NS, "v", case_id)),
        ]
    )
    await update.callback_query.answer(
        _("⚠️ marks a service not confirmed yet: check it before sending a family there.")
    )
    await edit_buttons_quietly(update.callback_query, keyboards.inline(rows))


async def _act_toggle(update, context, case_id, data) -> None:
    code = data.arg(1) or ""
    entry = find_service(code)
    if entry is None:
        raise casework.NotApplicable(code)
    await _service(context).toggle_service(context.user, case_id, code, context.now)
    page = [s.code for s in services_directory() if s.category == entry.category].index(
        code
    ) // SERVICES_PAGE
    await _act_category(
        update,
        context,
        case_id,
        callbacks.decode(callbacks.encode(NS, "cat", case_id, entry.category, page)),
    )


async def _act_remove_menu(update, context, case_id, data) -> None:
    _ = context.translate
    plan = await _service(context).plan(context.user, case_id, context.now)
    if plan is None or not plan.editable or not plan.actions:
        await update.callback_query.answer(_("There is no action to remove."), show_alert=True)
        return
    rows = [
        [(f"🗑 {number}. {action.what[:40]}", callbacks.encode(NS, "rmi", case_id, number - 1))]
        for number, action in enumerate(plan.actions, 1)
    ]
    rows.append([(_("‹ Plan"), callbacks.encode(NS, "v", case_id))])
    await update.callback_query.answer()
    await edit_buttons_quietly(update.callback_query, keyboards.inline(rows))


async def _act_remove(update, context, case_id, data) -> None:
    _ = context.translate
    index = data.int_arg(1)
    if index is None:
        raise casework.NotApplicable(index)
    await _service(context).remove_action(context.user, case_id, index, context.now)
    await update.callback_query.answer(_("Removed."))
    await show_plan(update, context, case_id)


async def _act_submit(update, context, case_id, data) -> None:
    _ = context.translate
    await _service(context).submit_plan(context.user, case_id, context.now)
    await update.callback_query.answer(_("Submitted: the approvers are asked to approve it."))
    await show_plan(update, context, case_id)


async def _act_approve(update, context, case_id, data) -> None:
    _ = context.translate
    await _service(context).decide_plan(context.user, case_id, True, None, context.now)
    await update.callback_query.answer(_("Approved: the plan is in effect."))
    await show_plan(update, context, case_id)


_ACTIONS = {
    "v": _act_view,
    "svc": _act_categories,
    "cat": _act_category,
    "tog": _act_toggle,
    "rm": _act_remove_menu,
    "rmi": _act_remove,
    "sub": _act_submit,
    "ok": _act_approve,
}


# -- typed answers: goals, an action (what → who → by when), the reason to send back ---------
async def start_input(update: Update, context: BotContext) -> int:
    query = update.callback_query
    _ = context.translate
    data = callbacks.decode(query.data)
    case_id = data.int_arg(0) if data else None
    if data is None or data.action not in PROMPTS or case_id is None:
        await query.answer(_("This button is not valid."), show_alert=True)
        return ConversationHandler.END
    service = _service(context)
    try:
        case = await service.summary(context.user, case_id, context.now)
        plan = await service.plan(context.user, case_id, context.now)
    except casework.PermissionDenied:
        await _answer(
            query,
            _("Sorry, only the staff covering this case and administrators can open or change it."),
        )
        return ConversationHandler.END
    except casework.NotApplicable:
        await _answer(query, _("This button is no longer active. Please use /menu."))
        return ConversationHandler.END
    if data.action == "ret":
        allowed = (
            plan is not None
            and plan.status == "submitted"
            and can_approve_plan(context.user, case, context.services.areas)
            and context.user.telegram_id != plan.submitted_by
        )
    else:
        allowed = plan is not None and plan.editable and case.status == "planning"
        if data.action == "act" and plan is not None and len(plan.actions) >= MAX_ACTIONS:
            allowed = False
    if not allowed:
        await _answer(query, _("This plan has moved on meanwhile; here is where it is now."))
        return ConversationHandler.END
    await query.answer()
    prompt = await query.message.reply_text(
        _(PROMPTS[data.action], code=case.code),
        reply_markup=keyboards.inline([[(_("✖️ Cancel"), callbacks.encode(INPUT_NS, "cancel"))]]),
    )
    context.user_data["plan_input"] = {
        "kind": data.action,
        "case": case_id,
        "prompt": prompt.message_id,
    }
    return PLAN_TEXT


async def receive_input(update: Update, context: BotContext) -> int:
    _ = context.translate
    pending = context.user_data.get("plan_input") or {}
    text = (update.message.text or "").strip()
    if not text:
        return PLAN_TEXT
    kind, case_id = pending.get("kind"), pending.get("case")
    limit = 1000 if kind in ("goals", "ret") else 300
    if len(text) > limit:
        await update.message.reply_text(
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
        return await _next_step(update, context, pending, "who", text, ASK_BY, no_date=True)
    if kind == "act":
        timezone = context.services.settings.timezone
        today = local_today(context.now, timezone)
        try:
            moment = parse(text, today)
        except DateError:
            moment = None
        if moment is None or moment.date is None or moment.date < today:
            await update.message.reply_text(
                _("Please type a date from today on (e.g. 15/6), or tap “No date”.")
            )
            return PLAN_TEXT
        return await _save_action(update, context, pending, moment.date)
    service = _service(context)
    try:
        if kind == "goals":
            await service.set_goals(context.user, case_id, text, context.now)
        elif kind == "ret":
            await service.decide_plan(context.user, case_id, False, text, context.now)
        else:
            return ConversationHandler.END
    except casework.PermissionDenied:
        await update.message.reply_text(
            _("Sorry, only staff with the approving role for this case's area can do this.")
        )
    except casework.NotApplicable:
        await update.message.reply_text(_("This plan has moved on meanwhile; nothing was saved."))
    return await _finish(update, context, pending)


async def _next_step(
    update, context, pending: dict, field: str, text: str, question: str, no_date: bool
) -> int:
    _ = context.translate
    pending[field] = text
    await _tidy(update, context, pending)
    row = [(_("No date"), callbacks.encode(INPUT_NS, "nodate", pending["case"]))] if no_date else []
    prompt = await update.message.reply_text(
        _(question),
        reply_markup=keyboards.inline(
            [row, [(_("✖️ Cancel"), callbacks.encode(INPUT_NS, "cancel"))]]
        ),
    )
    pending["prompt"] = prompt.message_id
    context.user_data["plan_input"] = pending
    return PLAN_TEXT


async def _save_action(update, context, pending: dict, by) -> int:
    _ = context.translate
    try:
        await _service(context).add_action(
            context.user, pending["case"], pending["what"], pending["who"], by, context.now
        )
    except casework.PermissionDenied:
        await update.effective_message.reply_text(
            _("Sorry, only the staff covering this case and administrators can open or change it.")
        )
    except (casework.NotApplicable, ValueError):
        await update.effective_message.reply_text(
            _("This plan has moved on meanwhile; nothing was saved.")
        )
    return await _finish(update, context, pending)


async def no_date(update: Update, context: BotContext) -> int:
    await update.callback_query.answer()
    pending = context.user_data.get("plan_input") or {}
    if pending.get("kind") != "act" or "who" not in pending:
        return ConversationHandler.END
    return await _save_action(update, context, pending, None)


async def _tidy(update, context, pending: dict) -> None:
    if pending.get("prompt"):
        await edit_markup_quietly(context.bot, update.effective_chat.id, pending["prompt"])


async def _finish(update, context, pending: dict) -> int:
    context.user_data.pop("plan_input", None)
    await _tidy(update, context, pending)
    with contextlib.suppress(casework.PermissionDenied, casework.NotApplicable):
        await show_plan(update, context, pending["case"], edit=False)
    return ConversationHandler.END


async def cancel_input(update: Update, context: BotContext) -> int:
    _ = context.translate
    query = update.callback_query
    await query.answer()
    context.user_data.pop("plan_input", None)
    await edit_quietly(query, _("Cancelled. Nothing was saved."))
    return ConversationHandler.END


async def input_hint(update: Update, context: BotContext) -> int:
    _ = context.translate
    await update.effective_message.reply_text(_("Please type the text, or tap Cancel."))
    return PLAN_TEXT


ENTRY = rf"^{INPUT_NS}:({'|'.join(PROMPTS)}):"


def input_entry_points() -> list:
    """Entry points of the case input conversation (handlers/cases.py) for the plan."""
    return [CallbackQueryHandler(start_input, pattern=ENTRY)]


def input_handlers(i18n) -> list:
    return [
        MessageHandler(free_text(i18n), receive_input),
        CallbackQueryHandler(cancel_input, pattern=rf"^{INPUT_NS}:cancel"),
        CallbackQueryHandler(no_date, pattern=rf"^{INPUT_NS}:nodate:"),
        *input_entry_points(),
        MessageHandler(anything_else(i18n), input_hint),
    ]


def register(application: Application) -> None:
    application.add_handler(CallbackQueryHandler(on_button, pattern=callbacks.pattern(NS)))
