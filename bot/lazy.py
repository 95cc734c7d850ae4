"""Callbacks imported on first use: `lazy("handlers.stats:stats_command")`.

The handlers are registered at start (bot/application.py, in PTB's order), but most features
are used by few people: their modules (and the services behind them) are imported when one of
their callbacks is first called, not before the first getUpdates. A declaration names
`module:attribute`; the first call imports the module and finds the callable, later calls go
straight to it. Every declaration is kept in `DECLARED`, so a test can resolve them all (a
typo fails the suite, not a user's button press).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from telegram.ext import Application


class Lazy:
    """A callable standing for `module:attribute` until its first call imports it."""

    __slots__ = ("target", "_callable")

    def __init__(self, target: str) -> None:
        module, _, attribute = target.partition(":")
        if not module or not attribute.isidentifier():
            raise ValueError(f"a lazy callback is 'module:attribute', not {target!r}")
        self.target = target
        self._callable: Callable[..., Any] | None = None

    @property
    def module(self) -> str:
        return self.target.partition(":")[0]

    def resolve(self) -> Callable[..., Any]:
        """Import the module and find the callable (once)."""
        found = self._callable
        if found is None:
            module, _, attribute = self.target.partition(":")
            found = getattr(importlib.import_module(module), attribute)
            if not callable(found):
                raise TypeError(f"{self.target} is not callable")
            self._callable = found
        return found

    async def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return await (self._callable or self.resolve())(*args, **kwargs)

    def __repr__(self) -> str:
        return f"lazy({self.target!r})"


# One declaration per target, shared by every application built in this process.
DECLARED: dict[str, Lazy] = {}


def lazy(target: str) -> Lazy:
    """The async callable `module:attribute`, imported at its first call."""
    found = DECLARED.get(target)
    if found is None:
        found = DECLARED[target] = Lazy(target)
    return found


class _ButtonSpec(Protocol):
    @classmethod
    def pattern(cls) -> Callable[[object], bool]: ...


def add_button_handlers(
    application: Application, module: str, *pairs: tuple[type[_ButtonSpec], str]
) -> None:
    """A feature's buttons, in this order: for each (button spec, callback name), a
    CallbackQueryHandler on the spec's pattern calling `module:callback` lazily."""
    from telegram.ext import CallbackQueryHandler

    for button, callback in pairs:
        application.add_handler(
            CallbackQueryHandler(lazy(f"{module}:{callback}"), pattern=button.pattern())
        )
