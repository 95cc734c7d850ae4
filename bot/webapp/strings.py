"""Every text the dashboard page shows, from the bot's own gettext catalogues.

The page holds no language of its own: it asks for these in the person's language when it
opens (and keeps them for offline use), so Vietnamese and English come from the same .po files
as the chat.
"""

from __future__ import annotations

from bot.i18n import N_, Translator

UI: dict[str, str] = {
    "title": N_("Case dashboard"),
    "tab_cases": N_("Cases"),
    "tab_figures": N_("Figures"),
    "search": N_("Search by code"),
    "status": N_("Status"),
    "unit": N_("Ward / commune"),
    "all_units": N_("All wards and communes"),
    "risk": N_("Risk"),
    "any_risk": N_("any"),
    "mine": N_("Mine"),
    "overdue": N_("Overdue"),
    "urgent": N_("🚨 Urgent"),
    "no_cases": N_("No case matches these filters."),
    "more": N_("Show more"),
    "loading": N_("Loading…"),
    "offline": N_("Offline: showing what was loaded last, {when}."),
    "offline_case": N_(
        "You are offline. Case details are never kept on the phone; "
        "please open the case again when you are back online."
    ),
    "error": N_("Something went wrong. Please try again."),
    "denied": N_(
        "Sorry, only the staff covering this case and administrators can open or change it."
    ),
    "signin": N_("Please open the dashboard from the bot in Telegram."),
    "moved_on": N_("This case has moved on meanwhile; here is where it is now."),
    "invalid": N_("Please check what you entered."),
    "received": N_("Received"),
    "assigned": N_("Assigned to"),
    "place": N_("Place"),
    "child": N_("Child"),
    "groups": N_("Situation"),
    "description": N_("What was reported"),
    "photos": N_("Photos (open them in the chat)"),
    "caregiver": N_("Cared for by"),
    "actions_done": N_("Already done"),
    "reporter": N_("Reporter"),
    "clocks": N_("Legal clocks"),
    "history": N_("History"),
    "notes": N_("Notes"),
    "referrals": N_("Referrals"),
    "plan": N_("Support plan"),
    "plan_current": N_("The case is at this step now."),
    "plan_done": N_("The plan is being carried out or was carried out."),
    "plan_later": N_("Comes after verification."),
    "actions": N_("What to do"),
    "nothing": N_("Nothing yet."),
    "send": N_("Save"),
    "cancel": N_("✖️ Cancel"),
    "confirm": N_("Are you sure? This cannot be undone from here."),
    "choose": N_("Choose…"),
    "period": N_("Period"),
    "group": N_("Programme area"),
    "by_area": N_("By area"),
    "by_month": N_("Reports received per month"),
    "by_group": N_("By group"),
    "by_risk": N_("By risk"),
    "by_ward": N_("By ward"),
    "by_outcome": N_("Closed, by outcome"),
    "as_of": N_("as of {when}"),
    "risk_word": N_("Risk: {level}"),
}


def ui_strings(translate: Translator) -> dict[str, str]:
    return {key: translate(message) for key, message in UI.items()}
