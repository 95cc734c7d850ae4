"""Onboarding: /start, who are you, and for collaborators and staff the sign-up for approval.

/start → role? ─ parent/public → ready, menu
                └ collaborator / staff → name → ward/commune → phone (optional) → pending

`signup` is the conversation (and its one `register`); `units` the ward/commune step, which
offers the programme's units grouped by its areas, "Elsewhere / not sure", a typed name (old
names too) or a shared location (handlers/places.py); `invites` a training's one-time link.
"""
