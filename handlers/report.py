"""/report: a child at risk, reported step by step on the official intake form (Mẫu số 01).

safety → ward/commune → place → location → name → age → sex → count → situation →
description → photos → caregiver → actions → contact → review → send

The draft (encrypted) is saved in SQLite after every step and holds the current step, so a
person who leaves, or a restart, continues exactly where they were; /report offers to continue
or discard it. The emergency answer (hotlines) is one tap away at every step.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import (
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.ext.filters import MessageFilter

from bot import callbacks, keyboards, menu, outbox
from bot.context import BotContext
from bot.conversations import ExclusiveConversation
from bot.crypto import cipher_for
from bot.hotline import emergency_text
from bot.i18n import N_, Html, I18n, Translator
from bot.messaging import edit_buttons_quietly, edit_markup_quietly, edit_quietly
from bot.reports import casework
from bot.reports.draft import SECTIONS, SEXES, Draft
from bot.reports.intake import (
    InvalidAnswer,
    clean_child_name,
    clean_text,
    own_contact,
    parse_age,
    parse_children_count,
    parse_yes_no,
)
from bot.reports.rules import case_rules, situation, situations
from bot.text import fold, normalize, truncate
from handlers import cases as case_handlers
from handlers import places
from handlers import safety as safety_handlers
from handlers.common import anything_else, free_text, leave_handlers
from handlers.info import danger_words
from storage import audit, report_drafts

log = logging.getLogger(__name__)

NS = "rep"
DELETE_NS = "rpd"
ACTIVE, RESUME, CONFIRM_CANCEL = range(3)
PRIVATE = filters.ChatType.PRIVATE
SUMMARY_LIMIT = 4000

# Reply-keyboard labels of the two steps that need Telegram's location and contact buttons.
SEND_LOCATION = N_("📍 Send the location")
SHARE_PHONE = N_("📱 Share my phone number")
STAY_ANONYMOUS = N_("🙈 Stay anonymous")
SKIP = N_("Skip")
# Text steps whose Skip button says "Skip", and the draft field a skip leaves empty (at the
# caregiver and actions steps "bỏ qua" can be a real answer: their buttons say otherwise).
SKIPPABLE_TEXT = {"place": "place_detail", "name": "child_name"}
BACK = N_("‹ Back")
EMERGENCY = N_("🆘 Emergency")

SEX_LABELS = {"male": N_("Boy (nam)"), "female": N_("Girl (nữ)"), "unknown": N_("Not known")}
SECTION_LABELS = {
    "urgency": N_("🚨 Urgency"),
    "place": N_("📍 Place"),
    "child": N_("👧 The child"),
    "situation": N_("📋 Situation"),
    "story": N_("📝 What happened"),
    "contact": N_("☎️ Contact"),
}


class ReplyLabel(MessageFilter):
    """Text equal to one of our reply-keyboard labels, in any language."""

    def __init__(self, i18n: I18n, *labels: str) -> None:
        self._texts = {normalize(i18n(lang)(label)) for label in labels for lang in ("vi", "en")}
        super().__init__(name="ReplyLabel")

    def filter(self, message: Message) -> bool:
        return bool(message.text) and normalize(message.text) in self._texts


def _is_label(text: str, label: str, _: Translator) -> bool:
    # Accent-insensitive: "bo qua" typed on a phone is "Bỏ qua".
    return fold(text) in {fold(_(label)), fold(label)}


# -- drafts -----------------------------------------------------------------------------------
def _cache(context: BotContext) -> dict[int, str]:
    """Drafts written by this process, by person: SQLite stays the source of truth (it is
    written on every step), the cache only saves reading it back on the next update."""
    return context.services.report_drafts


async def _load(context: BotContext) -> Draft | None:
    user_id = context.user.telegram_id
    cached = _cache(context).get(user_id)
    if cached is None:
        stored = await report_drafts.load(context.db, cipher_for(context.services), user_id)
        if stored is None:
            return None
        cached = _cache(context)[user_id] = stored.data
    draft = Draft.from_json(cached)  # a fresh copy: unsaved changes never leak into the cache
    _upgrade_place(context, draft)
    return draft


def _upgrade_place(context: BotContext, draft: Draft) -> None:
    """A draft begun on the old map holds an old ward's code: take its unit today, or ask
    again when the old ward was split."""
    areas = context.services.areas
    old = areas.old_unit(draft.ward)
    if old is None:
        return
    draft.reported_place = old.id
    draft.ward = None if old.split else old.successors[0]
    if draft.ward is None and draft.step == "review":
        draft.step = "ward"


async def _save(context: BotContext, draft: Draft) -> None:
    data = draft.to_json()
    await report_drafts.save(
        context.db, cipher_for(context.services), context.user.telegram_id, data, context.now
    )
    _cache(context)[context.user.telegram_id] = data
    context.user_data["report_draft_saved"] = True


def _forget(context: BotContext) -> None:
    _cache(context).pop(context.user.telegram_id, None)
    context.user_data.pop("report_draft_saved", None)


async def _discard(context: BotContext) -> None:
    await report_drafts.delete(context.db, context.user.telegram_id)
    _forget(context)


# -- entry ------------------------------------------------------------------------------------
async def entry(update: Update, context: BotContext) -> int:
    _ = context.translate
    rules = case_rules()
    if await casework.reports_left(context.db, context.user.telegram_id, context.now, rules) <= 0:
        await update.message.reply_text(
            _(
                "You have sent {count} reports in the last hour, the most the bot accepts. "
                "Please try again later. If a child is in danger now, call 111 or 113.",
                count=rules.reports_per_hour,
            )
        )
        return ConversationHandler.END
    stored = await report_drafts.load(
        context.db, cipher_for(context.services), context.user.telegram_id
    )
    if stored is not None:
        await update.message.reply_text(
            _(
                "You have an unfinished report (last changed {when}). Continue it, or discard it "
                "and start again?",
                when=_.short_datetime(stored.updated_at),
            ),
            reply_markup=keyboards.inline(
                [
                    [(_("▶️ Continue"), callbacks.encode(NS, "resume", "go"))],
                    [(_("🗑 Discard and start again"), callbacks.encode(NS, "resume", "new"))],
                ]
            ),
        )
        return RESUME
    await _ask(update, context, Draft())
    return ACTIVE


async def on_resume(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    _ = context.translate
    data = callbacks.decode(query.data)
    draft = await _load(context)
    if data is None or data.action != "resume":
        return RESUME
    if data.arg(0) == "new" or draft is None:
        await _discard(context)
        draft = Draft()
        await edit_quietly(query, _("The old draft was discarded. Let us start again."))
    else:
        await edit_quietly(query, _("Let us continue where you stopped."))
    await _ask(update, context, draft)
    return ACTIVE


# -- asking each step -------------------------------------------------------------------------
def _nav_row(_: Translator, step: str, back: bool = True) -> list[tuple[str, str]]:
    row = [(_(BACK), callbacks.encode(NS, "back", step))] if back else []
    row.append((_(EMERGENCY), callbacks.encode(NS, "sos", step)))
    return row


def _pick(step: str, value: object) -> str:
    return callbacks.encode(NS, "pick", step, value)


def _situation_keyboard(_: Translator, draft: Draft):
    rows = []
    for item in situations():
        mark = "✅ " if item.code in draft.situations else "▫️ "
        rows.append(
            [(mark + item.label(_.language), callbacks.encode(NS, "tog", "situation", item.code))]
        )
    rows.append([(_("Done ✔️"), callbacks.encode(NS, "done", "situation"))])
    rows.append(_nav_row(_, "situation"))
    return keyboards.inline(rows)


async def _ask(update: Update, context: BotContext, draft: Draft, in_place: bool = True) -> None:
    """Ask the draft's current step. After a tap on the previous question, that message
    becomes the new question (fewer messages on small phones); otherwise a new one is sent and
    the tapped message loses its buttons."""
    _ = context.translate
    chat = update.effective_chat
    step = draft.step
    rules = case_rules()
    areas = context.services.areas
    language = _.language
    skip_row = [(_(SKIP), _pick(step, "skip"))]
    if step == "safety":
        text = (
            _(
                "📝 <b>Report a child who needs help</b>\nA few short questions (about 3 "
                "minutes). Your draft is saved after every step: you can stop and continue "
                "later with /report."
            )
            + "\n\n"
            + _(
                "⚠️ First: is the child in danger <b>right now</b>, for example being hurt, lost, or "
                "alone without anyone to help?"
            )
        )
        markup = keyboards.inline(
            [
                [(_("🚨 Yes, in danger now"), _pick(step, "yes"))],
                [(_("No, not right now"), _pick(step, "no"))],
                _nav_row(_, step, back=False),
            ]
        )
    elif step == "ward":
        rows = []
        own = areas.unit(context.user.ward)
        if own is not None and context.user.is_active and context.user.role != "public":
            rows.append([(_("📍 {place} — confirm", place=own.name(language)), _pick(step, "own"))])
        rows += places.unit_rows(areas, _, lambda code: _pick(step, code))
        rows.append(_nav_row(_, step))
        text = (
            _(
                "Where is the child? Choose the ward or commune below, type its name (old "
                "names too, like “phường 4 quận 8” or “Vĩnh Lộc A”), or send the location "
                "with 📎."
            )
            + "\n\n"
            + places.units_text(areas, _)
        )
        markup = keyboards.inline(rows)
    elif step == "place":
        text = _(
            "Which neighbourhood (khu phố / ấp), street or landmark? Type it, or tap Skip. "
            "A house number is not needed."
        )
        markup = keyboards.inline([skip_row, _nav_row(_, step)])
    elif step == "location":
        text = _("If you are near the place, you may send its location on the map (optional).")
        markup = keyboards.request_location(_(SEND_LOCATION), [_(SKIP), _(BACK)], [_(EMERGENCY)])
    elif step == "name":
        text = _(
            "The child's <b>first name or initials only</b> (for example “An” or “T.N.”), "
            "to protect the child's privacy. Optional: you may tap Skip."
        )
        markup = keyboards.inline([skip_row, _nav_row(_, step)])
    elif step == "age":
        text = _(
            "How old is the child? Type the age in years or an estimate, for example "
            "“10”, “10 tuổi” or “khoảng 10”."
        )
        markup = keyboards.inline([[(_("Not known"), _pick(step, "unknown"))], _nav_row(_, step)])
    elif step == "sex":
        text = _("The child is:")
        markup = keyboards.inline(
            [[(_(SEX_LABELS[sex]), _pick(step, sex)) for sex in SEXES], _nav_row(_, step)]
        )
    elif step == "count":
        text = _(
            "How many children are in this situation (for example siblings)? Tap a "
            "number or type it."
        )
        markup = keyboards.inline(
            [[(str(n), _pick(step, n)) for n in range(1, 6)], _nav_row(_, step)]
        )
    elif step == "situation":
        text = _("What is the child's situation? Tick everything that applies, then tap Done.")
        markup = _situation_keyboard(_, draft)
    elif step == "description":
        text = _(
            "What happened, and how is the child now? Write what you saw or heard, in up to "
            "{limit} characters. Do not put yourself at risk to find out more.",
            limit=rules.description_max_chars,
        )
        markup = keyboards.inline([_nav_row(_, step)])
    elif step == "photos":
        text = _(
            "You may send up to {count} photos (of an injury or of the place, for example). "
            "Only the programme's staff will see them. Tap Done when finished, or Skip.",
            count=rules.max_photos,
        )
        label = _("Done ✔️") if draft.photos else _(SKIP)
        markup = keyboards.inline([[(label, _pick(step, "done"))], _nav_row(_, step)])
    elif step == "caregiver":
        text = _(
            "Who takes care of the child now (parents, grandparents, relatives, "
            "neighbours, nobody…)?"
        )
        markup = keyboards.inline([[(_("Not known"), _pick(step, "skip"))], _nav_row(_, step)])
    elif step == "actions":
        text = _(
            "Has anything been done already (called 111, told the ward, took the child to "
            "a clinic…)? Type it, or tap “Nothing yet”."
        )
        markup = keyboards.inline([[(_("Nothing yet"), _pick(step, "skip"))], _nav_row(_, step)])
    elif step == "contact":
        text = _(
            "May the staff call you back about this report? If yes, tap “Share my "
            "phone number”. If not, tap “Stay anonymous”: staff will not see your name "
            "or number."
        )
        markup = keyboards.request_contact(
            _(SHARE_PHONE), [_(STAY_ANONYMOUS)], [_(BACK), _(EMERGENCY)]
        )
    else:  # review
        await _show_review(update, context, draft)
        return
    # Save, then ask: the answer and the new step are committed before the question goes
    # out, so a crash in between never files the next answer under the previous step.
    draft.shown = False
    await _save(context, draft)
    query = update.callback_query
    if query is not None and query.message is not None:
        if (
            in_place
            and query.message.message_id == draft.prompt_id
            and isinstance(markup, InlineKeyboardMarkup)
            and await edit_quietly(query, text, markup, fail_quietly=True)
        ):
            draft.shown = True
            await _save(context, draft)
            return
        await _close_buttons(query)
    message = await chat.send_message(text, reply_markup=markup)
    draft.prompt_id = message.message_id
    draft.shown = True
    await _save(context, draft)  # the question is out: answers now belong to this step


def review_text(draft: Draft, _: Translator, areas, description_limit: int | None = None) -> str:
    language = _.language
    yes, no = _("yes"), _("no")
    place = areas.place(draft.ward, language) if draft.ward else _("elsewhere / not sure")
    if draft.ward and not areas.in_programme(draft.ward):
        place = _("{unit} (outside the programme)", unit=place)
    if draft.reported_place and draft.reported_place != draft.ward:
        place = _(
            "{unit} (reported as {old})",
            unit=place,
            old=areas.place(draft.reported_place, language),
        )
    if draft.place_detail:
        place = f"{place} — {draft.place_detail}"
    age = (
        _("age not known")
        if draft.age is None
        else (
            _("about {age} years old", age=draft.age)
            if draft.age_estimated
            else _("{age} years old", age=draft.age)
        )
    )
    child = ", ".join(
        filter(
            None,
            [
                draft.child_name or _("no name given"),
                age,
                _(SEX_LABELS.get(draft.sex or "unknown")),
            ],
        )
    )
    if draft.children > 1:
        child += ", " + _("{count} children", count=draft.children)
    groups = (
        "; ".join(
            s.label(language) for code in draft.situations if (s := situation(code)) is not None
        )
        or "—"
    )
    description = draft.description or "—"
    if description_limit is not None:
        description = truncate(description, description_limit)
    if draft.contact_consent:
        contact = _(
            "{name}, {phone} (staff may call you)",
            name=draft.reporter_name or "—",
            phone=draft.reporter_phone or "—",
        )
    else:
        contact = _("anonymous")
    return _(
        "<b>Please check your report</b>\n"
        "🚨 Child in danger now: {urgent}\n"
        "📍 Place: {place}{location}\n"
        "👧 Child: {child}\n"
        "📋 Situation: {groups}\n"
        "📝 What happened: {description}\n"
        "📷 Photos: {photos}\n"
        "👪 Cared for by: {caregiver}\n"
        "✅ Already done: {actions}\n"
        "☎️ Contact: {contact}",
        urgent=yes if draft.urgent else no,
        place=place,
        location=Html(" 🗺") if draft.location else "",
        child=child,
        groups=groups,
        description=description,
        photos=len(draft.photos),
        caregiver=draft.caregiver or "—",
        actions=draft.actions or "—",
        contact=contact,
    )


def _review_keyboard(_: Translator):
    return keyboards.inline(
        [
            [(_("✅ Send"), callbacks.encode(NS, "send", "review"))],
            [(_("✏️ Edit a section"), callbacks.encode(NS, "edit", "review"))],
            [(_("✖️ Cancel the report"), callbacks.encode(NS, "cancel", "review"))],
            _nav_row(_, "review", back=False),
        ]
    )


async def _show_review(update: Update, context: BotContext, draft: Draft) -> None:
    _ = context.translate
    missing = draft.missing()
    if missing:  # a resumed or edited draft with a gap: ask the first missing step
        draft.step = missing[0]
        await _ask(update, context, draft)
        return
    if update.callback_query is not None:
        await _close_buttons(update.callback_query)
    text = review_text(draft, _, context.services.areas)
    if len(text) > SUMMARY_LIMIT:
        text = review_text(draft, _, context.services.areas, description_limit=800)
    draft.shown = False
    await _save(context, draft)  # save, then ask (see _ask)
    message = await update.effective_chat.send_message(text, reply_markup=_review_keyboard(_))
    draft.remember_message(message.message_id)
    draft.prompt_id = message.message_id
    draft.shown = True
    await _save(context, draft)


async def _close_prompt(update: Update, context: BotContext, draft: Draft) -> None:
    """A typed answer: take the buttons off the question it answered (a tap does it itself)."""
    if update.callback_query is None and draft.prompt_id is not None:
        await edit_markup_quietly(context.bot, update.effective_chat.id, draft.prompt_id)
        draft.prompt_id = None


async def _next(
    update: Update, context: BotContext, draft: Draft, done: str, in_place: bool = True
) -> int:
    await _close_prompt(update, context, draft)
    draft.step = draft.advance(done)
    await _ask(update, context, draft, in_place=in_place)
    return ACTIVE


async def _note_incoming(context: BotContext, draft: Draft, update: Update) -> None:
    """Every message the person sends in the report, accepted or refused (a name the bot did
    not take, text typed at a button step), is remembered for "Delete my messages"."""
    message = update.effective_message
    if message is not None and message.message_id not in draft.message_ids:
        draft.remember_message(message.message_id)
        await _save(context, draft)


async def _not_asked_yet(update: Update, context: BotContext, draft: Draft) -> bool:
    """The draft moved to a step whose question never went out (the bot stopped in
    between): ask it now rather than take this message as its answer."""
    if draft.shown:
        return False
    message = update.effective_message
    draft.remember_message(message.message_id)
    if message.text and danger_words(context).found_in(message.text) is not None:
        await _emergency(update, context, draft)  # the numbers first, then the question
    else:
        await _ask(update, context, draft, in_place=False)
    return True


# -- answers ----------------------------------------------------------------------------------
def _error_text(step: str, error: InvalidAnswer, _: Translator) -> str:
    reason = error.reason
    if step == "age":
        if reason == "implausible":
            return _(
                "{age} is not a possible age. Please type the child's age in years, for "
                "example “10” or “khoảng 10”.",
                age=error.details["age"],
            )
        if reason == "adult":
            return _(
                "{age} years old is an adult, not a child. This report is for children "
                "under 18. For an adult in danger, call 113.",
                age=error.details["age"],
            )
        return _(
            "Please type the age as a number, for example “10”, “10 tuổi” or “khoảng 10”, "
            "or tap “Not known”."
        )
    if step == "name":
        if reason == "too_long":
            return _(
                "Please type only the first name or initials, at most two words, to "
                "protect the child. Or tap Skip."
            )
        return _("Please type a first name or initials using letters, or tap Skip.")
    if step == "count":
        return _(
            "Please type a number of children from 1 to {maximum}.",
            maximum=error.details.get("maximum", case_rules().max_children),
        )
    if reason == "too_long":
        return _(
            "That is {length} characters; the limit is {limit}. Please shorten it and "
            "send it again.",
            length=error.details["length"],
            limit=error.details["limit"],
        )
    if reason == "too_short":
        return _(
            "Please write a little more: at least {minimum} characters.",
            minimum=error.details["minimum"],
        )
    return _("Please answer the question above.")


def _apply_text(draft: Draft, step: str, text: str) -> bool:
    """Store a typed answer for `step`; False when the step does not take typed text."""
    rules = case_rules()
    if step == "place":
        draft.place_detail = clean_text(text, rules.place_detail_max_chars)
    elif step == "name":
        draft.child_name = clean_child_name(text)
    elif step == "age":
        age = parse_age(text)
        draft.age, draft.age_estimated, draft.age_asked = age.years, age.estimated, True
    elif step == "count":
        draft.children = parse_children_count(text, rules.max_children)
    elif step == "description":
        draft.description = clean_text(text, rules.description_max_chars, min_chars=10)
    elif step == "caregiver":
        draft.caregiver = clean_text(text, rules.text_max_chars)
    elif step == "actions":
        draft.actions = clean_text(text, rules.text_max_chars)
    else:
        return False
    return True


async def on_text(update: Update, context: BotContext) -> int:
    _ = context.translate
    draft = await _load(context)
    if draft is None:
        return await _lost(update, context)
    await _note_incoming(context, draft, update)
    if await _not_asked_yet(update, context, draft):
        return ACTIVE
    step = draft.step
    text = update.message.text
    if step in ("location", "contact"):
        return await _on_reply_label(update, context, draft, text)
    if _is_label(text, EMERGENCY, _) or _is_label(text, BACK, _):
        # From a reply keyboard still on screen: the emergency path or a step back, never
        # an answer filed under this step.
        return await _on_reply_label(update, context, draft, text)
    if step in SKIPPABLE_TEXT and _is_label(text, SKIP, _):
        # "Bỏ qua" typed, or tapped on the location step's reply keyboard still on screen
        # (after a restart, say): a skip, never the child's name or the place.
        setattr(draft, SKIPPABLE_TEXT[step], None)
        await _restore_menu(update, context, _("Skipped."))
        return await _next(update, context, draft, step)
    try:
        accepted = _apply_text(draft, step, text)
    except InvalidAnswer as error:
        if danger_words(context).found_in(text) is not None:
            return await _emergency(update, context, draft)  # "bị đánh" typed as an age
        await update.message.reply_text(_error_text(step, error, _))
        return ACTIVE
    if not accepted:
        return await _unexpected_text(update, context, draft, text)
    draft.remember_message(update.message.message_id)
    if step == "age" and draft.age is not None and draft.age >= 16:
        await update.message.reply_text(
            _(
                "Noted: at {age} the young person is a minor but not a “child” under the Law on "
                "Children (under 16). Staff will still receive your report.",
                age=draft.age,
            )
        )
    return await _next(update, context, draft, step)


async def _unexpected_text(update: Update, context: BotContext, draft: Draft, text: str) -> int:
    """Text at a step that waits for a tap: a typed "yes"/"no" at the first question is taken,
    danger words at any such step get the emergency path, not only the hint."""
    danger = danger_words(context).found_in(text) is not None
    if draft.step == "safety":
        typed = parse_yes_no(text)
        if typed is False:
            return await _answer_safety(update, context, draft, False)
        if danger or typed is True:  # "có", "dạ có", "ừ", or the danger itself typed
            return await _answer_safety(update, context, draft, True)
    if danger:
        return await _emergency(update, context, draft)
    if draft.step == "ward":
        return await _typed_unit(update, context, draft, text)
    await _hint(update, context, draft)
    return ACTIVE


async def _typed_unit(update: Update, context: BotContext, draft: Draft, text: str) -> int:
    """A ward or commune typed, today's name or an old one ("p4 q8", "xa vinh loc a")."""
    _ = context.translate
    areas = context.services.areas
    match = areas.find(text)
    if match is None:
        await update.message.reply_text(
            _(
                "I could not find that ward or commune. Please choose it with the buttons above, "
                "type it another way (for example “phường 4 quận 8”), or send the location."
            )
        )
        return ACTIVE
    draft.reported_place = match.old.id if match.old is not None else None
    if match.unit is not None and areas.in_programme(match.unit):
        draft.ward = match.unit
        draft.remember_message(update.message.message_id)
        if match.old is not None:
            await update.message.reply_text(places.match_text(areas, match, _))
        return await _next(update, context, draft, "ward")
    await _offer_units(
        update,
        context,
        draft,
        match.units,
        places.match_text(areas, match, _) if match.unit is None else None,
    )
    return ACTIVE


