"""Every button of the events slice: browsing ("ev"), managing events ("eva") and taking
attendance ("evt"), each namespace declared once. The wire format is `ns:action:field…`, as
in messages already sent (old buttons in chats keep working)."""

from __future__ import annotations

from bot.callbacks import Button, Namespace

BROWSE = Namespace("ev", owner=__name__)
MANAGE = Namespace("eva", owner=__name__)
ATTENDANCE = Namespace("evt", owner=__name__)
WHOLE_PROGRAMME = "ALL"  # the district choice of an event for every area


# -- browsing (anyone) ---------------------------------------------------------------------------
class ListPage(Button, namespace=BROWSE, action="p"):
    """The person's everyday list."""

    page: int = 0


class GroupsPage(Button, namespace=BROWSE, action="g"):
    """Trainings for teachers, business owners and police."""

    page: int = 0


class OpenEvent(Button, namespace=BROWSE, action="o"):
    event_id: int
    page: int = 0


class Join(Button, namespace=BROWSE, action="j"):
    event_id: int


class Decline(Button, namespace=BROWSE, action="n"):
    event_id: int


class Calendar(Button, namespace=BROWSE, action="i"):
    event_id: int


# -- managing (staff) ------------------------------------------------------------------------------
class NewEvent(Button, namespace=MANAGE, action="new"):
    pass


class PickKind(Button, namespace=MANAGE, action="kind"):
    kind: str


class PickDistrict(Button, namespace=MANAGE, action="district"):
    code: str


class ToggleAudience(Button, namespace=MANAGE, action="aud"):
    audience: str


class AudienceDone(Button, namespace=MANAGE, action="audok"):
    pass


class PickDeadline(Button, namespace=MANAGE, action="dl"):
    choice: str


class ToggleReminder(Button, namespace=MANAGE, action="rem"):
    minutes: int


class RemindersDone(Button, namespace=MANAGE, action="remok"):
    pass


class Save(Button, namespace=MANAGE, action="save"):
    pass


class Discard(Button, namespace=MANAGE, action="discard"):
    pass


class Edit(Button, namespace=MANAGE, action="edit"):
    event_id: int


class EditField(Button, namespace=MANAGE, action="field"):
    field: str


class Cancel(Button, namespace=MANAGE, action="cancel"):
    event_id: int


class ConfirmCancel(Button, namespace=MANAGE, action="cancelok"):
    event_id: int


class Keep(Button, namespace=MANAGE, action="keep"):
    event_id: int


class Registrations(Button, namespace=MANAGE, action="csv"):
    event_id: int


# -- attendance (staff) ----------------------------------------------------------------------------
class OpenRoster(Button, namespace=ATTENDANCE, action="o"):
    event_id: int
    page: int = 0


class MarkCame(Button, namespace=ATTENDANCE, action="m"):
    event_id: int
    telegram_id: int
    page: int = 0


class Unmark(Button, namespace=ATTENDANCE, action="u"):
    event_id: int
    telegram_id: int
    page: int = 0
