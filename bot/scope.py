"""Staff scope: which of today's units a person may act in — the one place it is checked.

A staff member's scope (users.scope) is a set of unit codes, programme group codes, or `all`
for the programme's whole area; administrators cover everything, including places outside
the area. Every permission that used to compare districts calls `can_act_in_unit` (or
`covers_any` for a record whose unit has candidates) and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.areas import WHOLE_PROGRAMME, Areas
from storage.users import User


def _areas(areas: Areas | None) -> Areas:
    return areas if areas is not None else Areas.load()


def units_of(actor: User | None, areas: Areas | None = None) -> frozenset[str] | None:
    """The units the actor covers: None means every unit (administrators), empty nothing."""
    if actor is None or not actor.is_staff:
        return frozenset()
    if actor.is_admin:
        return None
    return _areas(areas).scope_units(actor.scope)


def can_act_in_unit(actor: User | None, unit: str | None, areas: Areas | None = None) -> bool:
    """Least privilege: administrators everywhere, staff only within their scope.

    A unit outside the programme (or none known) is for administrators only."""
    covered = units_of(actor, areas)
    if covered is None:
        return True
    return unit is not None and unit in covered


def covers_any(actor: User | None, units: Iterable[str], areas: Areas | None = None) -> bool:
    """Whether the actor covers one of `units` (the candidates of a split old unit)."""
    return any(can_act_in_unit(actor, unit, areas) for unit in units)


def staff_covering(staff: list[User], unit: str | None, areas: Areas | None = None) -> list[User]:
    """Of approved staff, those whose scope includes the unit."""
    return [
        person for person in staff if not person.is_admin and can_act_in_unit(person, unit, areas)
    ]


def can_act_in_group(actor: User | None, group: str | None, areas: Areas | None = None) -> bool:
    """Group-wide things (an event of "Khu vực Quận 8 cũ"): the actor covers all its units."""
    covered = units_of(actor, areas)
    if covered is None:
        return True
    found = _areas(areas).group(group)
    return found is not None and set(found.units) <= covered


def touches_group(actor: User | None, group: str | None, areas: Areas | None = None) -> bool:
    """Whether the actor covers at least one unit of the group (to browse its units)."""
    covered = units_of(actor, areas)
    if covered is None:
        return True
    found = _areas(areas).group(group)
    return found is not None and bool(covered.intersection(found.units))


def home_group(actor: User, areas: Areas | None = None) -> str | None:
    """The one programme group a staff member's scope lies in (None for administrators, or a
    scope spanning several groups)."""
    covered = units_of(actor, areas)
    if not covered:
        return None
    groups = {_areas(areas).group_of(unit) for unit in covered}
    return next(iter(groups)) if len(groups) == 1 else None


def is_programme_wide(actor: User) -> bool:
    """Staff who cover the whole programme (scope `all`)."""
    return actor.is_staff and WHOLE_PROGRAMME in (actor.scope or "").split()