async def _offer_units(
    update: Update, context: BotContext, draft: Draft, units: tuple[str, ...], heading: str | None
) -> None:
    """Candidates of a split old unit, or one unit outside the area, to confirm with a tap."""
    _ = context.translate
    areas = context.services.areas
    lines = [heading] if heading else []
    outside = [code for code in units if not areas.in_programme(code)]
    if len(units) == 1 and outside:
        lines.append(places.outside_text(areas, units[0], _))
        lines.append(
            _("You can still send the report: it will go to the programme's administrators.")
        )
        rows = [
            [
                (
                    _("Continue with {unit}", unit=areas.unit_name(units[0], _.language)),
                    _pick("ward", units[0]),
                )
            ]
        ]
    else:
        rows = places.candidate_rows(areas, _, units, lambda code: _pick("ward", code))
    rows.append([(_("Elsewhere / not sure"), _pick("ward", places.OTHER))])
    rows.append(_nav_row(_, "ward"))
    await _close_prompt(update, context, draft)
    draft.step, draft.shown = "ward", False
    await _save(context, draft)  # save, then ask (see _ask)
    message = await update.effective_chat.send_message(
        "\n\n".join(lines) or _("Which one do you mean?"), reply_markup=keyboards.inline(rows)
    )
    draft.prompt_id = message.message_id
    draft.shown = True
    await _save(context, draft)


