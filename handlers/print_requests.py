"""Printed copies: collaborators and staff ask; the units' staff approve, print and deliver.

🖨 on a material → how many → ward → delivery place → wanted by → confirm → sent to staff.
/printqueue (staff): open requests of their units with the next step's buttons.
/myrequests: one's own requests. The requester hears about every step.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import callbacks, keyboards, outbox, scope, staff_copies
from bot.context import BotContext
from bot.conversations import ExclusiveConversation
from bot.crypto import cipher_for
from bot.i18n import N_, Html, Translator
from bot.materials import printing
from bot.messaging import edit_buttons_quietly, edit_quietly
from handlers.common import anything_else, free_text, leave_handlers, step_hints
from storage import audit, materials, print_requests, users
from storage.alert_copies import AlertCopy
from storage.print_requests import PrintRequest
from storage.users import User

NS = "prq"
QUANTITY, DISTRICT, WARD, PLACE, WHEN, CONFIRM, REASON = range(7)
DRAFT = "print_draft"
REJECTING = "print_rejecting"
PRIVATE = filters.ChatType.PRIVATE
QUICK_DAYS = (7, 14, 30)
QUEUE_LIMIT = 20
MESSAGE_BUDGET = 3800  # under Telegram's 4,096 characters, with room for markup

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


def _today(context: BotContext) -> dt.date:
    return context.translate.local(context.now).date()


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


def describe(request: PrintRequest, _: Translator, areas, requester: User | None = None) -> str:
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


async def staff_view(
    context: BotContext, request: PrintRequest, _: Translator, heading: str = ""
) -> tuple[str, object]:
    """What staff see of a request (each copy the same): details, requester, buttons."""
    requester = await users.get(context.db, request.requester_id)
    if requester is not None and requester.phone:  # encrypted at rest: shown to staff only
        requester = dataclasses.replace(
            requester, phone=cipher_for(context.services).decrypt(requester.phone)
        )
    body = (
        describe(request, _, context.services.areas, requester)
        if requester
        else describe(request, _, context.services.areas) + "\n" + requester_line(_, None)
    )
    return (f"{heading}\n{body}" if heading else body), staff_keyboard(request, _)


async def sync_copies(context: BotContext, request_id: int, extra: list[AlertCopy] = ()) -> None:
    """Every staff copy of the request (the alert, /printqueue lists) shows its new state;
    buttons that no longer apply go."""
    request = await print_requests.get(context.db, request_id)
    if request is None:
        return

    async def render(copy: AlertCopy):
        return await staff_view(context, request, context.services.i18n(copy.language))

    await staff_copies.sync(
        context.bot,
        context.db,
        "print",
        request.id,
        render,
        context.now,
        extra=extra,
        final=not printing.TRANSITIONS[request.status],
    )


def staff_keyboard(request: PrintRequest, _: Translator):
    buttons = {
        "approved": (_("✅ Approve"), callbacks.encode(NS, "mv", request.id, "approved")),
        "printed": (_("🖨 Mark printed"), callbacks.encode(NS, "mv", request.id, "printed")),
        "delivered": (_("📦 Mark delivered"), callbacks.encode(NS, "mv", request.id, "delivered")),
        "rejected": (_("❌ Reject"), callbacks.encode(NS, "rej", request.id)),
    }
    row = [buttons[status] for status in printing.TRANSITIONS[request.status]]
    return keyboards.inline([row]) if row else None


# -- asking for copies ------------------------------------------------------------------------------


async def start_request(update: Update, context: BotContext) -> int:
    query = update.callback_query
    _ = context.translate
    data = callbacks.decode(query.data)
    material_id = data.int_arg(0) if data else None
    if not printing.may_request(context.user):
        await query.answer(
            _("Printed copies can be requested by collaborators and staff."), show_alert=True
        )
        return ConversationHandler.END
    material = await materials.get(context.db, material_id) if material_id else None
    if material is None or material.hidden:
        await query.answer(_("This material is no longer available."), show_alert=True)
        return ConversationHandler.END
    await query.answer()
    context.user_data[DRAFT] = {"material": material.id, "title": material.title}
    await query.message.reply_text(
        _(
            "🖨 Printed copies of “{title}”.\nHow many copies do you need? Type a number from "
            "1 to 1,000. (/cancel to stop)",
            title=material.title_in(_.language),
        )
    )
    return QUANTITY


async def enter_quantity(update: Update, context: BotContext) -> int:
    _ = context.translate
    quantity = printing.parse_quantity(update.message.text)
    if quantity is None:
        await update.message.reply_text(
            _("Please type a number of copies from 1 to 1,000, e.g. 200.")
        )
        return QUANTITY
    context.user_data.setdefault(DRAFT, {})["quantity"] = quantity
    user = context.user
    if user.is_admin:
        await update.message.reply_text(
            _("For which area of the programme?"), reply_markup=_district_keyboard(context)
        )
        return DISTRICT
    return await _ask_ward(update, context, None)


def _district_keyboard(context: BotContext):
    language = context.translate.language
    return keyboards.inline(
        [
            [(d.name(language), callbacks.encode(NS, "dist", d.code))]
            for d in context.services.areas.groups()
        ]
    )


async def choose_district(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    _ = context.translate
    data = callbacks.decode(query.data)
    district = context.services.areas.group(data.arg(0) if data else None)
    if district is None or not context.user.is_admin:
        await query.message.reply_text(_("That button is no longer valid. Please choose again."))
        return DISTRICT
    return await _ask_ward(update, context, district.code)


async def _ask_ward(update: Update, context: BotContext, district: str | None) -> int:
    _ = context.translate
    wards = printing.wards_for(context.user, context.services.areas, district)
    if not wards:
        await update.effective_message.reply_text(
            _(
                "Your account has no ward or commune of the programme yet, so I cannot take a print request. "
                "Please ask the programme staff."
            )
        )
        context.user_data.pop(DRAFT, None)
        return ConversationHandler.END
    context.user_data.setdefault(DRAFT, {})["district"] = district
    language = _.language
    own = context.user.ward
    ordered = sorted(wards, key=lambda w: w.code != own)  # their own ward first
    buttons = [(w.name(language), callbacks.encode(NS, "ward", w.code)) for w in ordered]
    await update.effective_message.reply_text(
        _("For which ward or commune?"),
        reply_markup=keyboards.inline(keyboards.columns(buttons, 3)),
    )
    return WARD


async def choose_ward(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    _ = context.translate
    data = callbacks.decode(query.data)
    draft = context.user_data.setdefault(DRAFT, {})
    allowed = {
        w.code
        for w in printing.wards_for(context.user, context.services.areas, draft.get("district"))
    }
    code = data.arg(0) if data else None
    if code not in allowed:
        await query.message.reply_text(_("That button is no longer valid. Please choose again."))
        return WARD
    draft["ward"] = code
    await edit_quietly(
        query, _("Area: {place}", place=context.services.areas.place(code, _.language))
    )
    await query.message.reply_text(
        _(
            "Where should the copies be delivered? E.g. “Ward People's Committee, 1 Main St.” "
            "or a school or club address."
        )
    )
    return PLACE


async def enter_place(update: Update, context: BotContext) -> int:
    _ = context.translate
    place = printing.clean_place(update.message.text)
    if place is None:
        await update.message.reply_text(
            _(
                "Please type the delivery place in {min} to {max} characters.",
                min=printing.PLACE_MIN,
                max=printing.PLACE_MAX,
            )
        )
        return PLACE
    context.user_data.setdefault(DRAFT, {})["place"] = place
    buttons = [
        (_("In {days} days", days=days), callbacks.encode(NS, "when", days)) for days in QUICK_DAYS
    ]
    await update.message.reply_text(
        _(
            "By when do you need them? Type a date such as {example}, or choose:",
            example=(_today(context) + dt.timedelta(days=10)).strftime("%d/%m/%Y"),
        ),
        reply_markup=keyboards.inline([buttons]),
    )
    return WHEN


async def enter_date(update: Update, context: BotContext) -> int:
    _ = context.translate
    try:
        wanted = printing.parse_wanted_by(update.message.text, _today(context))
    except printing.DateError as error:
        reason = str(error)
        if reason == "past":
            text = _("That date has passed. Please type a date from tomorrow on.")
        elif reason == "far":
            text = _("Please choose a date within the next 12 months.")
        else:
            text = _("Please type the date as day/month, e.g. 15/06.")
        await update.message.reply_text(text)
        return WHEN
    return await _confirm(update, context, wanted)


async def choose_date(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    data = callbacks.decode(query.data)
    days = data.int_arg(0) if data else None
    if days not in QUICK_DAYS:
        _ = context.translate
        await query.message.reply_text(_("That button is no longer valid. Please choose again."))
        return WHEN
    await edit_buttons_quietly(query, None)
    return await _confirm(update, context, _today(context) + dt.timedelta(days=days))


async def _confirm(update: Update, context: BotContext, wanted: dt.date) -> int:
    _ = context.translate
    draft = context.user_data.setdefault(DRAFT, {})
    draft["wanted_by"] = wanted.isoformat()
    if not {"material", "quantity", "ward", "place"} <= draft.keys():
        context.user_data.pop(DRAFT, None)
        await update.effective_message.reply_text(
            _("Something was missing. Please open the material and tap 🖨 again.")
        )
        return ConversationHandler.END
    await update.effective_message.reply_text(
        _(
            "Please check your request:\n<b>{title}</b>\n{quantity} copies · {ward}\n"
            "Deliver to: {place}\nWanted by: {date}",
            title=draft["title"],
            quantity=_.number(draft["quantity"]),
            ward=context.services.areas.place(draft["ward"], _.language),
            place=draft["place"],
            date=_.date(wanted),
        ),
        reply_markup=keyboards.inline(
            [
                [
                    (_("✅ Send request"), callbacks.encode(NS, "send")),
                    (_("✖️ Cancel"), callbacks.encode(NS, "drop")),
                ]
            ]
        ),
    )
    return CONFIRM


async def send_request(update: Update, context: BotContext) -> int:
    query = update.callback_query
    _ = context.translate
    draft = context.user_data.pop(DRAFT, None) or {}
    try:
        request_id = await printing.submit(
            context.db,
            context.services.areas,
            context.user,
            int(draft["material"]),
            int(draft["quantity"]),
            draft["ward"],
            draft["place"],
            dt.date.fromisoformat(draft["wanted_by"]),
            context.now,
            then=lambda request: _tell_staff(context, request),
        )
    except (KeyError, ValueError, printing.PermissionDenied, printing.NotApplicable):
        await query.answer(
            _("This request can no longer be sent. Please start again."), show_alert=True
        )
        return ConversationHandler.END
    await query.answer()
    await edit_quietly(
        query,
        _(
            "📨 Request #{id} sent. The staff will look at it; I will tell you here at "
            "every step. /myrequests shows your requests.",
            id=request_id,
        ),
    )
    return ConversationHandler.END


async def drop_request(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    context.user_data.pop(DRAFT, None)
    _ = context.translate
    await edit_quietly(query, _("Cancelled. Nothing was sent."))
    return ConversationHandler.END


async def _tell_staff(context: BotContext, request: PrintRequest) -> None:
    """The unit's staff get the new request with its buttons; administrators if there are none.
    Runs inside the request's transaction (printing.submit's `then`)."""
    people = scope.staff_covering(await users.active_staff(context.db), request.ward)
    if not people:
        people = await users.admins(context.db)
    async with context.db.atomic():  # everyone or nobody; sent by the outbox
        for person in people:
            if person.telegram_id == request.requester_id:
                continue
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


# -- staff: moving a request on ---------------------------------------------------------------------


async def move(update: Update, context: BotContext) -> None:
    query = update.callback_query
    _ = context.translate
    data = callbacks.decode(query.data)
    request_id = data.int_arg(0) if data else None
    status = data.arg(1) if data else None
    if request_id is None or status not in ("approved", "printed", "delivered"):
        await query.answer(_("This button is not valid."), show_alert=True)
        return
    try:
        await printing.advance(
            context.db,
            context.user,
            request_id,
            status,
            context.now,
            then=lambda moved: _tell_requester(context, moved),
        )
    except printing.PermissionDenied:
        await audit.refused(
            context.db,
            context.user.telegram_id,
            f"print_{status}",
            "print_request",
            request_id,
            context.now,
        )
        await query.answer(
            _("Only the staff of this ward or commune can handle this request."), show_alert=True
        )
        return
    except printing.NotApplicable:
        await query.answer(_("This request has already moved on."), show_alert=True)
        await _refresh(query, context, request_id)
        return
    await query.answer(_(STATUS_LABELS[status]))
    await _refresh(query, context, request_id)


async def _refresh(query, context: BotContext, request_id: int) -> None:
    """The pressed message and every other staff copy of the request."""
    pressed = AlertCopy(
        "print",
        request_id,
        query.message.chat.id,
        query.message.message_id,
        context.translate.language,
        "new",
        None,
    )
    await sync_copies(context, request_id, extra=[pressed])


async def _tell_requester(context: BotContext, request: PrintRequest) -> None:
    requester = await users.get(context.db, request.requester_id)
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


async def start_reject(update: Update, context: BotContext) -> int:
    query = update.callback_query
    _ = context.translate
    data = callbacks.decode(query.data)
    request_id = data.int_arg(0) if data else None
    request = await print_requests.get(context.db, request_id) if request_id else None
    if request is None or not printing.can_handle(context.user, request):
        await query.answer(
            _("Only the staff of this ward or commune can handle this request."), show_alert=True
        )
        return ConversationHandler.END
    if "rejected" not in printing.TRANSITIONS[request.status]:
        await query.answer(_("This request has already moved on."), show_alert=True)
        return ConversationHandler.END
    await query.answer()
    context.user_data[REJECTING] = {
        "id": request.id,
        "chat": query.message.chat.id,
        "message": query.message.message_id,
    }
    await query.message.reply_text(
        _(
            "Why is request #{id} not approved? Type a short reason; the requester will read it. "
            "(/cancel to stop)",
            id=request.id,
        )
    )
    return REASON


async def enter_reason(update: Update, context: BotContext) -> int:
    _ = context.translate
    reason = printing.clean_reason(update.message.text)
    if reason is None:
        await update.message.reply_text(
            _(
                "Please type a reason of {min} to {max} characters.",
                min=printing.REASON_MIN,
                max=printing.REASON_MAX,
            )
        )
        return REASON
    pending = context.user_data.pop(REJECTING, None) or {}
    try:
        request = await printing.advance(
            context.db,
            context.user,
            int(pending["id"]),
            "rejected",
            context.now,
            reason=reason,
            then=lambda moved: _tell_requester(context, moved),
        )
    except (KeyError, printing.PermissionDenied, printing.NotApplicable):
        await update.message.reply_text(_("This request has already moved on."))
        return ConversationHandler.END
    await update.message.reply_text(
        _("Request #{id} was not approved; the requester was told why.", id=request.id)
    )
    pressed = (
        [
            AlertCopy(
                "print",
                request.id,
                int(pending["chat"]),
                int(pending["message"]),
                _.language,
                "new",
                None,
            )
        ]
        if pending.get("message")
        else []
    )
    await sync_copies(context, request.id, extra=pressed)
    return ConversationHandler.END


# -- lists ----------------------------------------------------------------------------------------


async def queue_command(update: Update, context: BotContext) -> None:
    _ = context.translate
    user = context.user
    if not user.is_staff:
        await update.message.reply_text(_("This command is for staff."))
        return
    found = await print_requests.queue(context.db, scope.units_of(user), limit=QUEUE_LIMIT + 1)
    if not found:
        await update.message.reply_text(_("No print requests are waiting."))
        return
    await update.message.reply_text(_("🖨 Open print requests, the soonest wanted first:"))
    for request in found[:QUEUE_LIMIT]:
        text, markup = await staff_view(context, request, _)
        sent = await update.message.reply_text(text, reply_markup=markup)
        await staff_copies.remember(
            context.db, "print", request.id, sent, _.language, context.now, variant="queue"
        )
    if len(found) > QUEUE_LIMIT:
        await update.message.reply_text(
            _(
                "Only the first {count} are shown; handle these to see the next ones.",
                count=QUEUE_LIMIT,
            )
        )


async def my_requests_command(update: Update, context: BotContext) -> None:
    _ = context.translate
    mine = await print_requests.of_requester(context.db, context.user.telegram_id)
    if not mine:
        text = _(
            "You have not asked for printed copies yet. Open a material in /materials "
            "and tap 🖨 to ask."
        )
        if not printing.may_request(context.user):
            text = _("Printed copies can be requested by collaborators and staff.")
        await update.message.reply_text(text)
        return
    areas = context.services.areas
    text = _("🖨 Your print requests:")
    for request in mine:  # newest first; whole entries only, within one message
        entry = describe(request, _, areas)
        if len(text) + len(entry) + 2 > MESSAGE_BUDGET:
            break
        text += "\n\n" + entry
    await update.message.reply_text(text)


# -- wiring -------------------------------------------------------------------------------------

_hint = step_hints(
    {
        QUANTITY: N_("Please type a number of copies from 1 to 1,000, e.g. 200."),
        DISTRICT: N_("Please choose the area with the buttons above."),
        WARD: N_("Please choose the ward or commune with the buttons above."),
        PLACE: N_("Please type where the copies should be delivered."),
        WHEN: N_("Please type the date as day/month, e.g. 15/06."),
        CONFIRM: N_("Please tap “Send request” or “Cancel” above."),
        REASON: N_("Please type the reason as text."),
    }
)


def build_conversations(application: Application) -> list[ConversationHandler]:
    i18n = application.services.i18n
    text = free_text(i18n)
    other = anything_else(i18n)
    asking = ExclusiveConversation(
        name="print_request",
        persistent=True,
        entry_points=[CallbackQueryHandler(start_request, pattern=rf"^{NS}:new:")],
        states={
            QUANTITY: [
                MessageHandler(text, enter_quantity),
                MessageHandler(other, _hint(QUANTITY)),
            ],
            DISTRICT: [
                CallbackQueryHandler(choose_district, pattern=rf"^{NS}:dist:"),
                MessageHandler(other, _hint(DISTRICT)),
            ],
            WARD: [
                CallbackQueryHandler(choose_ward, pattern=rf"^{NS}:ward:"),
                MessageHandler(other, _hint(WARD)),
            ],
            PLACE: [MessageHandler(text, enter_place), MessageHandler(other, _hint(PLACE))],
            WHEN: [
                CallbackQueryHandler(choose_date, pattern=rf"^{NS}:when:"),
                MessageHandler(text, enter_date),
                MessageHandler(other, _hint(WHEN)),
            ],
            CONFIRM: [
                CallbackQueryHandler(send_request, pattern=rf"^{NS}:send"),
                CallbackQueryHandler(drop_request, pattern=rf"^{NS}:drop"),
                MessageHandler(other, _hint(CONFIRM)),
            ],
        },
        fallbacks=leave_handlers(i18n),
    )
    rejecting = ExclusiveConversation(
        name="print_reject",
        persistent=True,
        entry_points=[CallbackQueryHandler(start_reject, pattern=rf"^{NS}:rej:")],
        states={
            REASON: [MessageHandler(text, enter_reason), MessageHandler(other, _hint(REASON))],
        },
        fallbacks=leave_handlers(i18n),
    )
    return [asking, rejecting]


def register(application: Application) -> None:
    """Section 2: the two conversations (asking for copies, giving a rejection reason)."""
    for conversation in build_conversations(application):
        application.add_handler(conversation)


def register_commands(application: Application) -> None:
    """Section 3: /printqueue, /myrequests and the staff's step buttons."""
    application.add_handler(CommandHandler("printqueue", queue_command, filters=PRIVATE))
    application.add_handler(CommandHandler("myrequests", my_requests_command, filters=PRIVATE))
    application.add_handler(CallbackQueryHandler(move, pattern=rf"^{NS}:mv:"))
