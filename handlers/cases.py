"""Cases for staff: new-case alerts, /cases and /case (find by code or unit) with filters,
the detail view and its actions (accept, assess, emergency decision, verify, review, new plan,
notes, referrals, assign, close with a reason, a note and a confirmation, reopen), /bind for the
staff group of a unit or programme area. The plan itself is in handlers/case_plan.py.

Thin handlers: the rules live in bot/cases/service.py, the messages to others (and the legal
clocks' reminders) in bot/cases/notices.py. Every button re-checks on the server that the
presser is staff covering the case's unit or an administrator (`casework.check_access`); stale
or forged buttons change nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import callbacks, keyboards, menu, outbox, scheduling, staff_copies
from bot import scope as access
from bot.cases import notices
from bot.cases.service import AlreadyClosed, CaseService, Change, code_pattern
from bot.context import BotContext
from bot.conversations import ExclusiveConversation
from bot.crypto import cipher_for
from bot.events.dates import DateError, combine, local_today, parse
from bot.i18n import N_, Html, Translator
from bot.messaging import edit_buttons_quietly, edit_markup_quietly, edit_quietly, notify
from bot.reports import casework, lifecycle, routing
from bot.reports.rules import case_rules, situation
from bot.text import join_within, truncate
from handlers import case_plan
from handlers.approvals import ROLE_LABELS
from handlers.common import anything_else, free_text, leave_handlers
from storage import alert_copies, audit, case_plans, users
from storage import cases as case_store
from storage.alert_copies import AlertCopy
from storage.cases import Case, CaseSummary, Note

log = logging.getLogger(__name__)

NS = "cas"
INPUT_NS = "cin"
TEXT = 0
PRIVATE = filters.ChatType.PRIVATE
# As long as a report description: a field visit can take a long note (fits one message).
NOTE_MAX_CHARS = 2000
DETAIL_LIMIT = 4000

SEX_SHORT = {"male": N_("boy"), "female": N_("girl"), "unknown": N_("sex not known")}
DEADLINE_NAMES = notices.DEADLINE_NAMES
RISK_ICONS = {"high": "🔴", "medium": "🟠", "low": "🟢"}
SCOPE_LABELS = {
    "open": N_("Open"),
    "mine": N_("Mine"),
    "overdue": N_("Overdue"),
    "closed": N_("Closed"),
    "all": N_("All"),
}
PLAN_STATES = {
    "draft": N_("being drafted"),
    "submitted": N_("waiting for approval"),
    "approved": N_("approved"),
    "returned": N_("sent back for changes"),
}
NO_DASH = "-"  # "no unit filter" in callback data
OPEN_DASHBOARD = N_("📋 Open the case dashboard")


# -- texts ------------------------------------------------------------------------------------
def age_text(case: CaseSummary, _: Translator) -> str:
    if case.child_age is None:
        return _("age not known")
    if case.age_estimated:
        text = _("about {age} years old", age=case.child_age)
    else:
        text = _("{age} years old", age=case.child_age)
    if case.child_age >= 16:
        text += " " + _("(a minor of 16–17, not a child under the Law on Children)")
    return text


def groups_text(case: CaseSummary, _: Translator) -> str:
    return (
        "; ".join(
            s.label(_.language) for code in case.situations if (s := situation(code)) is not None
        )
        or "—"
    )


def status_text(case: CaseSummary, _: Translator) -> str:
    text = _(lifecycle.STATE_LABELS[case.status])
    if case.status == "closed" and case.outcome:
        text += " — " + _(lifecycle.OUTCOME_LABELS[case.outcome])
    return text


def alert_text(case: CaseSummary, _: Translator, areas) -> str:
    """What a staff group sees of a new case: never the child's name or the story."""
    urgency = (
        _("🚨 <b>URGENT</b>: emergency intervention is due within 12 hours.")
        if case.urgent
        else _("Not urgent: a support plan within 5 working days.")
    )
    return _(
        "🆕 <b>New report {code}</b>\n{urgency}\n📍 {place}\n📋 {groups}\n👧 {age}, {sex}"
        "{children}\n🕒 Received {received}",
        code=case.code,
        urgency=Html(urgency),
        place=case_place(case, _, areas),
        groups=groups_text(case, _),
        age=age_text(case, _),
        sex=_(SEX_SHORT[case.child_sex]),
        children=(", " + _("{count} children", count=case.children)) if case.children > 1 else "",
        received=_.short_datetime(case.received_at),
    )


def alert_keyboard(case: CaseSummary, _: Translator, accepted: bool = False):
    row = [] if accepted else [(_("✅ Accept"), callbacks.encode(NS, "acc", case.id))]
    row.append((_("📄 Details"), callbacks.encode(NS, "v", case.id)))
    return keyboards.inline([row])


# What every copy of a case's alert says once someone took the case.
ALERT_ACCEPTED = N_("✅ Accepted · in charge: {name}")
ALERT_ASSIGNED = N_("👤 Assigned to {name}, not accepted yet")
ALERT_CLOSED = N_("🏁 Closed — {outcome}")


async def alert_state_line(db, case: CaseSummary, _: Translator) -> str | None:
    """Who took the case, or that it is closed; None while it still waits for someone."""
    if case.status == "closed":
        outcome = lifecycle.OUTCOME_LABELS.get(case.outcome or "", lifecycle.STATE_LABELS["closed"])
        return _(ALERT_CLOSED, outcome=_(outcome))
    if case.assignee_id is None:
        return None
    name = await _person_name(db, case.assignee_id)
    line = ALERT_ASSIGNED if case.status == "received" else ALERT_ACCEPTED
    return _(line, name=name)


async def alert_copy(db, case: CaseSummary, _: Translator, areas):
    """One staff copy of the alert as it should look now: the same non-identifying summary,
    then who took the case (or that it is closed) and only the Details button."""
    text = alert_text(case, _, areas)
    line = await alert_state_line(db, case, _)
    if line is None:
        return text, alert_keyboard(case, _)
    return text + "\n\n" + line, alert_keyboard(case, _, accepted=True)