async def _on_reply_label(update: Update, context: BotContext, draft: Draft, text: str) -> int:
    """Skip / Back / Emergency / Stay anonymous typed or tapped on a reply keyboard."""
    _ = context.translate
    step = draft.step
    if _is_label(text, EMERGENCY, _):
        return await _emergency(update, context, draft)
    if _is_label(text, BACK, _):
        await _restore_menu(update, context, _("‹ Back"))
        await _close_prompt(update, context, draft)
        draft.step = draft.back(step)
        await _ask(update, context, draft)
        return ACTIVE
    if step == "location" and _is_label(text, SKIP, _):
        draft.location = None
        await _restore_menu(update, context, _("Skipped."))
        return await _next(update, context, draft, step)
    if step == "contact" and _is_label(text, STAY_ANONYMOUS, _):
        draft.contact_consent, draft.reporter_name, draft.reporter_phone = False, None, None
        await _restore_menu(
            update, context, _("You stay anonymous: staff will not see your name or number.")
        )
        return await _next(update, context, draft, step)
    return await _unexpected_text(update, context, draft, text)


async def _restore_menu(update: Update, context: BotContext, text: str) -> Message:
    """A short acknowledgement that also brings the menu keyboard back."""
    _ = context.translate
    return await update.effective_chat.send_message(
        text, reply_markup=menu.keyboard(context.user.menu_role, _)
    )


