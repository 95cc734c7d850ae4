"""⏸ Pause / ▶️ Resume / ✖ Cancel on a broadcast's progress message or in /broadcasts; they
work anywhere (namespace "bc", bot/delivery/progress.py). The service checks who may."""

from __future__ import annotations

from telegram import Update

from bot.broadcast.service import ControlAction, ControlOutcome
from bot.context import BotContext
from bot.delivery.progress import Cancel, CancelListed, Pause, Resume
from bot.guards import require_query
from bot.i18n import N_
from bot.messaging import answer_stale_button
from handlers.broadcast.history import show_again
from handlers.broadcast.views import service

ANSWERS: dict[ControlOutcome, tuple[str, bool]] = {
    "paused": (N_("Paused. Tap Resume to continue."), False),
    "resumed": (N_("Sending again."), False),
    "cancelled": (N_("Cancelled."), False),
    "refused": (N_("Only the sender or an administrator can do this."), True),
    "ended": (N_("This announcement has already ended."), True),
}


def _pressed(data: str | None) -> tuple[ControlAction, int, bool] | None:
    """The action, the send and whether it was pressed in the /broadcasts list."""
    if (pause := Pause.parse(data)) is not None:
        return "pause", pause.delivery_id, False
    if (resume := Resume.parse(data)) is not None:
        return "resume", resume.delivery_id, False
    if (cancel := Cancel.parse(data)) is not None:
        return "cancel", cancel.delivery_id, False
    if (listed := CancelListed.parse(data)) is not None:
        return "cancel", listed.delivery_id, True
    return None


async def control(update: Update, context: BotContext) -> None:
    query = require_query(update)
    pressed = _pressed(query.data)
    outcome: ControlOutcome = "stale"
    in_list = False
    if pressed is not None:
        action, delivery_id, in_list = pressed
        outcome = await service(context).control(context.user, action, delivery_id, context.now)
    if outcome == "stale":
        await answer_stale_button(update, context)
        return
    text, alert = ANSWERS[outcome]
    await query.answer(context.translate(text), show_alert=alert)
    if in_list and outcome in ("cancelled", "ended"):
        # The list it was pressed in shows the send's new state (and loses its button).
        await show_again(query, context)
