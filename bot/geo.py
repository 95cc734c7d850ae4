"""Which unit a shared location lies in, from the units' boundaries (content/boundaries.geojson).

shapely and the 4.6 MB of polygons are loaded on the first lookup only, never at start-up;
callers in the event loop use `unit_at_async`, which loads and searches in a worker thread.
"""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

from bot.content import CONTENT_DIR

BOUNDARIES = CONTENT_DIR / "boundaries.geojson"
# A point this close to a unit (about 50 m) counts as in it: boundaries are rounded to ~1 m
# and a phone's fix is rarely better than a few metres, so a shared pin on the edge of the
# city or on a river between two units is still placed.
NEAR_DEGREES = 0.0005

_lock = threading.Lock()
_index: tuple[Any, list[str], list[Any]] | None = None


def _load() -> tuple[Any, list[str], list[Any]]:
    global _index
    with _lock:
        if _index is None:
            from shapely import STRtree
            from shapely.geometry import shape
            from shapely.validation import make_valid

            data = json.loads(BOUNDARIES.read_text(encoding="utf-8"))
            codes, shapes = [], []
            for feature in data["features"]:
                geometry = shape(feature["geometry"])
                if not geometry.is_valid:  # a few polygons self-intersect as drawn
                    geometry = make_valid(geometry)
                codes.append(feature["properties"]["code"])
                shapes.append(geometry)
            _index = (STRtree(shapes), codes, shapes)
        return _index


def unit_at(latitude: float, longitude: float) -> str | None:
    """The official code of the unit containing the point, or None outside the city."""
    from shapely.geometry import Point

    tree, codes, shapes = _load()
    point = Point(longitude, latitude)
    inside = [int(i) for i in tree.query(point, predicate="covered_by")]
    if inside:
        return codes[min(inside)]
    near = tree.query_nearest(point, max_distance=NEAR_DEGREES)
    return codes[int(near[0])] if len(near) else None


async def unit_at_async(latitude: float, longitude: float) -> str | None:
    return await asyncio.to_thread(unit_at, latitude, longitude)
