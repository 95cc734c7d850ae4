"""Menu, help, language, /cancel, /stop and the hotline (commands.py, registered before the
journeys' intent handlers), and what to do with anything else (fallbacks.py, registered
last)."""

from __future__ import annotations

from handlers.menu.fallbacks import not_understood

__all__ = ["not_understood"]