async def sync_alerts(context: BotContext, case: CaseSummary, query=None) -> None:
    """Bring every copy of the case's alert up to date after an accept, assignment or
    closing. The pressed message is included when it is an alert (it may predate the
    recording of copies); copies that cannot be edited any more are skipped."""
    i18n, areas = context.services.i18n, context.services.areas

    async def render(copy: AlertCopy):
        return await alert_copy(context.db, case, i18n(copy.language), areas)

    extra = []
    if query is not None and query.message is not None and not _is_detail_view(query):
        language = context.translate.language if _in_private(query) else None
        extra.append(
            AlertCopy(
                "case",
                case.id,
                query.message.chat.id,
                query.message.message_id,
                language,
                "new",
                None,
            )
        )
    await staff_copies.sync(
        context.bot,
        context.db,
        "case",
        case.id,
        render,
        context.now,
        extra=extra,
        final=case.status == "closed",
    )


async def _person_name(context_db, user_id: int | None) -> str:
    if user_id is None:
        return "—"
    person = await users.get(context_db, user_id)
    return person.display_name if person and person.display_name else str(user_id)


def case_place(case: CaseSummary, _: Translator, areas) -> str:
    """Today's unit, the other candidates of a split old unit, and the place as reported."""
    language = _.language
    if not case.ward:
        place = _("ward/commune not known")
    elif areas.in_programme(case.ward):
        place = areas.unit_name(case.ward, language)
    else:
        place = _("{unit} (outside the programme)", unit=areas.place(case.ward, language))
    others = [code for code in casework.case_units(case, areas) if code != case.ward]
    if others:
        place = _(
            "{unit} or {others}",
            unit=place,
            others=", ".join(areas.unit_name(code, language) for code in others),
        )
    if case.reported_place and case.reported_place != case.ward:
        place = _(
            "{unit} (reported as {old})", unit=place, old=areas.place(case.reported_place, language)
        )
    return place


async def detail_text(context: BotContext, case: Case, _: Translator) -> str:
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
    for deadline in await case_store.deadlines(context.db, case.id):
        name = _(DEADLINE_NAMES[deadline["kind"]])
        if deadline["met_at"]:
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
    cipher = cipher_for(context.services)
    decision = await case_plans.emergency(context.db, cipher, case.id)
    if decision is not None and decision.decision == "applied":
        clocks.append(
            "🚑 "
            + _(
                "Emergency measures applied {when}: {what}",
                when=_.short_datetime(decision.applied_at),
                what=decision.detail,
            )
        )
    elif decision is not None:
        clocks.append("✋ " + _("No emergency measures needed: {why}", why=decision.detail))
    plan = await case_plans.current(context.db, cipher, case.id)
    if plan is not None:
        clocks.append(
            "📋 "
            + _(
                "Plan (version {version}): {state}",
                version=plan.version,
                state=_(PLAN_STATES[plan.status]),
            )
        )

    assignee = await _person_name(context.db, case.assignee_id)

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
            caregiver=case.caregiver or "—",
            actions=case.actions or "—",
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
):
    rows: list[list[tuple[str, str]]] = []
    if case.status == "received":
        rows.append([(_("✅ Accept"), callbacks.encode(NS, "acc", case.id))])
    if emergency_pending and lifecycle.is_open(case.status):
        rows.append(
            [
                (_("🚑 Emergency measures applied"), callbacks.encode(INPUT_NS, "emg", case.id)),
                (_("✋ Not needed"), callbacks.encode(INPUT_NS, "emgno", case.id)),
            ]
        )
    if case.status == "assessment":
        rows.append(
            [
                (
                    RISK_ICONS[r] + " " + _("Risk: {level}", level=_(lifecycle.RISK_LABELS[r])),
                    callbacks.encode(NS, "rsk", case.id, r),
                )
                for r in lifecycle.RISKS
            ]
        )
    for action in lifecycle.moves_from(case.status):
        if action in lifecycle.MOVE_LABELS:
            rows.append(
                [(_(lifecycle.MOVE_LABELS[action]), callbacks.encode(NS, "go", case.id, action))]
            )
    if case.status in ("planning", "in_progress", "review"):
        rows.append([(_("📋 Support plan"), callbacks.encode("cpl", "v", case.id))])
    if case.status == "in_progress":
        rows.append([(_("🔍 Review how it went…"), callbacks.encode(INPUT_NS, "rev", case.id))])
    if case.status == "review":
        rows.append([(_("📝 New plan"), callbacks.encode(NS, "go", case.id, "replan"))])
    if lifecycle.is_open(case.status):
        rows.append(
            [
                (_("📝 Add a note"), callbacks.encode(INPUT_NS, "note", case.id)),
                (_("🔗 Referral"), callbacks.encode(INPUT_NS, "ref", case.id)),
            ]
        )
        rows.append(
            [
                (_("👤 Assign"), callbacks.encode(NS, "asg", case.id)),
                (_("🏁 Close…"), callbacks.encode(NS, "cls", case.id)),
            ]
        )
    elif reopenable:
        rows.append([(_("↩️ Reopen…"), callbacks.encode(INPUT_NS, "reo", case.id))])
    rows.append(
        [
            (_("🕓 History"), callbacks.encode(NS, "hist", case.id)),
            (_("📷 Photos"), callbacks.encode(NS, "ph", case.id)),
        ]
    )
    rows.append([(_("‹ Cases"), callbacks.encode(NS, "ls", "open", NO_DASH, 0))])
    return keyboards.inline(rows)


def service_for(context: BotContext) -> CaseService:
    return CaseService.of(context.services)


# -- new cases --------------------------------------------------------------------------------
async def announce_new_case(context: BotContext, case_id: int) -> None:
    """Alert the staff group of the case's unit (or programme group), or the staff covering
    the unit and the administrators privately.

    Outbox-backed: inside the caller's transaction the alerts are committed with its change;
    outside one they are queued in a transaction of their own. Either way the delivery
    engine sends them (and records every copy) right after the commit. Each chat is alerted
    about a case once: announcing it again (a quick tip that got its place) reaches only
    those who have not heard of it yet."""
    async with context.db.atomic():
        await queue_new_case_alert(
            context.db, cipher_for(context.services), context.services, case_id, context.now
        )


