"""What the report's modules share: the conversation's states, the labels of its buttons and
the small tidying of answered questions."""

from __future__ import annotations

import contextlib

from telegram import CallbackQuery
from telegram.error import TelegramError

from bot.i18n import N_, Translator
from bot.keyboards import Button as KeyButton
from bot.messaging import edit_buttons_quietly
from bot.reports.buttons import Back, Sos
from bot.text import fold

# The states of the conversation: the step itself lives in the draft.
ACTIVE, RESUME, CONFIRM_CANCEL = range(3)

# Reply-keyboard labels of the two steps that need Telegram's location and contact buttons.
SEND_LOCATION = N_("📍 Send the location")
SHARE_PHONE = N_("📱 Share my phone number")
STAY_ANONYMOUS = N_("🙈 Stay anonymous")
SKIP = N_("Skip")
BACK = N_("‹ Back")
EMERGENCY = N_("🆘 Emergency")
DONE = N_("Done ✔️")
NOT_KNOWN = N_("Not known")
NOTHING_YET = N_("Nothing yet")
KEEP_ANSWER = N_("✔️ Keep this answer")
KEPT = N_("✓ Kept.")  # the answer to "Keep this answer"
KEEP = "keep"  # the value of Pick(step, KEEP): the answer already given stays

SEX_LABELS = {"male": N_("Boy (nam)"), "female": N_("Girl (nữ)"), "unknown": N_("Not known")}
SECTION_LABELS = {
    "urgency": N_("🚨 Urgency"),
    "place": N_("📍 Place"),
    "child": N_("👧 The child"),
    "situation": N_("📋 Situation"),
    "story": N_("📝 What happened"),
    "contact": N_("☎️ Contact"),
}


def is_label(text: str, label: str, _: Translator) -> bool:
    # Accent-insensitive: "bo qua" typed on a phone is "Bỏ qua".
    return fold(text) in {fold(_(label)), fold(label)}


def nav_row(_: Translator, step: str, back: bool = True) -> list[KeyButton]:
    row: list[KeyButton] = [(_(BACK), Back(step=step))] if back else []
    row.append((_(EMERGENCY), Sos(step=step)))
    return row


async def close_buttons(query: CallbackQuery) -> None:
    """Remove the buttons of an answered question, so old taps cannot confuse the draft."""
    with contextlib.suppress(TelegramError):  # already removed, or too old to edit
        await edit_buttons_quietly(query, None)