async def on_location(update: Update, context: BotContext) -> int:
    _ = context.translate
    draft = await _load(context)
    if draft is None:
        return await _lost(update, context)
    await _note_incoming(context, draft, update)
    if await _not_asked_yet(update, context, draft):
        return ACTIVE
    if draft.step not in ("ward", "location", "place"):
        await _hint(update, context, draft)
        return ACTIVE
    where = update.message.location
    draft.location = (round(where.latitude, 6), round(where.longitude, 6))
    draft.remember_message(update.message.message_id)
    if draft.step == "ward" or not draft.ward:
        return await _located_unit(update, context, draft)
    await _restore_menu(update, context, _("✓ Location saved."))
    return await _next(update, context, draft, "location")


async def on_contact(update: Update, context: BotContext) -> int:
    _ = context.translate
    draft = await _load(context)
    if draft is None:
        return await _lost(update, context)
    await _note_incoming(context, draft, update)
    if await _not_asked_yet(update, context, draft):
        return ACTIVE
    if draft.step != "contact":
        await _hint(update, context, draft)
        return ACTIVE
    contact = update.message.contact
    if not own_contact(contact.user_id, update.effective_user.id):
        await update.message.reply_text(
            _("Please share your own number with the button below, or tap “Stay anonymous”.")
        )
        return ACTIVE
    name = normalize(" ".join(filter(None, [contact.first_name, contact.last_name])))
    draft.contact_consent = True
    # Staff know collaborators by the name they registered, not their Telegram name.
    registered = context.user.display_name if context.user.role != "public" else None
    draft.reporter_name = registered or name or context.user.display_name or None
    draft.reporter_phone = contact.phone_number
    draft.remember_message(update.message.message_id)
    thanks = await _restore_menu(
        update,
        context,
        _("✓ Thank you. Staff may call you on {phone}.", phone=contact.phone_number),
    )
    draft.remember_message(thanks.message_id)
    return await _next(update, context, draft, "contact")


