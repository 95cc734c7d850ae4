"""Build the map files in `content/` from the shared data set of Ho Chi Minh City's units.

    python scripts/build_units.py [SOURCE_DIR]

SOURCE_DIR (default ../shared/data/hcmc-2025 beside the repository) holds `units.json` and
`boundaries.geojson` (see its README). Writes:

- content/units.json       the 168 wards/communes of today (code, names, kind, formed_from)
- content/old_units.json   old names (before 1 July 2025) as aliases with their successors
- content/boundaries.geojson  one polygon per unit, for finding the unit of a shared location

The programme's own old area (Quận 8 and huyện Bình Chánh as in 2021, with the 1 January 2025
merges) is written out by hand below from the data set's README table, and every successor
is checked against the data set's `formed_from`, so a newer data set that disagrees fails
loudly instead of routing children's cases to the wrong ward. Elsewhere in the city the
source's own names are aliases, except bare "Phường 4"-style numbers, which cannot be told
apart without their district.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"

# New units of the programme's area (official codes).
CHANH_HUNG, PHU_DINH, BINH_DONG = "27418", "27427", "27424"
BINH_HUNG, TAN_NHUT, VINH_LOC, TAN_VINH_LOC = "27619", "27595", "27601", "27604"
BINH_LOI, BINH_CHANH, HUNG_LONG = "27610", "27637", "27628"
BINH_PHU, TAN_TAO = "27364", "27457"  # outside the ten: pieces of Phường 16 and Tân Kiên

Q8 = {"vi": "Quận 8", "en": "District 8"}
BC = {"vi": "Huyện Bình Chánh", "en": "Binh Chanh District"}
MERGED_2025 = "2025-01-01"  # Resolution 1278: Quận 8's P1+2+3, 8+9+10, 11+12+13
TWO_LEVEL = "2025-07-01"  # districts abolished

# id (the code stored before this map), vi name, en name, district, valid_to, successors,
# and the name the data set's formed_from uses for it (checked below).
PROGRAMME_OLD: list[tuple[str, str, str, dict, str, tuple[str, ...], str | None]] = [
    *[
        (f"Q8-P{n:02d}", f"Phường {n}", f"Ward {n}", Q8, MERGED_2025, (CHANH_HUNG,), None)
        for n in (1, 2, 3, 8, 9, 10)
    ],
    *[
        (f"Q8-P{n:02d}", f"Phường {n}", f"Ward {n}", Q8, MERGED_2025, (PHU_DINH,), None)
        for n in (11, 12, 13)
    ],
    ("Q8-RACHONG", "Phường Rạch Ông", "Rach Ong Ward", Q8, TWO_LEVEL, (CHANH_HUNG,), "Rạch Ông"),
    (
        "Q8-HUNGPHU",
        "Phường Hưng Phú",
        "Hung Phu Ward",
        Q8,
        TWO_LEVEL,
        (CHANH_HUNG,),
        "Phường Hưng Phú",
    ),
    ("Q8-XOMCUI", "Phường Xóm Củi", "Xom Cui Ward", Q8, TWO_LEVEL, (PHU_DINH,), "Phường Xóm Củi"),
    ("Q8-P04", "Phường 4", "Ward 4", Q8, TWO_LEVEL, (CHANH_HUNG,), "Phường 4 (Quận 8)"),
    ("Q8-P05", "Phường 5", "Ward 5", Q8, TWO_LEVEL, (CHANH_HUNG, BINH_DONG), "Phường 5 (Quận 8)"),
    ("Q8-P06", "Phường 6", "Ward 6", Q8, TWO_LEVEL, (BINH_DONG,), "Phường 6 (Quận 8)"),
    ("Q8-P07", "Phường 7", "Ward 7", Q8, TWO_LEVEL, (BINH_DONG, BINH_HUNG), "Phường 7 (Quận 8)"),
    ("Q8-P14", "Phường 14", "Ward 14", Q8, TWO_LEVEL, (PHU_DINH,), "Phường 14"),
    ("Q8-P15", "Phường 15", "Ward 15", Q8, TWO_LEVEL, (PHU_DINH,), "Phường 15 (Quận 8)"),
    (
        "Q8-P16",
        "Phường 16",
        "Ward 16",
        Q8,
        TWO_LEVEL,
        (PHU_DINH, TAN_NHUT, BINH_PHU),
        "Phường 16 (Quận 8)",
    ),
    (
        "BC-TANTUC",
        "Thị trấn Tân Túc",
        "Tan Tuc Town",
        BC,
        TWO_LEVEL,
        (TAN_NHUT,),
        "Thị trấn Tân Túc",
    ),
    (
        "BC-ANPHUTAY",
        "Xã An Phú Tây",
        "An Phu Tay Commune",
        BC,
        TWO_LEVEL,
        (BINH_DONG, BINH_CHANH),
        "Xã An Phú Tây",
    ),
    (
        "BC-BINHCHANH",
        "Xã Bình Chánh",
        "Binh Chanh Commune",
        BC,
        TWO_LEVEL,
        (BINH_CHANH,),
        "Xã Bình Chánh",
    ),
    (
        "BC-BINHHUNG",
        "Xã Bình Hưng",
        "Binh Hung Commune",
        BC,
        TWO_LEVEL,
        (BINH_HUNG,),
        "Xã Bình Hưng",
    ),
    ("BC-BINHLOI", "Xã Bình Lợi", "Binh Loi Commune", BC, TWO_LEVEL, (BINH_LOI,), "Xã Bình Lợi"),
    ("BC-DAPHUOC", "Xã Đa Phước", "Da Phuoc Commune", BC, TWO_LEVEL, (HUNG_LONG,), "Xã Đa Phước"),
    (
        "BC-HUNGLONG",
        "Xã Hưng Long",
        "Hung Long Commune",
        BC,
        TWO_LEVEL,
        (HUNG_LONG,),
        "Xã Hưng Long",
    ),
    (
        "BC-LEMINHXUAN",
        "Xã Lê Minh Xuân",
        "Le Minh Xuan Commune",
        BC,
        TWO_LEVEL,
        (BINH_LOI,),
        "Xã Lê Minh Xuân",
    ),
    (
        "BC-PHAMVANHAI",
        "Xã Phạm Văn Hai",
        "Pham Van Hai Commune",
        BC,
        TWO_LEVEL,
        (VINH_LOC, TAN_VINH_LOC),
        "Xã Phạm Văn Hai",
    ),
    (
        "BC-PHONGPHU",
        "Xã Phong Phú",
        "Phong Phu Commune",
        BC,
        TWO_LEVEL,
        (BINH_HUNG,),
        "Xã Phong Phú",
    ),
    # The data set spells it "Qui Đức"; people write both.
    ("BC-QUYDUC", "Xã Quy Đức", "Quy Duc Commune", BC, TWO_LEVEL, (HUNG_LONG,), "Xã Qui Đức"),
    (
        "BC-TANKIEN",
        "Xã Tân Kiên",
        "Tan Kien Commune",
        BC,
        TWO_LEVEL,
        (TAN_NHUT, TAN_TAO),
        "Xã Tân Kiên",
    ),
    ("BC-TANNHUT", "Xã Tân Nhựt", "Tan Nhut Commune", BC, TWO_LEVEL, (TAN_NHUT,), "Xã Tân Nhựt"),
    (
        "BC-TANQUYTAY",
        "Xã Tân Quý Tây",
        "Tan Quy Tay Commune",
        BC,
        TWO_LEVEL,
        (BINH_CHANH,),
        "Xã Tân Quý Tây",
    ),
    (
        "BC-VINHLOCA",
        "Xã Vĩnh Lộc A",
        "Vinh Loc A Commune",
        BC,
        TWO_LEVEL,
        (VINH_LOC,),
        "Xã Vĩnh Lộc A",
    ),
    (
        "BC-VINHLOCB",
        "Xã Vĩnh Lộc B",
        "Vinh Loc B Commune",
        BC,
        TWO_LEVEL,
        (TAN_VINH_LOC,),
        "Xã Vĩnh Lộc B",
    ),
]
# Before 2025 the merged wards of Quận 8 had these successors on 1 January 2025.
MERGED_INTO = {
    **{f"Q8-P{n:02d}": "Q8-RACHONG" for n in (1, 2, 3)},
    **{f"Q8-P{n:02d}": "Q8-HUNGPHU" for n in (8, 9, 10)},
    **{f"Q8-P{n:02d}": "Q8-XOMCUI" for n in (11, 12, 13)},
}

KIND_EN = {"phường": "Ward", "xã": "Commune", "đặc khu": "Special Zone", "thị trấn": "Town"}
KIND_PREFIX = re.compile(r"^(phường|xã|thị trấn|đặc khu|huyện)\s+", re.IGNORECASE)
BARE_NUMBER = re.compile(r"^Phường \d+$")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def ascii_name(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def english(name: str, kind: str) -> str:
    core = KIND_PREFIX.sub("", name)
    return f"{ascii_name(core)} {KIND_EN[kind]}"


def build(source: Path) -> None:
    data = json.loads((source / "units.json").read_text(encoding="utf-8"))
    meta = data["_meta"]
    units = []
    by_code = {}
    for entry in data["units"]:
        unit = {
            "code": entry["code"],
            "name": {
                "vi": nfc(entry["name"]),
                "en": english(nfc(entry["name"]), nfc(entry["kind"])),
            },
            "kind": nfc(entry["kind"]),
            # The source mixes composed and decomposed accents: store one form (NFC).
            "formed_from": [unicodedata.normalize("NFC", name) for name in entry["formed_from"]],
        }
        units.append(unit)
        by_code[unit["code"]] = unit
    if len(units) != meta["count"]:
        raise SystemExit(f"expected {meta['count']} units, found {len(units)}")

    old = []
    for code, vi, en, district, valid_to, successors, source_name in PROGRAMME_OLD:
        for successor in successors:
            if successor not in by_code:
                raise SystemExit(f"{code}: unknown successor {successor}")
            if source_name and source_name not in by_code[successor]["formed_from"]:
                raise SystemExit(
                    f"{code}: {by_code[successor]['name']['vi']} is not formed "
                    f"from {source_name!r} in the data set"
                )
        entry = {
            "id": code,
            "name": {"vi": vi, "en": en},
            "district": district,
            "valid_to": valid_to,
            "successors": list(successors),
            "programme": True,
        }
        if code in MERGED_INTO:
            entry["merged_into"] = MERGED_INTO[code]
        old.append(entry)

    # Elsewhere: the source's names, grouped by name (one old name → every unit it went to).
    programme_names = {source_name for *_, source_name in PROGRAMME_OLD if source_name}
    elsewhere: dict[str, list[str]] = {}
    for unit in units:
        for name in unit["formed_from"]:
            if name in programme_names or name == "giữ nguyên" or BARE_NUMBER.match(name):
                continue
            elsewhere.setdefault(name, [])
            if unit["code"] not in elsewhere[name]:
                elsewhere[name].append(unit["code"])
    for index, (name, unit_codes) in enumerate(sorted(elsewhere.items()), start=1):
        match = re.match(r"^(.*?)\s*\((.*)\)$", name)
        plain, old_district = (match.group(1), match.group(2)) if match else (name, None)
        entry = {
            "id": f"HCM-OLD-{index:03d}",
            "name": {"vi": plain, "en": ascii_name(plain)},
            "valid_to": TWO_LEVEL,
            "successors": unit_codes,
        }
        if old_district:
            entry["district"] = {
                "vi": old_district[:1].upper() + old_district[1:],
                "en": ascii_name(old_district[:1].upper() + old_district[1:]),
            }
        old.append(entry)

    header: dict[str, object] = {
        "source": meta["source"],
        "valid_from": meta["valid_from"],
        "generated_by": "scripts/build_units.py — do not edit by hand",
    }
    units_meta: dict[str, object] = dict(header, city=meta["city"])
    write(CONTENT / "units.json", {"_meta": units_meta, "units": units})
    write(CONTENT / "old_units.json", {"_meta": header, "old_units": old})

    geo = json.loads((source / "boundaries.geojson").read_text(encoding="utf-8"))
    codes = {feature["properties"]["code"] for feature in geo["features"]}
    if codes != set(by_code):
        raise SystemExit(f"boundaries do not cover the units: {sorted(set(by_code) ^ codes)}")
    features = [
        {
            "type": "Feature",
            "properties": {"code": f["properties"]["code"]},
            "geometry": f["geometry"],
        }
        for f in geo["features"]
    ]
    (CONTENT / "boundaries.geojson").write_text(
        json.dumps(
            {"type": "FeatureCollection", "features": features},
            ensure_ascii=False,
            separators=(",", ":"),
        ),
        encoding="utf-8",
    )


def write(path: Path, data: object) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=1)
    # One unit or alias per line keeps diffs of a newer data set readable.
    path.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        build(Path(sys.argv[1]))
    else:  # shared/ beside the repository (or beside its worktree folder)
        candidates = [up / "shared" / "data" / "hcmc-2025" for up in ROOT.parents[:2]]
        build(next((path for path in candidates if path.is_dir()), candidates[0]))
