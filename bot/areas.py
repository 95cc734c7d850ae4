"""Districts and wards/communes, from `content/areas.json`.

Codes are stable identifiers stored with users and cases; names are for display only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from bot.content import load_json, localized


@dataclass(frozen=True)
class Ward:
    code: str
    district: str
    names: dict[str, str]
    valid_to: dt.date | None = None

    def name(self, language: str) -> str:
        return localized(self.names, language)


@dataclass(frozen=True)
class District:
    code: str
    names: dict[str, str]
    case_prefix: str
    wards: tuple[Ward, ...]
    valid_to: dt.date | None = None

    def name(self, language: str) -> str:
        return localized(self.names, language)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


class Areas:
    def __init__(self, districts: list[District]) -> None:
        self._districts = {district.code: district for district in districts}
        self._wards = {ward.code: ward for district in districts for ward in district.wards}

    @classmethod
    def load(cls, path: Path | None = None) -> Areas:
        data = load_json("areas.json") if path is None else load_json(path.name, path.parent)
        districts = []
        for entry in data["districts"]:
            wards = tuple(
                Ward(w["code"], entry["code"], w["name"], _date(w.get("valid_to")))
                for w in entry["wards"]
            )
            districts.append(
                District(entry["code"], entry["name"], entry.get("case_prefix", entry["code"]),
                         wards, _date(entry.get("valid_to")))
            )
        return cls(districts)

    def districts(self, on: dt.date | None = None) -> list[District]:
        """Districts in use on a day (all current ones by default), in file order."""
        return [d for d in self._districts.values() if on is None and d.valid_to is None
                or on is not None and (d.valid_to is None or on < d.valid_to)]

    def wards(self, district_code: str, on: dt.date | None = None) -> list[Ward]:
        district = self._districts.get(district_code)
        if district is None:
            return []
        return [w for w in district.wards if on is None and w.valid_to is None
                or on is not None and (w.valid_to is None or on < w.valid_to)]

    def district(self, code: str | None) -> District | None:
        return self._districts.get(code) if code else None

    def ward(self, code: str | None) -> Ward | None:
        return self._wards.get(code) if code else None

    def district_name(self, code: str | None, language: str) -> str:
        district = self.district(code)
        return district.name(language) if district else "—"

    def ward_name(self, code: str | None, language: str) -> str:
        ward = self.ward(code)
        return ward.name(language) if ward else "—"

    def place(self, ward_code: str | None, language: str) -> str:
        """'Phường 5, Quận 8' — a ward with its district."""
        ward = self.ward(ward_code)
        if ward is None:
            return "—"
        return f"{ward.name(language)}, {self.district_name(ward.district, language)}"