async def queue_new_case_alert(db, cipher, services, case_id: int, now: dt.datetime) -> None:
    """The new-case alerts, queued in the current transaction (see `announce_new_case`)."""
    case = await case_store.summary(db, case_id, now)
    if case is None:
        return
    i18n, areas = services.i18n, services.areas
    recipients = await routing.alert_recipients(db, case.ward or None, areas)
    if recipients.group_chat_id is not None:
        _ = i18n(None)
        await outbox.enqueue(
            db,
            cipher,
            recipients.group_chat_id,
            alert_text(case, _, areas),
            now=now,
            markup=alert_keyboard(case, _),
            protect=True,
            copy=outbox.CopyOf("case", case.id, None),
            instead=ALERT_PRIVATELY,
            instead_args={"case_id": case.id},
            dedupe_key=_alert_key(case.id, recipients.group_chat_id),
        )
        return
    await _queue_private_alerts(db, cipher, services, case, recipients.people, now)


def _alert_key(case_id: int, chat_id: int) -> str:
    """One new-case alert per chat and case, however often the case is announced."""
    return f"case:{case_id}:alert:{chat_id}"


async def _queue_private_alerts(
    db, cipher, services, case: CaseSummary, people, now: dt.datetime
) -> None:
    i18n, areas = services.i18n, services.areas
    for person in people:
        _ = i18n(person.language)
        # Recorded in the language it was written in, so later edits read the same.
        await outbox.enqueue(
            db,
            cipher,
            person.telegram_id,
            alert_text(case, _, areas),
            now=now,
            markup=alert_keyboard(case, _),
            protect=True,
            copy=outbox.CopyOf("case", case.id, _.language),
            dedupe_key=_alert_key(case.id, person.telegram_id),
        )


ALERT_PRIVATELY = "case_alert_privately"


async def _alert_privately(db, cipher, application, message, now: dt.datetime) -> None:
    """The unit's staff group cannot be reached: the staff covering the unit and the
    administrators hear privately instead."""
    case = await case_store.summary(db, message.instead_args.get("case_id", 0), now)
    if case is None:
        return
    log.warning("staff group of %s unreachable; alerting staff privately", case.ward)
    people = await routing.unit_people(db, case.ward or None)
    await _queue_private_alerts(db, cipher, application.services, case, people, now)


outbox.on_unreachable(ALERT_PRIVATELY, _alert_privately)


async def after_change(context: BotContext, change: Change, query=None) -> None:
    """Bring the alert copies up to date when who has the case or whether it is open
    changed. Who must hear of the change was queued in the outbox in its transaction
    (CaseService, bot/cases/notices.py)."""
    # Who has it, whether it is open, and whether it became urgent show on every alert copy.
    if change.event in ("accepted", "assigned", "closed", "reopened") or change.detail.get(
        "emergency_started"
    ):
        await sync_alerts(context, change.case, query)


# -- listing ----------------------------------------------------------------------------------
async def cases_command(update: Update, context: BotContext) -> None:
    _ = context.translate
    if not context.user.is_staff:
        await update.message.reply_text(_("This command is for staff."))
        return
    text, markup = await _list_view(context, "open", None, 0)
    await update.message.reply_text(text, reply_markup=markup, protect_content=True)


async def case_command(update: Update, context: BotContext) -> None:
    """/case TE-2026-0001 (or "te 26 1", "0001") opens it; /case Chánh Hưng (or an old name,
    "phường 4 quận 8") lists the cases of that ward or commune."""
    _ = context.translate
    if not context.user.is_staff:
        await update.message.reply_text(_("This command is for staff."))
        return
    typed = " ".join(context.args or ())
    if not typed:
        await update.message.reply_text(
            _(
                "Please type the case code after the command, e.g. /case TE-2026-0001 (or just: "
                "/case te 26 1), or a ward or commune: /case Chánh Hưng."
            )
        )
        return
    await _reply_found(update, context, typed)


async def _reply_found(update: Update, context: BotContext, typed: str) -> None:
    _ = context.translate
    service = service_for(context)
    if code_pattern(typed, [service.areas.case_prefix]) is None:
        units = service.units_typed(typed)
        units = tuple(u for u in units if access.can_act_in_unit(context.user, u))
        if not units and service.units_typed(typed):  # a place outside the person's scope
            await _reply_matches(update, context, typed, [], False)
            return
        if len(units) == 1:  # a ward or commune, today's name or an old one
            text, markup = await _list_view(context, "open", units[0], 0)
            await update.effective_message.reply_text(
                text, reply_markup=markup, protect_content=True
            )
            return
        if units:  # an old unit split between two or three of today's
            found, has_next = await service.find(
                context.user, context.now, scope="open", units=units
            )
            await _reply_matches(update, context, typed, found, has_next)
            return
    found, has_next = await service.find(context.user, context.now, scope="all", typed_code=typed)
    if len(found) == 1:
        case = await service.view(context.user, found[0].id, context.now, what="found")
        text, markup = await _detail(context, case)
        await update.effective_message.reply_text(text, reply_markup=markup, protect_content=True)
        return
    await _reply_matches(update, context, typed, found, has_next)


async def _reply_matches(
    update: Update, context: BotContext, typed: str, found: list[CaseSummary], has_next: bool
) -> None:
    _ = context.translate
    if not found:
        await update.effective_message.reply_text(
            _(
                "No case you can open matches “{typed}”. Please check the code (e.g. TE-2026-0001) "
                "or the ward/commune name, or use /cases.",
                typed=typed,
            )
        )
        return
    areas = context.services.areas
    rows = [[(_case_label(c, _, areas), callbacks.encode(NS, "v", c.id))] for c in found]
    text = _("🔎 Cases matching “{typed}”:", typed=typed)
    if has_next:
        text += "\n" + _("More match: type more of the code, or use /cases.")
    await update.effective_message.reply_text(
        text, reply_markup=keyboards.inline(rows), protect_content=True
    )


def _case_label(case: CaseSummary, _: Translator, areas) -> str:
    marks = ("⏰" if case.overdue else "") + ("🚨" if case.urgent else "")
    place = areas.place(case.ward, _.language) if case.ward else _("ward/commune not known")
    return (f"{marks}{case.code} · {place} · {_(lifecycle.STATE_LABELS[case.status])}").strip()


