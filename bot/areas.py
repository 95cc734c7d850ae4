"""Today's map (since 1 July 2025): wards and communes, the programme's area, and old names.

- `content/units.json`: the city's 168 units with their official codes (generated).
- `content/old_units.json`: every old unit (2021 and the 1 January 2025 merges) as an alias
  with its validity and its successors; a split unit has two or three (generated).
- `content/programme.json`: which units the programme serves, in its own groups ("Khu vực
  Quận 8 cũ"). A group is never an administrative unit: it only gathers units for
  statistics, audiences and staff teams.

Stored data uses the official unit code (`ward` columns) and, beside it, the code of the
unit's programme group (`district` columns, empty outside the programme's area). A case keeps
the place as reported (`reported_place`, which may be an old unit's id) beside its unit.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache

from bot.content import localized, read_json
from bot.text import END_PARTICLES, fold

# A staff scope token meaning every unit of the programme.
WHOLE_PROGRAMME = "all"


@dataclass(frozen=True)
class Unit:
    code: str
    names: dict[str, str]
    kind: str  # phường, xã, đặc khu
    group: str | None  # the programme group's code; None outside the programme's area

    def name(self, language: str) -> str:
        return localized(self.names, language)

    @property
    def in_programme(self) -> bool:
        return self.group is not None


@dataclass(frozen=True)
class OldUnit:
    id: str
    names: dict[str, str]
    district: dict[str, str] | None
    valid_to: dt.date
    successors: tuple[str, ...]
    programme: bool

    def name(self, language: str) -> str:
        """'Phường 5, Quận 8' — as it was called."""
        own = localized(self.names, language)
        return f"{own}, {localized(self.district, language)}" if self.district else own

    @property
    def split(self) -> bool:
        return len(self.successors) > 1


@dataclass(frozen=True)
class Group:
    code: str
    names: dict[str, str]
    units: tuple[str, ...]

    def name(self, language: str) -> str:
        return localized(self.names, language)


@dataclass(frozen=True)
class Match:
    """What a typed place name leads to: one unit, or the candidates of a split old unit
    (or of a whole old district)."""

    units: tuple[str, ...]
    old: OldUnit | None = None
    # Found in a part of the answer only ('… hẻm 5' dropped): shown back to the person.
    loose: bool = False

    @property
    def unit(self) -> str | None:
        return self.units[0] if len(self.units) == 1 else None


@dataclass(frozen=True)
class _Entry:
    kind: str | None
    district: str | None
    tier: int  # 0 today's units, 1 the programme's old units, 2 old units elsewhere
    units: tuple[str, ...]
    old: OldUnit | None = None


_KIND = {
    "phuong": "phuong",
    "p": "phuong",
    "xa": "xa",
    "x": "xa",
    "thi tran": "thi tran",
    "tt": "thi tran",
    "dac khu": "dac khu",
    "ward": "phuong",
    "commune": "xa",
    "town": "thi tran",
}
_KIND_WORDS = re.compile(r"^(?:(phuong|xa|thi tran|dac khu|tt|p|x|ward|commune|town)\s+)")
_DISTRICT_WORDS = re.compile(r"\b(?:quan|huyen|thanh pho|thi xa|tp|district|q|h)\s+")
_FILLER = re.compile(
    r"\b(?:tp ?hcm|tphcm|ho chi minh|sai gon|thanh pho ho chi minh|cu|o|tai|"
    r"khu vuc|dia ban|old|former)\b"
)
_UNIT_KIND_VI = {"phường": "phuong", "xã": "xa", "đặc khu": "dac khu", "thị trấn": "thi tran"}


def _words(text: str) -> str:
    """Folded, punctuation as spaces, letters and digits apart: 'P.16' → 'p 16', 'q8' → 'q 8'."""
    key = re.sub(r"[^\w\s]", " ", fold(text or "")).replace("_", " ")
    key = re.sub(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", " ", key)
    key = re.sub(r"\b0+(\d)", r"\1", key)
    return " ".join(key.split())


def _split_kind(words: str) -> tuple[str | None, str]:
    match = _KIND_WORDS.match(words + " ")
    if match:
        return _KIND[match.group(1)], words[match.end() :].strip()
    return None, words


def _name_key(name: str) -> tuple[str | None, str]:
    """'Xã Vĩnh Lộc A' → ('xa', 'vinh loc a'); 'Rạch Ông' → (None, 'rach ong')."""
    return _split_kind(_words(name))


def _district_key(name: str) -> str:
    """'Quận 8' → '8', 'Huyện Bình Chánh' → 'binh chanh', 'thành phố Thủ Đức' → 'thu duc'."""
    return _DISTRICT_WORDS.sub("", _words(name) + " ", count=1).strip()


def _parse(text: str) -> tuple[str | None, str, str | None]:
    """(kind, name, district) of a place as people type it: 'p4 q8' → ('phuong', '4', '8')."""
    words = _FILLER.sub(" ", _words(text))
    words = " ".join(words.split())
    district = None
    match = _DISTRICT_WORDS.search(words + " ")
    if match:
        before, after = words[: match.start()].strip(), words[match.end() :].strip()
        # 'quan 8 phuong 4': the district runs until the unit's own kind word.
        unit_at = re.search(r"\b(?:phuong|xa|thi tran|tt|p|x)\s+", after)
        if not before and unit_at:
            district, before = after[: unit_at.start()].strip(), after[unit_at.start() :]
        elif not before and re.match(r"^\d+\s+\S", after):
            number, _, rest = after.partition(" ")
            district, before = number, rest
        else:
            district = after
        words = before.strip()
    kind, name = _split_kind(words)
    return kind, name, district or None


# Where the place's name ends in an answer: the street and house details that follow.
# Where the street and house details begin in a part of an answer ('… hẻm 5', '… đường
# số 7', '… gần chợ', '… ấp 3', '… tổ 5', '… khu phố 3'): the ward's name is before them.
_STREET_WORDS = frozenset({"hem", "duong", "ngo", "gan", "canh", "so"})
_NUMBERED_PARTS = frozenset({"ap", "to", "kp", "khu"})  # before a number (or 'khu phố')
_UNIT_KINDS = frozenset({"phuong", "xa", "p", "x", "thi", "tt"})
_DISTRICT_KINDS = frozenset({"quan", "huyen", "q", "h", "tp", "thanh"})
# Between the parts of an answer: commas, semicolons, new lines, and a full stop unless it
# is in an abbreviation ('P.7', 'Q.8', '12/3').
_PART_BREAK = re.compile(r"[,;\n]|\.(?!\s*\d)")


def _is_address(words: list[str]) -> bool:
    """A part that starts as a street address: '45 Vĩnh Lộc', 'số 12 …', 'nhà số 12 …',
    'đường Tân Thới Hiệp', 'hẻm 5' — its names are streets, never the ward."""
    first = words[0]
    return (
        first.isdigit()
        or first in {"hem", "duong", "ngo"}
        or (first == "so" and len(words) > 1 and words[1].isdigit())
        or words[:2] in (["nha", "so"], ["so", "nha"])
    )


def _detail_at(words: list[str]) -> int:
    """Where the street details begin in a part (its length when there are none)."""
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        if index and word in _STREET_WORDS:
            return index
        if index and word in _NUMBERED_PARTS and (following.isdigit() or following == "pho"):
            return index
    return len(words)


def _looser_forms(text: str) -> list[str]:
    """Shorter readings of a typed answer, most likely first. The answer's parts that name a
    phường/xã come first, read from that word; a part that starts as an address is never
    read as a ward; a part is read up to its street details ('Vĩnh Lộc A ấp 3'), or whole
    when the only such word ends it (a name: 'Bình Dương'). Then without the polite particles at the
    end, then its last words (two words or more that start with neither a number nor
    'quận')."""
    folded = re.sub(r"[^\w\s,;./]", " ", fold(text or ""))
    parts = [_words(part).split() for part in _PART_BREAK.split(folded)]
    parts = [words for words in parts if words]
    parts.sort(key=lambda words: not (_UNIT_KINDS & set(words)))  # stable: 'phường …' first
    forms: list[str] = []
    for words in parts:
        kinds = [i for i, word in enumerate(words) if word in _UNIT_KINDS and i + 1 < len(words)]
        if kinds:  # 'ấp 3 xã Vĩnh Lộc A', 'bé ở phường Chánh Hưng nha': from the kind word
            words = words[kinds[0] :]
        elif _is_address(words):
            continue
        cut = _detail_at(words)
        bare = list(words)
        while bare and bare[-1] in END_PARTICLES:
            bare.pop()
        readings = [words[:cut]]
        if cut == len(bare) - 1:  # a detail word last is part of a name ('Bình Dương')
            readings.append(words)
        for reading in readings:
            trimmed = [list(reading)]
            while trimmed[-1] and trimmed[-1][-1] in END_PARTICLES:  # one particle at a time:
                trimmed.append(trimmed[-1][:-1])  # 'vinh loc a a' is Vĩnh Lộc A
            forms.extend(" ".join(kept) for kept in trimmed)
            for kept in trimmed:
                for start in range(1, len(kept)):
                    tail = kept[start:]
                    first = tail[0]
                    if len(tail) >= 2 and not first.isdigit() and first not in _DISTRICT_KINDS:
                        forms.append(" ".join(tail))
    return [form for form in dict.fromkeys(forms) if form]


class Areas:
    def __init__(
        self,
        units: list[Unit],
        old_units: list[OldUnit],
        groups: list[Group],
        programme_names: dict[str, str],
        case_prefix: str,
    ) -> None:
        self._units = {unit.code: unit for unit in units}
        self._old = {old.id: old for old in old_units}
        self._groups = {group.code: group for group in groups}
        self.programme_names = programme_names
        self.case_prefix = case_prefix

    @cached_property
    def _index(self) -> dict[str, list[_Entry]]:
        """Every name as people type it → its places; built when a place is first typed, not
        at start (~500 names folded and parsed: ~15 ms)."""
        index: dict[str, list[_Entry]] = {}
        for unit in self._units.values():
            kind, key = _name_key(unit.names["vi"])
            index.setdefault(key, []).append(_Entry(kind, None, 0, (unit.code,)))
        for old in self._old.values():
            kind, key = _name_key(old.names["vi"])
            district = _district_key(old.district["vi"]) if old.district else None
            entry = _Entry(kind, district, 1 if old.programme else 2, old.successors, old)
            index.setdefault(key, []).append(entry)
            if key == "quy duc":  # the official list writes "Qui Đức"
                index.setdefault("qui duc", []).append(entry)
        return index

    @classmethod
    def load(cls) -> Areas:
        """The shipped map (read once per process: it is plain data)."""
        return _shipped()

    @classmethod
    def from_data(cls, units: dict, old_units: dict, programme: dict) -> Areas:
        groups = [Group(g["code"], g["name"], tuple(g["units"])) for g in programme["groups"]]
        group_of = {code: group.code for group in groups for code in group.units}
        known = {entry["code"] for entry in units["units"]}
        missing = set(group_of) - known
        if missing:
            raise ValueError(f"programme units not on the map: {sorted(missing)}")
        return cls(
            [
                Unit(e["code"], e["name"], e["kind"], group_of.get(e["code"]))
                for e in units["units"]
            ],
            [
                OldUnit(
                    e["id"],
                    e["name"],
                    e.get("district"),
                    dt.date.fromisoformat(e["valid_to"]),
                    tuple(e["successors"]),
                    bool(e.get("programme")),
                )
                for e in old_units["old_units"]
            ],
            groups,
            programme["name"],
            programme["case_prefix"],
        )

    # -- the programme's area ---------------------------------------------------------------
    def programme_name(self, language: str) -> str:
        return localized(self.programme_names, language)

    def groups(self) -> list[Group]:
        """The programme's groups, in file order."""
        return list(self._groups.values())

    def group(self, code: str | None) -> Group | None:
        return self._groups.get(code) if code else None

    def group_name(self, code: str | None, language: str) -> str:
        group = self.group(code)
        return group.name(language) if group else "—"

    def group_of(self, unit_code: str | None) -> str | None:
        unit = self.unit(unit_code)
        return unit.group if unit else None

    def units_in(self, group_code: str | None) -> list[Unit]:
        group = self.group(group_code)
        return [self._units[code] for code in group.units] if group else []

    def programme_units(self) -> list[Unit]:
        """The programme's units, group by group."""
        return [unit for group in self.groups() for unit in self.units_in(group.code)]

    def in_programme(self, unit_code: str | None) -> bool:
        unit = self.unit(unit_code)
        return unit is not None and unit.in_programme

    # -- units and old names ----------------------------------------------------------------
    def unit(self, code: str | None) -> Unit | None:
        return self._units.get(code) if code else None

    def unit_name(self, code: str | None, language: str) -> str:
        unit = self.unit(code)
        return unit.name(language) if unit else "—"

    def old_unit(self, old_id: str | None) -> OldUnit | None:
        return self._old.get(old_id) if old_id else None

    def place(self, code: str | None, language: str) -> str:
        """A stored place for display: today's unit, or an old unit as it was called."""
        unit = self.unit(code)
        if unit is not None:
            return unit.name(language)
        old = self.old_unit(code)
        return old.name(language) if old else "—"

    def find(self, text: str) -> Match | None:
        """The unit(s) a typed name means: today's names and old ones, accent-insensitive,
        with the usual abbreviations ('p4 q8', 'P.16', 'xa vinh loc a', 'tan tuc'), also
        inside a short answer as people write it ('o binh hung a, hem 5 duong so 7')."""
        match = self._find_name(text)
        if match is not None:
            return match
        for looser in _looser_forms(text):
            match = self._find_name(looser)
            if match is not None:
                return dataclasses.replace(match, loose=True)
        return None

    def _find_name(self, text: str) -> Match | None:
        kind, name, district = _parse(text)
        if not name:
            units = self._old_district(district) if district else ()
            return Match(self._programme_first(units)) if units else None
        entries = self._index.get(name, [])
        if district is not None:
            qualified = [e for e in entries if e.district == district]
            entries = (
                qualified
                or [e for e in entries if e.tier == 0]
                or ([] if any(e.district for e in entries) else entries)
            )
        if kind is not None:
            entries = [e for e in entries if e.kind in (kind, None)] or entries
        if not entries:
            return None
        best = min(entry.tier for entry in entries)
        chosen = [entry for entry in entries if entry.tier == best]
        units = _ordered(code for entry in chosen for code in entry.units)
        olds = {entry.old.id: entry.old for entry in chosen if entry.old is not None}
        old = next(iter(olds.values())) if len(olds) == 1 else None
        return Match(self._programme_first(units), old=old)

    def _old_district(self, district: str) -> tuple[str, ...]:
        """'quận 8', 'huyện Bình Chánh' alone: every unit the old district's units went to."""
        olds = [
            old
            for old in self._old.values()
            if old.district and _district_key(old.district["vi"]) == district
        ]
        best = min((0 if old.programme else 1 for old in olds), default=None)
        return _ordered(
            code for old in olds if (0 if old.programme else 1) == best for code in old.successors
        )

    def _programme_first(self, codes: tuple[str, ...]) -> tuple[str, ...]:
        inside = [code for code in codes if self.in_programme(code)]
        return tuple(inside + [code for code in codes if code not in inside])

    def successors(self, code: str | None) -> tuple[str, ...]:
        """Today's unit(s) of a stored place: itself if it is a unit, an old unit's
        successors, or nothing."""
        if self.unit(code) is not None:
            return (code,)  # type: ignore[return-value]
        old = self.old_unit(code)
        return old.successors if old else ()

    def split_places_into(self, units: Iterable[str]) -> frozenset[str]:
        """Ids of split old units with a successor among `units` (their old cases may lie there)."""
        wanted = set(units)
        return frozenset(
            old.id
            for old in self._old.values()
            if old.split and wanted.intersection(old.successors)
        )

    def record_units(self, ward: str | None, reported_place: str | None) -> tuple[str, ...]:
        """The units a record may belong to: its unit, and the other candidates when it was
        reported in an old unit that was split."""
        candidates = self.successors(reported_place) if self.old_unit(reported_place) else ()
        return _ordered([*([ward] if ward else []), *candidates])

    # -- staff scopes -----------------------------------------------------------------------
    def scope_units(self, tokens: str | Iterable[str] | None) -> frozenset[str]:
        """The units a scope covers: unit codes, group codes, or `all` (the programme)."""
        if tokens is None:
            return frozenset()
        items = tokens.split() if isinstance(tokens, str) else list(tokens)
        found: set[str] = set()
        for token in items:
            if token == WHOLE_PROGRAMME:
                found.update(unit.code for unit in self.programme_units())
            elif token in self._groups:
                found.update(self._groups[token].units)
            elif token in self._units:
                found.add(token)
        return frozenset(found)

    def parse_scope(self, text: str) -> str | None:
        """Typed scope tokens, checked and in a stable order; None when one is unknown."""
        tokens = []
        for token in text.replace(",", " ").split():
            token = token.strip()
            candidate = token.lower() if token.lower() == WHOLE_PROGRAMME else token.upper()
            if (
                candidate != WHOLE_PROGRAMME
                and candidate not in self._groups
                and candidate not in self._units
            ):
                return None
            if candidate not in tokens:
                tokens.append(candidate)
        return " ".join(tokens) or None

    def scope_label(self, tokens: str | None, language: str) -> str:
        items = (tokens or "").split()
        labels = []
        for token in items:
            if token == WHOLE_PROGRAMME:
                labels.append(self.programme_name(language))
            elif token in self._groups:
                labels.append(self._groups[token].name(language))
            else:
                labels.append(self.unit_name(token, language))
        return ", ".join(labels) or "—"


def _ordered(codes: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for code in codes:
        seen.setdefault(code, None)
    return tuple(seen)


@lru_cache(maxsize=1)
def _shipped() -> Areas:
    return Areas.from_data(
        read_json("units.json"), read_json("old_units.json"), read_json("programme.json")
    )
