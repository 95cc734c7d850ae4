"""`python -m bench [NAME …] [OPTIONS]`: run the named benchmarks (see DEFAULT for `make bench`)."""

from __future__ import annotations

import importlib
import inspect
import re
import sys

# name → module with a main(argv) or main() function; the quick ones run by default.
BENCHMARKS = {
    "compare": "bench.compare",  # this bot beside a bare PTB + aiosqlite bot (live processes)
    "lane": "bench.lane",  # reply latency during a 3,000-recipient broadcast at 30/s (~4 min)
    "updates": "bench.updates",  # in process: updates/s through the whole stack
    "delivery": "bench.delivery",  # --limited: 3,000 recipients at 30/s (~100 s)
    "storage": "bench.storage",  # SQLite writes/s through storage.db
    "emulator": "bench.emulator",  # the fake Telegram's own cost (sends, long-poll wake-up)
    "crash": "bench.crash",  # --trials=30: SIGKILL a live bot at random points (~10 min)
}
# `make bench`: the comparison, the priority lane, and the broadcast with the limit off.
DEFAULT = ("compare", "lane", "delivery")


def usage() -> str:
    lines = [__doc__ or "", "", "benchmarks (`make bench` runs " + ", ".join(DEFAULT) + "):"]
    for name, module in BENCHMARKS.items():
        doc = " ".join((importlib.import_module(module).__doc__ or module).split("\n\n")[0].split())
        options = sorted(
            set(re.findall(r"--[a-z]+", importlib.import_module(module).__doc__ or ""))
        )
        lines.append(f"  {name:10} {doc}" + (f" [{' '.join(options)}]" if options else ""))
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if "-h" in argv or "--help" in argv:  # before anything runs: a benchmark takes minutes
        print(usage())
        return 0
    # Benchmark names first, then their options (`--rounds 1`, `--limited`…).
    names = []
    while argv and not argv[0].startswith("-"):
        names.append(argv.pop(0))
    names = names or list(DEFAULT)
    options = argv
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
