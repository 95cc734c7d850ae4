"""A case's detail view as staff see it in their private chat: its text (details, legal
clocks, emergency decision, plan step) and the buttons of what can be done next. Shared by
the listing, the actions and the typed answers; no registration of its own."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot import keyboards
from bot.callbacks import Button
from bot.cases import notices
from bot.cases.buttons import (
    AcceptCase,
    AddNote,
    AddReferral,
    AssessRisk,
    AssignMenu,
    CaseHistory,
    CasePhotos,
    CloseMenu,
    EmergencyApplied,
    EmergencyNotNeeded,
    ListCases,
    MoveCase,
    OpenPlan,
    Reopen,
    Review,
)
from bot.cases.service import AlreadyClosed, CaseService
from bot.cases.texts import SEX_SHORT, age_text, case_place, groups_text, status_text
from bot.context import BotContext
from bot.guards import NotApplicable, PermissionDenied, require_query
from bot.i18n import N_, Html, Translator
from bot.messaging import answer_once, answer_stale_button, edit_quietly, notify
from bot.reports import lifecycle
from bot.text import truncate
from handlers.approvals import ROLE_LABELS
from storage.cases import Case, CaseSummary

DETAIL_LIMIT = 4000
RISK_ICONS = {"high": "🔴", "medium": "🟠", "low": "🟢"}
PLAN_STATES = {
    "draft": N_("being drafted"),
    "submitted": N_("waiting for approval"),
    "approved": N_("approved"),
    "returned": N_("sent back for changes"),
}
DENIED = N_("Sorry, only the staff covering this case and administrators can open or change it.")
MOVED_ON = N_("This case has moved on meanwhile; here is where it is now.")
ALREADY_CLOSED = N_("This case is already closed. Nothing was changed.")
OPEN_PRIVATELY = N_("Please open the case in your private chat with the bot.")


def service_for(context: BotContext) -> CaseService:
    return CaseService.of(context.services)


def in_private(query: CallbackQuery) -> bool:
    return query.message is not None and query.message.chat.type == ChatType.PRIVATE


def is_detail_view(query: CallbackQuery) -> bool:
    """The full case view (private, starts with 📁), as opposed to an alert copy."""
    message = query.message
    text = getattr(message, "text", None) if message is not None else None
    return in_private(query) and bool(text) and str(text).startswith("📁")


async def deny(query: CallbackQuery, _: Translator) -> None:
    await answer_once(query, _(DENIED), show_alert=True)


async def detail_text(context: BotContext, case: Case, _: Translator) -> str:
    service = service_for(context)
    areas = context.services.areas
    place = case_place(case, _, areas)
    if case.place_detail:
        place += " — " + case.place_detail
    if case.location:
        place += f" (🗺 {case.location[0]:.5f}, {case.location[1]:.5f})"
    child = ", ".join(
        [case.child_name or _("no name given"), age_text(case, _), _(SEX_SHORT[case.child_sex])]
    )
    if case.children > 1:
        child += ", " + _("{count} children", count=case.children)
    if case.contact_consent:
        reporter = _(
            "{name}, {phone} (agreed to be called)",
            name=case.reporter_name or "—",
            phone=case.reporter_phone or "—",
        )
    else:
        reporter = _("anonymous")
    clocks = []
    for deadline in await service.deadlines(case.id):
        name = _(notices.DEADLINE_NAMES[deadline["kind"]])
        if deadline["met_at"] and deadline["met_at"] > deadline["due_at"]:
            state = _("done {when}, late", when=_.short_datetime(deadline["met_at"]))
        elif deadline["met_at"]:
            state = _("done {when}", when=_.short_datetime(deadline["met_at"]))
        elif deadline["due_at"] <= context.now:
            state = _("⚠️ OVERDUE since {when}", when=_.short_datetime(deadline["due_at"]))
        else:
            state = _("due {when}", when=_.short_datetime(deadline["due_at"]))
        clocks.append(f"• {name}: {state}")
    risk = (
        (f"{RISK_ICONS[case.risk]} " + _(lifecycle.RISK_LABELS[case.risk]))
        if case.risk
        else _("not assessed yet")
    )
    decision = await service.emergency_decision(case.id)
    if decision is not None and decision.decision == "applied":
        clocks.append(
            "🚑 "
            + _(
                "Emergency measures applied {when}: {what}",
                when=_.short_datetime(decision.applied_at or decision.decided_at),
                what=decision.detail,
            )
        )
    elif decision is not None:
        clocks.append("✋ " + _("No emergency measures needed: {why}", why=decision.detail))
    plan = await service.current_plan(case.id)
    if plan is not None:
        clocks.append(
            "📋 "
            + _(
                "Plan (version {version}): {state}",
                version=plan.version,
                state=_(PLAN_STATES[plan.status]),
            )
        )

    assignee = await service.person_name(case.assignee_id)

    def build(description: str) -> str:
        return _(
            "📁 <b>{code}</b> — {status}\n{urgency} · Risk: {risk}\n📍 {place}\n👧 {child}\n"
            "📋 {groups}\n📝 {description}\n📷 Photos: {photos}\n👪 Cared for by: {caregiver}\n"
            "✅ Already done: {actions}\n☎️ Reporter ({role}): {reporter}\n"
            "🕒 Received {received}\n👤 Assigned to: {assignee}\n⏰ Legal clocks:\n{clocks}",
            code=case.code,
            status=status_text(case, _),
            urgency=_("🚨 Urgent") if case.urgent else _("Not urgent"),
            risk=risk,
            place=place,
            child=child,
            groups=groups_text(case, _),
            description=description,
            photos=case.photo_count,
            caregiver=case.caregiver or _("not known"),
            actions=case.actions or _("nothing yet"),
            role=_(ROLE_LABELS.get(case.reporter_role, ROLE_LABELS["public"])),
            reporter=Html(reporter),  # already escaped by _() above
            received=_.short_datetime(case.received_at),
            assignee=assignee,
            clocks="\n".join(clocks) or "—",
        )

    text = build(case.description)
    if len(text) > DETAIL_LIMIT:  # the longest description still fits one message
        text = build(truncate(case.description, len(case.description) - (len(text) - DETAIL_LIMIT)))
    return text


def detail_keyboard(
    case: CaseSummary, _: Translator, *, emergency_pending: bool = False, reopenable: bool = False
) -> InlineKeyboardMarkup:
    rows: list[list[keyboards.Button]] = []
    if case.status == "received":
        rows.append([(_("✅ Accept"), AcceptCase(case.id))])
    if emergency_pending and lifecycle.is_open(case.status):
        rows.append(
            [
                (_("🚑 Emergency measures applied"), EmergencyApplied(case.id)),
                (_("✋ Not needed"), EmergencyNotNeeded(case.id)),
            ]
        )
    if case.status == "assessment":
        rows.append(
            [
                (
                    RISK_ICONS[r] + " " + _("Risk: {level}", level=_(lifecycle.RISK_LABELS[r])),
                    AssessRisk(case.id, r),
                )
                for r in lifecycle.RISKS
            ]
        )
    for action in lifecycle.moves_from(case.status):
        if action in lifecycle.MOVE_LABELS:
            rows.append([(_(lifecycle.MOVE_LABELS[action]), MoveCase(case.id, action))])
    if case.status in ("planning", "in_progress", "review"):
        rows.append([(_("📋 Support plan"), OpenPlan(case.id))])
    if case.status == "in_progress":
        rows.append([(_("🔍 Review how it went…"), Review(case.id))])
    if case.status == "review":
        rows.append([(_("📝 New plan"), MoveCase(case.id, "replan"))])
    if lifecycle.is_open(case.status):
        rows.append(
            [(_("📝 Add a note"), AddNote(case.id)), (_("🔗 Referral"), AddReferral(case.id))]
        )
        rows.append([(_("👤 Assign"), AssignMenu(case.id)), (_("🏁 Close…"), CloseMenu(case.id))])
    elif reopenable:
        rows.append([(_("↩️ Reopen…"), Reopen(case.id))])
    rows.append([(_("🕓 History"), CaseHistory(case.id)), (_("📷 Photos"), CasePhotos(case.id))])
    rows.append([(_("‹ Cases"), ListCases())])
    return keyboards.inline(rows)


async def detail(context: BotContext, case: Case) -> tuple[str, InlineKeyboardMarkup]:
    _ = context.translate
    service = service_for(context)
    text = await detail_text(context, case, _)
    markup = detail_keyboard(
        case,
        _,
        emergency_pending=await service.needs_emergency_decision(case.id),
        reopenable=service.can_reopen(case, context.now),
    )
    return text, markup


async def show_detail(
    update: Update, context: BotContext, case_id: int, what: str = "detail", edit: bool = True
) -> None:
    """The detail view: edited in place in a private chat, sent privately from a group."""
    query = require_query(update)
    _ = context.translate
    service = service_for(context)
    case = await service.view(context.person, case_id, context.now, what=what)
    text, markup = await detail(context, case)
    if in_private(query) and edit and query.message is not None:
        await edit_quietly(query, text, reply_markup=markup)
        # An alert copy opened in place is now this person's case view: later updates of
        # the alert must not turn it back into the summary.
        await service.forget_alert_copy(query.message.chat.id, query.message.message_id)
        return
    sent = await notify(
        context, context.person.telegram_id, text, reply_markup=markup, protect_content=True
    )
    if sent is None:
        await answer_once(
            query,
            _("Please start a private chat with the bot first, then tap again."),
            show_alert=True,
        )


async def refresh(update: Update, context: BotContext, case_id: int | None) -> None:
    if case_id is None or not in_private(require_query(update)):
        return
    with contextlib.suppress(PermissionDenied, NotApplicable, TelegramError):
        await show_detail(update, context, case_id, what="refresh")


# -- one wrapper for every case button --------------------------------------------------------------
CaseAction = Callable[[Update, BotContext, Any], Awaitable[None]]
ButtonCallback = Callable[[Update, BotContext], Awaitable[None]]


def case_callback(spec: type[Button], action: CaseAction) -> ButtonCallback:
    """The callback of one kind of case button: the pressed data parsed to its typed fields
    (anything forged gets the one stale-button answer), and the service's refusals turned into
    polite answers. The service audits every refusal itself (once)."""

    async def pressed(update: Update, context: BotContext) -> None:
        query = require_query(update)
        _ = context.translate
        data = spec.parse(query.data)
        if data is None:
            await answer_stale_button(update, context)
            return
        case_id = getattr(data, "case_id", None)
        try:
            await action(update, context, data)
        except PermissionDenied:
            await deny(query, _)
        except AlreadyClosed:
            await answer_once(query, _(ALREADY_CLOSED), show_alert=True)
            await refresh(update, context, case_id)
        except NotApplicable:
            await answer_once(query, _(MOVED_ON), show_alert=True)
            await refresh(update, context, case_id)

    pressed.__name__ = f"case_{spec.action}"
    return pressed
