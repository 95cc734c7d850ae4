"""What the /broadcast conversation keeps and shows: the draft (in user_data, JSON-friendly),
the sender line above every announcement, the audience summary and the steps' states."""

from __future__ import annotations

import html
from typing import Any

from telegram import Update

from bot import audience as audiences
from bot.audience import Audience
from bot.broadcast.service import BroadcastService, Kind
from bot.context import BotContext
from bot.delivery import Content
from bot.delivery.content import CAPTION_LIMIT, TEXT_LIMIT
from bot.guards import require_message
from bot.i18n import N_, Html, Translator
from storage.models import Event

DRAFT = "broadcast_draft"

ROLE_LABELS = {
    "public": N_("Parents and public"),
    "collaborator": N_("Collaborators"),
    "staff": N_("Staff"),
}
LANGUAGE_LABELS = {None: N_("all languages"), "vi": N_("Vietnamese only"), "en": N_("English only")}
NEXT_LANGUAGE: dict[str | None, str | None] = {None: "vi", "vi": "en", "en": None}

Draft = dict[str, Any]


def service(context: BotContext) -> BroadcastService:
    return BroadcastService.of(context.application)


def chat_id(update: Update) -> int:
    return require_message(update).chat_id


# -- the draft ------------------------------------------------------------------------------------
def draft_of(context: BotContext) -> Draft:
    draft: Draft = context.person_data.setdefault(DRAFT, {})
    return draft


def drop_draft(context: BotContext) -> None:
    context.person_data.pop(DRAFT, None)


def audience_of(draft: Draft) -> Audience:
    return Audience(
        roles=frozenset(draft.get("roles") or ["public"]),
        districts=frozenset(draft.get("districts") or []),
        wards=frozenset(draft.get("wards") or []),
        language=draft.get("language"),
        event_id=draft.get("event_id"),
        event_waiting=bool(draft.get("event_waiting")),
    )


def kind_of(draft: Draft) -> Kind:
    return "urgent" if draft.get("urgent") else "broadcast"


def drop_event(draft: Draft) -> None:
    draft.pop("event_id", None)
    draft.pop("event_waiting", None)


# -- what recipients see ----------------------------------------------------------------------------
def sender_line(_: Translator, context: BotContext) -> str:
    """'📣 Từ: Ban quản lý dự án' above every announcement, so people know who writes."""
    user = context.person
    if user.is_admin or not user.scope:
        return _("📣 From: the programme's management board")
    return _(
        "📣 From: the staff of {place}",
        place=context.services.areas.scope_label(user.scope, _.language),
    )


def with_sender(context: BotContext, language: str, body: str) -> str:
    head = html.escape(sender_line(context.services.i18n(language), context), quote=False)
    return f"{head}\n\n{body}" if body else head


def room(context: BotContext, draft: Draft) -> int:
    """Characters left for the message once the sender line is added."""
    limit = CAPTION_LIMIT if draft.get("media") else TEXT_LIMIT
    return limit - len(with_sender(context, "vi", ""))


def content_of(context: BotContext, draft: Draft) -> Content:
    texts = {"vi": with_sender(context, "vi", draft.get("vi") or "")}
    if draft.get("en"):
        texts["en"] = with_sender(context, "en", draft["en"])
    return Content(texts=texts, media=draft.get("media"), file_id=draft.get("file_id"))


# -- the audience ---------------------------------------------------------------------------------
def audience_summary(
    _: Translator, context: BotContext, audience: Audience, event: Event | None = None
) -> Html:
    """'Parents · Khu vực Quận 8 cũ · all wards · all languages', plus the event's line if
    any. An event of a staff member's own units stands for the place (no place line)."""
    areas = context.services.areas
    roles = ", ".join(_(ROLE_LABELS[r]) for r in audiences.ROLES if r in audience.roles)
    parts = [roles]
    wards = ", ".join(areas.unit_name(code, _.language) for code in sorted(audience.wards))
    if audience.districts:
        places = ", ".join(
            areas.group_name(code, _.language) for code in sorted(audience.districts)
        )
        parts.append(places + " · " + (wards or _("all wards")))
    elif wards:
        parts.append(wards)
    elif audience.event_id is None:
        parts.append(_("the whole programme"))
    parts.append(_(LANGUAGE_LABELS[audience.language]))
    text = html.escape(" · ".join(parts), quote=False)
    if audience.event_id is not None:
        text += "\n" + event_line(_, audience, event)  # escaped by the translator
    return Html(text)


def event_line(_: Translator, audience: Audience, event: Event | None) -> str:
    if event is None:  # deleted since (history only)
        return _("📅 Registered for event #{number}", number=audience.event_id)
    if audience.event_waiting:
        return _(
            "📅 Registered for “{title}” ({when}), waiting list included",
            title=event.title,
            when=_.short_datetime(event.starts_at),
        )
    return _(
        "📅 Registered for “{title}” ({when})",
        title=event.title,
        when=_.short_datetime(event.starts_at),
    )


def mark(on: bool, label: str, count: int | None = None, _: Translator | None = None) -> str:
    figure = f" ({_.number(count)})" if count is not None and _ is not None else ""
    return f"{'✅' if on else '▫️'} {label}{figure}"
