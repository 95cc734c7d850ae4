"""Rules about people: sign-up, approval, promotion, moves and deactivation.

Plain functions over the repositories, so they are tested without Telegram. Every change is
written to the audit log together with the change, in one transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot import scope
from bot.areas import Areas
from bot.guards import NotApplicable, PermissionDenied, ensure_staff  # noqa: F401  (re-exported)
from bot.text import fold
from storage import audit, users
from storage.db import Database
from storage.users import User

NAME_MIN, NAME_MAX = 2, 64
DEEP_LINK = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
APPLICABLE_ROLES = ("collaborator", "staff")


def clean_name(text: str) -> str | None:
    """A display name as typed: trimmed, 2–64 characters, not only digits or symbols."""
    name = " ".join(text.split())
    if not NAME_MIN <= len(name) <= NAME_MAX:
        return None
    if not any(ch.isalpha() for ch in name):
        return None
    return name


# The first question typed instead of tapped, compared without accents or punctuation.
_TYPED_ROLES = {
    "public": ("phu huynh", "nguoi dan", "bo me", "parent", "public"),
    "collaborator": ("cong tac vien", "ctv", "collaborator"),
    "staff": ("can bo", "can bo du an", "staff"),
}


def typed_role(text: str) -> str | None:
    """ "phu huynh", "Tôi là cộng tác viên" → the role; None for anything else."""
    key = " ".join(re.sub(r"[^\w\s]", " ", fold(text or "")).split())
    key = re.sub(r"^(?:toi la|minh la|la|i am|i m)\s+", "", key)
    return next((role for role, words in _TYPED_ROLES.items() if key in words), None)


def valid_deep_link(payload: str | None) -> str | None:
    """A /start payload as Telegram allows it (64 of A-Z a-z 0-9 _ -), else None."""
    if payload and DEEP_LINK.match(payload):
        return payload
    return None


def can_decide(approver: User, applicant: User) -> bool:
    """Administrators approve anyone; approved staff approve collaborators of their units."""
    if approver.telegram_id == applicant.telegram_id:
        return False
    if approver.is_admin:
        return True
    return (
        approver.is_staff
        and applicant.requested_role == "collaborator"
        and scope.can_act_in_unit(approver, applicant.ward)
    )


async def apply(
    db: Database,
    areas: Areas,
    user_id: int,
    role: str,
    name: str,
    ward: str | None,
    phone: str | None,
    now: dt.datetime,
    cipher=None,
    username: str | None = None,
    then=None,
) -> None:
    """Sign-up for approval; `ward` is today's unit, or None for "elsewhere / not sure".
    Keeps the registered name, and the phone and username the approver checks it against.
    `then(applicant)` queues the approval requests (bot/outbox.py) in the same transaction."""
    if role not in APPLICABLE_ROLES:
        raise ValueError(role)
    if ward is not None and areas.unit(ward) is None:
        raise ValueError(ward)
    async with db.transaction():
        await users.update(
            db,
            user_id,
            now,
            display_name=name,
            requested_role=role,
            status="pending",
            role="public",
            district=areas.group_of(ward),
            ward=ward,
            ward_confirm=None,
            onboarded=1,
            username=username,
        )
        if phone is not None:
            if cipher is None:
                raise ValueError("a phone is stored encrypted: give the cipher")
            await users.set_phone(db, cipher, user_id, phone, now)
        await audit.record(db, user_id, "apply", "user", user_id, now, role=role, ward=ward)
        if then is not None:
            applicant = await users.get(db, user_id)
            assert applicant is not None
            await then(applicant)


async def confirm_unit(
    db: Database, areas: Areas, user_id: int, ward: str | None, now: dt.datetime
) -> None:
    """The person's answer to "which unit are you in now?" after their old unit was split."""
    if ward is not None and areas.unit(ward) is None:
        raise ValueError(ward)
    async with db.transaction():
        await users.update(
            db, user_id, now, district=areas.group_of(ward), ward=ward, ward_confirm=None
        )
        await audit.record(db, user_id, "confirm_unit", "user", user_id, now, ward=ward)


async def become_public(db: Database, user_id: int, now: dt.datetime) -> None:
    async with db.transaction():
        await users.update(
            db, user_id, now, role="public", requested_role=None, status="active", onboarded=1
        )
        await audit.record(db, user_id, "onboard_public", "user", user_id, now)


@dataclass(frozen=True)
class Decision:
    applicant: User
    approved: bool


