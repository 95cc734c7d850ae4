"""Check that the venv holds exactly the versions pinned in requirements.lock.

    python scripts/check_lock.py [--prune] [requirements.lock]

Run by `make setup` after installing, so a drifted venv (a package installed by hand, an old
venv after the lock changed) is noticed rather than tested against. `--prune` first removes
what the lock no longer holds (a dropped dependency stays installed otherwise: pip only adds).
"""

from __future__ import annotations

import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from packaging.markers import Marker
from packaging.utils import canonicalize_name

PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def locked(path: Path) -> dict[str, str]:
    """name → version for the lock's pins that apply to this interpreter and platform."""
    pins: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match is None:
            continue
        name, version, marker = match.groups()
        if marker and not Marker(marker).evaluate():
            continue
        pins[canonicalize_name(name)] = version
    return pins


PROJECT = "bvte-bot"  # the project itself, installed editable beside the lock


def prune(pins: dict[str, str]) -> None:
    extra = sorted(
        name
        for dist in metadata.distributions()
        if (name := canonicalize_name(dist.metadata["Name"])) not in pins and name != PROJECT
    )
    if extra:
        print(f"removing what the lock no longer holds: {', '.join(extra)}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "uninstall", "-y", "-q", *extra], check=True)


def main(argv: list[str]) -> int:
    pruning = "--prune" in argv
    argv = [arg for arg in argv if arg != "--prune"]
    path = Path(argv[0]) if argv else Path(__file__).resolve().parent.parent / "requirements.lock"
    if pruning:
        prune(locked(path))
    wrong = []
    for name, version in sorted(locked(path).items()):
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            wrong.append(f"{name}: locked {version}, not installed")
            continue
        if installed != version:
            wrong.append(f"{name}: locked {version}, installed {installed}")
    for line in wrong:
        print(line, file=sys.stderr)
    if wrong:
        print(
            f"{len(wrong)} package(s) differ from {path.name}: run `make clean setup`",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
