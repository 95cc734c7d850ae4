"""What the other side of a ticket receives: the staff copies (queued with the change that
causes them, then kept in step with the ticket) and the asker's answers and notices.

Staff never see the asker's name or username; only a contact the asker chose to share.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Bot, InlineKeyboardMarkup

from bot import keyboards, outbox, staff_copies
from bot.crypto import cipher_for
from bot.hotline import hotline_footer
from bot.i18n import N_, Translator
from bot.questions import rules
from bot.questions.buttons import Close, MarkSpam, Reply, UndoSpam
from bot.services import Services
from storage import questions as store
from storage import users
from storage.alert_copies import AlertCopy
from storage.questions import Question, QuestionMessage
from storage.users import User

# Sent in the other person's language (translated where it is sent).
ANSWER_HEADING = N_("💬 <b>Answer to your question {code}</b>")
QUOTED = N_("“{text}”")
REPLY_BUTTON = N_("↩️ Reply")
CLOSE_THANKS = N_("✅ Close, thank you")
CLOSED_BY_STAFF = N_(
    "Your question {code} was closed by the staff. You can ask a new question at any time."
)

# The three kinds of staff copy of a ticket, and the heading each one starts with.
HEADINGS = {
    "new": N_("❓ <b>New question {code}</b> · {place}"),
    "follow_up": N_("↩️ <b>The asker of {code} wrote again</b> · {place}"),
    "escalated": N_(
        "⏰ <b>Question {code}</b> has waited more than 24 hours for an answer · {place}"
    ),
}
# What every staff copy says once someone acted on the ticket (names of staff only: the
# asker is never named).
TICKET_ANSWERED = N_("✍️ Answered by {name}")
TICKET_WAITING_AGAIN = N_("↩️ Waiting for staff again; last answer by {name}")
TICKET_CLOSED_BY_ASKER = N_("✅ Closed by the asker")
TICKET_CLOSED_BY = N_("✅ Closed by {name}")
TICKET_SPAM = N_("🚫 Marked as spam by {name}")
UNDO_SPAM = N_("↩️ Undo spam")


def staff_keyboard(_: Translator, question_id: int) -> InlineKeyboardMarkup:
    return keyboards.inline(
        [
            [
                (_("✍️ Reply"), Reply(question_id=question_id).data()),
                (_("✅ Close"), Close(question_id=question_id).data()),
            ],
            [(_("🚫 Mark as spam"), MarkSpam(question_id=question_id).data())],
        ]
    )


def undo_spam_keyboard(_: Translator, question_id: int) -> InlineKeyboardMarkup:
    return keyboards.inline([[(_(UNDO_SPAM), UndoSpam(question_id=question_id).data())]])


def staff_text(
    _: Translator, services: Services, question: Question, heading: str, text: str
) -> str:
    """A ticket as staff see it: never the asker's name or username, only a shared contact."""
    areas = services.areas
    place = (
        areas.place(question.ward, _.language)
        if question.ward
        else areas.group_name(question.district, _.language)
        if question.district
        else _("place unknown")
    )
    lines = [_(heading, code=rules.code(question.id), place=place)]
    if question.danger:
        lines.append(_("⚠️ May concern a child in danger: the asker was shown the hotlines."))
    lines.append("")
    lines.append(_(QUOTED, text=text))
    lines.append("")
    if question.contact_shared:
        lines.append(
            _(
                "👤 The asker shared a contact: {name}, {phone}",
                name=question.contact_name or "—",
                phone=question.contact_phone or "—",
            )
        )
    else:
        lines.append(_("👤 Anonymous asker"))
    return "\n".join(lines)


@dataclass(frozen=True)
class Ticket:
    """A ticket as its staff copies show it: decrypted messages and how it ended."""

    question: Question
    messages: dict[int, QuestionMessage]
    closed_by: int | None
    spam_by: int | None

    @property
    def first(self) -> QuestionMessage:
        return self.messages[min(self.messages)]

    def quoted(self, message_id: int | None) -> QuestionMessage:
        return self.messages.get(message_id or 0) or self.first


async def load_ticket(services: Services, question_id: int) -> Ticket | None:
    db, cipher = services.database, cipher_for(services)
    question = await store.get(db, question_id, cipher)  # with the shared contact
    messages = {m.id: m for m in await store.messages(db, question_id, cipher)}
    if question is None or not messages:
        return None
    closed_by, spam_by = await store.closing(db, question_id)
    return Ticket(question, messages, closed_by, spam_by)


async def _staff_name(services: Services, staff_id: int | None) -> str:
    person = await users.get(services.database, staff_id) if staff_id is not None else None
    return (person.display_name if person and person.display_name else None) or "—"


