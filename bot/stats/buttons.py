"""The buttons of /stats and /export (handlers/stats.py), light enough to register at start."""

from __future__ import annotations

from bot.callbacks import Button, Namespace

STATS = Namespace("sta", owner=__name__)


class ShowPeriod(Button, namespace=STATS, action="p"):
    period: str  # a Period token
    group: str  # a programme group code, or access.ALL (bot/stats/access.py)


class Export(Button, namespace=STATS, action="x"):
    period: str
    group: str