async def decide(
    db: Database, approver: User, applicant_id: int, approve: bool, now: dt.datetime, then=None
) -> Decision:
    """Approve or reject a sign-up; `then(decision)` queues who must hear of it (bot/outbox.py)
    in the same transaction."""
    applicant = await users.get(db, applicant_id)
    if applicant is None or not applicant.is_pending or applicant.requested_role is None:
        raise NotApplicable(applicant_id)
    if not can_decide(approver, applicant):
        raise PermissionDenied(applicant_id)
    async with db.transaction():
        if approve:
            await users.update(
                db,
                applicant_id,
                now,
                role=applicant.requested_role,
                requested_role=None,
                status="active",
                scope=_first_scope(applicant, applicant.requested_role),
            )
        else:
            await users.update(
                db, applicant_id, now, requested_role=None, status="active", role="public"
            )
        await audit.record(
            db,
            approver.telegram_id,
            "approve" if approve else "reject",
            "user",
            applicant_id,
            now,
            role=applicant.requested_role,
        )
        updated = await users.get(db, applicant_id)
        assert updated is not None
        decision = Decision(updated, approve)
        if then is not None:
            await then(decision)
    return decision


async def approvers_for(db: Database, applicant: User) -> list[User]:
    """Who is asked to decide: administrators, plus the staff covering a collaborator's unit."""
    found = {person.telegram_id: person for person in await users.admins(db)}
    if applicant.requested_role == "collaborator" and applicant.ward:
        for person in scope.staff_covering(await users.active_staff(db), applicant.ward):
            found.setdefault(person.telegram_id, person)
    found.pop(applicant.telegram_id, None)
    return list(found.values())


def _first_scope(person: User, role: str) -> str | None:
    """New staff cover their own unit until an administrator widens it with /scope."""
    if role == "staff" and not person.scope:
        return person.ward
    return person.scope


def _require_admin(actor: User) -> None:
    if not actor.is_admin:
        raise PermissionDenied("administrators only")


async def promote(db: Database, actor: User, target_id: int, role: str, now: dt.datetime) -> User:
    _require_admin(actor)
    if role not in users.ROLES:
        raise ValueError(role)
    target = await users.get(db, target_id)
    if target is None:
        raise NotApplicable(target_id)
    if target_id == actor.telegram_id and role != "admin":
        raise PermissionDenied("administrators cannot demote themselves")
    async with db.transaction():
        await users.update(
            db,
            target_id,
            now,
            role=role,
            status="active",
            requested_role=None,
            scope=_first_scope(target, role),
        )
        await audit.record(
            db,
            actor.telegram_id,
            "promote",
            "user",
            target_id,
            now,
            old_role=target.role,
            role=role,
        )
    return await users.get(db, target_id)  # type: ignore[return-value]


async def move(
    db: Database,
    areas: Areas,
    actor: User,
    target_id: int,
    ward: str,
    now: dt.datetime,
) -> User:
    """An administrator sets the person's unit (today's official code)."""
    _require_admin(actor)
    if areas.unit(ward) is None:
        raise ValueError(ward)
    target = await users.get(db, target_id)
    if target is None:
        raise NotApplicable(target_id)
    async with db.transaction():
        await users.update(
            db, target_id, now, district=areas.group_of(ward), ward=ward, ward_confirm=None
        )
        await audit.record(
            db, actor.telegram_id, "move", "user", target_id, now, old_ward=target.ward, ward=ward
        )
    return await users.get(db, target_id)  # type: ignore[return-value]


async def set_scope(
    db: Database,
    areas: Areas,
    actor: User,
    target_id: int,
    tokens: str,
    now: dt.datetime,
) -> User:
    """An administrator sets what a staff member covers: units, programme groups or `all`."""
    _require_admin(actor)
    parsed = areas.parse_scope(tokens)
    if parsed is None:
        raise ValueError(tokens)
    target = await users.get(db, target_id)
    if target is None:
        raise NotApplicable(target_id)
    async with db.transaction():
        await users.update(db, target_id, now, scope=parsed)
        await audit.record(
            db,
            actor.telegram_id,
            "scope",
            "user",
            target_id,
            now,
            old_scope=target.scope,
            scope=parsed,
        )
    return await users.get(db, target_id)  # type: ignore[return-value]


async def deactivate(db: Database, actor: User, target_id: int, now: dt.datetime) -> User:
    _require_admin(actor)
    if target_id == actor.telegram_id:
        raise PermissionDenied("administrators cannot deactivate themselves")
    target = await users.get(db, target_id)
    if target is None:
        raise NotApplicable(target_id)
    async with db.transaction():
        await users.update(db, target_id, now, status="deactivated")
        await audit.record(
            db, actor.telegram_id, "deactivate", "user", target_id, now, role=target.role
        )
    return await users.get(db, target_id)  # type: ignore[return-value]