async def _list_view(context: BotContext, scope: str, unit: str | None, page: int):
    _ = context.translate
    found, has_next = await service_for(context).find(
        context.user, context.now, scope=scope, units=(unit,) if unit else (), page=page
    )
    areas = context.services.areas
    unit_arg = unit or NO_DASH

    def scope_button(name: str):
        label = _(SCOPE_LABELS[name])
        return (
            "✓ " + label if name == scope else label,
            callbacks.encode(NS, "ls", name, unit_arg, 0),
        )

    rows = [
        [scope_button(s) for s in ("open", "mine", "overdue")],
        [scope_button(s) for s in ("closed", "all")],
    ]
    if context.services.settings.webapp_url:  # the same cases, with filters and clocks
        rows.insert(0, [keyboards.WebApp(_(OPEN_DASHBOARD), context.services.settings.webapp_url)])
    unit_label = areas.unit_name(unit, _.language) if unit else _("all")
    rows.append(
        [
            (_("📍 Unit: {unit}", unit=unit_label), callbacks.encode(NS, "unit", scope, 0)),
            (_("🔎 Find a case"), callbacks.encode(INPUT_NS, "find", 0)),
        ]
    )
    for case in found:
        rows.append([(_case_label(case, _, areas), callbacks.encode(NS, "v", case.id))])
    rows.append(
        keyboards.pager(NS, "ls", page, has_next, _("‹ Previous"), _("Next ›"), scope, unit_arg)
    )
    area = (
        _("all wards and communes")
        if context.user.is_admin
        else areas.scope_label(context.user.scope, _.language)
    )
    label = _(SCOPE_LABELS[scope]).lower()
    if unit:
        area += " · " + areas.unit_name(unit, _.language)
    if found:
        text = _(
            "📁 <b>Cases — {scope}</b> ({filter}), page {page}. Overdue (⏰) first, then "
            "urgent (🚨). Tap a case to open it.",
            scope=area,
            filter=label,
            page=_.number(page + 1),
        )
    else:
        text = _(
            "📁 <b>Cases — {scope}</b> ({filter}): no case matches these filters.",
            scope=area,
            filter=label,
        )
    return text, keyboards.inline(rows)


UNIT_PAGE = 12


async def _act_unit(update: Update, context: BotContext, data) -> None:
    """Pick a unit (ward/commune) to filter the list by: the units of the person's area."""
    query = update.callback_query
    _ = context.translate
    if not context.user.is_staff:
        raise casework.PermissionDenied("staff_only")
    scope = data.arg(0) if data.arg(0) in SCOPE_LABELS else "open"
    page = data.int_arg(1) or 0
    areas = context.services.areas
    covered = access.units_of(context.user, areas)  # None: administrators, every unit
    wards = [u for u in areas.programme_units() if covered is None or u.code in covered]
    wards += [areas.unit(code) for code in sorted(covered or ()) if not areas.in_programme(code)]
    shown = wards[page * UNIT_PAGE : (page + 1) * UNIT_PAGE]
    rows = [[(_("📍 All units"), callbacks.encode(NS, "ls", scope, NO_DASH, 0))]]
    rows += keyboards.columns(
        [
            (areas.unit_name(w.code, _.language), callbacks.encode(NS, "ls", scope, w.code, 0))
            for w in shown
        ]
    )
    rows.append(
        keyboards.pager(
            NS,
            "unit",
            page,
            len(wards) > (page + 1) * UNIT_PAGE,
            _("‹ Previous"),
            _("Next ›"),
            scope,
        )
    )
    await query.answer()
    await edit_buttons_quietly(query, keyboards.inline(rows))


# -- buttons ----------------------------------------------------------------------------------
async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    _ = context.translate
    data = callbacks.decode(query.data)
    if data is None:
        await query.answer(_("This button is not valid."), show_alert=True)
        return
    handler = _ACTIONS.get(data.action)
    if handler is None:
        await query.answer(_("This button is no longer active. Please use /menu."), show_alert=True)
        return
    try:
        await handler(update, context, data)
    except casework.PermissionDenied:
        await audit.refused(
            context.db,
            context.user.telegram_id,
            f"case_{data.action}",
            "case",
            data.int_arg(0),
            context.now,
        )
        await _deny(query, _)
    except AlreadyClosed:
        await _answer_once(
            query, _("This case is already closed. Nothing was changed."), show_alert=True
        )
        await _refresh(update, context, data.int_arg(0))
    except casework.NotApplicable:
        await _answer_once(
            query, _("This case has moved on meanwhile; here is where it is now."), show_alert=True
        )
        await _refresh(update, context, data.int_arg(0))


async def _deny(query, _: Translator) -> None:
    await _answer_once(
        query,
        _("Sorry, only the staff covering this case and administrators can open or change it."),
        show_alert=True,
    )


async def _answer_once(query, text: str | None = None, show_alert: bool = False) -> None:
    with contextlib.suppress(TelegramError):  # already answered in this round
        await query.answer(text, show_alert=show_alert)


def _in_private(query) -> bool:
    return query.message is not None and query.message.chat.type == ChatType.PRIVATE


def _is_detail_view(query) -> bool:
    """The full case view (private, starts with 📁), as opposed to an alert copy."""
    return _in_private(query) and bool(query.message.text) and query.message.text.startswith("📁")


async def _detail(context: BotContext, case: Case):
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


async def _show_detail(
    update: Update, context: BotContext, case_id: int, what: str = "detail", edit: bool = True
) -> None:
    """The detail view: edited in place in a private chat, sent privately from a group."""
    query = update.callback_query
    _ = context.translate
    case = await service_for(context).view(context.user, case_id, context.now, what=what)
    text, markup = await _detail(context, case)
    if _in_private(query) and edit:
        await edit_quietly(query, text, reply_markup=markup)
        # An alert copy opened in place is now this person's case view: later updates of
        # the alert must not turn it back into the summary.
        await alert_copies.forget(context.db, query.message.chat.id, query.message.message_id)
        return
    sent = await notify(
        context, context.user.telegram_id, text, reply_markup=markup, protect_content=True
    )
    if sent is None:
        await _answer_once(
            query,
            _("Please start a private chat with the bot first, then tap again."),
            show_alert=True,
        )


async def _refresh(update: Update, context: BotContext, case_id: int | None) -> None:
    if case_id is None or not _in_private(update.callback_query):
        return
    with contextlib.suppress(casework.PermissionDenied, casework.NotApplicable, TelegramError):
        await _show_detail(update, context, case_id, what="refresh")


