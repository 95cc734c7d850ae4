"""One-time invite links for trainings: an administrator makes a link (and its QR code) for a
role and unit; the first person who signs up through it is active at once in that role and
unit, without waiting for approval. Only a hash of the token is stored, the link works once
and expires after `VALID_DAYS`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.areas import Areas
from bot.guards import NotApplicable, PermissionDenied
from storage import audit, invites, users
from storage.db import Database
from storage.invites import Invite
from storage.users import User

PREFIX = "inv_"
VALID_DAYS = 14
ROLES = ("collaborator", "staff")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def token_of(payload: str | None) -> str | None:
    """The token of a /start payload made by `create`, else None."""
    if payload and payload.startswith(PREFIX) and len(payload) > len(PREFIX):
        return payload[len(PREFIX) :]
    return None


@dataclass(frozen=True)
class NewInvite:
    payload: str  # for /start (≤ 64 characters of A-Za-z0-9_-)
    expires_at: dt.datetime


@dataclass(frozen=True)
class Target:
    """Where an invite signs a person up: their unit (None for a whole area) and, for staff,
    what they cover (a unit, a programme area's code, or `all`)."""

    ward: str | None
    scope: str | None


def target_of(areas: Areas, role: str, typed: str) -> Target | None:
    """A unit typed as its code or name, today's or old ("27418", "Chánh Hưng", "p4 q8");
    for staff also a programme area's code or `all`. None when it means no single place."""
    typed = " ".join(typed.split())
    unit = typed if areas.unit(typed) else None
    if unit is None and typed:
        match = areas.find(typed)
        unit = match.unit if match is not None else None
    if unit is not None:
        return Target(unit, unit if role == "staff" else None)
    if role == "staff":
        tokens = areas.parse_scope(typed)
        if tokens is not None and len(tokens.split()) == 1 and not areas.unit(tokens):
            return Target(None, tokens)
    return None


def place_label(areas: Areas, ward: str | None, scope: str | None, language: str) -> str:
    return areas.unit_name(ward, language) if ward else areas.scope_label(scope, language)


async def create(
    db: Database, areas: Areas, actor: User, role: str, typed: str, now: dt.datetime
) -> tuple[NewInvite, Target]:
    """An invite for a role and a place (see `target_of`); administrators only."""
    if not actor.is_admin:
        raise PermissionDenied("administrators only")
    if role not in ROLES:
        raise ValueError("role")
    target = target_of(areas, role, typed)
    if target is None:
        raise ValueError("unit")
    token = secrets.token_urlsafe(16)
    expires = now + dt.timedelta(days=VALID_DAYS)
    async with db.transaction():
        invite_id = await invites.create(
            db, _hash(token), role, target.ward, target.scope, actor.telegram_id, now, expires
        )
        await audit.record(
            db,
            actor.telegram_id,
            "invite_create",
            "invite",
            invite_id,
            now,
            role=role,
            ward=target.ward,
            scope=target.scope,
        )
    return NewInvite(PREFIX + token, expires), target


async def look_up(db: Database, token: str, now: dt.datetime) -> Invite:
    invite = await invites.by_hash(db, _hash(token))
    if invite is None or invite.used_by is not None or invite.expires_at <= now:
        raise NotApplicable("invite")
    return invite


async def redeem(
    db: Database,
    cipher,
    areas: Areas,
    token: str,
    user_id: int,
    name: str,
    phone: str | None,
    username: str | None,
    now: dt.datetime,
    then: Callable[[User, Invite], Awaitable[None]] | None = None,
) -> tuple[User, Invite]:
    """Sign the person up, active at once, in the invite's role and unit (once); `then`
    queues who must hear of it (the inviter) in the same transaction."""
    invite = await look_up(db, token, now)
    async with db.transaction():
        if not await invites.use(db, invite.id, user_id, now):
            raise NotApplicable("invite used meanwhile")
        await users.update(
            db,
            user_id,
            now,
            display_name=name,
            role=invite.role,
            requested_role=None,
            status="active",
            district=areas.group_of(invite.ward),
            ward=invite.ward,
            ward_confirm=None,
            scope=invite.scope if invite.role == "staff" else None,
            username=username,
            onboarded=1,
        )
        if phone is not None:
            await users.set_phone(db, cipher, user_id, phone, now)
        await audit.record(
            db,
            user_id,
            "invite_redeem",
            "user",
            user_id,
            now,
            invite=invite.id,
            role=invite.role,
            ward=invite.ward,
            scope=invite.scope,
            by=invite.created_by,
        )
        person = await users.get(db, user_id)
        assert person is not None
        if then is not None:
            await then(person, invite)
    return person, invite


def link(bot_username: str, payload: str) -> str:
    return f"https://t.me/{bot_username}?start={payload}"


def qr_png(url: str) -> bytes:
    import segno  # on first use: building the application stays light (issue 18)

    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=10, border=4)
    return buffer.getvalue()
