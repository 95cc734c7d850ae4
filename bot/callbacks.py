"""The one callback-data scheme: short ASCII `namespace:action:arg…` strings.

Telegram allows 1–64 bytes. Everything a button carries is re-checked on the server when
pressed: callback data is user input and can be forged.
"""

from __future__ import annotations

import re
from dataclasses import FrozenInstanceError, dataclass
from types import FunctionType
from typing import Any, ClassVar, TypeVar, dataclass_transform, get_args, get_type_hints

from bot.text import whole_number

MAX_BYTES = 64
# Larger numbers overflow SQLite's 64-bit INTEGER when bound as a parameter.
MAX_ID = 2**63 - 1
_PART = re.compile(r"^[A-Za-z0-9_.\-]*$")


class CallbackDataError(ValueError):
    pass


@dataclass(frozen=True)
class CallbackData:
    namespace: str
    action: str
    args: tuple[str, ...]

    def arg(self, index: int, default: str | None = None) -> str | None:
        return self.args[index] if index < len(self.args) else default


def encode(namespace: str, action: str, *args: object) -> str:
    parts = [namespace, action, *(str(arg) for arg in args)]
    for part in parts:
        if not _PART.match(part):
            raise CallbackDataError(f"callback part {part!r} is not plain ASCII")
    data = ":".join(parts)
    if len(data.encode("ascii")) > MAX_BYTES:
        raise CallbackDataError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def decode(data: str | None) -> CallbackData | None:
    """None for anything we did not make (wrong shape, too long, non-ASCII)."""
    if not data or len(data) > MAX_BYTES or not data.isascii():
        return None
    parts = data.split(":")
    if len(parts) < 2 or not all(_PART.match(part) for part in parts):
        return None
    return CallbackData(parts[0], parts[1], tuple(parts[2:]))


class DataPattern:
    """A CallbackQueryHandler's pattern: the callback data of one namespace, or of one button
    kind (`namespace:action`, with or without arguments); `a | b` takes either. A prefix
    test, not a regex: PTB compiles a string pattern per handler at start (~170 of them) and
    tries them in turn on every press; no handler reads the match."""

    __slots__ = ("_exact", "_prefixes")

    def __init__(self, head: str, *, exact: bool) -> None:
        self._prefixes: tuple[str, ...] = (f"{head}:",)
        self._exact: frozenset[str] = frozenset({head} if exact else ())

    def __call__(self, data: object) -> bool:
        return isinstance(data, str) and (data.startswith(self._prefixes) or data in self._exact)

    def __or__(self, other: DataPattern) -> DataPattern:
        either = DataPattern("", exact=False)
        either._prefixes = self._prefixes + other._prefixes
        either._exact = self._exact | other._exact
        return either

    def __repr__(self) -> str:
        return f"DataPattern({self._prefixes!r})"


def pattern(namespace: str) -> DataPattern:
    """CallbackQueryHandler(pattern=…) selecting one namespace."""
    return DataPattern(namespace, exact=False)


# -- typed callback data -----------------------------------------------------------------------
# A namespace is declared once, by the feature that owns it; every button of that feature is a
# `Button` subclass with typed fields. `Button.data()` encodes, `pattern()` selects it for a
# CallbackQueryHandler and `parse()` gives the typed fields back (None for anything forged).


class Namespace:
    """A callback prefix owned by one feature. Declaring one twice is an error at import."""

    _declared: ClassVar[dict[str, str]] = {}

    def __init__(self, prefix: str, owner: str) -> None:
        if not _PART.match(prefix) or not prefix:
            raise CallbackDataError(f"namespace {prefix!r} is not plain ASCII")
        if prefix in Namespace._declared:
            raise ValueError(
                f"callback namespace {prefix!r} already declared by {Namespace._declared[prefix]}"
            )
        Namespace._declared[prefix] = owner
        self.prefix = prefix
        self.owner = owner
        self.actions: set[str] = set()

    def pattern(self) -> DataPattern:
        """Every button of this namespace (a fallback that answers stale ones, say)."""
        return pattern(self.prefix)

    def __repr__(self) -> str:
        return f"Namespace({self.prefix!r})"


_SpecT = TypeVar("_SpecT", bound="Button")


