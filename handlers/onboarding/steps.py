"""The sign-up conversation's steps and buttons (shared by its modules)."""

from __future__ import annotations

from bot.callbacks import Button, Namespace
from bot.i18n import N_

# UNIT_CANDIDATES was the ward step of the old map: its number stays for persisted sign-ups.
ROLE, NAME, UNIT, UNIT_CANDIDATES, PHONE = range(5)
SIGNUP = "signup"  # the answers so far, in the person's user_data
# What each role is called (the sign-up, its approval, the people lists).
ROLE_LABELS = {
    "public": N_("parent / public"),
    "collaborator": N_("collaborator"),
    "staff": N_("staff member"),
    "admin": N_("administrator"),
}
ONBOARDING = Namespace("onb", owner=__name__)


class ChooseRole(Button, namespace=ONBOARDING, action="role"):
    role: str


class SwitchLanguage(Button, namespace=ONBOARDING, action="lang"):
    language: str


class ChooseUnit(Button, namespace=ONBOARDING, action="unit"):
    unit: str  # a unit code, or places.OTHER


class BackToUnits(Button, namespace=ONBOARDING, action="back"):
    pass


# The district and ward buttons of the old map, on sign-ups persisted half-way: they lead to
# today's question.
class OldDistrictStep(Button, namespace=ONBOARDING, action="district"):
    code: str = ""


class OldWardStep(Button, namespace=ONBOARDING, action="ward"):
    code: str = ""
