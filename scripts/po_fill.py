"""Fill a catalogue from a JSON file of {msgid: translation}, or list what is missing.

    python scripts/po_fill.py vi --missing            # JSON of untranslated msgids
    python scripts/po_fill.py vi translations.json    # fill (and clear fuzzy flags)

Holds a lock on the .po file so two people filling at once do not overwrite each other.
"""

from __future__ import annotations

import fcntl
import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    language, rest = argv[0], argv[1:]
    path = ROOT / "locales" / language / "LC_MESSAGES" / "messages.po"
    with open(ROOT / "locales" / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        if rest and rest[0] == "--missing":
            missing = {m.id: "" for m in catalog if m.id and (not m.string or m.fuzzy)}
            print(json.dumps(missing, ensure_ascii=False, indent=1))
            return 0
        translations = json.loads(Path(rest[0]).read_text(encoding="utf-8"))
        filled, unknown = 0, []
        for msgid, text in translations.items():
            message = catalog.get(msgid)
            if message is None:
                unknown.append(msgid)
                continue
            message.string = text
            message.flags.discard("fuzzy")
            filled += 1
        with path.open("wb") as handle:
            write_po(
                handle,
                catalog,
                width=76,
                sort_output=True,
                omit_header=False,
                include_previous=False,
                no_location=True,
            )
    print(f"filled {filled}; unknown msgids: {len(unknown)}")
    for msgid in unknown:
        print("  unknown:", msgid[:70].replace("\n", " "))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
