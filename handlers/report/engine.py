"""The one engine of the report: asks the draft's step (steps.py), reads what arrives (typed
text, a tap, a reply-keyboard label) through that step's entry, and moves on.

The draft (encrypted) is saved in SQLite after every step and holds the current step, so a
person who leaves, or a restart, continues exactly where they were. Save, then ask: the answer
and the new step are committed before the next question goes out, so a crash in between never
files the next answer under the previous step.
"""

from __future__ import annotations

from telegram import CallbackQuery, Chat, InlineKeyboardMarkup, Message, ReplyKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from bot import keyboards, menu
from bot.context import BotContext
from bot.guards import require_message, require_query
from bot.i18n import Html, Translator
from bot.menu import label_key
from bot.messaging import (
    answer_once,
    answer_stale_button,
    edit_buttons_quietly,
    edit_markup_quietly,
    edit_quietly,
)
from bot.reports.buttons import Back, Done, Pick, Sos, Toggle, parse_step_button
from bot.reports.draft import Draft
from bot.reports.intake import InvalidAnswer
from bot.reports.service import ReportIntake
from bot.text import truncate
from handlers.info import danger_words
from handlers.report import emergency, review
from handlers.report.step import Asking, Markup, Step, generic_error
from handlers.report.steps import step_of
from handlers.report.ui import (
    ACTIVE,
    BACK,
    EMERGENCY,
    KEEP,
    KEEP_ANSWER,
    KEPT,
    close_buttons,
    is_label,
)


class Flow:
    """One update of the report: the person, their chat and the intake service."""

    def __init__(self, update: Update, context: BotContext) -> None:
        self.update = update
        self.context = context
        self.translate: Translator = context.translate
        self.person = context.person
        self.intake = ReportIntake(context.services)

    @property
    def chat(self) -> Chat:
        chat = self.update.effective_chat
        if chat is None:
            raise TypeError("a report update without a chat")
        return chat

    @property
    def message(self) -> Message:
        return require_message(self.update)

    @property
    def query(self) -> CallbackQuery | None:
        return self.update.callback_query

    def asking(self, draft: Draft) -> Asking:
        return Asking(
            self.translate,
            draft,
            self.intake.rules,
            self.context.services.areas,
            self.person,
        )

    def danger(self, text: str | None) -> bool:
        return bool(text) and danger_words(self.context).found_in(text or "") is not None

    # -- the draft ------------------------------------------------------------------------------
    async def load(self) -> Draft | None:
        return await self.intake.load(self.person)

    async def save(self, draft: Draft) -> None:
        await self.intake.save(self.person, draft, self.context.now)
        self.context.person_data["report_draft_saved"] = True

    def forget(self) -> None:
        self.intake.forget(self.person)
        self.context.person_data.pop("report_draft_saved", None)

    async def discard(self) -> None:
        await self.intake.discard(self.person)
        self.forget()

    # -- asking ---------------------------------------------------------------------------------
    async def ask(self, draft: Draft, in_place: bool = True) -> None:
        """Ask the draft's current step. After a tap on the previous question, that message
        becomes the new question (fewer messages on small phones); otherwise a new one is sent
        and the tapped message loses its buttons. A step answered before (back to it, on
        again after a back, a section edit) shows the answer given, with a button to keep it."""
        step = step_of(draft)
        revisit = draft.visit(step.name)
        if step.ask is not None:
            await step.ask(self, draft)
            return
        asking = self.asking(draft)
        text = step.prompt(self.translate, asking)
        markup = step.keyboard(asking)
        if step.given is not None and revisit:
            text, markup = self.with_given(step, asking, text, markup)
        draft.shown = False
        await self.save(draft)
        query = self.query
        if query is not None and query.message is not None:
            if (
                in_place
                and query.message.message_id == draft.prompt_id
                and isinstance(markup, InlineKeyboardMarkup)
                and await edit_quietly(query, text, markup, fail_quietly=True)
            ):
                draft.shown = True
                await self.save(draft)
                return
            await close_buttons(query)
        message = await self.chat.send_message(text, reply_markup=markup)
        draft.prompt_id = message.message_id
        draft.shown = True
        await self.save(draft)  # the question is out: answers now belong to this step

    def with_given(
        self, step: Step, asking: Asking, text: str, markup: Markup
    ) -> tuple[str, Markup]:
        """The question again with the answer already given (escaped) below it, and, on an
        inline keyboard, "Keep this answer" first (a reply keyboard has its own: steps.py)."""
        _ = self.translate
        assert step.given is not None
        answer = step.given(_, asking)
        if answer is None:
            return text + "\n\n" + _("You skipped this question."), markup
        if isinstance(answer, Html):  # a whole sentence ("You shared your phone number …")
            text += "\n\n" + answer
        else:
            text += "\n\n" + _("You answered: {answer}", answer=truncate(answer, 300))
        if isinstance(markup, InlineKeyboardMarkup) and step.keep_button:
            keep = [(_(KEEP_ANSWER), Pick(step=step.name, value=KEEP))]
            markup = keyboards.rows_first([keep], markup)
        return text, markup

    async def close_prompt(self, draft: Draft) -> None:
        """A typed answer: take the buttons off the question it answered (a tap does it)."""
        if self.query is None and draft.prompt_id is not None:
            await edit_markup_quietly(self.context.bot, self.chat.id, draft.prompt_id)
            draft.prompt_id = None

    async def next(self, draft: Draft, done: str, in_place: bool = True) -> int:
        await self.close_prompt(draft)
        draft.step = draft.advance(done)
        await self.ask(draft, in_place=in_place)
        return ACTIVE

    async def answered(self, draft: Draft, step: Step) -> int:
        if step.answered is not None:
            return await step.answered(self, draft)
        return await self.next(draft, step.name)

    async def hint(self, draft: Draft) -> None:
        """What the current step expects, when something else arrived (a sticker, a photo…)."""
        await self.message.reply_text(step_of(draft).hint(self.translate, self.intake.rules))

    async def restore_menu(self, text: str) -> Message:
        """A short acknowledgement that also brings the menu keyboard back."""
        return await self.chat.send_message(
            text, reply_markup=menu.keyboard(self.person.menu_role, self.translate)
        )

    async def lost(self) -> int:
        _ = self.translate
        self.forget()
        await self.chat.send_message(
            _("This report is no longer open. Send /report to start a new one."),
            reply_markup=menu.keyboard(self.person.menu_role, _),
        )
        return ConversationHandler.END

    # -- what arrives ---------------------------------------------------------------------------
    async def arrived(self) -> Draft | int:
        """The draft for a message that arrived, the message remembered for "Delete my
        messages"; or the state to return when it was handled already (no draft, or the
        step's question had not gone out yet and is asked now)."""
        draft = await self.load()
        if draft is None:
            return await self.lost()
        await self.note_incoming(draft)
        if await self.not_asked_yet(draft):
            return ACTIVE
        return draft

    async def note_incoming(self, draft: Draft) -> None:
        """Every message the person sends in the report, accepted or refused (a name the bot
        did not take, text typed at a button step), is remembered for "Delete my messages"."""
        message = self.update.effective_message
        if message is not None and message.message_id not in draft.message_ids:
            draft.remember_message(message.message_id)
            await self.save(draft)

    async def not_asked_yet(self, draft: Draft) -> bool:
        """The draft moved to a step whose question never went out (the bot stopped in
        between): ask it now rather than take this message as its answer."""
        if draft.shown:
            return False
        message = self.message
        draft.remember_message(message.message_id)
        if self.danger(message.text):
            await emergency.emergency(self, draft)  # the numbers first, then the question
        else:
            await self.ask(draft, in_place=False)
        return True


