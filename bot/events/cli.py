"""`python -m bot import-events FILE`: import a calendar file into the bot's database.

Runs beside (or without) the live bot: it writes rows only. Reminders and the notices about
moved events are sent by the running bot's delivery engine at its next tick.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.areas import Areas
from bot.clock import SystemClock
from bot.config import Settings
from bot.events import calendar_file
from bot.i18n import I18n
from storage.db import Database, migrate

EXIT_ERRORS = 1


def run_import(settings: Settings, file: str) -> int:
    return asyncio.run(_run(settings, Path(file)))


async def _run(settings: Settings, path: Path) -> int:
    i18n = I18n(settings.timezone, settings.default_language)
    _ = i18n(settings.default_language)
    try:
        data = path.read_bytes()
    except OSError as error:
        print(
            _("Cannot read {path}: {error}", path=str(path), error=error.strerror), file=sys.stderr
        )
        return EXIT_ERRORS
    db = await Database.connect(settings.database_path)
    try:
        await migrate(db)
        result, errors = await calendar_file.import_file(
            db, i18n, None, data, path.name, SystemClock().now(), settings.timezone, Areas.load()
        )
    finally:
        await db.close()
    if errors or result is None:
        print(
            _("Nothing was imported. Please fix these rows and run the import again:"),
            file=sys.stderr,
        )
        for line in calendar_file.error_lines(_, errors, limit=len(errors)):
            print(f"  {line}", file=sys.stderr)
        return EXIT_ERRORS
    print(
        _(
            "Calendar imported: {created} new, {updated} updated.",
            created=result.created,
            updated=result.updated,
        )
    )
    return 0
