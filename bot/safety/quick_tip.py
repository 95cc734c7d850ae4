"""The quick tip as the safety answer uses it: "📨 Pass it to staff now" under the emergency
answer opens a case at once (bot/safety/tips.py), with staff's alerts and the tipster's
confirmation queued in the case's transaction (bot/outbox.py); the place of a tip sent
without one alerts that unit's staff too.

A press on the same answer again, even after a restart, gives the first case's code, never a
second case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import InlineKeyboardMarkup

from bot import outbox
from bot.crypto import FieldCipher, cipher_for
from bot.reports import casework
from bot.reports.casework import RateLimited, Submitted
from bot.reports.rules import case_rules
from bot.safety import tips
from bot.services import Services
from storage import outbox as outbox_rows
from storage.db import Database
from storage.users import User

__all__ = ["Confirmation", "NewCaseAlert", "QuickTipService", "RateLimited", "Sent"]

# The new-case alerts of the case journey: (db, cipher, services, case id, now), queued in
# the current transaction.
NewCaseAlert = Callable[[Database, FieldCipher, Services, int, dt.datetime], Awaitable[None]]
# The tipster's answer for a new case: (case id, code) → (text, buttons).
Confirmation = Callable[[int, str], tuple[str, InlineKeyboardMarkup | None]]


# After the emergency answer, for this long: "thôi ko có gì đâu" is read as taking it back,
# and a ward's name typed as the answer to the tip's place question.
ANSWER_FOLLOW_UP_WITHIN = dt.timedelta(hours=24)


def answered_recently(pending: dict | None, now: dt.datetime) -> bool:
    """Whether the emergency answer kept in `pending` (the person's data) is recent enough
    for a typed follow-up to belong to it."""
    if not pending or not pending.get("at"):
        return False
    return now - dt.datetime.fromisoformat(pending["at"]) <= ANSWER_FOLLOW_UP_WITHIN


def confirmation_key(case_id: int) -> str:
    """The outbox key of the tipster's confirmation (which asks the place when unknown)."""
    return f"case:{case_id}:thanks"


@dataclass(frozen=True)
class Sent:
    submitted: Submitted
    confirmation_id: int | None  # the queued confirmation, held for the reply (send_now)


class QuickTipService:
    def __init__(self, services: Services, alert_new_case: NewCaseAlert) -> None:
        self.services = services
        self.alert_new_case = alert_new_case

    async def earlier(self, tipster: User, source_message_id: int | None) -> Submitted | None:
        """The case this answer was already passed on as (the bot stopped after making it)."""
        return await casework.already_submitted(
            self.services.database, tipster.telegram_id, source_message_id
        )

    async def pass_to_staff(
        self,
        tipster: User,
        text: str,
        *,
        category: str | None,
        urgent: bool,
        source_message_id: int | None,
        confirmation: Confirmation,
    ) -> Sent:
        """Open the case (raises RateLimited like a report), its alerts and the tipster's
        confirmation in one transaction."""
        services = self.services
        db, cipher, now = services.database, cipher_for(services), services.clock.now()
        own = services.areas.unit(tipster.ward)
        queued: list[int | None] = []

        async def on_created(case_id: int, code: str) -> None:
            await self.alert_new_case(db, cipher, services, case_id, now)
            reply, markup = confirmation(case_id, code)
            queued.append(
                await outbox.enqueue(
                    db,
                    cipher,
                    tipster.telegram_id,
                    reply,
                    now=now,
                    markup=markup,
                    dedupe_key=confirmation_key(case_id),
                    held_for_reply=True,
                )
            )

        submitted = await tips.submit_tip(
            db,
            cipher,
            services.areas,
            tipster,
            text,
            category,
            own.code if own else None,
            now,
            case_rules(),
            services.settings.timezone,
            urgent=urgent,
            source_message_id=source_message_id,
            on_created=on_created,
        )
        return Sent(submitted, queued[0] if queued else None)

    async def confirmation_message(self, case_id: int) -> int | None:
        """The tipster's confirmation as sent (its place buttons go once the place is typed)."""
        return await outbox_rows.sent_message_id(self.services.database, confirmation_key(case_id))

    async def place(self, tipster: User, case_id: int, unit_code: str) -> bool:
        """The ward/commune of the tipster's own tip sent without a place (once); that unit's
        staff are alerted in the same transaction. False if nothing changed."""
        services = self.services
        db, cipher, now = services.database, cipher_for(services), services.clock.now()

        async def alert_the_unit(placed_id: int) -> None:
            await self.alert_new_case(db, cipher, services, placed_id, now)

        return await tips.place_tip(
            db, services.areas, tipster, case_id, unit_code, now, then=alert_the_unit
        )
