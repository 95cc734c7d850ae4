"""Staff on a material: 🙈 hide / 👁 show, ⬆️ ⬇️ reorder within its topic, 🔳 a printable A4
poster whose QR code opens the bot for one ward (attributed in /materialstats); /materialstats.

Every button is checked again by the service (staff, and the poster's unit in their scope)."""

from __future__ import annotations

from telegram import CallbackQuery, Update

from bot import keyboards
from bot.callbacks import decode
from bot.context import BotContext
from bot.guards import (
    NotApplicable,
    PermissionDenied,
    record_refusal,
    require_message,
    require_query,
    staff_only,
)
from bot.i18n import N_
from bot.materials import deeplink
from bot.materials.buttons import Hide, MoveDown, MoveUp, Poster, PosterGroup, PosterUnit, Show
from bot.messaging import answer_stale_button, edit_quietly
from bot.text import shorten
from handlers.materials.views import catalogue, material_keyboard, material_text

STATS_ROWS = 15
STAFF_ONLY = N_("This is for staff.")
GONE = N_("This material is no longer available.")
OWN_UNITS_ONLY = N_("You can make posters for your own wards and communes only.")


async def _refused(query: CallbackQuery, context: BotContext, error: Exception) -> None:
    _ = context.translate
    if isinstance(error, PermissionDenied):
        pressed = decode(query.data)
        action = pressed.action if pressed else "?"
        await record_refusal(context, f"material_{action}", "material", pressed and pressed.arg(0))
        await query.answer(_(STAFF_ONLY), show_alert=True)
    else:
        await query.answer(_(GONE), show_alert=True)


async def on_hide_or_show(update: Update, context: BotContext) -> None:
    query = require_query(update)
    _ = context.translate
    pressed = Hide.parse(query.data) or Show.parse(query.data)
    if pressed is None:
        await answer_stale_button(update, context)
        return
    hidden = isinstance(pressed, Hide)
    try:
        material = await catalogue(context).set_hidden(
            context.person, pressed.material_id, hidden, context.now
        )
    except (PermissionDenied, NotApplicable) as error:
        await _refused(query, context, error)
        return
    await query.answer(
        _("Hidden: only staff see it now.") if hidden else _("Shown again to everyone.")
    )
    if query.message is not None and getattr(query.message, "text", None) is not None:
        await edit_quietly(
            query,
            material_text(material, _),
            reply_markup=material_keyboard(material, context.person, _),
        )


async def on_move(update: Update, context: BotContext) -> None:
    query = require_query(update)
    _ = context.translate
    pressed = MoveUp.parse(query.data) or MoveDown.parse(query.data)
    if pressed is None:
        await answer_stale_button(update, context)
        return
    step = -1 if isinstance(pressed, MoveUp) else 1
    try:
        moved = await catalogue(context).move(
            context.person, pressed.material_id, step, context.now
        )
    except (PermissionDenied, NotApplicable) as error:
        await _refused(query, context, error)
        return
    if not moved:
        await query.answer(
            _("It is already at the top.") if step < 0 else _("It is already at the bottom.")
        )
        return
    await query.answer(_("Moved up.") if step < 0 else _("Moved down."))


async def on_poster(update: Update, context: BotContext) -> None:
    """🔳 (every unit of the person's scope) or a programme group's units to choose from."""
    query = require_query(update)
    _ = context.translate
    pressed = Poster.parse(query.data) or PosterGroup.parse(query.data)
    service = catalogue(context)
    group = pressed.group if isinstance(pressed, PosterGroup) else None
    if pressed is None or (group is not None and context.services.areas.group(group) is None):
        await answer_stale_button(update, context)
        return
    try:
        material = await service.for_staff(context.person, pressed.material_id)
    except (PermissionDenied, NotApplicable) as error:
        await _refused(query, context, error)
        return
    await query.answer()
    language = _.language
    choices: list[keyboards.Button] = [
        (unit.name(language), PosterUnit(material_id=material.id, unit=unit.code))
        for unit in service.poster_units(context.person, group)
    ]
    message = require_message(update)
    if not choices:
        await message.reply_text(_(OWN_UNITS_ONLY))
        return
    await message.reply_text(
        _(
            "🔳 QR poster for “{title}”: which ward or commune will it hang in?",
            title=material.title,
        ),
        reply_markup=keyboards.inline(keyboards.columns(choices, 2)),
    )


async def on_poster_unit(update: Update, context: BotContext) -> None:
    query = require_query(update)
    _ = context.translate
    pressed = PosterUnit.parse(query.data)
    if pressed is None:
        await answer_stale_button(update, context)
        return
    service = catalogue(context)
    try:
        material = await service.for_staff(context.person, pressed.material_id)
    except (PermissionDenied, NotApplicable) as error:
        await _refused(query, context, error)
        return
    areas = context.services.areas
    unit = areas.unit(pressed.unit)
    if unit is None or unit.code not in {u.code for u in service.poster_units(context.person)}:
        await query.answer(_(OWN_UNITS_ONLY), show_alert=True)
        return
    await query.answer(_("Making the poster…"))
    username = context.bot.username
    try:
        code, pdf, unit = await service.make_poster(
            context.person, material.id, unit.code, username, context.now
        )
    except (PermissionDenied, NotApplicable):
        await require_message(update).reply_text(_(OWN_UNITS_ONLY))
        return
    await context.bot.send_document(
        require_message(update).chat.id,
        pdf,
        filename=f"ap-phich-{code}.pdf",
        caption=_(
            "🔳 A4 poster: “{title}” · {place}\nThe QR code opens {link}. People who "
            "start the bot with it are counted in /materialstats.",
            title=shorten(material.title, 200),
            place=areas.place(unit.code, _.language),
            link=deeplink.link(username, code),
        ),
    )


@staff_only
async def stats_command(update: Update, context: BotContext) -> None:
    _ = context.translate
    areas = context.services.areas
    figures = await catalogue(context).figures(context.person)
    lines = [_("📊 <b>Materials delivered</b> (times · files · people):")]
    for row in figures.deliveries[:STATS_ROWS]:
        lines.append(
            _(
                "• {title}: {deliveries} · {files} · {people}",
                title=shorten(row.title, 60),
                deliveries=_.number(row.deliveries),
                files=_.number(row.files),
                people=_.number(row.people),
            )
        )
    titles = {row.material_id: row.title for row in figures.deliveries}
    lines.append("")
    lines.append(_("🔳 <b>People who came through a poster or link</b>:"))
    sources = [(s, deeplink.decode(s.source)) for s in figures.sources]
    known = [(s, code) for s, code in sources if code is not None]
    if not known:
        lines.append(_("Nobody yet."))
    for source, code in known[:STATS_ROWS]:
        where = areas.place(code.ward, _.language) if code.ward else _("no ward")
        lines.append(
            _(
                "• {title} · {place} ({code}): {people}",
                title=shorten(titles.get(code.material_id, "—"), 50),
                place=where,
                code=source.source,
                people=_.number(source.people),
            )
        )
    counts = figures.print_statuses
    if counts:
        lines.append("")
        lines.append(
            _(
                "🖨 <b>Print requests</b>: {requested} waiting, {approved} approved, "
                "{printed} printed, {delivered} delivered, {rejected} not approved.",
                **{
                    s: _.number(counts.get(s, 0))
                    for s in ("requested", "approved", "printed", "delivered", "rejected")
                },
            )
        )
    await require_message(update).reply_text("\n".join(lines))
