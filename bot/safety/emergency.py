"""The report's emergency path: when a reporter says a child is in danger now, the staff of
the ward or commune are alerted at once, before the report is sent (its staff group, or the
staff covering it and the administrators privately when the group cannot be reached).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from bot import outbox
from bot.areas import Areas
from bot.crypto import FieldCipher
from bot.i18n import Translator
from bot.reports import routing
from bot.services import Services
from storage.db import Database
from storage.users import User

if TYPE_CHECKING:
    from bot.application import BotApplication

log = logging.getLogger(__name__)


def emergency_alert_text(
    _: Translator,
    areas: Areas,
    ward: str | None,
    contact: str | None,
    unsent_since: dt.datetime | None = None,
    withdrawn: bool = False,
) -> str:
    """What staff see at once when a reporter says a child is in danger now: where, and how
    to reach the reporter only if they agreed; never the child's name or the story.
    `unsent_since`: the follow-up, when that report is still not sent a while later;
    `withdrawn`: ... and its reporter has since answered that the child is not in danger now."""
    place = areas.place(ward, _.language) if ward else _("not given yet")
    if unsent_since is None:
        lines = [
            _("🚨 <b>A child may be in danger right now</b>"),
            _("A report is being written; the full report follows when it is sent."),
        ]
    elif withdrawn:
        lines = [
            _(
                "ℹ️ <b>The urgent report alerted at {time}</b>: its reporter now says the child is "
                "not in danger right now. The report is not sent yet.",
                time=_.short_datetime(unsent_since),
            )
        ]
    else:
        lines = [
            _(
                "⏳ <b>The urgent report alerted at {time} is still not sent</b>",
                time=_.short_datetime(unsent_since),
            ),
            _("The reporter has been reminded to finish it."),
        ]
    lines.append(_("📍 Place: {place}", place=place))
    if contact:
        lines.append(_("☎️ Reporter (agreed to be called): {contact}", contact=contact))
    else:
        lines.append(_("👤 Reporter: anonymous so far"))
    if not withdrawn:
        lines.append(_("Call 113 if someone must go there now."))
    return "\n".join(lines)


EMERGENCY_PRIVATELY = "emergency_alert_privately"


async def queue_emergency_alert(
    db: Database,
    cipher: FieldCipher,
    services: Services,
    ward: str | None,
    contact: str | None,
    now: dt.datetime,
    route_to: str | None = None,
    unsent_since: dt.datetime | None = None,
    withdrawn: bool = False,
) -> None:
    """Alert the staff of the ward/commune at once (its staff group, or the staff covering it
    and the administrators privately: bot/scope.py), in the caller's transaction
    (bot/outbox.py). `route_to` is the unit to alert while the place is not given yet (the
    reporter's own)."""
    areas = services.areas
    unit = ward or route_to or None
    recipients = await routing.alert_recipients(db, unit, areas)
    if recipients.group_chat_id is not None:
        _ = services.i18n(None)
        await outbox.enqueue(
            db,
            cipher,
            recipients.group_chat_id,
            emergency_alert_text(_, areas, ward, contact, unsent_since, withdrawn),
            now=now,
            protect=True,
            instead=EMERGENCY_PRIVATELY,
            # The reporter's number stays encrypted here too.
            instead_args={
                "unit": unit,
                "ward": ward,
                "contact": cipher.encrypt(contact) if contact else None,
                "unsent_since": unsent_since.isoformat() if unsent_since else None,
                "withdrawn": withdrawn,
            },
        )
        return
    await _queue_private_emergency(
        db, cipher, services, recipients.people, ward, contact, now, unsent_since, withdrawn
    )


async def _queue_private_emergency(
    db: Database,
    cipher: FieldCipher,
    services: Services,
    people: list[User],
    ward: str | None,
    contact: str | None,
    now: dt.datetime,
    unsent_since: dt.datetime | None = None,
    withdrawn: bool = False,
) -> None:
    for person in people:
        _ = services.i18n(person.language)
        await outbox.enqueue(
            db,
            cipher,
            person.telegram_id,
            emergency_alert_text(_, services.areas, ward, contact, unsent_since, withdrawn),
            now=now,
            protect=True,
        )


async def _emergency_privately(
    db: Database,
    cipher: FieldCipher,
    application: BotApplication,
    message: outbox.Message,
    now: dt.datetime,
) -> None:
    """The unit's staff group cannot be reached: its staff and the administrators hear
    privately instead."""
    args = message.instead_args
    log.warning("staff group of %s unreachable; emergency alert sent privately", args.get("unit"))
    contact = cipher.decrypt(args["contact"]) if args.get("contact") else None
    people = await routing.unit_people(db, args.get("unit"))
    since = args.get("unsent_since")
    await _queue_private_emergency(
        db,
        cipher,
        application.services,
        people,
        args.get("ward"),
        contact,
        now,
        dt.datetime.fromisoformat(since) if since else None,
        bool(args.get("withdrawn")),
    )


outbox.on_unreachable(EMERGENCY_PRIVATELY, _emergency_privately)