async def on_photo(update: Update, context: BotContext) -> int:
    _ = context.translate
    draft = await _load(context)
    if draft is None:
        return await _lost(update, context)
    await _note_incoming(context, draft, update)
    if await _not_asked_yet(update, context, draft):
        return ACTIVE
    rules = case_rules()
    if draft.step not in ("photos", "description"):
        await _hint(update, context, draft)
        return ACTIVE
    if draft.step == "description":
        await update.message.reply_text(
            _("Please first describe what happened in words; you can send photos at the next step.")
        )
        return ACTIVE
    if len(draft.photos) >= rules.max_photos:
        await update.message.reply_text(
            _(
                "That is already {count} photos, the most a report keeps. Tap Done.",
                count=rules.max_photos,
            )
        )
        return ACTIVE
    # Only Telegram's file id is kept: the photo itself never leaves Telegram.
    draft.photos.append(update.message.photo[-1].file_id)
    draft.remember_message(update.message.message_id)
    await _save(context, draft)
    await update.message.reply_text(
        _(
            "📷 Photo {number} of at most {count} saved. Send another, or tap Done.",
            number=len(draft.photos),
            count=rules.max_photos,
        ),
        reply_markup=keyboards.inline(
            [[(_("Done ✔️"), _pick("photos", "done"))], _nav_row(_, "photos")]
        ),
    )
    return ACTIVE