async def _act_list(update: Update, context: BotContext, data) -> None:
    query = update.callback_query
    _ = context.translate
    if not _in_private(query):  # a forged list button on a group alert: no list in the group
        await query.answer(
            _("Please open the case in your private chat with the bot."), show_alert=True
        )
        return
    scope = data.arg(0) if data.arg(0) in SCOPE_LABELS else "open"
    ward = data.arg(1) if data.arg(1) not in (None, NO_DASH) else None
    if ward is not None and context.services.areas.unit(ward) is None:
        ward = None  # a forged unit: the list of all the person's units
    page = data.int_arg(2) or 0
    text, markup = await _list_view(context, scope, ward, page)
    await query.answer()
    await edit_quietly(query, text, markup)  # a double tap or a forged page: same view


async def _act_view(update: Update, context: BotContext, data) -> None:
    case_id = data.int_arg(0)
    if case_id is None:
        raise casework.NotApplicable(None)
    await _show_detail(update, context, case_id)
    await _answer_once(update.callback_query)


async def _act_accept(update: Update, context: BotContext, data) -> None:
    query = update.callback_query
    _ = context.translate
    try:
        change = await service_for(context).accept(context.user, data.int_arg(0) or 0, context.now)
    except casework.NotApplicable:
        if _is_detail_view(query):
            raise  # the detail view is refreshed by on_button
        await _stale_alert(update, context, data.int_arg(0))
        return
    await query.answer(_("Accepted: the case is assigned to you."))
    # Every copy of the alert (this one too, if pressed there) now shows who took the case.
    await after_change(context, change, query)
    if _is_detail_view(query):
        await _show_detail(update, context, change.case.id, what="after_accept")


async def _stale_alert(update: Update, context: BotContext, case_id: int | None) -> None:
    """Accept pressed on a copy that had not caught up: say who has the case, change
    nothing, and bring that copy up to date."""
    query = update.callback_query
    _ = context.translate
    case = await _checked_summary(context, case_id)  # PermissionDenied for outsiders
    if case.status == "closed":
        text = _("This case is already closed. Nothing was changed.")
    elif case.status == "received":  # changed and changed back meanwhile: try again
        text = _("This case has moved on meanwhile; here is where it is now.")
    else:
        text = _(
            "This case was already accepted; {name} is in charge. Nothing was changed.",
            name=await _person_name(context.db, case.assignee_id),
        )
    await _answer_once(query, text, show_alert=True)
    if query.message is None:  # too old for Telegram to say which message it was
        return
    theirs = context.services.i18n(_.language if _in_private(query) else None)
    copy_text, markup = await alert_copy(context.db, case, theirs, context.services.areas)
    await staff_copies.edit_copy(
        context.bot, query.message.chat.id, query.message.message_id, copy_text, markup
    )


async def _act_risk(update: Update, context: BotContext, data) -> None:
    query = update.callback_query
    _ = context.translate
    risk = data.arg(1)
    if risk not in lifecycle.RISKS:
        raise casework.NotApplicable(risk)
    change = await service_for(context).assess(
        context.user, data.int_arg(0) or 0, risk, context.now
    )
    if change.detail.get("emergency_started"):
        await query.answer(
            _(
                "High risk: is emergency intervention needed? The 12-hour clock "
                "has started; record the decision below."
            ),
            show_alert=True,
        )
    else:
        await query.answer(_("Initial assessment recorded."))
    await after_change(context, change)
    await _show_detail(update, context, change.case.id, what="after_change")


async def _act_go(update: Update, context: BotContext, data) -> None:
    query = update.callback_query
    _ = context.translate
    action = data.arg(1)
    service = service_for(context)
    case_id = data.int_arg(0) or 0
    if action == "verified":
        change = await service.verified(context.user, case_id, context.now)
    elif action == "replan":
        change = await service.new_plan(context.user, case_id, context.now)
    else:
        raise casework.NotApplicable(action)
    await query.answer(_("Done: {status}.", status=_(lifecycle.STATE_LABELS[change.case.status])))
    await after_change(context, change)
    await _show_detail(update, context, change.case.id, what="after_change")


async def _act_close_menu(update: Update, context: BotContext, data) -> None:
    """Closing, step 1: the reason. Then a note is typed, then a confirmation."""
    query = update.callback_query
    _ = context.translate
    case = await _checked_summary(context, data.int_arg(0))
    if case.status == "closed":
        raise AlreadyClosed(case.code)
    rows = [
        [
            (
                _(lifecycle.OUTCOME_LABELS[outcome]),
                callbacks.encode(INPUT_NS, "cls", case.id, outcome),
            )
        ]
        for outcome in lifecycle.OUTCOMES_BY_STATE.get(case.status, ())
    ]
    rows.append([(_("‹ Back"), callbacks.encode(NS, "v", case.id))])
    await query.answer(_("Why is the case closed?"))
    await edit_buttons_quietly(query, keyboards.inline(rows))


async def _act_close_confirm(update: Update, context: BotContext, data) -> None:
    """Closing, last step: the confirmed reason and note (kept while the person confirms)."""
    query = update.callback_query
    _ = context.translate
    pending = context.user_data.get("case_close") or {}
    case_id = data.int_arg(0)
    if pending.get("case") != case_id or pending.get("outcome") != data.arg(1):
        case = await _checked_summary(context, case_id)
        if case.status == "closed":
            raise AlreadyClosed(case.code)
        await query.answer(_("Please start closing again from the case."), show_alert=True)
        return
    change = await service_for(context).close(
        context.user, case_id or 0, pending["outcome"], pending["note"], context.now
    )
    context.user_data.pop("case_close", None)
    await query.answer(_("The case is closed."))
    await after_change(context, change)
    case = await service_for(context).view(
        context.user, change.case.id, context.now, what="after_change"
    )
    text, markup = await _detail(context, case)
    await edit_quietly(query, text, markup)


async def _act_close_cancel(update: Update, context: BotContext, data) -> None:
    _ = context.translate
    context.user_data.pop("case_close", None)
    await update.callback_query.answer(_("Not closed. Nothing was changed."))
    await _show_detail(update, context, data.int_arg(0) or 0, what="refresh")


