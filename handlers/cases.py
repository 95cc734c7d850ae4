"""Cases for staff: new-case alerts, /cases with filters, the detail view and its actions,
notes and referrals, /bind for the staff group of a unit or programme area, and the legal clocks' reminders.

Every button re-checks on the server that the presser is staff covering the case's unit or an
administrator (bot/reports/casework.py); stale or forged buttons change nothing.
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
from bot.context import BotContext
from bot.conversations import ExclusiveConversation
from bot.crypto import cipher_for
from bot.i18n import N_, Html, Translator
from bot.messaging import edit_buttons_quietly, edit_markup_quietly, edit_quietly, notify
from bot.reports import casework, lifecycle, routing
from bot.reports.rules import case_rules, situation
from bot.text import join_within, truncate
from handlers.approvals import ROLE_LABELS
from handlers.common import anything_else, free_text, leave_handlers
from storage import alert_copies, audit, users
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
DEADLINE_NAMES = {"assessment": N_("initial assessment (12 hours)"),
                  "plan": N_("support plan (5 working days)")}
ASSIGNED_TO_YOU = N_("👤 You were assigned case {code}.")
DETAILS = N_("📄 Details")
RISK_ICONS = {"high": "🔴", "medium": "🟠", "low": "🟢"}
OPEN_DASHBOARD = N_("📋 Open the case dashboard")
STATUS_FILTERS = ("open", *lifecycle.STATES)
RISK_FILTERS = ("any", *lifecycle.RISKS)


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
    return "; ".join(s.label(_.language) for code in case.situations
                     if (s := situation(code)) is not None) or "—"


def status_text(case: CaseSummary, _: Translator) -> str:
    text = _(lifecycle.STATE_LABELS[case.status])
    if case.status == "closed" and case.outcome:
        text += " — " + _(lifecycle.OUTCOME_LABELS[case.outcome])
    return text


def alert_text(case: CaseSummary, _: Translator, areas) -> str:
    """What a staff group sees of a new case: never the child's name or the story."""
    urgency = (_("🚨 <b>URGENT</b>: the initial assessment is due within 12 hours.")
               if case.urgent else _("Not urgent: a support plan within 5 working days."))
    return _(
        "🆕 <b>New report {code}</b>\n{urgency}\n📍 {place}\n📋 {groups}\n👧 {age}, {sex}"
        "{children}\n🕒 Received {received}",
        code=case.code, urgency=Html(urgency), place=case_place(case, _, areas),
        groups=groups_text(case, _), age=age_text(case, _), sex=_(SEX_SHORT[case.child_sex]),
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
        extra.append(AlertCopy("case", case.id, query.message.chat.id,
                               query.message.message_id, language, "new", None))
    await staff_copies.sync(context.bot, context.db, "case", case.id, render, context.now,
                            extra=extra, final=case.status == "closed")


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
        place = _("{unit} or {others}", unit=place,
                  others=", ".join(areas.unit_name(code, language) for code in others))
    if case.reported_place and case.reported_place != case.ward:
        place = _("{unit} (reported as {old})", unit=place,
                  old=areas.place(case.reported_place, language))
    return place


async def detail_text(context: BotContext, case: Case, _: Translator) -> str:
    areas = context.services.areas
    place = case_place(case, _, areas)
    if case.place_detail:
        place += " — " + case.place_detail
    if case.location:
        place += f" (🗺 {case.location[0]:.5f}, {case.location[1]:.5f})"
    child = ", ".join([case.child_name or _("no name given"), age_text(case, _),
                       _(SEX_SHORT[case.child_sex])])
    if case.children > 1:
        child += ", " + _("{count} children", count=case.children)
    if case.contact_consent:
        reporter = _("{name}, {phone} (agreed to be called)", name=case.reporter_name or "—",
                     phone=case.reporter_phone or "—")
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
    risk = (f"{RISK_ICONS[case.risk]} " + _(lifecycle.RISK_LABELS[case.risk])) if case.risk \
        else _("not assessed yet")

    assignee = await _person_name(context.db, case.assignee_id)

    def build(description: str) -> str:
        return _(
            "📁 <b>{code}</b> — {status}\n{urgency} · Risk: {risk}\n📍 {place}\n👧 {child}\n"
            "📋 {groups}\n📝 {description}\n📷 Photos: {photos}\n👪 Cared for by: {caregiver}\n"
            "✅ Already done: {actions}\n☎️ Reporter ({role}): {reporter}\n"
            "🕒 Received {received}\n👤 Assigned to: {assignee}\n⏰ Legal clocks:\n{clocks}",
            code=case.code, status=status_text(case, _),
            urgency=_("🚨 Urgent") if case.urgent else _("Not urgent"), risk=risk,
            place=place, child=child, groups=groups_text(case, _), description=description,
            photos=case.photo_count, caregiver=case.caregiver or "—",
            actions=case.actions or "—", role=_(ROLE_LABELS.get(case.reporter_role, ROLE_LABELS["public"])),
            reporter=Html(reporter),  # already escaped by _() above
            received=_.short_datetime(case.received_at),
            assignee=assignee,
            clocks="\n".join(clocks) or "—",
        )

    text = build(case.description)
    if len(text) > DETAIL_LIMIT:  # the longest description still fits one message
        text = build(truncate(case.description, len(case.description) - (len(text) - DETAIL_LIMIT)))
    return text


def detail_keyboard(case: CaseSummary, _: Translator):
    rows: list[list[tuple[str, str]]] = []
    if case.status == "received":
        rows.append([(_("✅ Accept"), callbacks.encode(NS, "acc", case.id))])
    elif case.status == "assessment":
        rows.append([(RISK_ICONS[r] + " " + _("Risk: {level}", level=_(lifecycle.RISK_LABELS[r])),
                      callbacks.encode(NS, "rsk", case.id, r)) for r in lifecycle.RISKS])
    for action in lifecycle.moves_from(case.status):
        if action in lifecycle.MOVE_LABELS:
            rows.append([(_(lifecycle.MOVE_LABELS[action]),
                          callbacks.encode(NS, "go", case.id, action))])
    if lifecycle.is_open(case.status):
        rows.append([(_("📝 Add a note"), callbacks.encode(INPUT_NS, "note", case.id)),
                     (_("🔗 Referral"), callbacks.encode(INPUT_NS, "ref", case.id))])
        rows.append([(_("👤 Assign"), callbacks.encode(NS, "asg", case.id)),
                     (_("🏁 Close…"), callbacks.encode(NS, "cls", case.id))])
    rows.append([(_("🕓 History"), callbacks.encode(NS, "hist", case.id)),
                 (_("📷 Photos"), callbacks.encode(NS, "ph", case.id))])
    rows.append([(_("‹ Cases"), callbacks.encode(NS, "ls", "open", "any", 0, 0))])
    return keyboards.inline(rows)


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
        await queue_new_case_alert(context.db, cipher_for(context.services), context.services,
                                   case_id, context.now)


async def queue_new_case_alert(db, cipher, services, case_id: int, now: dt.datetime) -> None:
    """The new-case alerts, queued in the current transaction (see `announce_new_case`)."""
    case = await case_store.summary(db, case_id, now)
    if case is None:
        return
    i18n, areas = services.i18n, services.areas
    recipients = await routing.alert_recipients(db, case.ward or None, areas)
    if recipients.group_chat_id is not None:
        _ = i18n(None)
        await outbox.enqueue(db, cipher, recipients.group_chat_id, alert_text(case, _, areas),
                             now=now, markup=alert_keyboard(case, _), protect=True,
                             copy=outbox.CopyOf("case", case.id, None),
                             instead=ALERT_PRIVATELY, instead_args={"case_id": case.id},
                             dedupe_key=_alert_key(case.id, recipients.group_chat_id))
        return
    await _queue_private_alerts(db, cipher, services, case, recipients.people, now)


def _alert_key(case_id: int, chat_id: int) -> str:
    """One new-case alert per chat and case, however often the case is announced."""
    return f"case:{case_id}:alert:{chat_id}"


async def _queue_private_alerts(db, cipher, services, case: CaseSummary, people,
                                now: dt.datetime) -> None:
    i18n, areas = services.i18n, services.areas
    for person in people:
        _ = i18n(person.language)
        # Recorded in the language it was written in, so later edits read the same.
        await outbox.enqueue(db, cipher, person.telegram_id, alert_text(case, _, areas),
                             now=now, markup=alert_keyboard(case, _), protect=True,
                             copy=outbox.CopyOf("case", case.id, _.language),
                             dedupe_key=_alert_key(case.id, person.telegram_id))


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


async def queue_reporter_update(db, cipher, services, case: CaseSummary,
                                now: dt.datetime) -> None:
    """Status only: the reporter never sees staff notes or the assessment."""
    reporter = await users.get(db, case.reporter_id)
    if reporter is None:
        return
    theirs = services.i18n(reporter.language)
    if case.status == "closed":
        text = N_("Your report {code} was closed by the staff. Thank you for caring "
                  "for this child.")
    else:
        text = N_("Your report {code} was accepted by the staff, who are now "
                  "handling it. Thank you!")
    await outbox.enqueue(db, cipher, reporter.telegram_id, theirs(text, code=case.code), now=now)


def _tell_reporter(context: BotContext):
    """What `casework.move`/`close` run in their transaction: the reporter's status update."""
    async def then(case: CaseSummary) -> None:
        await queue_reporter_update(context.db, cipher_for(context.services), context.services,
                                    case, context.now)
    return then


# -- listing ----------------------------------------------------------------------------------
async def cases_command(update: Update, context: BotContext) -> None:
    _ = context.translate
    if not context.user.is_staff:
        await update.message.reply_text(_("This command is for staff."))
        return
    text, markup = await _list_view(context, "open", "any", False, 0)
    await update.message.reply_text(text, reply_markup=markup, protect_content=True)


def _cycle(options: tuple[str, ...], current: str) -> str:
    return options[(options.index(current) + 1) % len(options)] if current in options \
        else options[0]


async def _list_view(context: BotContext, status: str, risk: str, urgent: bool, page: int):
    _ = context.translate
    rules = case_rules()
    size = rules.cases_page_size
    found = await casework.list_cases(
        context.db, context.user, context.now, status=status,
        risk=None if risk == "any" else risk, urgent_only=urgent, limit=size + 1,
        offset=page * size)
    has_next = len(found) > size
    found = found[:size]
    areas = context.services.areas
    filters_row = [
        (_("Status: {status}", status=_("open") if status == "open"
           else _(lifecycle.STATE_LABELS[status])),
         callbacks.encode(NS, "ls", _cycle(STATUS_FILTERS, status), risk, int(urgent), 0)),
    ]
    risk_row = [
        (_("Risk: {level}", level=_("any") if risk == "any" else _(lifecycle.RISK_LABELS[risk])),
         callbacks.encode(NS, "ls", status, _cycle(RISK_FILTERS, risk), int(urgent), 0)),
        (_("🚨 Urgent only") if not urgent else _("🚨 Urgent only ✓"),
         callbacks.encode(NS, "ls", status, risk, int(not urgent), 0)),
    ]
    rows = [filters_row, risk_row]
    if context.services.settings.webapp_url:  # the same cases, with filters and clocks
        rows.insert(0, [keyboards.WebApp(_(OPEN_DASHBOARD), context.services.settings.webapp_url)])
    for case in found:
        marks = ("⏰" if case.overdue else "") + ("🚨" if case.urgent else "")
        label = f"{marks}{case.code} · {areas.place(case.ward, _.language)} · " \
                f"{_(lifecycle.STATE_LABELS[case.status])}"
        rows.append([(label.strip(), callbacks.encode(NS, "v", case.id))])
    pager = keyboards.pager(NS, "ls", page, has_next, _("‹ Previous"), _("Next ›"),
                            status, risk, int(urgent))
    rows.append(pager)
    scope = _("all wards and communes") if context.user.is_admin \
        else areas.scope_label(context.user.scope, _.language)
    if found:
        text = _("📁 <b>Cases — {scope}</b>, page {page}. Overdue (⏰) first, then urgent (🚨). "
                 "Tap a case to open it.", scope=scope, page=page + 1)
    else:
        text = _("📁 <b>Cases — {scope}</b>: no case matches these filters.", scope=scope)
    return text, keyboards.inline(rows)


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
        await query.answer(_("This button is no longer active. Please use /menu."),
                           show_alert=True)
        return
    try:
        await handler(update, context, data)
    except casework.PermissionDenied:
        await audit.refused(context.db, context.user.telegram_id, f"case_{data.action}",
                            "case", data.int_arg(0), context.now)
        await _deny(query, _)
    except casework.NotApplicable:
        await _answer_once(query, _("This case has moved on meanwhile; here is where it is "
                                    "now."), show_alert=True)
        await _refresh(update, context, data.int_arg(0))


async def _deny(query, _: Translator) -> None:
    await _answer_once(query, _("Sorry, only the staff covering this case and administrators "
                                "can open or change it."), show_alert=True)


async def _answer_once(query, text: str | None = None, show_alert: bool = False) -> None:
    with contextlib.suppress(TelegramError):  # already answered in this round
        await query.answer(text, show_alert=show_alert)


def _in_private(query) -> bool:
    return query.message is not None and query.message.chat.type == ChatType.PRIVATE


def _is_detail_view(query) -> bool:
    """The full case view (private, starts with 📁), as opposed to an alert copy."""
    return _in_private(query) and bool(query.message.text) \
        and query.message.text.startswith("📁")


async def _show_detail(update: Update, context: BotContext, case_id: int, what: str = "detail",
                       edit: bool = True) -> None:
    """The detail view: edited in place in a private chat, sent privately from a group."""
    query = update.callback_query
    _ = context.translate
    case = await casework.view(context.db, cipher_for(context.services), context.user, case_id,
                               context.now, what=what)
    text = await detail_text(context, case, _)
    markup = detail_keyboard(case, _)
    if _in_private(query) and edit:
        await edit_quietly(query, text, reply_markup=markup)
        # An alert copy opened in place is now this person's case view: later updates of
        # the alert must not turn it back into the summary.
        await alert_copies.forget(context.db, query.message.chat.id, query.message.message_id)
        return
    sent = await notify(context, context.user.telegram_id, text, reply_markup=markup,
                        protect_content=True)
    if sent is None:
        await _answer_once(query, _("Please start a private chat with the bot first, then tap "
                                    "again."), show_alert=True)


async def _refresh(update: Update, context: BotContext, case_id: int | None) -> None:
    if case_id is None or not _in_private(update.callback_query):
        return
    with contextlib.suppress(casework.PermissionDenied, casework.NotApplicable, TelegramError):
        await _show_detail(update, context, case_id, what="refresh")


async def _act_list(update: Update, context: BotContext, data) -> None:
    query = update.callback_query
    _ = context.translate
    if not _in_private(query):  # a forged list button on a group alert: no list in the group
        await query.answer(_("Please open the case in your private chat with the bot."),
                           show_alert=True)
        return
    status = data.arg(0) if data.arg(0) in STATUS_FILTERS else "open"
    risk = data.arg(1) if data.arg(1) in RISK_FILTERS else "any"
    urgent = data.arg(2) == "1"
    page = data.int_arg(3) or 0
    text, markup = await _list_view(context, status, risk, urgent, page)
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
        case = await casework.move(context.db, cipher_for(context.services), context.user,
                                   data.int_arg(0) or 0, "accept", context.now,
                                   then=_tell_reporter(context))
    except casework.NotApplicable:
        if _is_detail_view(query):
            raise  # the detail view is refreshed by on_button
        await _stale_alert(update, context, data.int_arg(0))
        return
    await query.answer(_("Accepted: the case is assigned to you."))
    # Every copy of the alert (this one too, if pressed there) now shows who took the case.
    await sync_alerts(context, case, query)
    if _is_detail_view(query):
        await _show_detail(update, context, case.id, what="after_accept")


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
        text = _("This case was already accepted; {name} is in charge. Nothing was changed.",
                 name=await _person_name(context.db, case.assignee_id))
    await _answer_once(query, text, show_alert=True)
    if query.message is None:  # too old for Telegram to say which message it was
        return
    theirs = context.services.i18n(_.language if _in_private(query) else None)
    copy_text, markup = await alert_copy(context.db, case, theirs, context.services.areas)
    await staff_copies.edit_copy(context.bot, query.message.chat.id, query.message.message_id,
                                 copy_text, markup)


async def _act_risk(update: Update, context: BotContext, data) -> None:
    query = update.callback_query
    _ = context.translate
    risk = data.arg(1)
    if risk not in lifecycle.RISKS:
        raise casework.NotApplicable(risk)
    case = await casework.move(context.db, cipher_for(context.services), context.user,
                               data.int_arg(0) or 0, "assess", context.now, risk=risk)
    await query.answer(_("Initial assessment recorded."))
    await _show_detail(update, context, case.id, what="after_change")


async def _act_go(update: Update, context: BotContext, data) -> None:
    query = update.callback_query
    _ = context.translate
    action = data.arg(1)
    if action not in lifecycle.MOVE_LABELS:
        raise casework.NotApplicable(action)
    case = await casework.move(context.db, cipher_for(context.services), context.user,
                               data.int_arg(0) or 0, action, context.now)
    await query.answer(_("Done: {status}.", status=_(lifecycle.STATE_LABELS[case.status])))
    await _show_detail(update, context, case.id, what="after_change")


async def _act_close_menu(update: Update, context: BotContext, data) -> None:
    query = update.callback_query
    _ = context.translate
    case = await _checked_summary(context, data.int_arg(0))
    rows = []
    for outcome in lifecycle.OUTCOMES_BY_STATE.get(case.status, ()):
        target = (callbacks.encode(INPUT_NS, "refclose", case.id) if outcome == "referred"
                  else callbacks.encode(NS, "out", case.id, outcome))
        rows.append([(_(lifecycle.OUTCOME_LABELS[outcome]), target)])
    rows.append([(_("‹ Back"), callbacks.encode(NS, "v", case.id))])
    await query.answer()
    await edit_buttons_quietly(query, keyboards.inline(rows))


async def _act_outcome(update: Update, context: BotContext, data) -> None:
    query = update.callback_query
    _ = context.translate
    outcome = data.arg(1)
    if outcome not in lifecycle.OUTCOMES or outcome == "referred":
        raise casework.NotApplicable(outcome)
    case = await casework.close(context.db, cipher_for(context.services), context.user,
                                data.int_arg(0) or 0, outcome, context.now,
                                then=_tell_reporter(context))
    await query.answer(_("The case is closed."))
    await sync_alerts(context, case)
    await _show_detail(update, context, case.id, what="after_change")


async def _act_assign_menu(update: Update, context: BotContext, data) -> None:
    query = update.callback_query
    _ = context.translate
    case = await _checked_summary(context, data.int_arg(0))
    colleagues = [p for p in await routing.unit_people(context.db, case.ward or None)
                  if casework.can_be_assigned(p, case)]
    rows = [[(("✓ " if p.telegram_id == case.assignee_id else "") + (p.display_name
              or str(p.telegram_id)), callbacks.encode(NS, "to", case.id, p.telegram_id))]
            for p in colleagues[:30]]
    rows.append([(_("‹ Back"), callbacks.encode(NS, "v", case.id))])
    await query.answer()
    await edit_buttons_quietly(query, keyboards.inline(rows))


async def _act_assign(update: Update, context: BotContext, data) -> None:
    query = update.callback_query
    _ = context.translate
    assignee_id = data.int_arg(1)
    assignee = await users.get(context.db, assignee_id) if assignee_id else None
    async def tell_assignee(case: CaseSummary) -> None:
        if assignee is None or assignee.telegram_id == context.user.telegram_id:
            return
        theirs = context.services.i18n(assignee.language)
        await outbox.enqueue(
            context.db, cipher_for(context.services), assignee.telegram_id,
            theirs(ASSIGNED_TO_YOU, code=case.code), now=context.now,
            markup=keyboards.inline([[(theirs(DETAILS), callbacks.encode(NS, "v", case.id))]]))

    case = await casework.assign(context.db, cipher_for(context.services), context.user,
                                 data.int_arg(0) or 0, assignee, context.now,
                                 then=tell_assignee)
    await query.answer(_("Assigned."))
    await sync_alerts(context, case)
    await _show_detail(update, context, case.id, what="after_change")


async def _act_history(update: Update, context: BotContext, data) -> None:
    query = update.callback_query
    _ = context.translate
    case = await casework.view(context.db, cipher_for(context.services), context.user,
                               data.int_arg(0) or 0, context.now, what="history")
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
    await notify(context, query.from_user.id, text, protect_content=True,
                 reply_markup=keyboards.inline([[(_("‹ Back"), callbacks.encode(NS, "v", case.id))]]))


async def history_entry(db, note: Note, _: Translator) -> str:
    """What one line of a case's history says (the chat's 🕓 History and the dashboard)."""
    if note.kind == "status":
        what = _(lifecycle.STATE_LABELS.get(note.detail.get("to"), "")) or "—"
        if note.detail.get("risk"):
            what += " · " + _("risk {level}", level=_(lifecycle.RISK_LABELS[note.detail["risk"]]))
        if note.detail.get("outcome"):
            what += " · " + _(lifecycle.OUTCOME_LABELS[note.detail["outcome"]])
        return what
    if note.kind == "assign":
        return _("assigned to {name}", name=await _person_name(db, note.detail.get("assignee")))
    if note.kind == "referral":
        return _("🔗 referral: {text}", text=note.body or "")
    return _("📝 {text}", text=note.body or "")


async def _act_photos(update: Update, context: BotContext, data) -> None:
    query = update.callback_query
    _ = context.translate
    case = await casework.view(context.db, cipher_for(context.services), context.user,
                               data.int_arg(0) or 0, context.now, what="photos")
    if not case.photos:
        await query.answer(_("This report has no photos."), show_alert=True)
        return
    await query.answer()
    for file_id in case.photos:
        try:
            await context.bot.send_photo(query.from_user.id, file_id, caption=case.code,
                                         protect_content=True)
        except TelegramError as error:
            log.info("case photo not sent: %s", type(error).__name__)


async def _checked_summary(context: BotContext, case_id: int | None) -> CaseSummary:
    case = await case_store.summary(context.db, case_id or 0, context.now)
    if case is None:
        raise casework.NotApplicable(case_id)
    casework.check_access(context.user, case)
    return case


_ACTIONS = {
    "ls": _act_list,
    "v": _act_view,
    "acc": _act_accept,
    "rsk": _act_risk,
    "go": _act_go,
    "cls": _act_close_menu,
    "out": _act_outcome,
    "asg": _act_assign_menu,
    "to": _act_assign,
    "hist": _act_history,
    "ph": _act_photos,
}


# -- notes, referrals and closing as referred: one typed answer ------------------------------
INPUT_PROMPTS = {
    "note": N_("📝 Type the note for {code} (up to {limit} characters)."),
    "ref": N_("🔗 Type the service the case is referred to, and what was asked of it "
              "(up to {limit} characters)."),
    "refclose": N_("🏁 To close {code} as referred, type the name of the service it was "
                   "referred to."),
}


async def start_input(update: Update, context: BotContext) -> int | None:
    query = update.callback_query
    _ = context.translate
    data = callbacks.decode(query.data)
    if data is None or data.action not in INPUT_PROMPTS or data.int_arg(0) is None:
        await query.answer(_("This button is not valid."), show_alert=True)
        return ConversationHandler.END
    if not _in_private(query):
        await query.answer(_("Please open the case in your private chat with the bot."),
                           show_alert=True)
        return ConversationHandler.END
    try:
        case = await _checked_summary(context, data.int_arg(0))
    except casework.PermissionDenied:
        await audit.refused(context.db, context.user.telegram_id, f"case_{data.action}",
                            "case", data.int_arg(0), context.now)
        await _deny(query, _)
        return ConversationHandler.END
    except casework.NotApplicable:
        await query.answer(_("This button is no longer active. Please use /menu."),
                           show_alert=True)
        return ConversationHandler.END
    if not lifecycle.is_open(case.status) or (
            data.action == "refclose" and not lifecycle.can_close(case.status, "referred")):
        await query.answer(_("This case has moved on meanwhile; here is where it is now."),
                           show_alert=True)
        return ConversationHandler.END
    await query.answer()
    prompt = await query.message.reply_text(
        _(INPUT_PROMPTS[data.action], code=case.code, limit=NOTE_MAX_CHARS),
        reply_markup=keyboards.inline([[(_("✖️ Cancel"), callbacks.encode(INPUT_NS, "cancel"))]]),
    )
    # Remember the prompt, so its Cancel button goes away once the text is saved.
    context.user_data["case_input"] = {"kind": data.action, "case": case.id,
                                       "prompt": prompt.message_id}
    return TEXT


async def receive_input(update: Update, context: BotContext) -> int:
    _ = context.translate
    pending = context.user_data.get("case_input") or {}
    text = (update.message.text or "").strip()
    if not text:
        return TEXT
    if len(text) > NOTE_MAX_CHARS:
        await update.message.reply_text(_(
            "That is {length} characters; the limit is {limit}. Please shorten it and send it "
            "again.", length=len(text), limit=NOTE_MAX_CHARS))
        return TEXT
    cipher = cipher_for(context.services)
    case_id, kind = pending.get("case"), pending.get("kind")
    try:
        if kind == "refclose":
            case = await casework.close(context.db, cipher, context.user, case_id, "referred",
                                        context.now, service=text,
                                        then=_tell_reporter(context))
            await sync_alerts(context, case)
            done = _("The case {code} is closed as referred.", code=case.code)
        elif kind in ("note", "ref"):
            case = await casework.add_note(context.db, cipher, context.user, case_id,
                                           "note" if kind == "note" else "referral", text,
                                           context.now)
            done = _("Saved to {code}.", code=case.code)
        else:
            return ConversationHandler.END
    except casework.PermissionDenied:
        await audit.refused(context.db, context.user.telegram_id, f"case_{kind}", "case",
                            case_id, context.now)
        done = _("Sorry, only the staff covering this case and administrators can open or "
                 "change it.")
    except casework.NotApplicable:
        done = _("This case has moved on meanwhile; nothing was saved.")
    context.user_data.pop("case_input", None)
    if pending.get("prompt"):
        await edit_markup_quietly(context.bot, update.effective_chat.id, pending["prompt"])
    await update.message.reply_text(done, reply_markup=keyboards.inline(
        [[(_("📄 Open the case"), callbacks.encode(NS, "v", case_id))]]))
    return ConversationHandler.END


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
    usage = _("Usage: /bind AREA — a programme area ({groups}) or a ward/commune (its code or "
              "name, e.g. /bind 27418 or /bind Chánh Hưng), sent inside the staff group chat.",
              groups=", ".join(group.code for group in areas.groups()))
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
        await case_store.bind_group(context.db, target, chat.id, context.user.telegram_id,
                                    context.now)
        await audit.record(context.db, context.user.telegram_id, "group_bind", "chat", chat.id,
                           context.now, target=target)
    await update.message.reply_text(_(
        "✅ This group now receives the new cases of {area}. Alerts show no child's name; "
        "details open only in a private chat, for the staff who cover them.", area=name))


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
            await audit.record(context.db, context.user.telegram_id, "group_unbind", "chat",
                               update.effective_chat.id, context.now, target=target)
    if target is None:
        await update.message.reply_text(_("This chat is not bound to a ward, commune or area."))
        return
    await update.message.reply_text(_("This group no longer receives new cases. The staff who "
                                      "cover them are alerted privately instead."))


# -- legal clocks -----------------------------------------------------------------------------
async def check_deadlines(application: Application, now: dt.datetime) -> None:
    """Remind before a deadline (assignee first); tell administrators once when it passed.
    Each reminder is marked sent and queued in one transaction: never lost, never twice."""
    db = application.services.database
    i18n = application.services.i18n
    cipher = cipher_for(application.services)
    for due in await case_store.reminders_due(db, now):
        async with db.transaction():
            if not await case_store.mark_reminded(db, due.id, now):
                continue
            recipients = await routing.reminder_recipients(db, due)
            targets = ([(recipients.group_chat_id, None)] if recipients.group_chat_id is not None
                       else [(p.telegram_id, p.language) for p in recipients.people])
            for chat_id, language in targets:
                _ = i18n(language)
                await outbox.enqueue(db, cipher, chat_id, _(
                    "⏰ Reminder: case {code} — the {deadline} is due {when}.", code=due.code,
                    deadline=_(DEADLINE_NAMES[due.kind]), when=_.short_datetime(due.due_at)),
                    now=now, protect=True,
                    markup=keyboards.inline([[(_("📄 Details"),
                                               callbacks.encode(NS, "v", due.case_id))]]))
            await audit.record(db, None, "case_reminder", "case", due.case_id, now,
                               code=due.code, kind=due.kind)
    for due in await case_store.overdue_unannounced(db, now):
        async with db.transaction():
            if not await case_store.mark_overdue_sent(db, due.id, now):
                continue
            for admin in await users.admins(db):
                _ = i18n(admin.language)
                await outbox.enqueue(db, cipher, admin.telegram_id, _(
                    "⚠️ Case {code} ({place}): the {deadline} deadline passed on {when}.",
                    code=due.code, place=application.services.areas.place(
                        due.ward, _.language) if due.ward else "—",
                    deadline=_(DEADLINE_NAMES[due.kind]), when=_.short_datetime(due.due_at)),
                    now=now, protect=True,
                    markup=keyboards.inline([[(_("📄 Details"),
                                               callbacks.encode(NS, "v", due.case_id))]]))
            await audit.record(db, None, "case_overdue", "case", due.case_id, now,
                               code=due.code, kind=due.kind)


def build_input_conversation(application: Application) -> ConversationHandler:
    i18n = application.services.i18n
    return ExclusiveConversation(
        name="case_input",
        persistent=True,
        entry_points=[CallbackQueryHandler(start_input, pattern=rf"^{INPUT_NS}:(note|ref|refclose):")],
        states={
            TEXT: [
                MessageHandler(free_text(i18n), receive_input),
                CallbackQueryHandler(cancel_input, pattern=rf"^{INPUT_NS}:cancel"),
                CallbackQueryHandler(start_input, pattern=rf"^{INPUT_NS}:(note|ref|refclose):"),
                MessageHandler(anything_else(i18n), input_hint),
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
    application.add_handler(MessageHandler(PRIVATE & menu.Intent(i18n, "cases"), cases_command))
    application.add_handler(CommandHandler("bind", bind_command))
    application.add_handler(CommandHandler("unbind", unbind_command,
                                           filters=filters.ChatType.GROUPS))
    application.add_handler(CallbackQueryHandler(on_button, pattern=callbacks.pattern(NS)))
    scheduling.add_tick(application, "case_deadlines", check_deadlines)
