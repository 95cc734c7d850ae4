"""What every handler and job needs, built once per application: settings, clock, database,
catalogs and data files. Handlers reach it as `context.services`."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.areas import Areas
from bot.clock import Clock
from bot.config import Settings
from bot.i18n import I18n
from storage.db import Database


@dataclass
class Services:
    settings: Settings
    clock: Clock
    i18n: I18n
    areas: Areas
    db: Database | None = None
    # Extension slots for features (e.g. the delivery engine), keyed by name.
    extras: dict[str, object] = field(default_factory=dict)

    @property
    def database(self) -> Database:
        if self.db is None:
            raise RuntimeError("the database is not open yet: initialize the application first")
        return self.db
