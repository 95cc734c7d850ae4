"""Print requests: who may ask, what a valid request is, and how it moves.

requested → approved → printed → delivered, or → rejected (with a reason) before printing.
Every change is audited in the same transaction as the change itself.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from bot import scope
from bot.areas import Areas, Unit
from bot.events import dates
from bot.guards import NotApplicable, PermissionDenied, ensure_staff
from bot.text import normalize
from storage import audit, materials, print_requests, users
from storage.db import Database
from storage.models import Material
from storage.print_requests import PrintRequest
from storage.users import User

QUANTITY_MIN, QUANTITY_MAX = 1, 1000
PLACE_MIN, PLACE_MAX = 5, 200
REASON_MIN, REASON_MAX = 3, 300
WANTED_WITHIN = dt.timedelta(days=365)
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "requested": ("approved", "rejected"),
    "approved": ("printed", "rejected"),
    "printed": ("delivered",),
    "delivered": (),
    "rejected": (),
}
_QUANTITY = re.compile(
    r"^\s*(\d{1,3}(?:[.,]\d{3})+|\d+)\s*(?:bản|ban|tờ|to|cuốn|cuon|copies|copy|pcs)?\s*$",
    re.IGNORECASE,
)

__all__ = ["NotApplicable", "PermissionDenied"]

if TYPE_CHECKING:
    from bot.crypto import FieldCipher
    from bot.services import Services


def may_request(user: User) -> bool:
    return user.is_collaborator or user.is_staff


def parse_quantity(text: str | None) -> int | None:
    """'200', '1.000', '1,000', '50 bản' → copies, within 1–1,000; else None."""
    match = _QUANTITY.match(normalize(text or ""))
    if not match:
        return None
    value = int(re.sub(r"[.,]", "", match.group(1)))
    return value if QUANTITY_MIN <= value <= QUANTITY_MAX else None


class DateError(ValueError):
    """Why a wanted-by date was refused: 'format', 'past' or 'far'."""


def parse_wanted_by(text: str | None, today: dt.date) -> dt.date:
    """'15/6', '15/06/2021', '15-6-21', 'thứ sáu tuần sau' (the bot's one date parser,
    bot/events/dates.py, day first as in Vietnam); from tomorrow to a year."""
    try:
        moment = dates.parse(text or "", today)
    except dates.DateError as error:
        raise DateError("past" if error.code == "past" else "format") from None
    if moment.date is None:
        raise DateError("format")
    return check_wanted_by(moment.date, today)


def check_wanted_by(wanted: dt.date, today: dt.date) -> dt.date:
    if wanted <= today:
        raise DateError("past")
    if wanted > today + WANTED_WITHIN:
        raise DateError("far")
    return wanted


def clean_place(text: str | None) -> str | None:
    place = normalize(text or "")
    return place if PLACE_MIN <= len(place) <= PLACE_MAX else None


def clean_reason(text: str | None) -> str | None:
    reason = normalize(text or "")
    return reason if REASON_MIN <= len(reason) <= REASON_MAX else None


def wards_for(user: User, areas: Areas, district: str | None = None):
    """Units someone may order for, in a programme group: administrators any, staff those in
    their scope, collaborators those of their own unit's group."""
    units = [
        unit
        for group in areas.groups()
        if district in (None, group.code)
        for unit in areas.units_in(group.code)
    ]
    if user.is_admin:
        return units
    if user.is_staff:
        return [unit for unit in units if scope.can_act_in_unit(user, unit.code, areas)]
    return [unit for unit in units if user.district and unit.group == user.district]


async def submit(
    db: Database,
    areas: Areas,
    requester: User,
    material_id: int,
    quantity: int,
    ward_code: str,
    place: str,
    wanted_by: dt.date,
    now: dt.datetime,
    then: Callable[[PrintRequest], Awaitable[None]] | None = None,
) -> int:
    """A new request; `then` (telling the staff) runs in the same transaction, so the request
    and its notifications are committed together."""
    if not may_request(requester):
        raise PermissionDenied("collaborators and staff only")
    ward = areas.unit(ward_code)
    if ward is None:
        raise NotApplicable(ward_code)
    if ward.code not in {unit.code for unit in wards_for(requester, areas, ward.group)}:
        raise PermissionDenied("a unit within one's own area only")
    if not QUANTITY_MIN <= quantity <= QUANTITY_MAX:
        raise NotApplicable(quantity)
    async with db.transaction():
        request_id = await print_requests.create(
            db,
            material_id,
            requester.telegram_id,
            quantity,
            ward.group or "",
            ward.code,
            place,
            wanted_by,
            now,
        )
        await audit.record(
            db,
            requester.telegram_id,
            "print_request",
            "print_request",
            request_id,
            now,
            material_id=material_id,
            quantity=quantity,
            ward=ward.code,
        )
        if then is not None:
            created = await print_requests.get(db, request_id)
            assert created is not None
            await then(created)
    return request_id


