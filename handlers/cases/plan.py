"""The support/intervention plan of a case (Mẫu 04) as staff build it on a phone: goals,
actions with who and by when, services chosen from the directory (content/services.json,
each marked confirmed or not); submitted for approval and approved or sent back (Mẫu 05) by
a staff member with the approving role. Thin: the rules are in bot/cases/service.py; the typed answers (goals, an action, the reason
to send back) are in handlers/cases/plan_notes.py.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.error import TelegramError

from bot import keyboards
from bot.callbacks import Button
from bot.cases.buttons import (
    ApprovePlan,
    OpenCase,
    OpenPlan,
    PlanAction,
    PlanGoals,
    RemoveAction,
    RemoveMenu,
    SendBack,
    ServiceCategories,
    ServiceCategory,
    SubmitPlan,
    ToggleService,
)
from bot.cases.service import (
    CaseService,
    can_approve_plan,
    find_service,
    service_categories,
    services_directory,
)
from bot.content import localized
from bot.context import BotContext
from bot.guards import NotApplicable, PermissionDenied, require_message, require_query
from bot.i18n import N_, Translator
from bot.messaging import answer_stale_button, edit_buttons_quietly, edit_quietly
from storage.case_plans import Plan
from storage.cases import CaseSummary
from storage.users import User

SERVICES_PAGE = 8
PLAN_STATES = {
    "draft": N_("being drafted"),
    "submitted": N_("waiting for approval"),
    "approved": N_("approved"),
    "returned": N_("sent back for changes"),
}


def _service(context: BotContext) -> CaseService:
    return CaseService.of(context.services)


def plan_text(
    case: CaseSummary, plan: Plan | None, plan_due: dt.datetime | None, _: Translator
) -> str:
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
        if action.by:
            line = _(
                "{what} — {who}, by {by}", what=action.what, who=action.who, by=_.date(action.by)
            )
        else:
            line = _("{what} — {who}, no deadline", what=action.what, who=action.who)
        lines.append(f"{number}. {line}")
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


def plan_keyboard(
    case: CaseSummary, plan: Plan | None, actor: User, _: Translator
) -> InlineKeyboardMarkup:
    rows: list[list[keyboards.Button]] = []
    if plan is not None and plan.editable and case.status == "planning":
        rows.append(
            [
                (_("🎯 Goals"), PlanGoals(case.id)),
                (_("➕ Action"), PlanAction(case.id)),
            ]
        )
        rows.append(
            [
                (_("🏥 Services"), ServiceCategories(case.id)),
                (_("🗑 Remove an action"), RemoveMenu(case.id)),
            ]
        )
        rows.append([(_("📤 Submit for approval"), SubmitPlan(case.id))])
    if (
        plan is not None
        and plan.status == "submitted"
        and case.status == "planning"
        and can_approve_plan(actor, case)
        and actor.telegram_id != plan.submitted_by
    ):
        rows.append(
            [
                (_("✅ Approve the plan"), ApprovePlan(case.id)),
                (_("↩️ Send back"), SendBack(case.id)),
            ]
        )
    rows.append([(_("‹ Case"), OpenCase(case.id))])
    return keyboards.inline(rows)


async def _render(context: BotContext, case_id: int) -> tuple[str, InlineKeyboardMarkup]:
    _ = context.translate
    service = _service(context)
    case = await service.summary(context.person, case_id, context.now, attempted="plan")
    plan = await service.plan(context.person, case_id, context.now)
    due = await service.plan_due(case_id)
    return plan_text(case, plan, due, _), plan_keyboard(case, plan, context.person, _)


async def show_plan(
    update: Update, context: BotContext, case_id: int, *, edit: bool = True
) -> None:
    text, markup = await _render(context, case_id)
    query = update.callback_query
    if edit and query is not None and query.message is not None:
        await edit_quietly(query, text, markup)
    else:
        await require_message(update).reply_text(text, reply_markup=markup, protect_content=True)


# -- buttons ------------------------------------------------------------------------------------
PlanStep = Callable[[Update, BotContext, int, Any], Awaitable[None]]
DENIED = N_("Sorry, only the staff covering this case and administrators can open or change it.")
NOT_APPROVER = N_(
    "Sorry, only staff with the approving role for this case's ward or commune can do this."
)
PLAN_MOVED = N_("This plan has moved on meanwhile; here is where it is now.")


def plan_callback(
    spec: type[Button], step: PlanStep
) -> Callable[[Update, BotContext], Awaitable[None]]:
    """The callback of one kind of plan button: typed fields (forged: the one stale answer),
    the service's refusals as polite answers (the service audits them)."""

    async def pressed(update: Update, context: BotContext) -> None:
        query = require_query(update)
        _ = context.translate
        data = spec.parse(query.data)
        if data is None:
            await answer_stale_button(update, context)
            return
        case_id: int = data.case_id  # type: ignore[attr-defined]  # every plan button has one
        try:
            await step(update, context, case_id, data)
        except PermissionDenied:
            await _answer(query, _(NOT_APPROVER if isinstance(data, ApprovePlan) else DENIED))
        except NotApplicable:
            await _answer(query, _(PLAN_MOVED))
            with contextlib.suppress(PermissionDenied, NotApplicable, TelegramError):
                await show_plan(update, context, case_id)
        except ValueError as error:
            messages = {
                "incomplete": _(
                    "A plan needs goals and at least one action before it is submitted."
                ),
                "too_many_services": _("That is the most services one plan can list."),
            }
            await _answer(query, messages.get(str(error), _("This cannot be saved as it is.")))

    pressed.__name__ = f"plan_{spec.action}"
    return pressed


