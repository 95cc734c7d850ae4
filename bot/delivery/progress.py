"""What the sender sees: the progress message (edited every few seconds), its Pause/Resume/
Cancel buttons, the final report and the history lines of /broadcasts."""

from __future__ import annotations

import datetime as dt

from telegram import InlineKeyboardMarkup

from bot import keyboards
from bot.callbacks import Button, Namespace
from bot.i18n import N_, Translator
from storage.delivery import Counts, Delivery

# The progress message's buttons, pressed anywhere (handlers/broadcast/control.py) and offered
# again in /broadcasts: `bc:pause:<id>`, `bc:resume:<id>`, `bc:cancel:<id>` (`bc:lcancel:<id>`
# in the list, which then shows itself again).
CONTROLS = Namespace("bc", owner=__name__)


class Pause(Button, namespace=CONTROLS, action="pause"):
    delivery_id: int


class Resume(Button, namespace=CONTROLS, action="resume"):
    delivery_id: int


class Cancel(Button, namespace=CONTROLS, action="cancel"):
    delivery_id: int


class CancelListed(Button, namespace=CONTROLS, action="lcancel"):
    """✖ Cancel #N in /broadcasts: cancels as Cancel does, then the list is shown again in
    place (the send no longer listed as scheduled or sending)."""

    delivery_id: int


KIND_NAMES = {
    "broadcast": N_("Announcement"),
    "urgent": N_("🚨 Urgent notice"),
    "reminder": N_("Reminder"),
    "awareness": N_("Awareness message"),
}

STATE_NAMES = {
    "scheduled": N_("scheduled"),
    "sending": N_("sending"),
    "paused": N_("paused"),
    "done": N_("finished"),
    "cancelled": N_("cancelled"),
    "failed": N_("stopped: Telegram refused the message"),
}


def counter_line(_: Translator, counts: Counts) -> str:
    """'Đã gửi 1.200/5.000 · 3 lỗi'."""
    return _(
        "Sent {sent}/{total} · {errors} errors",
        sent=_.number(counts.sent),
        total=_.number(counts.total),
        errors=_.number(counts.errors),
    )


FINAL_STATES = ("done", "cancelled", "failed")


def progress_text(_: Translator, delivery: Delivery, counts: Counts, state: str) -> str:
    title = _(
        "📣 {kind} #{number} — {state}",
        kind=_(KIND_NAMES[delivery.kind]),
        number=delivery.id,
        state=_(STATE_NAMES[state]),
    )
    if state in FINAL_STATES:
        # One final report with the figures (the message below): no second, rounder count.
        below = _("The figures are in the report below.")
        return f"{title}\n{below}"
    return f"{title}\n{counter_line(_, counts)}"


def controls(_: Translator, delivery_id: int, state: str) -> InlineKeyboardMarkup | None:
    if state in ("sending", "scheduled"):
        return keyboards.inline(
            [
                [
                    (_("⏸ Pause"), Pause(delivery_id=delivery_id)),
                    (_("✖ Cancel"), Cancel(delivery_id=delivery_id)),
                ]
            ]
        )
    if state == "paused":
        return keyboards.inline(
            [
                [
                    (_("▶️ Resume"), Resume(delivery_id=delivery_id)),
                    (_("✖ Cancel"), Cancel(delivery_id=delivery_id)),
                ]
            ]
        )
    return None


def duration_text(_: Translator, seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return _("{hours} h {minutes} min", hours=hours, minutes=minutes)
    if minutes:
        return _("{minutes} min {seconds} s", minutes=minutes, seconds=secs)
    return _("{seconds} s", seconds=secs)


def report_text(
    _: Translator,
    delivery: Delivery,
    counts: Counts,
    state: str,
    started: dt.datetime | None,
    finished: dt.datetime,
) -> str:
    """The final report: sent, failed, unreachable, opted out, not sent, duration."""
    lines = [
        _(
            "📣 {kind} #{number} — {state}",
            kind=_(KIND_NAMES[delivery.kind]),
            number=delivery.id,
            state=_(STATE_NAMES[state]),
        ),
        _("✅ Sent: {count}", count=_.number(counts.sent)),
        _("⚠️ Failed: {count}", count=_.number(counts.failed)),
        _("🚫 Unreachable (blocked the bot): {count}", count=_.number(counts.blocked)),
    ]
    if counts.skipped:
        lines.append(_("🔕 Turned announcements off: {count}", count=_.number(counts.skipped)))
    if counts.pending:
        lines.append(_("⏹ Not sent: {count}", count=_.number(counts.pending)))
    if started is not None:
        lines.append(
            _(
                "⏱ Duration: {duration}",
                duration=duration_text(_, (finished - started).total_seconds()),
            )
        )
    return "\n".join(lines)


def history_line(_: Translator, delivery: Delivery, counts: Counts) -> str:
    when = delivery.started_at or delivery.scheduled_at
    head = _(
        "#{number} · {when} · {kind} · {state}",
        number=delivery.id,
        when=_.short_datetime(when),
        kind=_(KIND_NAMES[delivery.kind]),
        state=_(STATE_NAMES[delivery.state]),
    )
    if delivery.state == "scheduled":
        return head + "\n" + _("Recipients are counted when sending starts.")
    return (
        head
        + "\n"
        + _(
            "Sent {sent}/{total} · {failed} failed · {blocked} unreachable",
            sent=_.number(counts.sent),
            total=_.number(counts.total),
            failed=_.number(counts.failed),
            blocked=_.number(counts.blocked),
        )
    )
