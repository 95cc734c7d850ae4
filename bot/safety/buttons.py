"""The emergency buttons (namespace "sos"): they work from any message, however old, and never
answer "this button has expired"."""

from __future__ import annotations

from bot.callbacks import Button, Namespace

SOS = Namespace("sos", owner=__name__)


class PassToStaff(Button, namespace=SOS, action="tip"):
    """ "📨 Pass it to staff now": what was typed becomes an anonymous quick tip."""


class TipPlace(Button, namespace=SOS, action="place"):
    """Where the child of a tip sent without a place is (`code` a unit, or "other": skip)."""

    case_id: int
    code: str


class Numbers(Button, namespace=SOS, action="num"):
    """The numbers, always (old buttons may carry more parts: they are ignored)."""