# -- typed text ---------------------------------------------------------------------------------
async def on_text(update: Update, context: BotContext) -> int:
    flow = Flow(update, context)
    _ = flow.translate
    draft = await flow.arrived()
    if isinstance(draft, int):
        return draft
    step = step_of(draft)
    message = flow.message
    text = message.text or ""
    # From a reply keyboard still on screen (after a restart, say): the emergency path or a
    # step back, never an answer filed under this step.
    if is_label(text, EMERGENCY, _):
        return await emergency.emergency(flow, draft)
    if is_label(text, BACK, _):
        await flow.restore_menu(_(BACK))
        await flow.close_prompt(draft)
        draft.step = draft.back(step.name)
        await flow.ask(draft)
        return ACTIVE
    for label in step.labels:  # "Bỏ qua" typed or tapped: a skip, never the child's name
        if is_label(text, label.label, _) and label.when(draft):
            label.apply(draft)
            await flow.restore_menu(label.ack(_))
            return await flow.next(draft, step.name)
    if step.read_text is None:
        return await unexpected_text(flow, draft, step, text)
    if step.danger_first and flow.danger(text):
        return await emergency.emergency(flow, draft)
    try:
        step.read_text(draft, text, flow.intake.rules)
    except InvalidAnswer as error:
        if flow.danger(text):
            return await emergency.emergency(flow, draft)  # "bị đánh" typed as an age
        explain = step.error or generic_error
        await message.reply_text(explain(error, _, flow.intake.rules))
        return ACTIVE
    draft.remember_message(message.message_id)
    note = step.note(draft, _) if step.note is not None else None
    if isinstance(step.keyboard(flow.asking(draft)), ReplyKeyboardMarkup):
        # A step asked with a reply keyboard (the location's) answered by typing: its
        # keyboard goes, the menu comes back, as after its Skip or a shared location.
        await flow.restore_menu(note or _("✓ Saved."))
    elif note:
        await message.reply_text(note)
    return await flow.answered(draft, step)


