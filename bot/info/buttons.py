"""The buttons of the information for parents (namespace "info"): topics, votes, the
materials of a topic and the ward's contact. Other slices put `ShowEntry` under their
answers (the emergency answer's "What to do", the closest topics of unclear text)."""

from __future__ import annotations

from bot.callbacks import Button, Namespace

INFO = Namespace("info", owner=__name__)


class InfoMenu(Button, namespace=INFO, action="menu"):
    """ "‹ All topics"."""


class ShowEntry(Button, namespace=INFO, action="show"):
    """A topic. `below`: sent as a new message, the pressed one left as it is (under the
    emergency answer, whose numbers and tip button must stay, and under the ways forward of
    unclear text, whose "send to staff" must stay); otherwise the pressed message becomes it."""

    entry_id: str
    below: bool = False


class Vote(Button, namespace=INFO, action="vote"):
    entry_id: str
    helpful: bool


class TopicMaterials(Button, namespace=INFO, action="mat"):
    topic: str


class WardContact(Button, namespace=INFO, action="ward"):
    """ "📍 Ward contact": the person's own ward, or the question which one."""


class AnotherWard(Button, namespace=INFO, action="wchange"):
    pass


class OldDistrict(Button, namespace=INFO, action="wd"):
    """A button of the old two-step picker (a programme area first): today's question."""

    code: str


class PickWard(Button, namespace=INFO, action="wc"):
    code: str
