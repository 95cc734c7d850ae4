"""Recognising danger in what people type (see `matcher`), and measuring it (`evaluate`)."""

from bot.safety.matcher import Matcher, Rule, Verdict, load

__all__ = ["Matcher", "Rule", "Verdict", "load"]
