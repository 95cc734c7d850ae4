"""A case's buttons: open it, accept, the initial assessment's risk, verified, a new plan,
close (a reason, then a note typed in handlers/cases/notes.py, then a confirmation), assign,
history and photos. Every button re-checks on the server (CaseService) that the presser is
staff covering the case's unit or an administrator; stale or forged buttons change nothing.
"""

from __future__ import annotations

import html
import logging

from telegram import Update
from telegram.error import TelegramError

from bot import keyboards, staff_copies
from bot.cases.alerts import alert_copy
from bot.cases.buttons import (
    AcceptCase,
    AssessRisk,
    AssignMenu,
    AssignTo,
    CaseHistory,
    CasePhotos,
    CloseMenu,
    CloseWith,
    ConfirmClose,
    KeepOpen,
    MoveCase,
    OpenCase,
)
from bot.cases.service import AlreadyClosed
from bot.cases.texts import history_entry, opening_entry
from bot.context import BotContext
from bot.guards import NotApplicable, require_query
from bot.messaging import answer_once, edit_buttons_quietly, edit_quietly, notify
from bot.reports import lifecycle
from bot.text import join_within
from handlers.cases.alerts import after_change
from handlers.cases.detail import (
    ALREADY_CLOSED,
    DETAIL_LIMIT,
    MOVED_ON,
    case_callback,
    detail,
    in_private,
    is_detail_view,
    service_for,
    show_detail,
)

log = logging.getLogger(__name__)


async def open_case(update: Update, context: BotContext, data: OpenCase) -> None:
    await show_detail(update, context, data.case_id)
    await answer_once(require_query(update))


async def accept(update: Update, context: BotContext, data: AcceptCase) -> None:
    query = require_query(update)
    _ = context.translate
    try:
        change = await service_for(context).accept(context.person, data.case_id, context.now)
    except NotApplicable:
        if is_detail_view(query):
            raise  # the detail view is refreshed by the button's wrapper
        await _stale_alert(update, context, data.case_id)
        return
    await query.answer(_("Accepted: the case is assigned to you."))
    # Every copy of the alert (this one too, if pressed there) now shows who took the case.
    await after_change(context, change, query)
    if is_detail_view(query):
        await show_detail(update, context, change.case.id, what="after_accept")


async def _stale_alert(update: Update, context: BotContext, case_id: int) -> None:
    """Accept pressed on a copy that had not caught up: say who has the case, change
    nothing, and bring that copy up to date."""
    query = require_query(update)
    _ = context.translate
    service = service_for(context)
    case = await service.summary(context.person, case_id, context.now, attempted="accept")
    if case.status == "closed":
        text = _(ALREADY_CLOSED)
    elif case.status == "received":  # changed and changed back meanwhile: try again
        text = _(MOVED_ON)
    else:
        text = _(
            "This case was already accepted; {name} is in charge. Nothing was changed.",
            name=await service.person_name(case.assignee_id),
        )
    await answer_once(query, text, show_alert=True)
    if query.message is None:  # too old for Telegram to say which message it was
        return
    theirs = context.services.i18n(_.language if in_private(query) else None)
    copy_text, markup = await alert_copy(context.db, case, theirs, context.services.areas)
    await staff_copies.edit_copy(
        context.bot, query.message.chat.id, query.message.message_id, copy_text, markup
    )


async def assess(update: Update, context: BotContext, data: AssessRisk) -> None:
    query = require_query(update)
    _ = context.translate
    if data.risk not in lifecycle.RISKS:
        raise NotApplicable(data.risk)
    change = await service_for(context).assess(context.person, data.case_id, data.risk, context.now)
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
    await show_detail(update, context, change.case.id, what="after_change")


async def move(update: Update, context: BotContext, data: MoveCase) -> None:
    query = require_query(update)
    _ = context.translate
    service = service_for(context)
    if data.move == "verified":
        change = await service.verified(context.person, data.case_id, context.now)
    elif data.move == "replan":
        change = await service.new_plan(context.person, data.case_id, context.now)
    else:
        raise NotApplicable(data.move)
    await query.answer(_("Done: {status}.", status=_(lifecycle.STATE_LABELS[change.case.status])))
    await after_change(context, change)
    await show_detail(update, context, change.case.id, what="after_change")


async def close_menu(update: Update, context: BotContext, data: CloseMenu) -> None:
    """Closing, step 1: the reason. Then a note is typed, then a confirmation."""
    query = require_query(update)
    _ = context.translate
    case = await service_for(context).summary(
        context.person, data.case_id, context.now, attempted="close"
    )
    if case.status == "closed":
        raise AlreadyClosed(case.code)
    rows: list[list[keyboards.Button]] = [
        [(_(lifecycle.OUTCOME_LABELS[outcome]), CloseWith(case.id, outcome))]
        for outcome in lifecycle.OUTCOMES_BY_STATE.get(case.status, ())
    ]
    rows.append([(_("‹ Back"), OpenCase(case.id))])
    await query.answer(_("Why is the case closed?"))
    await edit_buttons_quietly(query, keyboards.inline(rows))