async def _answer(query: CallbackQuery, text: str) -> None:
    with contextlib.suppress(TelegramError):
        await query.answer(text, show_alert=True)


async def _act_view(update: Update, context: BotContext, case_id: int, data: OpenPlan) -> None:
    await show_plan(update, context, case_id)
    await require_query(update).answer()


async def _act_categories(
    update: Update, context: BotContext, case_id: int, data: ServiceCategories
) -> None:
    _ = context.translate
    await _service(context).summary(context.person, case_id, context.now, attempted="plan")
    rows: list[list[keyboards.Button]] = keyboards.columns(
        [
            (localized(names, _.language), ServiceCategory(case_id, code, 0))
            for code, names in service_categories().items()
        ]
    )
    rows.append([(_("‹ Plan"), OpenPlan(case_id))])
    query = require_query(update)
    await query.answer()
    await edit_buttons_quietly(query, keyboards.inline(rows))


async def _act_category(
    update: Update, context: BotContext, case_id: int, data: ServiceCategory
) -> None:
    _ = context.translate
    category = data.category
    page = data.page
    plan = await _service(context).plan(context.person, case_id, context.now)
    chosen = plan.services if plan else ()
    entries = [s for s in services_directory() if s.category == category]
    shown = entries[page * SERVICES_PAGE : (page + 1) * SERVICES_PAGE]
    rows: list[list[keyboards.Button]] = [
        [
            (
                ("☑️ " if s.code in chosen else "▫️ ")
                + s.name(_.language)
                + ("" if s.confirmed else " ⚠️"),
                ToggleService(case_id, s.code),
            )
        ]
        for s in shown
    ]
    rows.append(
        keyboards.page_row(
            page,
            len(entries) > (page + 1) * SERVICES_PAGE,
            _("‹ Previous"),
            _("Next ›"),
            lambda n: ServiceCategory(case_id, category, n),
        )
    )
    rows.append(
        [
            (_("‹ Categories"), ServiceCategories(case_id)),
            (_("✔️ Done"), OpenPlan(case_id)),
        ]
    )
    query = require_query(update)
    await query.answer(
        _("⚠️ marks a service not confirmed yet: check it before sending a family there.")
    )
    await edit_buttons_quietly(query, keyboards.inline(rows))


async def _act_toggle(
    update: Update, context: BotContext, case_id: int, data: ToggleService
) -> None:
    entry = find_service(data.code)
    if entry is None:
        raise NotApplicable(data.code)
    await _service(context).toggle_service(context.person, case_id, data.code, context.now)
    codes = [s.code for s in services_directory() if s.category == entry.category]
    page = codes.index(data.code) // SERVICES_PAGE
    await _act_category(update, context, case_id, ServiceCategory(case_id, entry.category, page))


async def _act_remove_menu(
    update: Update, context: BotContext, case_id: int, data: RemoveMenu
) -> None:
    _ = context.translate
    query = require_query(update)
    plan = await _service(context).plan(context.person, case_id, context.now)
    if plan is None or not plan.editable or not plan.actions:
        await query.answer(_("There is no action to remove."), show_alert=True)
        return
    rows: list[list[keyboards.Button]] = [
        [(f"🗑 {number}. {action.what[:40]}", RemoveAction(case_id, number - 1))]
        for number, action in enumerate(plan.actions, 1)
    ]
    rows.append([(_("‹ Plan"), OpenPlan(case_id))])
    await query.answer()
    await edit_buttons_quietly(query, keyboards.inline(rows))


async def _act_remove(
    update: Update, context: BotContext, case_id: int, data: RemoveAction
) -> None:
    _ = context.translate
    await _service(context).remove_action(context.person, case_id, data.index, context.now)
    await require_query(update).answer(_("Removed."))
    await show_plan(update, context, case_id)


async def _act_submit(update: Update, context: BotContext, case_id: int, data: SubmitPlan) -> None:
    _ = context.translate
    change = await _service(context).submit_plan(context.person, case_id, context.now)
    if change.detail.get("approvers"):
        await require_query(update).answer(_("Submitted: the approvers are asked to approve it."))
    else:
        await require_query(update).answer(
            _(
                "Submitted, but nobody can approve it yet: no other plan approver covers this "
                "area. Please ask an administrator to name one (/planapprover)."
            ),
            show_alert=True,
        )
    await show_plan(update, context, case_id)


async def _act_approve(
    update: Update, context: BotContext, case_id: int, data: ApprovePlan
) -> None:
    _ = context.translate
    await _service(context).decide_plan(context.person, case_id, True, None, context.now)
    await require_query(update).answer(_("Approved: the plan is in effect."))
    await show_plan(update, context, case_id)


# The buttons' callbacks, registered by handlers/cases/routes.py (imported at the first press).
on_view = plan_callback(OpenPlan, _act_view)
on_categories = plan_callback(ServiceCategories, _act_categories)
on_category = plan_callback(ServiceCategory, _act_category)
on_toggle = plan_callback(ToggleService, _act_toggle)
on_remove_menu = plan_callback(RemoveMenu, _act_remove_menu)
on_remove = plan_callback(RemoveAction, _act_remove)
on_submit = plan_callback(SubmitPlan, _act_submit)
on_approve = plan_callback(ApprovePlan, _act_approve)
