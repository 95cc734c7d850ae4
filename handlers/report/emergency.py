"""The emergency path of the report: 🚨 at the first question, or 🆘 / danger words at any
step, gives the hotlines at once and alerts the area's staff (once per report); then the
report continues where it was."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.hotline import emergency_text
from bot.reports.draft import Draft
from handlers.report.ui import ACTIVE

if TYPE_CHECKING:
    from handlers.report.engine import Flow


async def emergency(flow: Flow, draft: Draft) -> int:
    _ = flow.translate
    await flow.chat.send_message(emergency_text(_, now=True, tip=False))
    draft.urgent = True
    if not draft.emergency_alerted:
        await alert_staff_now(flow, draft)
        await flow.chat.send_message(
            _(
                "🚨 Staff have been alerted now. Your report is marked "
                "<b>urgent</b>. When it is safe, continue below."
            )
        )
    await flow.ask(draft, in_place=False)
    return ACTIVE


async def answer_safety(flow: Flow, draft: Draft) -> int:
    """The first question answered, tapped or typed: in danger now → the hotlines at once."""
    _ = flow.translate
    if not draft.urgent:
        return await flow.next(draft, "safety")
    await flow.chat.send_message(emergency_text(_, now=True, tip=False))
    await alert_staff_now(flow, draft)
    await flow.chat.send_message(
        _(
            "🚨 Staff have been alerted now. Your report is marked <b>urgent</b>: the "
            "ward/commune staff must act within 12 hours. If you can, call now; then let us "
            "continue."
        )
    )
    return await flow.next(draft, "safety", in_place=False)


async def alert_staff_now(flow: Flow, draft: Draft) -> None:
    """A child in danger now: the area's staff hear at once, with what is known so far, in
    one transaction with the mark "alerted" (the intake service)."""
    await flow.intake.alert_staff_now(flow.person, draft, flow.context.now)
    flow.context.person_data["report_draft_saved"] = True
