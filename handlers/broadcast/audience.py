"""The /broadcast audience step: one picker edited in place (roles, programme groups, wards,
language, urgent notice) with the exact count beside every choice, the wards screen and
"only people registered for an event" (pages of the events the sender may address; chosen
again → cleared; waiting list optional). The service decides who may reach whom."""

from __future__ import annotations

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ConversationHandler

from bot import audience as audiences
from bot import keyboards
from bot.broadcast.buttons import (
    ALL,
    Abort,
    ChooseEvent,
    ChooseGroup,
    Continue,
    CycleLanguage,
    DropEvent,
    EventsBack,
    ListEvents,
    OpenWards,
    ToggleRole,
    ToggleUrgent,
    ToggleWaiting,
    ToggleWard,
    WardsDone,
)
from bot.context import BotContext
from bot.events import texts as event_texts
from bot.events.model import KIND_ICONS
from bot.guards import require_message, require_query
from bot.messaging import answer_stale_button, edit_quietly
from handlers.broadcast.routes import AUDIENCE, EVENTS, WARDS
from handlers.broadcast.views import (
    LANGUAGE_LABELS,
    NEXT_LANGUAGE,
    ROLE_LABELS,
    Draft,
    audience_of,
    audience_summary,
    draft_of,
    drop_event,
    kind_of,
    mark,
    service,
)


async def count_with(context: BotContext, draft: Draft, **changes: object) -> int:
    """How many the audience would reach with one choice changed (the figure on a button)."""
    changed = {**draft, **changes}
    return await service(context).count_within(
        context.person, audience_of(changed), kind_of(changed), context.now
    )


async def default_roles(context: BotContext, draft: Draft) -> list[str]:
    """Parents and collaborators who can be reached; staff only when nobody else can be;
    never a default that reaches nobody while someone could be reached."""
    counts = {role: await count_with(context, draft, roles=[role]) for role in audiences.ROLES}
    people = [role for role in ("public", "collaborator") if counts[role]]
    if people:
        return people
    return ["staff"] if counts["staff"] else ["public"]


async def show_audience(update: Update, context: BotContext, edit: bool = False) -> None:
    _ = context.translate
    draft = draft_of(context)
    user = context.person
    broadcasts = service(context)
    notes: list[str] = []
    event = await broadcasts.addressable_event(user, draft.get("event_id"), context.now)
    if draft.get("event_id") is not None and event is None:
        drop_event(draft)  # cancelled, out of reach or long past since it was chosen
        notes.append(_("The event you chose can no longer be used, so I removed it."))
    chosen = audience_of(draft)
    reach, event = await broadcasts.reach(user, chosen, context.now)
    count = await broadcasts.count(reach, kind_of(draft))
    rows: list[list[keyboards.Button]] = []
    if not draft.get("urgent"):
        # Beside each group: how many of its people the rest of the choice reaches.
        rows.append(
            [
                (
                    mark(
                        role in chosen.roles,
                        _(ROLE_LABELS[role]),
                        await count_with(context, draft, roles=[role]),
                        _,
                    ),
                    ToggleRole(role=role),
                )
                for role in audiences.ROLES
            ]
        )
    if broadcasts.groups_offered(user):
        everywhere = await count_with(context, draft, districts=[], wards=[])
        row: list[keyboards.Button] = [
            (mark(not chosen.districts, _("Whole programme"), everywhere, _), ChooseGroup(code=ALL))
        ]
        for group in context.services.areas.groups():
            figure = await count_with(context, draft, districts=[group.code], wards=[])
            row.append(
                (
                    mark(group.code in chosen.districts, group.name(_.language), figure, _),
                    ChooseGroup(code=group.code),
                )
            )
        rows.append(row)
    if len(chosen.districts) == 1 or not user.is_admin:
        label = (
            _("🏘 Wards: all")
            if not chosen.wards
            else _("🏘 Wards: {count} chosen", count=_.number(len(chosen.wards)))
        )
        rows.append([(label, OpenWards())])
    language = _(LANGUAGE_LABELS[chosen.language])
    rows.append([(_("🌐 Language: {language}", language=language), CycleLanguage())])
    if event is None:
        rows.append([(_("📅 Only people registered for an event"), ListEvents(page=0))])
    else:
        rows.append([(mark(True, f"📅 {event_texts.button_label(_, event)}"), DropEvent())])
        rows.append(
            [(mark(chosen.event_waiting, _("⏳ Include the waiting list")), ToggleWaiting())]
        )
    rows.append([(mark(bool(draft.get("urgent")), _("🚨 Urgent notice to staff")), ToggleUrgent())])
    rows.append([(_("Continue ›"), Continue()), (_("✖ Cancel"), Abort())])
    lines = [
        *notes,
        _("<b>Who should receive it?</b>"),
        audience_summary(_, context, reach, event),
        _("Recipients now: <b>{count}</b>", count=_.number(count)),
    ]
    if event is not None:
        lines.append(
            _(
                "Only people registered for this event receive it. Tap the event "
                "again to remove this choice."
            )
        )
    if draft.get("urgent"):
        lines.append(
            _(
                "Urgent notices go to staff only, also to those who turned "
                "announcements off. Use them for real emergencies."
            )
        )
    if not user.is_admin:
        lines.append(_("You can reach people of your own wards and communes only."))
    text = "\n".join(lines)
    markup = keyboards.inline(rows)
    if edit and update.callback_query is not None:
        try:
            # One picker, edited in place: pressing the only ticked group changes nothing,
            # and "not modified" is no reason to post a second picker.
            await edit_quietly(update.callback_query, text, markup)
            return
        except TelegramError:
            pass  # e.g. the message was a photo: send a fresh one
    await require_message(update).chat.send_message(text, reply_markup=markup)


