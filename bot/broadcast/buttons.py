"""Every button of the /broadcast conversation (namespace "bcc"). The wire format is
`bcc:action:field…`, as in messages already sent; the progress controls ("bc") are declared
with the progress message in bot/delivery/progress.py."""

from __future__ import annotations

import functools
import operator

from bot.callbacks import Button, Namespace

COMPOSE = Namespace("bcc", owner=__name__)
ALL = "all"  # every programme group / every ward


class SkipEnglish(Button, namespace=COMPOSE, action="skipen"):
    pass


# -- the audience picker ---------------------------------------------------------------------
class ToggleRole(Button, namespace=COMPOSE, action="role"):
    role: str


class ChooseGroup(Button, namespace=COMPOSE, action="dist"):
    code: str  # a programme group, or ALL


class CycleLanguage(Button, namespace=COMPOSE, action="lang"):
    pass


class ToggleUrgent(Button, namespace=COMPOSE, action="urgent"):
    pass


class OpenWards(Button, namespace=COMPOSE, action="wards"):
    pass


class DropEvent(Button, namespace=COMPOSE, action="evoff"):
    pass


class ToggleWaiting(Button, namespace=COMPOSE, action="evw"):
    pass


class Continue(Button, namespace=COMPOSE, action="next"):
    pass


class Abort(Button, namespace=COMPOSE, action="abort"):
    pass


# -- wards -----------------------------------------------------------------------------------
class ToggleWard(Button, namespace=COMPOSE, action="ward"):
    code: str  # a unit, or ALL


class WardsDone(Button, namespace=COMPOSE, action="wardsdone"):
    pass


# -- "only people registered for an event" -----------------------------------------------------
class ListEvents(Button, namespace=COMPOSE, action="evs"):
    page: int = 0


class ChooseEvent(Button, namespace=COMPOSE, action="ev"):
    event_id: int


class EventsBack(Button, namespace=COMPOSE, action="evback"):
    pass


# -- confirmation ----------------------------------------------------------------------------
class SendNow(Button, namespace=COMPOSE, action="now"):
    pass


class SendLater(Button, namespace=COMPOSE, action="later"):
    pass


class ChangeAudience(Button, namespace=COMPOSE, action="edit"):
    pass


# The audience picker's toggles (handlers/broadcast/audience.py's audience_button).
AUDIENCE_BUTTONS = (
    ToggleRole,
    ChooseGroup,
    CycleLanguage,
    ToggleUrgent,
    OpenWards,
    DropEvent,
    ToggleWaiting,
)
# Any one of the picker's toggles: their typed patterns.
PICKER_PATTERN = functools.reduce(operator.or_, (button.pattern() for button in AUDIENCE_BUTTONS))
