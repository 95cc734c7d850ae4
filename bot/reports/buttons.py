"""Every button of the report slice: the report being written ("rep") and "Delete my messages"
after sending ("rpd"). The wire format is `ns:action:field…`, as in messages already sent:
the step a button belongs to comes first, so a tap under an earlier question is recognised."""

from __future__ import annotations

from bot.callbacks import Button, Namespace

REPORT = Namespace("rep", owner=__name__)
DELETE = Namespace("rpd", owner=__name__)


# -- continuing an unfinished draft ---------------------------------------------------------------
class Resume(Button, namespace=REPORT, action="resume"):
    choice: str  # "go" continue, "new" discard and start again


class Discard(Button, namespace=REPORT, action="discard"):
    choice: str  # "yes" discard, "no" keep it


# -- the buttons of a step (the step first) -------------------------------------------------------
class Pick(Button, namespace=REPORT, action="pick"):
    step: str
    value: str


class Back(Button, namespace=REPORT, action="back"):
    step: str


class Sos(Button, namespace=REPORT, action="sos"):
    step: str


class Toggle(Button, namespace=REPORT, action="tog"):
    step: str
    value: str


class Done(Button, namespace=REPORT, action="done"):
    step: str


class Send(Button, namespace=REPORT, action="send"):
    step: str = "review"


class Edit(Button, namespace=REPORT, action="edit"):
    step: str = "review"


class Cancel(Button, namespace=REPORT, action="cancel"):
    step: str = "review"


class Section(Button, namespace=REPORT, action="section"):
    step: str
    section: str


StepButton = Pick | Back | Sos | Toggle | Done | Send | Edit | Cancel | Section
STEP_BUTTONS: tuple[type[StepButton], ...] = (
    Pick,
    Back,
    Sos,
    Toggle,
    Done,
    Send,
    Edit,
    Cancel,
    Section,
)


def parse_step_button(data: str | None) -> StepButton | None:
    """The typed button of a step pressed; None for anything we did not make."""
    for kind in STEP_BUTTONS:
        pressed = kind.parse(data)
        if pressed is not None:
            return pressed
    return None


# -- after sending --------------------------------------------------------------------------------
class DeleteMessages(Button, namespace=DELETE, action="del"):
    case_id: int
