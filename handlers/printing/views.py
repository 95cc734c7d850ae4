"""A print request as staff and requester see it, its staff buttons, and the notices.

Every staff copy of a request (the alert, /printqueue lists) is recorded and follows the
request's state (`sync_copies`); notices go through the outbox in the change's transaction.
"""

from __future__ import annotations

import html

from telegram import InlineKeyboardMarkup

from bot import keyboards, outbox, staff_copies
from bot.areas import Areas
from bot.context import BotContext
from bot.crypto import cipher_for
from bot.i18n import N_, Html, Translator
from bot.materials import printing
from bot.materials.buttons import MoveRequest, RejectRequest
from bot.materials.printing import PrintDesk
from storage.alert_copies import AlertCopy
from storage.print_requests import PrintRequest
from storage.users import User

STATUS_LABELS = {
    "requested": N_("🕓 waiting for approval"),
    "approved": N_("✅ approved"),
    "printed": N_("🖨 printed"),
    "delivered": N_("📦 delivered"),
    "rejected": N_("❌ not approved"),
}
NEW_REQUEST = N_("🖨 New request for printed copies:")
# What the requester is told when their request reaches a state.
STATUS_NEWS = {
    "approved": N_(
        "✅ Your request #{id} for {quantity} copies of “{title}” was approved. "
        "We will tell you when they are printed."
    ),
    "printed": N_(
        "🖨 Request #{id}: the {quantity} copies of “{title}” are printed and will be "
        "delivered to: {place}."
    ),
    "delivered": N_(
        "📦 Request #{id}: the copies of “{title}” were delivered. Thank you for "
        "spreading the word!"
    ),
    "rejected": N_(
        "❌ Your request #{id} for copies of “{title}” was not approved.\nReason: {reason}"
    ),
}


def desk(context: BotContext) -> PrintDesk:
    return PrintDesk.of(context.services)


def requester_line(_: Translator, requester: User | None) -> str:
    """Who asked and how to reach them: a tap on the name opens their Telegram chat."""
    if requester is None:
        return _("Requested by: (no longer a user)")
    name = (
        f'<a href="tg://user?id={requester.telegram_id}">'
        f"{html.escape(requester.display_name or '—', quote=False)}</a>"
    )
    if requester.phone:
        return _("Requested by: {name} · ☎️ {phone}", name=Html(name), phone=requester.phone)
    return _(
        "Requested by: {name} (no phone shared: tap the name to write to them)", name=Html(name)
    )


def describe(
    request: PrintRequest, _: Translator, areas: Areas, requester: User | None = None
) -> str:
    """The request; for staff (`requester` given) also who asked and how to reach them."""
    text = _(
        "<b>#{id}</b> · {title}\n{quantity} copies · {ward}\nDeliver to: {place}\n"
        "Wanted by: {date}\nStatus: {status}",
        id=request.id,
        title=request.material_title,
        quantity=_.number(request.quantity),
        ward=areas.place(request.ward, _.language),
        place=request.place,
        date=_.date(request.wanted_by),
        status=_(STATUS_LABELS[request.status]),
    )
    if request.status == "rejected" and request.reason:
        text += "\n" + _("Reason: {reason}", reason=request.reason)
    if requester is not None:
        text += "\n" + requester_line(_, requester)
    return text


def staff_keyboard(request: PrintRequest, _: Translator) -> InlineKeyboardMarkup | None:
    choices: dict[str, keyboards.Button] = {
        "approved": (_("✅ Approve"), MoveRequest(request_id=request.id, status="approved")),
        "printed": (_("🖨 Mark printed"), MoveRequest(request_id=request.id, status="printed")),
        "delivered": (
            _("📦 Mark delivered"),
            MoveRequest(request_id=request.id, status="delivered"),
        ),
        "rejected": (_("❌ Reject"), RejectRequest(request_id=request.id)),
    }
    row = [choices[status] for status in printing.TRANSITIONS[request.status]]
    return keyboards.inline([row]) if row else None


async def staff_view(
    context: BotContext, request: PrintRequest, _: Translator, heading: str = ""
) -> tuple[str, InlineKeyboardMarkup | None]:
    """What staff see of a request (each copy the same): details, requester, buttons."""
    requester = await desk(context).requester_for_staff(request)
    areas = context.services.areas
    body = (
        describe(request, _, areas, requester)
        if requester
        else describe(request, _, areas) + "\n" + requester_line(_, None)
    )
    return (f"{heading}\n{body}" if heading else body), staff_keyboard(request, _)


async def sync_copies(
    context: BotContext, request_id: int, extra: list[AlertCopy] | None = None
) -> None:
    """Every staff copy of the request (the alert, /printqueue lists) shows its new state;
    buttons that no longer apply go."""
    request = await desk(context).get(request_id)
    if request is None:
        return

    async def render(copy: AlertCopy) -> tuple[str, InlineKeyboardMarkup | None]:
        return await staff_view(context, request, context.services.i18n(copy.language))

    await staff_copies.sync(
        context.bot,
        context.db,
        "print",
        request.id,
        render,
        context.now,
        extra=extra or [],
        final=not printing.TRANSITIONS[request.status],
    )


def pressed_copy(context: BotContext, request_id: int, chat_id: int, message_id: int) -> AlertCopy:
    """The staff message a button was pressed on, so it follows the request too."""
    return AlertCopy(
        "print", request_id, chat_id, message_id, context.translate.language, "new", None
    )


async def tell_staff(context: BotContext, request: PrintRequest) -> None:
    """The unit's staff get the new request with its buttons; administrators if there are none.
    Runs inside the request's transaction (the desk's submit `then`)."""
    people = await desk(context).staff_to_tell(request)
    async with context.db.atomic():  # everyone or nobody; sent by the outbox
        for person in people:
            theirs = context.services.i18n(person.language)
            text, markup = await staff_view(context, request, theirs)
            # Every copy is recorded when sent, and follows the request (sync_copies).
            await outbox.enqueue(
                context.db,
                cipher_for(context.services),
                person.telegram_id,
                theirs(NEW_REQUEST) + "\n" + text,
                now=context.now,
                markup=markup,
                copy=outbox.CopyOf("print", request.id, person.language),
            )


async def tell_requester(context: BotContext, request: PrintRequest) -> None:
    requester = await desk(context).requester(request)
    if requester is None:
        return
    theirs = context.services.i18n(requester.language)
    await outbox.enqueue(
        context.db,
        cipher_for(context.services),
        requester.telegram_id,
        theirs(
            STATUS_NEWS[request.status],
            id=request.id,
            quantity=theirs.number(request.quantity),
            title=request.material_title,
            place=request.place,
            reason=request.reason or "—",
        ),
        now=context.now,
    )