@dataclass_transform(frozen_default=True)
class Button:
    """Base of a typed button: `class OpenCase(Button, namespace=CASES, action="open")` with
    fields such as `case_id: int` and `page: int = 0` (int, str and bool; `| None` allowed).

    A frozen value like a dataclass (keyword or positional arguments, ==, hash, repr), but
    lighter to declare: the bot has ~160 of them, and `dataclass()` compiles six methods and
    a signature for each at import (~90 ms and ~1 MiB at start). Here the methods are shared
    and one `__init__` is compiled per list of field names."""

    namespace: ClassVar[Namespace]
    action: ClassVar[str]
    _fields: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, *, namespace: Namespace, action: str, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not _PART.match(action) or not action:
            raise CallbackDataError(f"action {action!r} is not plain ASCII")
        if action in namespace.actions:
            raise ValueError(f"callback {namespace.prefix}:{action} declared twice")
        namespace.actions.add(action)
        cls.namespace = namespace
        cls.action = action
        names = tuple(cls.__dict__.get("__annotations__", {}))
        defaults = tuple(cls.__dict__[name] for name in names if name in cls.__dict__)
        if any(name not in cls.__dict__ for name in names[len(names) - len(defaults) :]):
            raise TypeError(f"{cls.__name__}: a field without a default after one with it")
        cls._fields = names
        type.__setattr__(cls, "__match_args__", names)  # `case OpenCase(case_id)`
        shared = _initialiser(names)
        init = FunctionType(shared.__code__, shared.__globals__, "__init__", defaults or None)
        init.__qualname__ = f"{cls.__qualname__}.__init__"
        type.__setattr__(cls, "__init__", init)

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{self.__class__.__qualname__}({shown})"

    def data(self) -> str:
        return encode(
            self.namespace.prefix,
            self.action,
            *(_dump(getattr(self, name)) for name in self._fields),
        )

    @classmethod
    def pattern(cls) -> DataPattern:
        return DataPattern(f"{cls.namespace.prefix}:{cls.action}", exact=True)

    @classmethod
    def parse(cls: type[_SpecT], data: str | None) -> _SpecT | None:
        """The typed fields of a pressed button of this kind; None if it is not one of ours."""
        decoded = decode(data)
        if decoded is None or (decoded.namespace, decoded.action) != (
            cls.namespace.prefix,
            cls.action,
        ):
            return None
        values: dict[str, object] = {}
        for index, (name, kind, optional, has_default) in enumerate(_field_types(cls)):
            if index >= len(decoded.args):
                if not has_default:
                    return None
                continue
            value = _load(decoded.args[index], kind, optional)
            if value is _INVALID:
                return None
            values[name] = value
        if len(decoded.args) > len(_field_types(cls)):
            return None
        return cls(**values)


_INVALID = object()
_INITIALISERS: dict[tuple[str, ...], FunctionType] = {}


def _initialiser(names: tuple[str, ...]) -> FunctionType:
    """`def __init__(self, a, b): set(self, "a", a); …`, compiled once per list of names (the
    defaults are given to each class's copy)."""
    found = _INITIALISERS.get(names)
    if found is None:
        for name in names:
            if not name.isidentifier() or name.startswith("_"):
                raise TypeError(f"button field {name!r}: a plain name")
        body = "".join(f"    _set(self, {name!r}, {name})\n" for name in names) or "    pass\n"
        source = f"def __init__(self, {', '.join(names)}):\n{body}"
        scope: dict[str, Any] = {"_set": object.__setattr__}
        exec(compile(source, f"<button {', '.join(names)}>", "exec"), scope)  # noqa: S102
        found = _INITIALISERS[names] = scope["__init__"]
    return found


_TYPES: dict[type, list[tuple[str, type, bool, bool]]] = {}


def _field_types(cls: type) -> list[tuple[str, type, bool, bool]]:
    cached = _TYPES.get(cls)
    if cached is None:
        hints = get_type_hints(cls)
        cached = []
        for name in cls._fields:  # type: ignore[attr-defined]
            hint = hints[name]
            arguments = [a for a in get_args(hint) if a is not type(None)]
            optional = bool(get_args(hint)) and type(None) in get_args(hint)
            kind = arguments[0] if optional else hint
            if kind not in (int, str, bool):
                raise TypeError(f"{cls.__name__}.{name}: int, str or bool only")
            cached.append((name, kind, optional, name in cls.__dict__))
        _TYPES[cls] = cached
    return cached


def _dump(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _load(text: str, kind: type, optional: bool) -> object:
    if text == "":
        return None if optional else ("" if kind is str else _INVALID)
    if kind is bool:
        return {"1": True, "0": False}.get(text, _INVALID)
    if kind is int:
        number = whole_number(text, MAX_ID)
        return _INVALID if number is None else number
    return text
