"""Timestamps are stored as ISO-8601 UTC text ('2021-06-01T01:30:00Z'): sortable and readable."""

from __future__ import annotations

import datetime as dt
from typing import overload


def to_db(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous; pass an aware one")
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@overload
def from_db(text: str) -> dt.datetime: ...
@overload
def from_db(text: None) -> None: ...
@overload
def from_db(text: str | None) -> dt.datetime | None: ...


def from_db(text: str | None) -> dt.datetime | None:
    """A stored timestamp (None stays None: a nullable column)."""
    if not text:
        return None
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
