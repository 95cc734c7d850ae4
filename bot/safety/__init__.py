"""Recognising danger in what people type (see `matcher`), and measuring it (`evaluate`).

The matcher's module is imported on first use (PEP 562), not by importing the package: the
buttons and answers of the package are needed at start, the matcher only once it is compiled
after the first getUpdates (bot/application.py)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.safety.matcher import Matcher, Rule, Verdict, load

__all__ = ["Matcher", "Rule", "Verdict", "load"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module("bot.safety.matcher"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