async def unexpected_text(flow: Flow, draft: Draft, step: Step, text: str) -> int:
    """Text at a step that waits for a tap: the step may read it (a typed "có" at the first
    question, a ward's name); danger words get the emergency path, anything else the hint."""
    danger = flow.danger(text)
    if step.read_typed is not None:
        state = await step.read_typed(flow, draft, text, danger)
        if state is not None:
            return state
    value = _typed_choice(flow, draft, step, text)
    # (_typed_choice gives a value only when the step reads picks.)
    if value is not None and step.read_pick and step.read_pick(flow.asking(draft), draft, value):
        draft.remember_message(flow.message.message_id)
        return await flow.answered(draft, step)
    if danger:
        return await emergency.emergency(flow, draft)
    await flow.hint(draft)
    return ACTIVE


def _typed_choice(flow: Flow, draft: Draft, step: Step, text: str) -> str | None:
    """The value of the step's button whose label was typed ("nam", "khong ro"): a typed
    label is as good as a tap, accent-insensitive, without its emoji."""
    if step.read_pick is None:
        return None
    if step.typed_pick is not None and (value := step.typed_pick(text)) is not None:
        return value
    markup = step.keyboard(flow.asking(draft))
    if not isinstance(markup, InlineKeyboardMarkup):
        return None
    typed = label_key(text)
    for row in markup.inline_keyboard:
        for button in row:
            pressed = parse_step_button(
                button.callback_data if isinstance(button.callback_data, str) else None
            )
            if (
                isinstance(pressed, Pick)
                and pressed.step == step.name
                and label_key(button.text) == typed
            ):
                return pressed.value
    return None


def keeps(step: Step, asking: Asking) -> bool:
    """Pick(step, KEEP) may leave the step's answer as it is: one was given (or the step says
    so itself, the urgency)."""
    if step.keeps is not None:
        return step.keeps(asking)
    return step.given is not None and step.given(asking.translate, asking) is not None


async def on_other(update: Update, context: BotContext) -> int:
    """Anything else (a sticker, a voice message…): what the step expects."""
    flow = Flow(update, context)
    draft = await flow.load()
    if draft is None:
        return await flow.lost()
    await flow.note_incoming(draft)
    await flow.hint(draft)
    return ACTIVE


# -- buttons ------------------------------------------------------------------------------------
async def on_button(update: Update, context: BotContext) -> int:
    flow = Flow(update, context)
    query = require_query(update)
    _ = flow.translate
    pressed = parse_step_button(query.data)
    draft = await flow.load()
    sos = isinstance(pressed, Sos)
    if draft is None:
        return await review.without_draft(flow, pressed)
    if sos:  # 🆘 from any step, also under an earlier question
        await query.answer()
        return await emergency.emergency(flow, draft)
    step_name = pressed.step if pressed is not None else None
    if not draft.shown:
        if pressed is not None and step_name == draft.step:
            draft.shown = True  # a tap on its buttons: the question did reach the person
        else:
            await answer_once(query)
            await flow.ask(draft, in_place=False)
            return ACTIVE
    if pressed is None:
        await answer_stale_button(flow.update, flow.context)
        return ACTIVE
    if step_name != draft.step:  # a real button of an earlier step of this report
        await query.answer(
            _("This button belongs to an earlier question. Please answer the latest one."),
            show_alert=True,
        )
        return ACTIVE
    step = step_of(draft)
    if isinstance(pressed, Back):
        await query.answer()
        draft.step = draft.back(step.name)
        await flow.ask(draft)
        return ACTIVE
    if isinstance(pressed, Toggle) and step.toggle is not None:
        await query.answer()
        if not step.toggle(draft, pressed.value):
            return ACTIVE
        await flow.save(draft)
        markup = step.keyboard(flow.asking(draft))
        if isinstance(markup, InlineKeyboardMarkup):
            await edit_buttons_quietly(query, markup)
        return ACTIVE
    if isinstance(pressed, Done) and step.unfinished is not None:
        unfinished = step.unfinished(draft, _)
        if unfinished:
            await query.answer(unfinished, show_alert=True)
            return ACTIVE
        await query.answer()
        return await flow.next(draft, step.name)
    if (
        isinstance(pressed, Pick) and pressed.value == KEEP and keeps(step, flow.asking(draft))
    ):  # "Keep this answer", back at a step already answered: it just goes on
        await query.answer(_(KEPT))
        return await flow.next(draft, step.name)
    if isinstance(pressed, Pick) and step.read_pick is not None:
        if step.read_pick(flow.asking(draft), draft, pressed.value):
            await query.answer()
            return await flow.answered(draft, step)
    elif step.name == "review" and not isinstance(pressed, (Pick, Toggle, Done)):
        return await review.review_action(flow, draft, pressed)
    await answer_stale_button(update, context)
    return ACTIVE