async def _located_unit(update: Update, context: BotContext, draft: Draft) -> int:
    """The unit of a shared location, from the boundaries."""
    _ = context.translate
    areas = context.services.areas
    unit = await places.unit_of_location(*draft.location)  # type: ignore[misc]
    if unit is None:
        draft.location = None
        await update.message.reply_text(
            _(
                "That location is outside Ho Chi Minh City. If a child is in danger, call 111 (free, "
                "24/7) or 113 now. Otherwise choose “Elsewhere / not sure” with the buttons above."
            )
        )
        await _save(context, draft)
        return ACTIVE
    if areas.in_programme(unit):
        draft.ward, draft.reported_place = unit, None
        await _restore_menu(
            update, context, _("✓ Location saved: {unit}.", unit=areas.unit_name(unit, _.language))
        )
        return await _next(
            update, context, draft, "location" if draft.step == "location" else "ward"
        )
    await _offer_units(update, context, draft, (unit,), None)  # back at the ward step
    return ACTIVE


# -- buttons ----------------------------------------------------------------------------------
async def on_button(update: Update, context: BotContext) -> int:
    query = update.callback_query
    _ = context.translate
    data = callbacks.decode(query.data)
    draft = await _load(context)
    sos = data is not None and data.action == "sos"
    if draft is None:
        if data is not None and data.action == "send" and query.message is not None:
            earlier = await casework.already_submitted(
                context.db, context.user.telegram_id, query.message.message_id
            )
            if earlier is not None:
                return await _already_sent(update, context, earlier)
        await query.answer()
        if sos:  # an old 🆘 always works, even after the report was sent
            await update.effective_chat.send_message(emergency_text(_, now=True, tip=False))
        return await _lost(update, context)
    if sos:  # 🆘 from any step, also under an earlier question
        await query.answer()
        return await _emergency(update, context, draft)
    step = data.arg(0) if data else None
    if not draft.shown:
        if data is not None and step == draft.step:
            draft.shown = True  # a tap on its buttons: the question did reach the person
        else:
            await _answer_once(query)
            await _ask(update, context, draft, in_place=False)
            return ACTIVE
    if data is None or step != draft.step:
        await query.answer(
            _("This button belongs to an earlier question. Please answer the latest one."),
            show_alert=True,
        )
        return ACTIVE
    action, value = data.action, data.arg(1)
    if action == "back":
        await query.answer()
        draft.step = draft.back(step)
        await _ask(update, context, draft)
        return ACTIVE
    if action == "tog" and step == "situation":
        await query.answer()
        if situation(value or "") is None:
            return ACTIVE
        if value in draft.situations:
            draft.situations.remove(value)
        else:
            draft.situations.append(value)
        await _save(context, draft)
        await edit_buttons_quietly(query, _situation_keyboard(_, draft))
        return ACTIVE
    if action == "done" and step == "situation":
        if not draft.situations:
            await query.answer(
                _("Please tick at least one situation, or “Other”."), show_alert=True
            )
            return ACTIVE
        await query.answer()
        return await _next(update, context, draft, step)
    if step == "review" and action in ("send", "edit", "cancel", "section"):
        return await _review_action(update, context, draft, action, value)
    if action == "pick":
        return await _pick_answer(update, context, draft, step, value)
    await query.answer(_("This button is no longer active. Please use /menu."), show_alert=True)
    return ACTIVE


async def _close_buttons(query) -> None:
    """Remove the buttons of an answered question, so old taps cannot confuse the draft."""
    with contextlib.suppress(TelegramError):  # already removed, or too old to edit
        await edit_buttons_quietly(query, None)


async def _pick_answer(
    update: Update, context: BotContext, draft: Draft, step: str, value: str | None
) -> int:
    query = update.callback_query
    _ = context.translate
    areas = context.services.areas
    if step == "safety" and value in ("yes", "no"):
        await query.answer()
        return await _answer_safety(update, context, draft, value == "yes")
    if step == "ward":
        own = areas.unit(context.user.ward)
        unit = own.code if value == "own" and own is not None else value
        if unit == places.OTHER or areas.unit(unit) is not None:
            await query.answer()
            draft.ward = "" if unit == places.OTHER else unit
            if (
                value == "own"
                or draft.reported_place
                and unit not in areas.successors(draft.reported_place)
            ):
                draft.reported_place = None
            return await _next(update, context, draft, step)
    if step in ("place", "name") and value == "skip":
        await query.answer()
        if step == "place":
            draft.place_detail = None
        else:
            draft.child_name = None
        return await _next(update, context, draft, step)
    if step == "age" and value == "unknown":
        await query.answer()
        draft.age, draft.age_estimated, draft.age_asked = None, True, True
        return await _next(update, context, draft, step)
    if step == "sex" and value in SEXES:
        await query.answer()
        draft.sex = value
        return await _next(update, context, draft, step)
    if step == "count" and value and value.isdigit() and 1 <= int(value) <= 5:
        await query.answer()
        draft.children = int(value)
        return await _next(update, context, draft, step)
    if step == "photos" and value == "done":
        await query.answer()
        return await _next(update, context, draft, step)
    if step in ("caregiver", "actions") and value == "skip":
        await query.answer()
        setattr(draft, step, None)
        return await _next(update, context, draft, step)
    await query.answer(_("This button is no longer active. Please use /menu."), show_alert=True)
    return ACTIVE


async def _answer_safety(update: Update, context: BotContext, draft: Draft, urgent: bool) -> int:
    """The first question, tapped or typed: in danger now → the hotlines at once."""
    _ = context.translate
    draft.urgent = urgent
    if not urgent:
        return await _next(update, context, draft, "safety")
    chat = update.effective_chat
    await chat.send_message(emergency_text(_, now=True, tip=False))
    await _alert_staff_now(context, draft)
    await chat.send_message(
        _(
            "🚨 Staff have been alerted now. Your report is marked <b>urgent</b>: the "
            "ward/commune staff must act within 12 hours. If you can, call now; then let us "
            "continue."
        )
    )
    return await _next(update, context, draft, "safety", in_place=False)


