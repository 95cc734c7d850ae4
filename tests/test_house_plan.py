"""The house plan (ARCHITECTURE in the README), checked on the code itself.

Handlers read the update, call a service and reply: no SQL and no repository in them, no
module over about 450 lines, buttons as typed specs. Storage sits below everything.
"""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

from bot.services import Services

ROOT = Path(__file__).resolve().parent.parent
MAX_HANDLER_LINES = 450


def _handler_modules() -> list[Path]:
    return sorted(p for p in (ROOT / "handlers").rglob("*.py") if p.name != "__init__.py")


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, imported names) of every import in the file, nested ones included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, [alias.name for alias in node.names]))
    return found


def test_handlers_touch_no_repository():
    """A handler may name a record type (`from storage.users import User`), never a
    repository module (`from storage import cases`) or the database."""
    offenders = []
    for path in _handler_modules():
        for module, names in _imports(path):
            if module == "storage" or (module.startswith("storage.") and not names):
                offenders.append(f"{_name(path)}: {module} {names}")
            elif module.startswith("storage.") and module != "storage.models":
                offenders += [
                    f"{_name(path)}: {module}.{name}" for name in names if not name[:1].isupper()
                ]
    assert offenders == []


def test_handler_modules_stay_small():
    large = {
        _name(path): n
        for path in _handler_modules()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_HANDLER_LINES
    }
    assert large == {}


def test_sliced_handlers_use_typed_buttons():
    """No hand-written callback strings or regexes where buttons are typed specs."""
    offenders = []
    for path in _handler_modules():
        text = path.read_text(encoding="utf-8")
        for needle in ("callbacks.encode(", "callbacks.decode(", 'pattern=rf"', 'pattern=r"'):
            if needle in text:
                offenders.append(f"{_name(path)}: {needle}")
    assert offenders == []


def test_storage_stays_below_the_bot():
    for path in sorted((ROOT / "storage").rglob("*.py")):
        for module, _names in _imports(path):
            assert not module.startswith(("bot", "handlers", "devkit")), (_name(path), module)


def test_production_never_imports_the_devkit():
    for package in ("bot", "handlers", "storage"):
        for path in sorted((ROOT / package).rglob("*.py")):
            for module, _names in _imports(path):
                if module.startswith("devkit"):
                    # Only the command line's development subcommands reach it, lazily.
                    assert _name(path) == "bot/__main__.py", (_name(path), module)


def test_services_are_typed_fields():
    names = {field.name for field in dataclasses.fields(Services)}
    assert "extras" not in names
    assert {"db", "budget", "delivery", "cipher", "matcher", "ticks", "hooks"} <= names