async def _state_line(services: Services, ticket: Ticket, _: Translator) -> str | None:
    """Who answered, closed or marked the ticket as spam; None while nobody acted yet."""
    question = ticket.question
    if question.is_closed:
        if ticket.spam_by is not None:
            return _(TICKET_SPAM, name=await _staff_name(services, ticket.spam_by))
        if ticket.closed_by == question.asker_id:
            return _(TICKET_CLOSED_BY_ASKER)
        return _(TICKET_CLOSED_BY, name=await _staff_name(services, ticket.closed_by))
    answerer = next(
        (m.staff_id for m in reversed(ticket.messages.values()) if m.author == "staff"), None
    )
    if answerer is None:
        return None
    line = TICKET_ANSWERED if question.state == "answered" else TICKET_WAITING_AGAIN
    return _(line, name=await _staff_name(services, answerer))


def _copy_keyboard(_: Translator, ticket: Ticket) -> InlineKeyboardMarkup | None:
    """Open or answered: reply, close, spam. Marked as spam: only undo. Closed: nothing."""
    if not ticket.question.is_closed:
        return staff_keyboard(_, ticket.question.id)
    if ticket.spam_by is not None:
        return undo_spam_keyboard(_, ticket.question.id)
    return None


async def _copy_view(
    services: Services, ticket: Ticket, _: Translator, variant: str, quoted_id: int | None
) -> tuple[str, InlineKeyboardMarkup | None]:
    text = staff_text(
        _,
        services,
        ticket.question,
        HEADINGS.get(variant, HEADINGS["new"]),
        ticket.quoted(quoted_id).text or "",
    )
    line = await _state_line(services, ticket, _)
    if line is not None:
        text += "\n\n" + line
    return text, _copy_keyboard(_, ticket)


async def queue_copies(
    services: Services,
    question: Question,
    people: list[User],
    variant: str,
    quoted_id: int | None = None,
) -> int:
    """Queue the ticket for each person in their language, with the staff buttons (in the
    caller's transaction, or one of its own); every copy is recorded when it is sent, so it
    can follow what happens to the ticket."""
    db, cipher, now = services.database, cipher_for(services), services.clock.now()
    async with db.atomic():
        ticket = await load_ticket(services, question.id)
        if ticket is None:
            return 0
        first = ticket.first
        quoted = ticket.quoted(quoted_id).id
        for person in people:
            _ = services.i18n(person.language)
            text, markup = await _copy_view(services, ticket, _, variant, quoted_id)
            await outbox.enqueue(
                db,
                cipher,
                person.telegram_id,
                text,
                now=now,
                markup=markup,
                protect=True,
                copy=outbox.CopyOf(
                    "question", question.id, _.language, variant=variant, quoted_id=quoted
                ),
            )
            if first.photo_file_id and variant != "follow_up":
                await outbox.enqueue(
                    db,
                    cipher,
                    person.telegram_id,
                    rules.code(question.id),
                    now=now,
                    protect=True,
                    photo=first.photo_file_id,
                )
    return len(people)


async def sync_copies(bot: Bot, services: Services, question_id: int) -> None:
    """Bring every staff copy of the ticket up to date after an answer, a message from the
    asker, closing or spam marking. Copies that cannot be edited any more are skipped."""
    ticket = await load_ticket(services, question_id)
    if ticket is None:
        return

    async def render(copy: AlertCopy) -> tuple[str, InlineKeyboardMarkup | None]:
        return await _copy_view(
            services, ticket, services.i18n(copy.language), copy.variant, copy.quoted_id
        )

    # Closed (and not marked as spam, which can still be undone): nothing will change again.
    final = ticket.question.is_closed and ticket.spam_by is None
    await staff_copies.sync(
        bot,
        services.database,
        "question",
        question_id,
        render,
        services.clock.now(),
        final=final,
    )


# -- what the asker receives ----------------------------------------------------------------------


async def queue_answer(services: Services, question: Question, text: str) -> None:
    """Staff's answer to the asker, in the asker's language, with Reply and Close."""
    db = services.database
    asker = await users.get(db, question.asker_id)
    if asker is None:
        return
    theirs = services.i18n(asker.language)
    code = rules.code(question.id)
    await outbox.enqueue(
        db,
        cipher_for(services),
        asker.telegram_id,
        theirs(ANSWER_HEADING, code=code)
        + "\n\n"
        + theirs(QUOTED, text=text)
        + "\n\n"
        + hotline_footer(theirs),
        now=services.clock.now(),
        markup=keyboards.inline(
            [
                [(theirs(REPLY_BUTTON), Reply(question_id=question.id).data())],
                [(theirs(CLOSE_THANKS), Close(question_id=question.id).data())],
            ]
        ),
    )


async def queue_closed_by_staff(services: Services, question: Question) -> None:
    db = services.database
    asker = await users.get(db, question.asker_id)
    if asker is None:
        return
    theirs = services.i18n(asker.language)
    await outbox.enqueue(
        db,
        cipher_for(services),
        asker.telegram_id,
        theirs(CLOSED_BY_STAFF, code=rules.code(question.id)),
        now=services.clock.now(),
    )