async def _act_assign_menu(update: Update, context: BotContext, data) -> None:
    query = update.callback_query
    _ = context.translate
    case = await _checked_summary(context, data.int_arg(0))
    colleagues = [
        p
        for p in await routing.unit_people(context.db, case.ward or None)
        if casework.can_be_assigned(p, case)
    ]
    rows = [
        [
            (
                ("✓ " if p.telegram_id == case.assignee_id else "")
                + (p.display_name or str(p.telegram_id)),
                callbacks.encode(NS, "to", case.id, p.telegram_id),
            )
        ]
        for p in colleagues[:30]
    ]
    rows.append([(_("‹ Back"), callbacks.encode(NS, "v", case.id))])
    await query.answer()
    await edit_buttons_quietly(query, keyboards.inline(rows))


async def _act_assign(update: Update, context: BotContext, data) -> None:
    query = update.callback_query
    _ = context.translate
    assignee_id = data.int_arg(1)
    assignee = await users.get(context.db, assignee_id) if assignee_id else None
    change = await service_for(context).assign(
        context.user, data.int_arg(0) or 0, assignee, context.now
    )
    await query.answer(_("Assigned."))
    await after_change(context, change)
    await _show_detail(update, context, change.case.id, what="after_change")


HISTORY_ACTIONS = {
    "emergency_applied": N_("🚑 emergency measures applied: {text}"),
    "emergency_not_needed": N_("✋ no emergency measures needed: {text}"),
    "plan_submitted": N_("📤 plan submitted for approval"),
    "plan_returned": N_("↩️ plan sent back: {text}"),
    "plan_approved": N_("✅ plan approved"),
    "to_review": N_("🔍 review: {text}"),
    "replan": N_("📝 new plan"),
    "reopen": N_("↩️ reopened: {text}"),
}


async def history_entry(db, note: Note, _: Translator) -> str:
    """What one line of a case's history says (the chat's 🕓 History and the dashboard)."""
    action = note.detail.get("action")
    if note.kind == "status" and action in HISTORY_ACTIONS:
        what = _(HISTORY_ACTIONS[action], text=note.body or "—")
    elif note.kind == "status":
        what = _(lifecycle.STATE_LABELS.get(note.detail.get("to"), "")) or "—"
        if note.detail.get("risk"):
            what += " · " + _("risk {level}", level=_(lifecycle.RISK_LABELS[note.detail["risk"]]))
        if note.detail.get("outcome"):
            what += " · " + _(lifecycle.OUTCOME_LABELS[note.detail["outcome"]])
        if note.body:
            what += " · " + _("📝 {text}", text=note.body)
    elif note.kind == "assign":
        what = _("assigned to {name}", name=await _person_name(db, note.detail.get("assignee")))
    elif note.kind == "referral":
        what = _("🔗 referral: {text}", text=note.body or "")
    elif note.detail.get("source") == "reporter":
        what = _("📨 from the reporter: {text}", text=note.body or _("a photo"))
    else:
        what = _("📝 {text}", text=note.body or "")
    return what


async def _act_history(update: Update, context: BotContext, data) -> None:
    query = update.callback_query
    _ = context.translate
    case = await service_for(context).view(
        context.user, data.int_arg(0) or 0, context.now, what="history"
    )
    lines = [_("🕓 <b>History of {code}</b>", code=case.code)]
    for note in await case_store.notes(context.db, cipher_for(context.services), case.id):
        who = await _person_name(context.db, note.author_id)
        when = _.short_datetime(note.created_at)
        what = await history_entry(context.db, note, _)
        # `who` is a display name people type themselves: escape it like any user text.
        lines.append(f"• {when} — {html.escape(who, quote=False)}: {what}")
    if len(lines) == 1:
        lines.append(_("Nothing yet."))
    # Whole lines only, the latest kept: cutting one could split an HTML entity.
    text = join_within(lines, DETAIL_LIMIT, newest_last=True)
    await query.answer()
    await notify(
        context,
        query.from_user.id,
        text,
        protect_content=True,
        reply_markup=keyboards.inline([[(_("‹ Back"), callbacks.encode(NS, "v", case.id))]]),
    )


async def _act_photos(update: Update, context: BotContext, data) -> None:
    query = update.callback_query
    _ = context.translate
    case = await service_for(context).view(
        context.user, data.int_arg(0) or 0, context.now, what="photos"
    )
    if not case.photos:
        await query.answer(_("This report has no photos."), show_alert=True)
        return
    await query.answer()
    for file_id in case.photos:
        try:
            await context.bot.send_photo(
                query.from_user.id, file_id, caption=case.code, protect_content=True
            )
        except TelegramError as error:
            log.info("case photo not sent: %s", type(error).__name__)


async def _checked_summary(context: BotContext, case_id: int | None) -> CaseSummary:
    return await service_for(context).summary(context.user, case_id or 0, context.now)


_ACTIONS = {
    "ls": _act_list,
    "unit": _act_unit,
    "v": _act_view,
    "acc": _act_accept,
    "rsk": _act_risk,
    "go": _act_go,
    "cls": _act_close_menu,
    "clsok": _act_close_confirm,
    "clsno": _act_close_cancel,
    "asg": _act_assign_menu,
    "to": _act_assign,
    "hist": _act_history,
    "ph": _act_photos,
}


# -- typed answers: notes, referrals, emergency decisions, review, closing, reopening, search -
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
# What each typed answer opens with: which cases it may start from.
NEEDS_OPEN = ("note", "ref", "emg", "emgno", "rev", "cls")


