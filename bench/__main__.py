"""`python -m bench [NAME …]`: run the named benchmarks (all the quick ones by default)."""

from __future__ import annotations

import importlib
import inspect
import sys

# name → module with a main(argv) or main() function; the quick ones run by default.
BENCHMARKS = {
    "updates": "bench.updates",
    "delivery": "bench.delivery",  # --limited: 3,000 recipients at 30/s (~100 s)
    "emulator": "bench.emulator",  # the fake Telegram's own cost (sends, long-poll wake-up)
}


def main(argv: list[str]) -> int:
    names = [a for a in argv if not a.startswith("-")] or list(BENCHMARKS)
    options = [a for a in argv if a.startswith("-")]
    for name in names:
        if name not in BENCHMARKS:
            print(f"unknown benchmark {name!r}; known: {', '.join(BENCHMARKS)}", file=sys.stderr)
            return 2
        module = importlib.import_module(BENCHMARKS[name])
        if inspect.signature(module.main).parameters:
            module.main(options)
        else:
            module.main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
