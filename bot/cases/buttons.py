"""Every button of case work, declared once: the case list and a case's actions ("cas"), the
typed answers that start from a case ("cin"), the support plan ("cpl") and its typed answers
("cpi"), and the reporter's /myreports ("mrp").

The handlers (handlers/cases/) and the notices (bot/cases/notices.py) both build them from
here. The wire format is the one old buttons in chats carry: `ns:action:field…`.
"""

from __future__ import annotations

from bot.callbacks import Button, Namespace

CASES = Namespace("cas", owner=__name__)
CASE_INPUT = Namespace("cin", owner=__name__)
PLAN = Namespace("cpl", owner=__name__)
PLAN_INPUT = Namespace("cpi", owner=__name__)
MY_REPORTS = Namespace("mrp", owner=__name__)

NO_UNIT = "-"  # "no unit filter" in a list button


# -- the list and a case ------------------------------------------------------------------------
class ListCases(Button, namespace=CASES, action="ls"):
    scope: str = "open"
    unit: str = NO_UNIT
    page: int = 0
    turn: bool = False  # ‹ Previous / Next ›, not a filter: its own "already there" toast


class PickUnit(Button, namespace=CASES, action="unit"):
    scope: str = "open"
    page: int = 0


class OpenCase(Button, namespace=CASES, action="v"):
    case_id: int


class AcceptCase(Button, namespace=CASES, action="acc"):
    case_id: int


class AssessRisk(Button, namespace=CASES, action="rsk"):
    case_id: int
    risk: str


class MoveCase(Button, namespace=CASES, action="go"):
    case_id: int
    move: str


class CloseMenu(Button, namespace=CASES, action="cls"):
    case_id: int


class ConfirmClose(Button, namespace=CASES, action="clsok"):
    case_id: int
    outcome: str


class KeepOpen(Button, namespace=CASES, action="clsno"):
    case_id: int


class AssignMenu(Button, namespace=CASES, action="asg"):
    case_id: int


class AssignTo(Button, namespace=CASES, action="to"):
    case_id: int
    assignee_id: int


class CaseHistory(Button, namespace=CASES, action="hist"):
    case_id: int


class CasePhotos(Button, namespace=CASES, action="ph"):
    case_id: int


# -- typed answers that start from a case --------------------------------------------------------
class AddNote(Button, namespace=CASE_INPUT, action="note"):
    case_id: int


class AddReferral(Button, namespace=CASE_INPUT, action="ref"):
    case_id: int


class EmergencyApplied(Button, namespace=CASE_INPUT, action="emg"):
    case_id: int


class EmergencyNotNeeded(Button, namespace=CASE_INPUT, action="emgno"):
    case_id: int


class Review(Button, namespace=CASE_INPUT, action="rev"):
    case_id: int


class CloseWith(Button, namespace=CASE_INPUT, action="cls"):
    case_id: int
    outcome: str


class Reopen(Button, namespace=CASE_INPUT, action="reo"):
    case_id: int


class FindCase(Button, namespace=CASE_INPUT, action="find"):
    case_id: int = 0  # no case: the search starts from the list


class JustNow(Button, namespace=CASE_INPUT, action="now"):
    case_id: int


class CancelInput(Button, namespace=CASE_INPUT, action="cancel"):
    pass


# Each typed answer's button, by the kind of answer it starts.
INPUTS: dict[str, type[Button]] = {
    "note": AddNote,
    "ref": AddReferral,
    "emg": EmergencyApplied,
    "emgno": EmergencyNotNeeded,
    "rev": Review,
    "cls": CloseWith,
    "reo": Reopen,
    "find": FindCase,
}


# -- the support plan ----------------------------------------------------------------------------
class OpenPlan(Button, namespace=PLAN, action="v"):
    case_id: int


class ServiceCategories(Button, namespace=PLAN, action="svc"):
    case_id: int


class ServiceCategory(Button, namespace=PLAN, action="cat"):
    case_id: int
    category: str
    page: int = 0


class ToggleService(Button, namespace=PLAN, action="tog"):
    case_id: int
    code: str


class RemoveMenu(Button, namespace=PLAN, action="rm"):
    case_id: int


class RemoveAction(Button, namespace=PLAN, action="rmi"):
    case_id: int
    index: int


class SubmitPlan(Button, namespace=PLAN, action="sub"):
    case_id: int


class ApprovePlan(Button, namespace=PLAN, action="ok"):
    case_id: int


class PlanGoals(Button, namespace=PLAN_INPUT, action="goals"):
    case_id: int


class PlanAction(Button, namespace=PLAN_INPUT, action="act"):
    case_id: int


class SendBack(Button, namespace=PLAN_INPUT, action="ret"):
    case_id: int


class NoDate(Button, namespace=PLAN_INPUT, action="nodate"):
    case_id: int


class CancelPlanInput(Button, namespace=PLAN_INPUT, action="cancel"):
    pass


PLAN_INPUTS: dict[str, type[Button]] = {"goals": PlanGoals, "act": PlanAction, "ret": SendBack}


# -- the reporter ---------------------------------------------------------------------------------
class AddInformation(Button, namespace=MY_REPORTS, action="add"):
    case_id: int


class CancelAddition(Button, namespace=MY_REPORTS, action="cancel"):
    pass