async def start_input(update: Update, context: BotContext) -> int | None:
    query = update.callback_query
    _ = context.translate
    data = callbacks.decode(query.data)
    if data is None or data.action not in INPUT_PROMPTS or data.int_arg(0) is None:
        await query.answer(_("This button is not valid."), show_alert=True)
        return ConversationHandler.END
    if not _in_private(query):
        await query.answer(
            _("Please open the case in your private chat with the bot."), show_alert=True
        )
        return ConversationHandler.END
    code = ""
    if data.action == "find":
        if not context.user.is_staff:
            await _deny(query, _)
            return ConversationHandler.END
    else:
        try:
            case = await _checked_summary(context, data.int_arg(0))
        except casework.PermissionDenied:
            await audit.refused(
                context.db,
                context.user.telegram_id,
                f"case_{data.action}",
                "case",
                data.int_arg(0),
                context.now,
            )
            await _deny(query, _)
            return ConversationHandler.END
        except casework.NotApplicable:
            await query.answer(
                _("This button is no longer active. Please use /menu."), show_alert=True
            )
            return ConversationHandler.END
        code = case.code
        moved = (data.action in NEEDS_OPEN and not lifecycle.is_open(case.status)) or (
            data.action == "reo" and not service_for(context).can_reopen(case, context.now)
        )
        if data.action == "cls" and not lifecycle.can_close(case.status, data.arg(1) or ""):
            moved = True
        if moved:
            if case.status == "closed" and data.action == "cls":
                await query.answer(
                    _("This case is already closed. Nothing was changed."), show_alert=True
                )
            else:
                await query.answer(
                    _("This case has moved on meanwhile; here is where it is now."), show_alert=True
                )
            return ConversationHandler.END
    await query.answer()
    outcome = data.arg(1) if data.action == "cls" else None
    prompt = await query.message.reply_text(
        _(
            INPUT_PROMPTS[data.action],
            code=code,
            limit=NOTE_MAX_CHARS,
            outcome=_(lifecycle.OUTCOME_LABELS[outcome]) if outcome else "",
        ),
        reply_markup=keyboards.inline([[(_("✖️ Cancel"), callbacks.encode(INPUT_NS, "cancel"))]]),
    )
    # Remember the prompt, so its Cancel button goes away once the text is saved.
    context.user_data["case_input"] = {
        "kind": data.action,
        "case": data.int_arg(0),
        "prompt": prompt.message_id,
        "outcome": outcome,
    }
    return TEXT


async def receive_input(update: Update, context: BotContext) -> int:
    _ = context.translate
    pending = context.user_data.get("case_input") or {}
    text = (update.message.text or "").strip()
    if not text:
        return TEXT
    if len(text) > NOTE_MAX_CHARS:
        await update.message.reply_text(
            _(
                "That is {length} characters; the limit is {limit}. Please shorten it and send it "
                "again.",
                length=len(text),
                limit=NOTE_MAX_CHARS,
            )
        )
        return TEXT
    case_id, kind = pending.get("case"), pending.get("kind")
    if kind == "find":
        context.user_data.pop("case_input", None)
        await _tidy_prompt(update, context, pending)
        try:
            await _reply_found(update, context, text)
        except casework.PermissionDenied:
            await update.message.reply_text(_("This command is for staff."))
        return ConversationHandler.END
    if kind == "emg" and "measures" not in pending:
        pending["measures"] = text
        context.user_data["case_input"] = pending
        await _tidy_prompt(update, context, pending)
        prompt = await update.message.reply_text(
            _(EMERGENCY_WHEN),
            reply_markup=keyboards.inline(
                [
                    [(_("⏱ Just now"), callbacks.encode(INPUT_NS, "now", case_id))],
                    [(_("✖️ Cancel"), callbacks.encode(INPUT_NS, "cancel"))],
                ]
            ),
        )
        pending["prompt"] = prompt.message_id
        return TEXT
    if kind == "emg":
        when = _typed_moment(text, context)
        if when is None:
            await update.message.reply_text(
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
                context.user, case_id, "note" if kind == "note" else "referral", text, context.now
            )
            done = _("Saved to {code}.", code=change.case.code)
        elif kind == "emgno":
            change = await service.emergency_not_needed(context.user, case_id, text, context.now)
            done = _(
                "Recorded for {code}: no emergency measures needed. The 12-hour clock is met.",
                code=change.case.code,
            )
        elif kind == "rev":
            change = await service.to_review(context.user, case_id, text, context.now)
            done = _(
                "Review recorded for {code}. Close the case, or make a new plan.",
                code=change.case.code,
            )
        elif kind == "reo":
            change = await service.reopen(context.user, case_id, text, context.now)
            done = _(
                "{code} is open again: {status}.",
                code=change.case.code,
                status=_(lifecycle.STATE_LABELS[change.case.status]),
            )
        else:
            return ConversationHandler.END
        await after_change(context, change)
    except casework.PermissionDenied:
        await audit.refused(
            context.db, context.user.telegram_id, f"case_{kind}", "case", case_id, context.now
        )
        done = _(
            "Sorry, only the staff covering this case and administrators can open or change it."
        )
    except casework.NotApplicable:
        done = _("This case has moved on meanwhile; nothing was saved.")
    context.user_data.pop("case_input", None)
    await _tidy_prompt(update, context, pending)
    await update.message.reply_text(
        done,
        reply_markup=keyboards.inline(
            [[(_("📄 Open the case"), callbacks.encode(NS, "v", case_id))]]
        ),
    )
    return ConversationHandler.END


def _typed_moment(text: str, context: BotContext) -> dt.datetime | None:
    """A time that has passed, today unless a day is given (the one date parser)."""
    timezone = context.services.settings.timezone
    today = local_today(context.now, timezone)
    try:
        moment = parse(text, today)
    except DateError:
        return None
    if moment.time is None:
        return None
    day = moment.date or today
    if day > today:  # "the 3rd" typed on the 5th means this month's, not next year's
        day = day.replace(year=day.year - 1)
    when = combine(day, moment.time, timezone)
    return when if when <= context.now else None


async def _finish_emergency(
    update: Update, context: BotContext, pending: dict, when: dt.datetime
) -> int:
    _ = context.translate
    case_id = pending.get("case")
    try:
        change = await service_for(context).emergency_applied(
            context.user, case_id, pending.get("measures", ""), when, context.now
        )
        await after_change(context, change)
        done = _(
            "Recorded for {code}: emergency measures applied {when}. The 12-hour clock is met.",
            code=change.case.code,
            when=_.short_datetime(when),
        )
    except casework.PermissionDenied:
        done = _(
            "Sorry, only the staff covering this case and administrators can open or change it."
        )
    except casework.NotApplicable:
        done = _("This case has moved on meanwhile; nothing was saved.")
    except ValueError:
        done = _("Please type the measures again: they are empty or too long.")
    context.user_data.pop("case_input", None)
    await _tidy_prompt(update, context, pending)
    await update.effective_message.reply_text(
        done,
        reply_markup=keyboards.inline(
            [[(_("📄 Open the case"), callbacks.encode(NS, "v", case_id))]]
        ),
    )
    return ConversationHandler.END


async def emergency_just_now(update: Update, context: BotContext) -> int:
    query = update.callback_query
    pending = context.user_data.get("case_input") or {}
    await query.answer()
    if pending.get("kind") != "emg" or "measures" not in pending:
        return ConversationHandler.END
    return await _finish_emergency(update, context, pending, context.now)