async def _review_action(
    update: Update, context: BotContext, draft: Draft, action: str, value: str | None
) -> int:
    query = update.callback_query
    _ = context.translate
    if action == "edit":
        await query.answer()
        rows = [
            [(_(SECTION_LABELS[s]), callbacks.encode(NS, "section", "review", s))] for s in SECTIONS
        ]
        rows.append(
            [(_("‹ Back to the summary"), callbacks.encode(NS, "section", "review", "none"))]
        )
        await edit_buttons_quietly(query, keyboards.inline(rows))
        return ACTIVE
    if action == "section":
        await query.answer()
        if value not in SECTIONS:
            await edit_buttons_quietly(query, _review_keyboard(_))
            return ACTIVE
        await _close_buttons(query)
        draft.step = draft.start_edit(value)
        await _ask(update, context, draft, in_place=False)
        return ACTIVE
    if action == "cancel":
        await query.answer()
        await query.message.reply_text(
            _("Discard this report? Nothing will be sent."),
            reply_markup=keyboards.inline(
                [
                    [(_("🗑 Yes, discard it"), callbacks.encode(NS, "discard", "yes"))],
                    [(_("‹ No, keep it"), callbacks.encode(NS, "discard", "no"))],
                ]
            ),
        )
        return CONFIRM_CANCEL
    return await _send(update, context, draft)


