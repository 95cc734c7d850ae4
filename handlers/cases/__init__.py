"""Case work in the chat (the rules: bot/cases/service.py; who hears what: notices.py and
alerts.py there; every button: bot/cases/buttons.py).

- listing: /cases, /case (by code or place), the list's filters
- actions: a case's buttons (open, accept, risk, verified, new plan, close, assign, history…)
- notes: the typed answers that start from a case (notes, referrals, emergency decision,
  review, closing note, reopening, search), with the plan's (plan_notes)
- plan: the support plan's buttons
- alerts: the alert copies after a change; the legal clocks' tick
- bind: /bind and /unbind of a staff group
- myreports, additions: a reporter's /myreports, and adding information later
- detail: the detail view shared by the others
"""
