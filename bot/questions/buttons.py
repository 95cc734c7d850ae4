"""The buttons of the questions slice (namespace "qst"), for the handlers and the notices that
put them under a ticket. The wire format is the one old messages carry: `qst:reply:12`."""

from __future__ import annotations

from bot.callbacks import Button, Namespace

QUESTIONS = Namespace("qst", owner=__name__)


class NewQuestion(Button, namespace=QUESTIONS, action="new"):
    """ "💬 Ask a question" under the information menu."""


class PickDistrict(Button, namespace=QUESTIONS, action="d"):
    """The asker's ward or commune (a programme area on buttons from before today's map;
    "none" for "I am not sure")."""

    code: str


NOT_SURE = "none"


class StayAnonymous(Button, namespace=QUESTIONS, action="anon"):
    pass


class ShareContact(Button, namespace=QUESTIONS, action="share"):
    pass


class Reply(Button, namespace=QUESTIONS, action="reply"):
    """Staff answer a ticket, or its asker writes back on it."""

    question_id: int


class Close(Button, namespace=QUESTIONS, action="close"):
    question_id: int


class CloseListed(Button, namespace=QUESTIONS, action="lclose"):
    """✅ Close in /myquestions: closes as Close does, then the list shows itself again."""

    question_id: int


class MarkSpam(Button, namespace=QUESTIONS, action="spam"):
    question_id: int


class UndoSpam(Button, namespace=QUESTIONS, action="unspam"):
    question_id: int


class SendPending(Button, namespace=QUESTIONS, action="send"):
    """ "Send this question to staff": the text nothing else understood."""


class AddPending(Button, namespace=QUESTIONS, action="add"):
    """ "Add it to my question": that text goes into the asker's open ticket."""

    question_id: int