async def audience_button(update: Update, context: BotContext) -> int:
    """A toggle of the picker: roles, group, language, urgent, the event's options."""
    query = require_query(update)
    data = query.data
    draft = draft_of(context)
    if (role := ToggleRole.parse(data)) is not None:
        if role.role in audiences.ROLES:
            roles = set(draft.get("roles") or []) ^ {role.role}
            draft["roles"] = sorted(roles) or [role.role]  # at least one role stays chosen
    elif (group := ChooseGroup.parse(data)) is not None:
        if service(context).groups_offered(context.person):  # forged by staff: nothing
            areas = context.services.areas
            if group.code == ALL:
                draft["districts"] = []
            elif areas.group(group.code) is not None:
                draft["districts"] = sorted(set(draft.get("districts") or []) ^ {group.code})
            draft["wards"] = []
    elif CycleLanguage.parse(data) is not None:
        draft["language"] = NEXT_LANGUAGE[draft.get("language")]
    elif ToggleUrgent.parse(data) is not None:
        draft["urgent"] = not draft.get("urgent")
        if draft["urgent"]:  # staff only; the groups chosen before come back when it is off
            draft["roles_before_urgent"] = draft.get("roles")
            draft["roles"] = ["staff"]
        elif draft.get("roles_before_urgent"):
            draft["roles"] = draft.pop("roles_before_urgent")
    elif OpenWards.parse(data) is not None:
        await query.answer()
        return await show_wards(update, context)
    elif DropEvent.parse(data) is not None:
        drop_event(draft)
    elif ToggleWaiting.parse(data) is not None:
        if draft.get("event_id") is not None:
            draft["event_waiting"] = not draft.get("event_waiting")
    else:
        await answer_stale_button(update, context)
        return AUDIENCE
    await query.answer()
    await show_audience(update, context, edit=True)
    return AUDIENCE


# -- "only people registered for an event" --------------------------------------------------
async def _still_sender(update: Update, context: BotContext) -> bool:
    """Role re-checked on every press: someone demoted mid-way can no longer choose."""
    if service(context).may_send(context.person):
        return True
    _ = context.translate
    await require_query(update).answer(_("Only staff can send announcements."), show_alert=True)
    return False


async def show_events(update: Update, context: BotContext) -> int:
    """A page of the events the sender may address, with how many are registered."""
    query = require_query(update)
    if not await _still_sender(update, context):
        return ConversationHandler.END
    await query.answer()
    pressed = ListEvents.parse(query.data)
    return await _show_event_page(update, context, pressed.page if pressed else 0)


