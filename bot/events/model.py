"""What an event is, and who it is for.

Rules kept here as plain functions (tested without Telegram):
- `visible_to(event, user)`: which upcoming events a person sees in /events. Trainings for
  named groups (teachers, business owners, police) are not in a parent's everyday list: the
  event's audience decides; the public find them on request (`named_groups=True`).
- `reminder_roles(event)`: which roles get the reminders besides the registered people.
  Trainings for named groups (teachers, business owners, police) are found on request by
  whoever may come, and only the people who registered are reminded: the bot does not know
  who the teachers are.
"""

from __future__ import annotations

from bot.i18n import N_
from storage.models import Event
from storage.users import User

KINDS: dict[str, str] = {
    "holiday": N_("Holiday"),
    "club": N_("Children's club activity"),
    "training": N_("Training"),
    "campaign": N_("Communication campaign"),
}
KIND_ICONS = {"holiday": "🎈", "club": "🧒", "training": "🎓", "campaign": "📣"}

# Audience groups: the first four map to roles of the bot; the others are named groups.
AUDIENCES: dict[str, str] = {
    "everyone": N_("everyone"),
    "collaborators": N_("collaborators"),
    "staff": N_("staff"),
    "parents": N_("parents"),
    "teachers": N_("teachers"),
    "business": N_("business owners"),
    "police": N_("police"),
}
NAMED_GROUPS = frozenset({"teachers", "business", "police"})

# Which audience groups a role sees in /events. Staff see everything of their area.
_ROLE_SEES: dict[str, frozenset[str]] = {
    "public": frozenset({"everyone", "parents"}),
    "collaborator": frozenset({"everyone", "collaborators", "parents"}),
}
# Which roles are reminded because they belong to the audience (not only when registered).
_AUDIENCE_ROLES: dict[str, tuple[str, ...]] = {
    "everyone": ("public", "collaborator", "staff"),
    "collaborators": ("collaborator",),
    "staff": ("staff",),
    "parents": ("public",),
}

# Kinds people register for (holidays and campaigns are for knowing, not coming).

DEFAULT_REMINDERS = (7 * 24 * 60, 24 * 60, 2 * 60)  # minutes before: 7 days, 1 day, 2 hours


def in_scope(event: Event, user: User) -> bool:
    """Programme-wide events reach everyone; a district's, its people; a ward's, its ward.

    People who never gave a district (most parents) see every district's events: the
    programme covers two districts only, and they may live in either.
    """
    if event.district is None or user.is_admin:
        return True
    if user.district is None:
        return True
    if user.district != event.district:
        return False
    if event.ward is None or user.is_staff or user.ward is None:
        return True
    return user.ward == event.ward


def visible_to(event: Event, user: User, named_groups: bool = False) -> bool:
    if not in_scope(event, user):
        return False
    if user.is_staff:
        return True
    role = user.role if user.is_active else "public"
    sees = _ROLE_SEES.get(role, _ROLE_SEES["public"])
    if named_groups and sees is _ROLE_SEES["public"]:
        sees = sees | NAMED_GROUPS  # a teacher or a business owner among the public
    return bool(event.audience & sees)


def for_named_groups_only(event: Event, user: User) -> bool:
    """An event this person sees only among the trainings for named groups."""
    return visible_to(event, user, named_groups=True) and not visible_to(event, user)


def reminder_roles(event: Event) -> frozenset[str]:
    """Roles reminded as part of the audience (registered people are reminded anyway)."""
    roles: set[str] = set()
    for group in event.audience:
        roles.update(_AUDIENCE_ROLES.get(group, ()))
    return frozenset(roles)
