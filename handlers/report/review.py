"""The last step: the summary to check, Edit a section, Cancel, and Send (the case is
opened by the intake service, the confirmation with its code sent at once or after a
restart by the outbox). A second Send, or Send on an old summary, names the case it became."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram import CallbackQuery, InlineKeyboardMarkup
from telegram.ext import ConversationHandler

from bot import keyboards, outbox
from bot.areas import Areas
from bot.guards import NotApplicable, require_query
from bot.hotline import emergency_text
from bot.i18n import Html, Translator
from bot.messaging import answer_once, edit_buttons_quietly
from bot.reports import casework
from bot.reports.buttons import (
    Cancel,
    DeleteMessages,
    Discard,
    Edit,
    Section,
    Send,
    Sos,
    StepButton,
)
from bot.reports.draft import SECTIONS, Draft
from bot.reports.rules import situation
from bot.text import truncate
from handlers.report.ui import (
    ACTIVE,
    CONFIRM_CANCEL,
    SECTION_LABELS,
    SEX_LABELS,
    close_buttons,
    nav_row,
)

if TYPE_CHECKING:
    from handlers.report.engine import Flow

log = logging.getLogger(__name__)
SUMMARY_LIMIT = 4000


def review_text(
    draft: Draft, _: Translator, areas: Areas, description_limit: int | None = None
) -> str:
    language = _.language
    yes, no = _("yes"), _("no")
    place = areas.place(draft.ward, language) if draft.ward else _("elsewhere / not sure")
    if draft.ward and not areas.in_programme(draft.ward):
        place = _("{unit} (outside the programme)", unit=place)
    if draft.reported_place and draft.reported_place != draft.ward:
        place = _(
            "{unit} (reported as {old})",
            unit=place,
            old=areas.place(draft.reported_place, language),
        )
    if draft.place_detail:
        place = f"{place} — {draft.place_detail}"
    if draft.age is None:
        age = _("age not known")
    elif draft.age_estimated:
        age = _("about {age} years old", age=draft.age)
    else:
        age = _("{age} years old", age=draft.age)
    child = ", ".join(
        filter(
            None,
            [
                draft.child_name or _("no name given"),
                age,
                _(SEX_LABELS.get(draft.sex or "unknown", SEX_LABELS["unknown"])),
            ],
        )
    )
    if draft.children > 1:
        child += ", " + _("{count} children", count=draft.children)
    groups = (
        "; ".join(
            s.label(language) for code in draft.situations if (s := situation(code)) is not None
        )
        or "—"
    )
    description = draft.description or "—"
    if description_limit is not None:
        description = truncate(description, description_limit)
    if draft.contact_consent:
        contact = _(
            "{name}, {phone} (staff may call you)",
            name=draft.reporter_name or "—",
            phone=draft.reporter_phone or "—",
        )
    else:
        contact = _("anonymous")
    return _(
        "<b>Please check your report</b>\n"
        "🚨 Child in danger now: {urgent}\n"
        "📍 Place: {place}{location}\n"
        "👧 Child: {child}\n"
        "📋 Situation: {groups}\n"
        "📝 What happened: {description}\n"
        "📷 Photos: {photos}\n"
        "👪 Cared for by: {caregiver}\n"
        "✅ Already done: {actions}\n"
        "☎️ Contact: {contact}",
        urgent=yes if draft.urgent else no,
        place=place,
        location=Html(" 🗺") if draft.location else "",
        child=child,
        groups=groups,
        description=description,
        photos=len(draft.photos),
        caregiver=draft.caregiver or _("not known"),
        actions=draft.actions or _("nothing yet"),
        contact=contact,
    )


def review_keyboard(_: Translator) -> InlineKeyboardMarkup:
    return keyboards.inline(
        [
            [(_("✅ Send"), Send())],
            [(_("✏️ Edit a section"), Edit())],
            [(_("✖️ Cancel the report"), Cancel())],
            nav_row(_, "review", back=False),
        ]
    )


async def show_review(flow: Flow, draft: Draft) -> None:
    _ = flow.translate
    missing = draft.missing()
    if missing:  # a resumed or edited draft with a gap: ask the first missing step
        draft.step = missing[0]
        await flow.ask(draft)
        return
    if flow.query is not None:
        await close_buttons(flow.query)
    areas = flow.context.services.areas
    text = review_text(draft, _, areas)
    if len(text) > SUMMARY_LIMIT:
        text = review_text(draft, _, areas, description_limit=800)
    draft.shown = False
    await flow.save(draft)  # save, then ask (see Flow.ask)
    message = await flow.chat.send_message(text, reply_markup=review_keyboard(_))
    draft.remember_message(message.message_id)
    draft.prompt_id = message.message_id
    draft.shown = True
    await flow.save(draft)


async def review_action(flow: Flow, draft: Draft, pressed: StepButton) -> int:
    query = require_query(flow.update)
    _ = flow.translate
    if isinstance(pressed, Edit):
        await query.answer()
        rows: list[list[keyboards.Button]] = [
            [(_(SECTION_LABELS[s]), Section(step="review", section=s))] for s in SECTIONS
        ]
        rows.append([(_("‹ Back to the summary"), Section(step="review", section="none"))])
        await edit_buttons_quietly(query, keyboards.inline(rows))
        return ACTIVE
    if isinstance(pressed, Section):
        await query.answer()
        if pressed.section not in SECTIONS:
            await edit_buttons_quietly(query, review_keyboard(_))
            return ACTIVE
        await close_buttons(query)
        draft.step = draft.start_edit(pressed.section)
        await flow.ask(draft, in_place=False)
        return ACTIVE
    if isinstance(pressed, Cancel):
        await query.answer()
        await flow.message.reply_text(
            _("Discard this report? Nothing will be sent."),
            reply_markup=keyboards.inline(
                [
                    [(_("🗑 Yes, discard it"), Discard(choice="yes"))],
                    [(_("‹ No, keep it"), Discard(choice="no"))],
                ]
            ),
        )
        return CONFIRM_CANCEL
    return await _send(flow, draft, query)


async def _send(flow: Flow, draft: Draft, query: CallbackQuery) -> int:
    _ = flow.translate
    context = flow.context
    intake = flow.intake

    try:
        submitted, thanks = await intake.submit(
            flow.person,
            draft,
            context.now,
            source_message_id=query.message.message_id if query.message else None,
            thanks=lambda case_id, code: (
                _thanks_text(_, code, bool(draft.urgent)),
                _thanks_keyboard(_, case_id),
            ),
        )
    except casework.RateLimited:
        await query.answer(
            _(
                "You have sent {count} reports in the last hour. Please try again "
                "later; your draft is kept.",
                count=intake.rules.reports_per_hour,
            ),
            show_alert=True,
        )
        return ACTIVE
    except NotApplicable:
        await query.answer()
        await show_review(flow, draft)
        return ACTIVE
    flow.forget()
    if not submitted.first:
        return await already_sent(flow, submitted)
    await query.answer()
    await close_buttons(query)
    # The confirmation with the case code: now, as the answer to the press; if the process
    # dies first, the outbox sends it after the restart.
    await outbox.send_now(context.application, thanks)
    log.info("case %s created", submitted.code)
    return ConversationHandler.END


def _thanks_text(_: Translator, code: str, urgent: bool) -> str:
    next_steps = (
        _("Because the child is in danger, staff must act within 12 hours.")
        if urgent
        else _("Staff will assess it and make a support plan within 5 working days.")
    )
    return (
        _(
            "🙏 Thank you! Your report was sent to the child-protection staff of the ward or commune.\n"
            "Case code: <b>{code}</b>\n{next_steps}\nYou will be told here at each step; "
            "/myreports shows its status and lets you add what you learn later.",
            code=code,
            next_steps=next_steps,
        )
        + "\n\n"
        + _(
            "If others use this phone, you can remove the messages with details from this chat "
            "(possible for 48 hours)."
        )
    )


def _thanks_keyboard(_: Translator, case_id: int) -> InlineKeyboardMarkup:
    return keyboards.inline([[(_("🧹 Delete my messages"), DeleteMessages(case_id=case_id))]])


async def already_sent(flow: Flow, submitted: casework.Submitted) -> int:
    """Send pressed again on a summary that is already a case (a double press, or a press
    after a restart): the case code, never a second case or "no longer open"."""
    query = require_query(flow.update)
    _ = flow.translate
    await answer_once(
        query, _("This report was already sent: case code {code}.", code=submitted.code), True
    )
    await close_buttons(query)
    return ConversationHandler.END


async def without_draft(flow: Flow, pressed: StepButton | None) -> int:
    """A button of the report pressed when no draft is open (sent, discarded, or lost)."""
    query = require_query(flow.update)
    if isinstance(pressed, Send) and query.message is not None:
        earlier = await flow.intake.already_submitted(flow.person, query.message.message_id)
        if earlier is not None:
            return await already_sent(flow, earlier)
    await query.answer()
    if isinstance(pressed, Sos):  # an old 🆘 always works, even after the report was sent
        await flow.chat.send_message(emergency_text(flow.translate, now=True, tip=False))
    return await flow.lost()
