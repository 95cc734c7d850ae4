"""/broadcast and its controls: compose.py (the conversation: message and English), audience.py
(who receives it), send.py (preview, send now or later), control.py (Pause / Resume / Cancel on
a progress message, anywhere), history.py (/broadcasts). Views and the draft: views.py; the
rules: bot/broadcast/service.py."""
