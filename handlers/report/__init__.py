"""/report: a child at risk, reported step by step on the official intake form (Mẫu số 01).

- `steps`: the table of steps (prompt, keyboard, reading text and taps, hint, errors).
- `engine`: the one engine that asks a step and reads its answers; drafts saved every step.
- `emergency`: 🚨 / 🆘 at any step: the hotlines and staff alerted at once, then continue.
- `ward`: the ward or commune typed or from a shared location.
- `media`: locations, the reporter's contact, photos.
- `review`: the summary, Edit a section, Cancel, Send.
- `entry`: the conversation (/report, continue or discard a draft) — `register`.
- `sent`: after sending, "Delete my messages" and Send on an old summary — `register`.

Rules, audit and transactions live in the intake service (bot/reports/service.py).
"""
