"""The steps of a case under Decree 56/2017 and the moves between them.

received (tiếp nhận) → assessment (đánh giá ban đầu) → verification (xác minh, đánh giá nhu
cầu) → planning (kế hoạch hỗ trợ, can thiệp) → in_progress (thực hiện) → review (rà soát) →
closed, or back to planning. Plain data and functions: the handlers only display them.
"""

from __future__ import annotations

from bot.i18n import N_

STATES: tuple[str, ...] = (
    "received",
    "assessment",
    "verification",
    "planning",
    "in_progress",
    "review",
    "closed",
)
OPEN_STATES = STATES[:-1]

STATE_LABELS = {
    "received": N_("Received"),
    "assessment": N_("Initial assessment"),
    "verification": N_("Verification and needs assessment"),
    "planning": N_("Support plan"),
    "in_progress": N_("Carrying out the plan"),
    "review": N_("Review"),
    "closed": N_("Closed"),
}

# What a reporter sees: each step in plain words, never the details.
REPORTER_STATUS = {
    "received": N_("sent, waiting for the staff"),
    "assessment": N_("accepted; staff are looking into the child's situation"),
    "verification": N_("staff are checking the information and what the child needs"),
    "planning": N_("staff are preparing a plan to support the child"),
    "in_progress": N_("a support plan was approved and is being carried out"),
    "review": N_("staff are reviewing how the support is going"),
    "closed": N_("closed"),
}
REPORTER_STATUS_DEFAULT = N_("being handled by the staff")

RISKS = ("high", "medium", "low")
RISK_LABELS = {"high": N_("high"), "medium": N_("medium"), "low": N_("low")}

# action → (from state, to state). 'assess' also records the risk level.
MOVES: dict[str, tuple[str, str]] = {
    "accept": ("received", "assessment"),
    "assess": ("assessment", "verification"),
    "verified": ("verification", "planning"),
    # Only through the approval of the plan (Mẫu 05), never a plain button.
    "plan_approved": ("planning", "in_progress"),
    "to_review": ("in_progress", "review"),
    "replan": ("review", "planning"),
}
MOVE_LABELS = {
    "verified": N_("✅ Verified → support plan"),
}

OUTCOMES = ("resolved", "referred", "duplicate", "not_valid", "moved_away")
OUTCOME_LABELS = {
    "resolved": N_("Resolved"),
    "referred": N_("Referred to a service"),
    "duplicate": N_("Duplicate"),
    "not_valid": N_("Not valid"),
    "moved_away": N_("Moved away"),
}
# A case is resolved or referred only once the plan was carried out; a report that proves to
# be a duplicate, not valid, or about a family that moved away can be closed at any step.
OUTCOMES_BY_STATE: dict[str, tuple[str, ...]] = {
    state: ("duplicate", "not_valid", "moved_away") for state in OPEN_STATES
}
OUTCOMES_BY_STATE["in_progress"] = OUTCOMES
OUTCOMES_BY_STATE["review"] = OUTCOMES

# Which legal clock a move satisfies: the 5 working days end with the approved plan.
CLOCK_MET_BY = {"plan_approved": "plan"}


class InvalidMove(ValueError):
    pass


def target(state: str, action: str) -> str:
    """The state after `action`, or InvalidMove when it does not apply in `state`."""
    move = MOVES.get(action)
    if move is None or move[0] != state:
        raise InvalidMove(f"{action} from {state}")
    return move[1]


def moves_from(state: str) -> list[str]:
    return [action for action, (source, _) in MOVES.items() if source == state]


def can_close(state: str, outcome: str) -> bool:
    return outcome in OUTCOMES_BY_STATE.get(state, ())


def is_open(state: str) -> bool:
    return state in OPEN_STATES
