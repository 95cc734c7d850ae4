"""Every button of the materials slice: browsing ("mat"), managing the catalogue ("mad") and
printed copies ("prq"). The wire format is `ns:action:field…`, as in messages already sent."""

from __future__ import annotations

from bot.callbacks import Button, Namespace

BROWSE = Namespace("mat", owner=__name__)
MANAGE = Namespace("mad", owner=__name__)
PRINT = Namespace("prq", owner=__name__)
ALL = "all"  # every audience / every topic


# -- browsing (anyone) ---------------------------------------------------------------------------
class Home(Button, namespace=BROWSE, action="home"):
    pass


class ChooseAudience(Button, namespace=BROWSE, action="aud"):
    audience: str


class ListTopic(Button, namespace=BROWSE, action="top"):
    audience: str
    topic: str
    page: int = 0


class SearchPage(Button, namespace=BROWSE, action="sp"):
    page: int


class OpenMaterial(Button, namespace=BROWSE, action="open"):
    material_id: int


# -- managing the catalogue (staff) ----------------------------------------------------------------
class Edit(Button, namespace=MANAGE, action="edit"):
    material_id: int


class EditField(Button, namespace=MANAGE, action="ef"):
    field: str


class PickTopic(Button, namespace=MANAGE, action="tp"):
    topic: str


class ToggleAudience(Button, namespace=MANAGE, action="au"):
    audience: str


class AudiencesDone(Button, namespace=MANAGE, action="audok"):
    pass


class Hide(Button, namespace=MANAGE, action="hide"):
    material_id: int


class Show(Button, namespace=MANAGE, action="show"):
    material_id: int


class MoveUp(Button, namespace=MANAGE, action="up"):
    material_id: int


class MoveDown(Button, namespace=MANAGE, action="down"):
    material_id: int


class Poster(Button, namespace=MANAGE, action="qr"):
    material_id: int


class PosterGroup(Button, namespace=MANAGE, action="qd"):
    material_id: int
    group: str


class PosterUnit(Button, namespace=MANAGE, action="qw"):
    material_id: int
    unit: str


# -- printed copies ------------------------------------------------------------------------------
class RequestCopies(Button, namespace=PRINT, action="new"):
    material_id: int


class PrintGroup(Button, namespace=PRINT, action="dist"):
    group: str


class PrintUnit(Button, namespace=PRINT, action="ward"):
    unit: str


class WantedIn(Button, namespace=PRINT, action="when"):
    days: int


class SendRequest(Button, namespace=PRINT, action="send"):
    pass


class DropRequest(Button, namespace=PRINT, action="drop"):
    pass


class MoveRequest(Button, namespace=PRINT, action="mv"):
    request_id: int
    status: str


class RejectRequest(Button, namespace=PRINT, action="rej"):
    request_id: int