async def _ask_close_confirmation(
    update: Update, context: BotContext, pending: dict, note: str
) -> int:
    _ = context.translate
    case_id, outcome = pending.get("case"), pending.get("outcome")
    context.user_data.pop("case_input", None)
    await _tidy_prompt(update, context, pending)
    context.user_data["case_close"] = {"case": case_id, "outcome": outcome, "note": note}
    try:
        case = await _checked_summary(context, case_id)
    except (casework.PermissionDenied, casework.NotApplicable):
        await update.message.reply_text(_("This case has moved on meanwhile; nothing was saved."))
        return ConversationHandler.END
    await update.message.reply_text(
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
                    (_("✅ Yes, close"), callbacks.encode(NS, "clsok", case_id, outcome)),
                    (_("✖️ No, keep it open"), callbacks.encode(NS, "clsno", case_id)),
                ]
            ]
        ),
        protect_content=True,
    )
    return ConversationHandler.END


async def _tidy_prompt(update: Update, context: BotContext, pending: dict) -> None:
    if pending.get("prompt"):
        await edit_markup_quietly(context.bot, update.effective_chat.id, pending["prompt"])


async def cancel_input(update: Update, context: BotContext) -> int:
    query = update.callback_query
    _ = context.translate
    await query.answer()
    context.user_data.pop("case_input", None)
    await edit_quietly(query, _("Cancelled. Nothing was saved."))
    return ConversationHandler.END


async def input_hint(update: Update, context: BotContext) -> int:
    _ = context.translate
    await update.effective_message.reply_text(_("Please type the text, or tap Cancel."))
    return TEXT


# -- /bind: the staff group of a unit or of a programme area ----------------------------------
async def bind_command(update: Update, context: BotContext) -> None:
    _ = context.translate
    chat = update.effective_chat
    areas = context.services.areas
    usage = _(
        "Usage: /bind AREA — a programme area ({groups}) or a ward/commune (its code or "
        "name, e.g. /bind 27418 or /bind Chánh Hưng), sent inside the staff group chat.",
        groups=", ".join(group.code for group in areas.groups()),
    )
    if chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
        await update.message.reply_text(usage)
        return
    if not context.user.is_admin:
        await update.message.reply_text(_("Only administrators can do this."))
        return
    target, name = _bind_target(areas, " ".join(context.args or []), _.language)
    if target is None:
        await update.message.reply_text(usage)
        return
    async with context.db.transaction():
        await case_store.bind_group(
            context.db, target, chat.id, context.user.telegram_id, context.now
        )
        await audit.record(
            context.db,
            context.user.telegram_id,
            "group_bind",
            "chat",
            chat.id,
            context.now,
            target=target,
        )
    await update.message.reply_text(
        _(
            "✅ This group now receives the new cases of {area}. Alerts show no child's name; "
            "details open only in a private chat, for the staff who cover them.",
            area=name,
        )
    )


def _bind_target(areas, typed: str, language: str) -> tuple[str | None, str]:
    """A programme group's code, a unit's code, or a unit of the programme typed by name."""
    typed = typed.strip()
    if areas.group(typed.upper()) is not None:
        return typed.upper(), areas.group_name(typed.upper(), language)
    unit = typed if areas.in_programme(typed) else None
    if unit is None and typed:
        match = areas.find(typed)
        unit = match.unit if match is not None and areas.in_programme(match.unit) else None
    return (unit, areas.unit_name(unit, language)) if unit else (None, "")


async def unbind_command(update: Update, context: BotContext) -> None:
    _ = context.translate
    if not context.user.is_admin:
        await update.message.reply_text(_("Only administrators can do this."))
        return
    async with context.db.transaction():
        target = await case_store.unbind_group(context.db, update.effective_chat.id)
        if target is not None:
            await audit.record(
                context.db,
                context.user.telegram_id,
                "group_unbind",
                "chat",
                update.effective_chat.id,
                context.now,
                target=target,
            )
    if target is None:
        await update.message.reply_text(_("This chat is not bound to a ward, commune or area."))
        return
    await update.message.reply_text(
        _(
            "This group no longer receives new cases. The staff who "
            "cover them are alerted privately instead."
        )
    )


INPUT_ENTRY = rf"^{INPUT_NS}:({'|'.join(INPUT_PROMPTS)}):"


def build_input_conversation(application: Application) -> ConversationHandler:
    i18n = application.services.i18n
    return ExclusiveConversation(
        name="case_input",
        persistent=True,
        entry_points=[
            CallbackQueryHandler(start_input, pattern=INPUT_ENTRY),
            *case_plan.input_entry_points(),
        ],
        states={
            TEXT: [
                MessageHandler(free_text(i18n), receive_input),
                CallbackQueryHandler(cancel_input, pattern=rf"^{INPUT_NS}:cancel"),
                CallbackQueryHandler(emergency_just_now, pattern=rf"^{INPUT_NS}:now:"),
                CallbackQueryHandler(start_input, pattern=INPUT_ENTRY),
                *case_plan.input_entry_points(),
                MessageHandler(anything_else(i18n), input_hint),
            ],
            case_plan.PLAN_TEXT: [
                *case_plan.input_handlers(i18n),
                CallbackQueryHandler(start_input, pattern=INPUT_ENTRY),
            ],
        },
        fallbacks=leave_handlers(i18n),
    )


def register_conversation(application: Application) -> None:
    """Before the report conversation: a note being typed takes the text first."""
    application.add_handler(build_input_conversation(application))


def register(application: Application) -> None:
    i18n = application.services.i18n
    application.add_handler(CommandHandler("cases", cases_command, filters=PRIVATE))
    application.add_handler(CommandHandler("case", case_command, filters=PRIVATE))
    application.add_handler(MessageHandler(PRIVATE & menu.Intent(i18n, "cases"), cases_command))
    application.add_handler(CommandHandler("bind", bind_command))
    application.add_handler(
        CommandHandler("unbind", unbind_command, filters=filters.ChatType.GROUPS)
    )
    application.add_handler(CallbackQueryHandler(on_button, pattern=callbacks.pattern(NS)))
    case_plan.register(application)
    scheduling.add_tick(application, "case_deadlines", notices.check_deadlines)
