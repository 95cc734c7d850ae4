"""Menu, help, language, /cancel, /stop and the hotline (commands.py, registered before the
journeys' intent handlers), and what to do with anything else (fallbacks.py, registered
last; its handlers declared in routes.py, imported when first used)."""
