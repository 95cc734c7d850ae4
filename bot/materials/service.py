"""The materials catalogue: who sees what, and how staff change it.

Anyone browses and opens what is not hidden; staff see hidden materials too and add, edit,
hide, reorder and make QR posters. Every change is checked here (a handler that forgets its
guard is still refused) and audited in the change's transaction.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot import scope
from bot.areas import Areas, Unit
from bot.guards import NotApplicable, ensure_in_unit, ensure_staff
from bot.materials import files
from bot.materials.catalogue import parse_audiences
from storage import audit, materials, print_requests
from storage.db import Database
from storage.materials import DeliveryCount, SourceCount
from storage.models import Material
from storage.users import User

if TYPE_CHECKING:
    from bot.services import Services


@dataclass(frozen=True)
class NewFile:
    """The file a staff member sent to start a material."""

    kind: str  # "document" | "photo"
    file_id: str
    name: str
    mime: str | None


@dataclass(frozen=True)
class CatalogueFigures:
    deliveries: list[DeliveryCount]
    sources: list[SourceCount]
    print_statuses: dict[str, int]


class MaterialsService:
    def __init__(self, db: Database, areas: Areas) -> None:
        self.db = db
        self.areas = areas

    @classmethod
    def of(cls, services: Services) -> MaterialsService:
        return cls(services.database, services.areas)

    # -- reading ---------------------------------------------------------------------------------
    @staticmethod
    def sees_hidden(viewer: User | None) -> bool:
        """Staff see hidden materials too (to show them again); everyone else does not."""
        return viewer is not None and viewer.is_staff

    async def listing(
        self, viewer: User | None, audience: str | None = None, topic: str | None = None
    ) -> list[Material]:
        return await materials.listing(
            self.db, audience=audience, topic=topic, include_hidden=self.sees_hidden(viewer)
        )

    async def everything(self, viewer: User | None) -> list[Material]:
        return await self.listing(viewer)

    async def open(self, viewer: User | None, material_id: int) -> Material | None:
        """The material if this person may see it (hidden ones: staff only)."""
        material = await materials.get(self.db, material_id)
        if material is None or (material.hidden and not self.sees_hidden(viewer)):
            return None
        return material

    async def published(self, material_id: int) -> Material | None:
        """A material anyone may see (a poster's link, a print request)."""
        material = await materials.get(self.db, material_id)
        return None if material is None or material.hidden else material

    async def delivered(
        self, viewer: User, material: Material, kind: str, now: dt.datetime
    ) -> None:
        await materials.record_delivery(self.db, material.id, viewer.telegram_id, kind, now)

    # -- staff changes ---------------------------------------------------------------------------
    async def for_staff(self, actor: User | None, material_id: int) -> Material:
        ensure_staff(actor)
        material = await materials.get(self.db, material_id)
        if material is None:
            raise NotApplicable(material_id)
        return material

    async def add(
        self,
        actor: User | None,
        file: NewFile,
        title: str,
        topic: str,
        audiences: Sequence[str],
        summary: str,
        data: bytes | None,
        now: dt.datetime,
    ) -> Material:
        """Publish a material; the file's bytes are kept (when small enough) so it can be
        uploaded again if Telegram forgets its file_id."""
        person = ensure_staff(actor)
        async with self.db.transaction():
            material_id = await materials.create(
                self.db,
                now,
                person.telegram_id,
                title=title,
                summary=summary,
                topic=topic,
                audiences=parse_audiences(list(audiences)),
                file_kind=file.kind,
                file_name=file.name,
                file_mime=file.mime,
                file_source="stored",
                file_id=file.file_id,
                file_key=files.STORED_KEY,
            )
            if data is not None:
                await materials.store_file(self.db, material_id, data)
            await audit.record(
                self.db,
                person.telegram_id,
                "material_add",
                "material",
                material_id,
                now,
                topic=topic,
                file_kind=file.kind,
            )
        return await self.for_staff(person, material_id)

    async def edit(
        self, actor: User | None, material_id: int, now: dt.datetime, **changes: object
    ) -> Material:
        person = ensure_staff(actor)
        async with self.db.transaction():
            if await materials.update(self.db, material_id, now, **changes):
                await audit.record(
                    self.db,
                    person.telegram_id,
                    "material_edit",
                    "material",
                    material_id,
                    now,
                    fields=sorted(changes),
                )
        return await self.for_staff(person, material_id)

    async def set_hidden(
        self, actor: User | None, material_id: int, hidden: bool, now: dt.datetime
    ) -> Material:
        person = ensure_staff(actor)
        await self.for_staff(person, material_id)
        async with self.db.transaction():
            await materials.update(self.db, material_id, now, hidden=hidden)
            await audit.record(
                self.db,
                person.telegram_id,
                "material_hide" if hidden else "material_show",
                "material",
                material_id,
                now,
            )
        return await self.for_staff(person, material_id)

    async def move(self, actor: User | None, material_id: int, step: int, now: dt.datetime) -> bool:
        """Swap with the neighbour above (step -1) or below (+1) in its topic; False at the
        edge (nothing changes)."""
        person = ensure_staff(actor)
        material = await self.for_staff(person, material_id)
        siblings = await materials.listing(self.db, topic=material.topic, include_hidden=True)
        index = next(i for i, m in enumerate(siblings) if m.id == material.id)
        target = index + step
        if not 0 <= target < len(siblings):
            return False
        other = siblings[target]
        async with self.db.transaction():
            await materials.swap_positions(self.db, material, other, now)
            await audit.record(
                self.db,
                person.telegram_id,
                "material_reorder",
                "material",
                material.id,
                now,
                swapped_with=other.id,
            )
        return True

    def poster_units(self, actor: User | None, group: str | None = None) -> list[Unit]:
        """The units of the person's scope (of one programme group, if given)."""
        person = ensure_staff(actor)
        return [
            unit
            for found in self.areas.groups()
            if group in (None, found.code)
            for unit in self.areas.units_in(found.code)
            if scope.can_act_in_unit(person, unit.code, self.areas)
        ]

    async def make_poster(
        self,
        actor: User | None,
        material_id: int,
        unit_code: str | None,
        bot_username: str,
        now: dt.datetime,
    ) -> tuple[str, bytes, Unit]:
        """(deep-link code, A4 PDF, unit) of a QR poster for a unit of the person's scope."""
        unit = self.areas.unit(unit_code)
        person = ensure_in_unit(actor, unit.code if unit else None, self.areas)
        assert unit is not None  # ensure_in_unit refuses an unknown unit
        material = await self.for_staff(person, material_id)
        place = self.areas.place(unit.code, "vi")  # posters are printed in Vietnamese
        code, pdf = await asyncio.to_thread(
            files.render_poster_pdf, material, bot_username, unit.code, place
        )
        async with self.db.transaction():
            await materials.save_poster(
                self.db, code, material.id, unit.code, person.telegram_id, now
            )
            await audit.record(
                self.db,
                person.telegram_id,
                "poster",
                "material",
                material.id,
                now,
                code=code,
                ward=unit.code,
            )
        return code, pdf, unit

    async def figures(self, actor: User | None) -> CatalogueFigures:
        person = ensure_staff(actor)
        return CatalogueFigures(
            await materials.delivery_counts(self.db),
            await materials.source_counts(self.db),
            await print_requests.counts_by_status(self.db, scope.units_of(person, self.areas)),
        )