async def set_plan_approver(
    db: Database, actor: User, target_id: int, approves: bool, now: dt.datetime
) -> User:
    """Mark a staff member as holding the approving role for support plans (the commune
    chairperson or their delegate) in their area."""
    _require_admin(actor)
    target = await users.get(db, target_id)
    if target is None or not target.is_staff:
        raise NotApplicable(target_id)
    async with db.transaction():
        await users.update(db, target_id, now, approves_plans=int(approves))
        await audit.record(
            db, actor.telegram_id, "plan_approver", "user", target_id, now, approves=approves
        )
    return await users.get(db, target_id)  # type: ignore[return-value]


async def set_subscription(db: Database, user_id: int, subscribed: bool, now: dt.datetime) -> None:
    """/stop and /start: announcements and reminders together."""
    async with db.transaction():
        await users.update(
            db,
            user_id,
            now,
            subscribed_announcements=int(subscribed),
            subscribed_reminders=int(subscribed),
        )
        await audit.record(
            db, user_id, "subscribe" if subscribed else "unsubscribe", "user", user_id, now
        )


# -- who is writing ---------------------------------------------------------------------------------
ROLES = users.ROLES


async def person(db: Database, telegram_id: int) -> User | None:
    return await users.get(db, telegram_id)


async def identify(
    db: Database,
    telegram_id: int,
    full_name: str,
    guessed_language: str,
    now: dt.datetime,
    *,
    configured_admin: bool,
    refresh: bool,
) -> User:
    """The person of an update: created on their first message (an administrator named in the
    settings is one from the start, audited), refreshed when they were unreachable, have just
    become a configured administrator, or `refresh` (their last-seen time is old)."""
    if refresh and not configured_admin:
        # Created or touched either way: one statement instead of a read and then a write
        # (touch keeps a known person's language and name).
        return await users.touch(db, telegram_id, full_name, guessed_language, now)
    user = await users.get(db, telegram_id)
    if user is None:
        user = await users.touch(
            db, telegram_id, full_name, guessed_language, now, make_admin=configured_admin
        )
        if configured_admin:
            await audit.record(db, None, "admin_from_config", "user", telegram_id, now)
        return user
    if not user.reachable or (configured_admin and not user.is_admin) or refresh:
        # Writing someone's last-seen time on every update would cost a write per message.
        user = await users.touch(
            db, telegram_id, full_name, user.language, now, make_admin=configured_admin
        )
    return user


async def note_reachable(db: Database, telegram_id: int, reachable: bool, now: dt.datetime) -> None:
    """A private chat blocked or unblocked (people we never met are not recorded)."""
    if await users.get(db, telegram_id) is not None:
        await users.set_reachable(db, telegram_id, reachable, now)


async def note_source(db: Database, telegram_id: int, payload: str) -> None:
    """Where someone first came from (a poster's code, a campaign link), kept once."""
    await users.set_source_if_empty(db, telegram_id, payload)


async def set_language(db: Database, telegram_id: int, language: str, now: dt.datetime) -> User:
    await users.update(db, telegram_id, now, language=language)
    changed = await users.get(db, telegram_id)
    assert changed is not None  # the person of this very update
    return changed


async def unit_confirmed_later(db: Database, telegram_id: int, now: dt.datetime) -> None:
    """'Not now' to the one-time question about a split ward: not asked again."""
    await users.update(db, telegram_id, now, ward_confirm=None)


# -- staff lists ----------------------------------------------------------------------------------
async def pending_for(db: Database, actor: User, now: dt.datetime, limit: int = 20) -> list[User]:
    """Sign-ups the actor may decide on (audited as a view)."""
    ensure_staff(actor)
    waiting = [
        applicant
        for applicant in await users.pending(db, scope.units_of(actor))
        if can_decide(actor, applicant)
    ][:limit]
    await audit.record(db, actor.telegram_id, "view_pending", "user", None, now, shown=len(waiting))
    return waiting


async def people_for(
    db: Database,
    areas: Areas,
    actor: User,
    role: str | None,
    group: str | None,
    now: dt.datetime,
    limit: int = 50,
) -> list[User]:
    """The people of the actor's units (administrators: everyone), by role and programme
    group if given (audited as a view)."""
    ensure_staff(actor)
    wards = areas.scope_units(group) if group else None
    covered = scope.units_of(actor, areas)
    if covered is not None:  # staff see the people of their own units only
        wards = covered & wards if wards is not None else covered
    found = await users.listing(db, role=role, wards=wards, limit=limit)
    await audit.record(
        db,
        actor.telegram_id,
        "view_people",
        "user",
        None,
        now,
        role=role,
        group=group,
        shown=len(found),
    )
    return found


async def refused(
    db: Database, actor: User, attempted: str, target_id: int | None, now: dt.datetime
) -> None:
    """A refused decision or account change, for the audit trail."""
    await audit.refused(db, actor.telegram_id, attempted, "user", target_id, now)