async def confirm_close(update: Update, context: BotContext, data: ConfirmClose) -> None:
    """Closing, last step: the confirmed reason and note (kept while the person confirms)."""
    query = require_query(update)
    _ = context.translate
    service = service_for(context)
    pending = context.person_data.get("case_close") or {}
    if pending.get("case") != data.case_id or pending.get("outcome") != data.outcome:
        case = await service.summary(context.person, data.case_id, context.now, attempted="close")
        if case.status == "closed":
            raise AlreadyClosed(case.code)
        await query.answer(_("Please start closing again from the case."), show_alert=True)
        return
    change = await service.close(
        context.person, data.case_id, pending["outcome"], pending["note"], context.now
    )
    context.person_data.pop("case_close", None)
    await query.answer(_("The case is closed."))
    await after_change(context, change)
    case = await service.view(context.person, change.case.id, context.now, what="after_change")
    text, markup = await detail(context, case)
    await edit_quietly(query, text, markup)


async def keep_open(update: Update, context: BotContext, data: KeepOpen) -> None:
    _ = context.translate
    context.person_data.pop("case_close", None)
    await require_query(update).answer(_("Not closed. Nothing was changed."))
    await show_detail(update, context, data.case_id, what="refresh")


async def assign_menu(update: Update, context: BotContext, data: AssignMenu) -> None:
    query = require_query(update)
    _ = context.translate
    case, colleagues = await service_for(context).colleagues(
        context.person, data.case_id, context.now
    )
    rows: list[list[keyboards.Button]] = [
        [
            (
                ("✓ " if p.telegram_id == case.assignee_id else "")
                + (p.display_name or str(p.telegram_id)),
                AssignTo(case.id, p.telegram_id),
            )
        ]
        for p in colleagues[:30]
    ]
    rows.append([(_("‹ Back"), OpenCase(case.id))])
    await query.answer()
    await edit_buttons_quietly(query, keyboards.inline(rows))


async def assign(update: Update, context: BotContext, data: AssignTo) -> None:
    query = require_query(update)
    _ = context.translate
    change = await service_for(context).assign_to(
        context.person, data.case_id, data.assignee_id or None, context.now
    )
    await query.answer(_("Assigned."))
    await after_change(context, change)
    await show_detail(update, context, change.case.id, what="after_change")


async def history(update: Update, context: BotContext, data: CaseHistory) -> None:
    query = require_query(update)
    _ = context.translate
    service = service_for(context)
    case, notes = await service.history(context.person, data.case_id, context.now)
    lines = [_("🕓 <b>History of {code}</b>", code=case.code)]
    # The first entry, before any note: a whole line, nobody's name before it.
    lines.append(f"• {_.short_datetime(case.received_at)} — {opening_entry(_)}")
    for note in notes:
        who = await service.person_name(note.author_id)
        when = _.short_datetime(note.created_at)
        what = await history_entry(context.db, note, _)
        # `who` is a display name people type themselves: escape it like any user text.
        lines.append(f"• {when} — {html.escape(who, quote=False)}: {what}")
    # Whole lines only, the latest kept: cutting one could split an HTML entity.
    text = join_within(lines, DETAIL_LIMIT, newest_last=True)
    await query.answer()
    await notify(
        context,
        query.from_user.id,
        text,
        protect_content=True,
        reply_markup=keyboards.inline([[(_("‹ Back"), OpenCase(case.id))]]),
    )


async def photos(update: Update, context: BotContext, data: CasePhotos) -> None:
    query = require_query(update)
    _ = context.translate
    case = await service_for(context).view(context.person, data.case_id, context.now, what="photos")
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


# The buttons' callbacks, registered by handlers/cases/routes.py (imported at the first press).
on_open = case_callback(OpenCase, open_case)
on_accept = case_callback(AcceptCase, accept)
on_assess = case_callback(AssessRisk, assess)
on_move = case_callback(MoveCase, move)
on_close_menu = case_callback(CloseMenu, close_menu)
on_confirm_close = case_callback(ConfirmClose, confirm_close)
on_keep_open = case_callback(KeepOpen, keep_open)
on_assign_menu = case_callback(AssignMenu, assign_menu)
on_assign = case_callback(AssignTo, assign)
on_history = case_callback(CaseHistory, history)
on_photos = case_callback(CasePhotos, photos)