def can_handle(actor: User, request: PrintRequest) -> bool:
    return scope.can_act_in_unit(actor, request.ward)


async def advance(
    db: Database,
    actor: User,
    request_id: int,
    status: str,
    now: dt.datetime,
    reason: str | None = None,
    then: Callable[[PrintRequest], Awaitable[None]] | None = None,
) -> PrintRequest:
    """Move a request to `status`; raises PermissionDenied or NotApplicable, changes nothing.
    `then` (telling the requester) runs in the change's transaction."""
    request = await print_requests.get(db, request_id)
    if request is None:
        raise NotApplicable(request_id)
    if not can_handle(actor, request):
        raise PermissionDenied(request_id)
    if status not in TRANSITIONS.get(request.status, ()):
        raise NotApplicable(request.status)
    if status == "rejected" and not reason:
        raise ValueError("a rejection needs a reason")
    async with db.transaction():
        moved = await print_requests.set_status(
            db, request_id, request.status, status, actor.telegram_id, now, reason
        )
        if not moved:
            raise NotApplicable(request_id)
        await audit.record(
            db,
            actor.telegram_id,
            f"print_{status}",
            "print_request",
            request_id,
            now,
            old_status=request.status,
            status=status,
        )
        updated = await print_requests.get(db, request_id)
        assert updated is not None
        if then is not None:
            await then(updated)
    return updated


class PrintDesk:
    """Printed copies for handlers: every read and change they need, with the checks."""

    def __init__(self, db: Database, areas: Areas, cipher: FieldCipher) -> None:
        self.db = db
        self.areas = areas
        self.cipher = cipher

    @classmethod
    def of(cls, services: Services) -> PrintDesk:
        from bot.crypto import cipher_for

        return cls(services.database, services.areas, cipher_for(services))

    async def material_to_print(self, actor: User, material_id: int) -> Material:
        """The material someone asks copies of; PermissionDenied (role) or NotApplicable
        (gone or hidden)."""
        if not may_request(actor):
            raise PermissionDenied("collaborators and staff only")
        material = await materials.get(self.db, material_id)
        if material is None or material.hidden:
            raise NotApplicable(material_id)
        return material

    def units_for(self, actor: User, group: str | None = None) -> list[Unit]:
        return wards_for(actor, self.areas, group)

    async def submit(
        self,
        requester: User,
        material_id: int,
        quantity: int,
        unit_code: str,
        place: str,
        wanted_by: dt.date,
        now: dt.datetime,
        then: Callable[[PrintRequest], Awaitable[None]] | None = None,
    ) -> int:
        return await submit(
            self.db,
            self.areas,
            requester,
            material_id,
            quantity,
            unit_code,
            place,
            wanted_by,
            now,
            then=then,
        )

    async def advance(
        self,
        actor: User,
        request_id: int,
        status: str,
        now: dt.datetime,
        reason: str | None = None,
        then: Callable[[PrintRequest], Awaitable[None]] | None = None,
    ) -> PrintRequest:
        """Move a request on; a refusal (not the unit's staff) is audited."""
        try:
            return await advance(self.db, actor, request_id, status, now, reason, then=then)
        except PermissionDenied:
            await audit.refused(
                self.db, actor.telegram_id, f"print_{status}", "print_request", request_id, now
            )
            raise

    async def to_reject(self, actor: User, request_id: int) -> PrintRequest:
        """A request the actor may reject now (asked before they type the reason)."""
        request = await print_requests.get(self.db, request_id)
        if request is None or not can_handle(actor, request):
            raise PermissionDenied(request_id)
        if "rejected" not in TRANSITIONS[request.status]:
            raise NotApplicable(request.status)
        return request

    async def get(self, request_id: int) -> PrintRequest | None:
        return await print_requests.get(self.db, request_id)

    async def queue(self, actor: User, limit: int) -> list[PrintRequest]:
        """Open requests of the actor's units, the soonest wanted first."""
        person = ensure_staff(actor)
        return await print_requests.queue(self.db, scope.units_of(person, self.areas), limit=limit)

    async def mine(self, actor: User) -> list[PrintRequest]:
        return await print_requests.of_requester(self.db, actor.telegram_id)

    async def requester(self, request: PrintRequest) -> User | None:
        return await users.get(self.db, request.requester_id)

    async def requester_for_staff(self, request: PrintRequest) -> User | None:
        """Who asked, with the phone decrypted (encrypted at rest; shown to staff only)."""
        requester = await users.get(self.db, request.requester_id)
        if requester is not None and requester.phone:
            requester = dataclasses.replace(requester, phone=self.cipher.decrypt(requester.phone))
        return requester

    async def staff_to_tell(self, request: PrintRequest) -> list[User]:
        """The unit's staff (administrators when it has none), never the requester."""
        people = scope.staff_covering(await users.active_staff(self.db), request.ward, self.areas)
        if not people:
            people = await users.admins(self.db)
        return [person for person in people if person.telegram_id != request.requester_id]