async def on_confirm_cancel(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    _ = context.translate
    data = callbacks.decode(query.data)
    await _close_buttons(query)
    if data is not None and data.action == "discard" and data.arg(0) == "yes":
        await _discard(context)
        await query.message.reply_text(
            _("The report was discarded. Nothing was sent."),
            reply_markup=menu.keyboard(context.user.menu_role, _),
        )
        return ConversationHandler.END
    draft = await _load(context)
    if draft is None:
        return await _lost(update, context)
    await _ask(update, context, draft)
    return ACTIVE


async def _send(update: Update, context: BotContext, draft: Draft) -> int:
    query = update.callback_query
    _ = context.translate
    rules = case_rules()
    cipher = cipher_for(context.services)
    thanks: list[int | None] = []

    async def on_created(case_id: int, code: str) -> None:
        # In the case's transaction: staff's alerts and the reporter's confirmation are
        # committed with the case, and sent by the delivery engine even after a crash.
        await case_handlers.queue_new_case_alert(
            context.db, cipher, context.services, case_id, context.now
        )
        thanks.append(
            await outbox.enqueue(
                context.db,
                cipher,
                context.user.telegram_id,
                _thanks_text(_, code, bool(draft.urgent)),
                now=context.now,
                markup=_thanks_keyboard(_, case_id),
                dedupe_key=f"case:{case_id}:thanks",
                held_for_reply=True,
            )
        )

    try:
        submitted = await casework.submit(
            context.db,
            cipher,
            context.services.areas,
            context.user,
            draft,
            context.now,
            rules,
            context.services.settings.timezone,
            source_message_id=query.message.message_id if query.message else None,
            on_created=on_created,
        )
    except casework.RateLimited:
        await query.answer(
            _(
                "You have sent {count} reports in the last hour. Please try again "
                "later; your draft is kept.",
                count=rules.reports_per_hour,
            ),
            show_alert=True,
        )
        return ACTIVE
    except casework.NotApplicable:
        await query.answer()
        await _show_review(update, context, draft)
        return ACTIVE
    _forget(context)  # submit() removed the stored draft in the case's transaction
    if not submitted.first:
        return await _already_sent(update, context, submitted)
    await query.answer()
    await _close_buttons(query)
    # The confirmation with the case code: now, as the answer to the press; if the process
    # dies first, the outbox sends it after the restart.
    await outbox.send_now(context.application, thanks[0] if thanks else None)
    log.info("case %s created", submitted.code)
    return ConversationHandler.END


def _thanks_text(_: Translator, code: str, urgent: bool) -> str:
    next_steps = (
        _("Because the child is in danger, staff must act within 12 hours.")
        if urgent
        else _("Staff will assess it and make a support plan within 5 working days.")
    )
    return (
        _(
            "🙏 Thank you! Your report was sent to the child-protection staff of the ward or commune.\n"
            "Case code: <b>{code}</b>\n{next_steps}\nYou will be told here at each step; "
            "/myreports shows its status and lets you add what you learn later.",
            code=code,
            next_steps=next_steps,
        )
        + "\n\n"
        + _(
            "If others use this phone, you can remove the messages with details from this chat "
            "(possible for 48 hours)."
        )
    )


def _thanks_keyboard(_: Translator, case_id: int):
    return keyboards.inline(
        [[(_("🧹 Delete my messages"), callbacks.encode(DELETE_NS, "del", case_id))]]
    )


async def _already_sent(update: Update, context: BotContext, submitted) -> int:
    """Send pressed again on a summary that is already a case (a double press, or a press
    after a restart): the case code, never a second case or "no longer open"."""
    query = update.callback_query
    _ = context.translate
    await _answer_once(
        query,
        _("This report was already sent: case code {code}.", code=submitted.code),
        show_alert=True,
    )
    await _close_buttons(query)
    return ConversationHandler.END


async def _answer_once(query, text: str | None = None, show_alert: bool = False) -> None:
    with contextlib.suppress(TelegramError):  # already answered in this round
        await query.answer(text, show_alert=show_alert)


async def on_stale_send(update: Update, context: BotContext) -> None:
    """Send on an old summary outside the conversation (it ended, or the bot restarted after
    the case was created): say which case it became."""
    query = update.callback_query
    _ = context.translate
    earlier = None
    if query.message is not None:
        earlier = await casework.already_submitted(
            context.db, context.user.telegram_id, query.message.message_id
        )
    if earlier is None:
        await _answer_once(
            query,
            _("This report is no longer open. Send /report to start a new one."),
            show_alert=True,
        )
        await _close_buttons(query)
        return
    await _already_sent(update, context, earlier)


# -- emergency, hints, lost drafts ------------------------------------------------------------
async def _emergency(update: Update, context: BotContext, draft: Draft) -> int:
    _ = context.translate
    chat = update.effective_chat
    await chat.send_message(emergency_text(_, now=True, tip=False))
    draft.urgent = True
    if not draft.emergency_alerted:
        await _alert_staff_now(context, draft)
        await chat.send_message(
            _(
                "🚨 Staff have been alerted now. Your report is marked "
                "<b>urgent</b>. When it is safe, continue below."
            )
        )
    await _ask(update, context, draft, in_place=False)
    return ACTIVE


async def _alert_staff_now(context: BotContext, draft: Draft) -> None:
    """A child in danger now: the area's staff hear at once, with what is known so far (the
    place if given; the reporter's number only if they agreed). Once per report."""
    if draft.emergency_alerted:
        return
    contact = draft.reporter_phone if draft.contact_consent else None
    draft.emergency_alerted = True
    # The alerts and the mark "alerted" are committed together (bot/outbox.py): a crash
    # never loses the alert, and never sends it twice for one report.
    async with context.db.transaction():
        await safety_handlers.queue_emergency_alert(
            context.db,
            cipher_for(context.services),
            context.services,
            draft.ward,
            contact,
            context.now,
            route_to=context.user.ward,
        )
        await _save(context, draft)


async def _hint(update: Update, context: BotContext, draft: Draft) -> None:
    """What the current step expects, when something else arrived (a sticker, a photo…)."""
    _ = context.translate
    hints = {
        "safety": _("Please tap “Yes, in danger now” or “No, not right now” above."),
        "ward": _(
            "Please choose the ward or commune with the buttons above, type its name, "
            "or send the location."
        ),
        "place": _("Please type the neighbourhood or a landmark as text, or tap Skip."),
        "location": _("Please tap “Send the location” or “Skip” on the keyboard below."),
        "name": _("Please type a first name or initials as text, or tap Skip."),
        "age": _("Please type the child's age as a number, for example “10” or “khoảng 10”."),
        "sex": _("Please choose with the buttons above: boy, girl or not known."),
        "count": _("Please type the number of children, for example “2”."),
        "situation": _("Please tick the situations with the buttons above, then tap Done."),
        "description": _(
            "Please describe what happened as text (up to {limit} characters).",
            limit=case_rules().description_max_chars,
        ),
        "photos": _("Please send a photo, or tap Done."),
        "caregiver": _("Please type who takes care of the child, or tap “Not known”."),
        "actions": _("Please type what has been done, or tap “Nothing yet”."),
        "contact": _(
            "Please tap “Share my phone number” or “Stay anonymous” on the keyboard below."
        ),
        "review": _("Please check the summary and tap Send, Edit a section or Cancel."),
    }
    await update.effective_message.reply_text(hints[draft.step])


async def hint(update: Update, context: BotContext) -> int:
    draft = await _load(context)
    if draft is None:
        return await _lost(update, context)
    await _note_incoming(context, draft, update)
    await _hint(update, context, draft)
    return ACTIVE


async def _lost(update: Update, context: BotContext) -> int:
    _ = context.translate
    _forget(context)
    await update.effective_chat.send_message(
        _("This report is no longer open. Send /report to start a new one."),
        reply_markup=menu.keyboard(context.user.menu_role, _),
    )
    return ConversationHandler.END


# -- after sending: "Delete my messages" ------------------------------------------------------
async def on_delete_messages(update: Update, context: BotContext) -> None:
    query = update.callback_query
    _ = context.translate
    data = callbacks.decode(query.data)
    case_id = data.int_arg(0) if data else None
    if case_id is None:
        await query.answer(_("This button is not valid."), show_alert=True)
        return
    try:
        message_ids = await casework.forget_reporter_messages(
            context.db, context.user, case_id, context.now, case_rules()
        )
    except casework.PermissionDenied:
        await audit.refused(
            context.db,
            context.user.telegram_id,
            "delete_reporter_messages",
            "case",
            case_id,
            context.now,
        )
        await query.answer(_("This button is not valid."), show_alert=True)
        return
    except casework.NotApplicable:
        await query.answer(
            _("Telegram allows deleting messages only within 48 hours."), show_alert=True
        )
        return
    await query.answer()
    chat_id = query.message.chat.id
    for start in range(0, len(message_ids), 100):  # deleteMessages takes at most 100 ids
        try:
            await context.bot.delete_messages(chat_id, list(message_ids[start : start + 100]))
        except TelegramError as error:
            log.info("could not delete report messages: %s", type(error).__name__)
    await edit_quietly(
        query,
        _(
            "🧹 Done: the messages with details were removed from this "
            "chat. Your report is safe with the staff."
        ),
    )


def build_conversation(application: Application) -> ConversationHandler:
    i18n = application.services.i18n
    other = anything_else(i18n)
    step_handlers = [
        CallbackQueryHandler(on_button, pattern=callbacks.pattern(NS)),
        MessageHandler(filters.PHOTO, on_photo),
        MessageHandler(filters.LOCATION, on_location),
        MessageHandler(filters.CONTACT, on_contact),
        MessageHandler(free_text(i18n), on_text),
        MessageHandler(other, hint),
    ]
    return ExclusiveConversation(
        name="report",
        persistent=True,
        entry_points=[
            CommandHandler("report", entry, filters=PRIVATE),
            MessageHandler(PRIVATE & menu.Intent(i18n, "report"), entry),
        ],
        states={
            ACTIVE: step_handlers,
            RESUME: [
                CallbackQueryHandler(on_resume, pattern=rf"^{NS}:resume:"),
                MessageHandler(other, _resume_hint),
            ],
            CONFIRM_CANCEL: [
                CallbackQueryHandler(on_confirm_cancel, pattern=rf"^{NS}:discard:"),
                *step_handlers,
            ],
        },
        fallbacks=leave_handlers(i18n),
    )


async def _resume_hint(update: Update, context: BotContext) -> int:
    _ = context.translate
    await update.effective_message.reply_text(
        _("Please choose “Continue” or “Discard and start again” above.")
    )
    return RESUME


def register(application: Application) -> None:
    application.add_handler(build_conversation(application))
    application.add_handler(
        CallbackQueryHandler(on_delete_messages, pattern=callbacks.pattern(DELETE_NS))
    )
    application.add_handler(CallbackQueryHandler(on_stale_send, pattern=rf"^{NS}:send:"))