async def _show_event_page(update: Update, context: BotContext, page: int) -> int:
    _ = context.translate
    user = context.person
    found, has_next, page = await service(context).event_page(
        user, context.now, page, keyboards.PAGE_SIZE
    )
    rows: list[list[keyboards.Button]] = []
    for event, going in found:
        label = (
            f"{KIND_ICONS.get(event.kind, '📅')} {event_texts.button_label(_, event)} "
            f"({_.number(going)})"
        )
        rows.append([(label, ChooseEvent(event_id=event.id))])
    rows.append(
        keyboards.page_row(
            page, has_next, _("‹ Previous"), _("Next ›"), lambda n: ListEvents(page=n)
        )
    )
    rows.append([(_("‹ Back"), EventsBack())])
    lines = [_("<b>Only people registered for an event</b>")]
    if found:
        lines.append(
            _(
                "Choose the event: upcoming ones and those of the past 7 days. The "
                "number is how many people have a place."
            )
        )
    else:
        lines.append(
            _(
                "There is no upcoming event (or one of the past 7 days) with "
                "registrations that you can choose."
            )
        )
    if not user.is_admin:
        lines.append(_("You see the events of your wards and communes and programme-wide ones."))
    await edit_quietly(require_query(update), "\n".join(lines), reply_markup=keyboards.inline(rows))
    return EVENTS


async def choose_event(update: Update, context: BotContext) -> int:
    query = require_query(update)
    _ = context.translate
    if not await _still_sender(update, context):
        return ConversationHandler.END
    pressed = ChooseEvent.parse(query.data)
    event = await service(context).addressable_event(
        context.person, pressed.event_id if pressed else None, context.now
    )
    if event is None:  # forged, another district's, cancelled or long past: change nothing
        await query.answer(
            _(
                "You cannot choose this event: it is outside your wards and communes, "
                "cancelled, or ended more than 7 days ago."
            ),
            show_alert=True,
        )
        return EVENTS
    await query.answer()
    draft = draft_of(context)
    draft.update(event_id=event.id, event_waiting=False)
    if not draft.get("urgent"):
        # Registration is what matters now: whoever registered, parent or collaborator.
        draft["roles"] = list(audiences.ROLES)
    await show_audience(update, context, edit=True)
    return AUDIENCE


async def back_to_audience(update: Update, context: BotContext) -> int:
    """‹ Back from the events, ✓ Done from the wards (the choice kept, the audience again)."""
    await require_query(update).answer()
    await show_audience(update, context, edit=True)
    return AUDIENCE


# -- wards ---------------------------------------------------------------------------------------
async def show_wards(update: Update, context: BotContext) -> int:
    _ = context.translate
    draft = draft_of(context)
    wards = service(context).units_offered(context.person, draft.get("districts") or [])
    if not wards:
        await show_audience(update, context, edit=True)
        return AUDIENCE
    chosen = set(draft.get("wards") or [])
    buttons: list[keyboards.Button] = [
        (mark(w.code in chosen, w.name(_.language)), ToggleWard(code=w.code)) for w in wards
    ]
    rows = keyboards.columns(buttons, 3)
    rows.append(
        [(mark(not chosen, _("All wards")), ToggleWard(code=ALL)), (_("✓ Done"), WardsDone())]
    )
    await edit_quietly(
        require_query(update),
        _("Choose one or more wards (or all):"),
        reply_markup=keyboards.inline(rows),
    )
    return WARDS


async def ward_button(update: Update, context: BotContext) -> int:
    query = require_query(update)
    pressed = ToggleWard.parse(query.data)
    if pressed is None:
        await answer_stale_button(update, context)
        return WARDS
    await query.answer()
    draft = draft_of(context)
    offered = service(context).units_offered(context.person, draft.get("districts") or [])
    if pressed.code == ALL:
        draft["wards"] = []
    elif pressed.code in {ward.code for ward in offered}:
        draft["wards"] = sorted(set(draft.get("wards") or []) ^ {pressed.code})
    return await show_wards(update, context)
