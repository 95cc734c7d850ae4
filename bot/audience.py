"""Who receives a mass message: roles, programme groups, units, language — as SQL, counted in SQL.

An `Audience` is plain data (stored as JSON with a delivery and resolved into recipient rows
only when sending starts, so a broadcast scheduled for next week reaches the people who are
subscribed next week). `where(audience, kind)` builds the WHERE clause from fixed fragments
and parameters only; `count` gives the exact number the sender is shown.

Rules:
- Only active people; only people the bot can reach (`reachable`); only people who did not
  opt out with /stop — except for urgent staff notices, which are a separate, explicit kind.
- Staff can reach only the units of their scope (`limit_for`); administrators everyone.
  `districts` are programme group codes (users.district holds the group of their unit),
  `wards` official unit codes.
- Parents and the public are role "public". "staff" includes administrators.
- `event_id` narrows the audience to the people registered for that event ("going", and the
  waiting list too with `event_waiting`); the query is storage.events.registrants_query.
  Staff may address events of their units and programme-wide ones
  (bot.events.addressing); for an event of their own units the event replaces their
  scope limit, since most parents give no place and others cannot see the event.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from bot import scope
from bot.areas import Areas
from bot.events import addressing
from bot.guards import PermissionDenied
from storage.db import Database
from storage.events import registrants_query
from storage.users import User

if TYPE_CHECKING:
    from storage.models import Event

ROLES = ("public", "collaborator", "staff")
LANGUAGES = ("vi", "en")

# Which subscription flag a kind of delivery respects (None: not an opt-out kind).
SUBSCRIPTION = {
    "broadcast": "subscribed_announcements",
    "awareness": "subscribed_announcements",
    "reminder": "subscribed_reminders",
    "urgent": None,
}


@dataclass(frozen=True)
class Audience:
    roles: frozenset[str] = field(default_factory=lambda: frozenset({"public"}))
    districts: frozenset[str] = frozenset()  # programme groups; empty: all (and no place)
    wards: frozenset[str] = frozenset()  # units; empty: every unit of the chosen groups
    language: str | None = None  # None: every language
    event_id: int | None = None  # only people registered for this event
    event_waiting: bool = False  # …counting its waiting list too

    def __post_init__(self) -> None:
        if self.event_id is None and self.event_waiting:
            object.__setattr__(self, "event_waiting", False)  # meaningless without an event
        if not self.roles or not set(self.roles) <= set(ROLES):
            raise ValueError(f"roles must be a non-empty subset of {ROLES}")
        if self.language is not None and self.language not in LANGUAGES:
            raise ValueError(f"language must be one of {LANGUAGES}")

    def to_json(self) -> str:
        return json.dumps(
            {
                "roles": sorted(self.roles),
                "districts": sorted(self.districts),
                "wards": sorted(self.wards),
                "language": self.language,
                "event_id": self.event_id,
                "event_waiting": self.event_waiting,
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> Audience:
        data = json.loads(text)
        return cls(
            roles=frozenset(data.get("roles") or ("public",)),
            districts=frozenset(data.get("districts") or ()),
            wards=frozenset(data.get("wards") or ()),
            language=data.get("language"),
            event_id=data.get("event_id"),
            event_waiting=bool(data.get("event_waiting")),
        )

    def with_changes(self, **changes: Any) -> Audience:
        return replace(self, **changes)


def limit_for(actor: User, audience: Audience, event: Event | None = None) -> Audience:
    """The audience the actor may reach: staff are confined to the units of their scope.

    An audience with `event_id` needs that `event` (loaded by the caller). Raises
    PermissionDenied for people who may not broadcast at all, when a staff member names
    a group or unit outside their scope, or an event outside it.
    """
    if audience.event_id is not None:
        if event is None or event.id != audience.event_id:
            raise ValueError("limit_for needs the event of an event audience")
        if not addressing.within_district(actor, event):
            raise PermissionDenied("this event is outside the sender's scope")
    if actor.is_admin:
        return audience
    covered = scope.units_of(actor)
    if not actor.is_staff or not covered:
        raise PermissionDenied("only staff and administrators can send announcements")
    areas = Areas.load()
    named = set(audience.wards) | {
        code for group in audience.districts for code in _units_of_group(areas, group)
    }
    if not named <= covered:
        raise PermissionDenied("staff can reach only the units of their scope")
    if (
        event is not None
        and audience.event_id is not None
        and event.district is not None
        and addressing.within_district(actor, event)
    ):
        # Everyone registered for the staff's own event is theirs to reach.
        return audience.with_changes(districts=frozenset(), wards=frozenset())
    if audience.wards:
        return audience.with_changes(districts=frozenset())
    if audience.districts:
        return audience
    # A scope of whole programme groups reads as those groups; anything else as its units.
    whole = frozenset(group.code for group in areas.groups() if set(group.units) <= covered)
    if {code for group in whole for code in _units_of_group(areas, group)} == covered:
        return audience.with_changes(districts=whole)
    return audience.with_changes(wards=covered)


def _units_of_group(areas: Areas, code: str) -> tuple[str, ...]:
    """The units of a programme group; an unknown code names a unit nobody covers."""
    group = areas.group(code)
    return tuple(group.units) if group is not None else ("?",)


async def reach(
    db: Database, actor: User, audience: Audience, now: dt.datetime
) -> tuple[Audience, Event | None]:
    """`limit_for` with the audience's event loaded and re-checked (it may have been
    cancelled or moved out of the sender's reach since it was chosen)."""
    event = await addressing.find(db, actor, audience.event_id, now)
    if audience.event_id is not None and event is None:
        raise PermissionDenied("the event can no longer be addressed")
    return limit_for(actor, audience, event), event


def scope_district(actor: User) -> str | None:
    """The programme group a sender is limited to, for the delivery's record and statistics
    (None for administrators and for scopes spanning several groups)."""
    return None if actor.is_admin else scope.home_group(actor)


def where(audience: Audience, kind: str = "broadcast") -> tuple[str, list[object]]:
    """WHERE clause over `users` selecting the audience for a delivery of `kind`."""
    if kind not in SUBSCRIPTION:
        raise ValueError(f"unknown delivery kind {kind!r}")
    clauses = ["status = 'active'", "reachable = 1"]
    params: list[object] = []
    flag = SUBSCRIPTION[kind]
    if flag is not None:
        clauses.append(f"{flag} = 1")
    roles = set(audience.roles)
    if "staff" in roles:
        roles.add("admin")
    clauses.append(f"role IN ({', '.join('?' for _ in roles)})")
    params.extend(sorted(roles))
    if "public" in audience.roles:
        # Parents who stopped half-way through onboarding never chose to hear from us.
        clauses.append("(role != 'public' OR onboarded = 1)")
    if audience.districts:
        clauses.append(f"district IN ({', '.join('?' for _ in audience.districts)})")
        params.extend(sorted(audience.districts))
    if audience.wards:
        clauses.append(f"ward IN ({', '.join('?' for _ in audience.wards)})")
        params.extend(sorted(audience.wards))
    if audience.language:
        clauses.append("language = ?")
        params.append(audience.language)
    if audience.event_id is not None:
        registrants, registrant_params = registrants_query(
            audience.event_id, audience.event_waiting
        )
        clauses.append(f"telegram_id IN ({registrants})")
        params.extend(registrant_params)
    return " AND ".join(clauses), params


async def count(db: Database, audience: Audience, kind: str = "broadcast") -> int:
    """The exact number of people a delivery of `kind` to `audience` would reach now."""
    clause, params = where(audience, kind)
    return int(await db.fetchvalue(f"SELECT count(*) FROM users WHERE {clause}", params))
