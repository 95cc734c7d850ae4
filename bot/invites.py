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
from dataclasses import dataclass

import segno

from bot.areas import Areas
from bot.people import NotApplicable, PermissionDenied
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
        return payload[len(PREFIX):]
    return None


@dataclass(frozen=True)
class NewInvite:
    payload: str  # for /start (≤ 64 characters of A-Za-z0-9_-)
    expires_at: dt.datetime


async def create(db: Database, areas: Areas, actor: User, role: str, unit: str,
                 now: dt.datetime) -> NewInvite:
    """`unit` is a ward code (Q8-P05) or, for staff of a whole district, its code (Q8)."""
    if not actor.is_admin:
        raise PermissionDenied("administrators only")
    if role not in ROLES:
        raise ValueError("role")
    ward = areas.ward(unit.upper())
    district = ward.district if ward else (areas.district(unit.upper()).code
                                           if areas.district(unit.upper()) else None)
    if district is None:
        raise ValueError("unit")
    token = secrets.token_urlsafe(16)
    expires = now + dt.timedelta(days=VALID_DAYS)
    async with db.transaction():
        invite_id = await invites.create(db, _hash(token), role, district,
                                         ward.code if ward else None, actor.telegram_id, now,
                                         expires)
        await audit.record(db, actor.telegram_id, "invite_create", "invite", invite_id, now,
                           role=role, district=district, ward=ward.code if ward else None)
    return NewInvite(PREFIX + token, expires)


async def look_up(db: Database, token: str, now: dt.datetime) -> Invite:
    invite = await invites.by_hash(db, _hash(token))
    if invite is None or invite.used_by is not None or invite.expires_at <= now:
        raise NotApplicable("invite")
    return invite


async def redeem(db: Database, token: str, user_id: int, name: str, phone: str | None,
                 username: str | None, now: dt.datetime) -> tuple[User, Invite]:
    """Sign the person up, active at once, in the invite's role and unit (once)."""
    invite = await look_up(db, token, now)
    async with db.transaction():
        if not await invites.use(db, invite.id, user_id, now):
            raise NotApplicable("invite used meanwhile")
        await users.update(db, user_id, now, display_name=name, role=invite.role,
                           requested_role=None, status="active", district=invite.district,
                           ward=invite.ward, phone=phone, username=username, onboarded=1)
        await audit.record(db, user_id, "invite_redeem", "user", user_id, now,
                           invite=invite.id, role=invite.role, district=invite.district,
                           by=invite.created_by)
    person = await users.get(db, user_id)
    assert person is not None
    return person, invite


def link(bot_username: str, payload: str) -> str:
    return f"https://t.me/{bot_username}?start={payload}"


def qr_png(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=10, border=4)
    return buffer.getvalue()
