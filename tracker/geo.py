"""Where a place is on a map: its own coordinates, else those of the place it lies within,
else its country's centre.

Country centres come from a small vendored table (``static/vendor/world-countries``). Points are
resolved in memory from one query over the places' coordinates and parents, so a map costs the
same number of queries whatever its size.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from django.conf import settings

from tracker.models import Location

CENTRES_FILE = settings.BASE_DIR / "static" / "vendor" / "world-countries" / "centres.json"
# Parents followed at most, so that a cycle entered by hand cannot loop.
MAX_DEPTH = 10


class Precision:
    """How a point was found: said on the map and in the GeoJSON."""

    PLACE = "place"  # the place's own coordinates
    WITHIN = "within"  # those of a place it lies within
    COUNTRY = "country"  # its country's centre


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float
    precision: str


@cache
def country_centres() -> dict[str, tuple[float, float]]:
    with open(CENTRES_FILE, encoding="utf-8") as handle:
        return {code: (lat, lng) for code, (lat, lng) in json.load(handle).items()}


def country_centre(code: str) -> Point | None:
    centre = country_centres().get(str(code or "").upper())
    return Point(centre[0], centre[1], Precision.COUNTRY) if centre else None


def resolve(place_id: int, rows: dict[int, dict]) -> Point | None:
    """The point of ``place_id`` among ``rows`` (id → coordinates, parent and country)."""
    row = rows.get(place_id)
    if row is None:
        return None
    country = row["country"]
    precision = Precision.PLACE
    for _depth in range(MAX_DEPTH):
        if row["latitude"] is not None and row["longitude"] is not None:
            return Point(float(row["latitude"]), float(row["longitude"]), precision)
        row = rows.get(row["parent_id"])
        if row is None:
            break
        precision = Precision.WITHIN
    return country_centre(country)


def place_points(place_ids) -> dict[int, Point]:
    """The map point of each of ``place_ids``: one query, over every place's coordinates.

    Places are a small, admin-managed vocabulary; reading them all is cheaper than walking
    parents one query per level. Only the points of ``place_ids`` are returned: a caller gives
    the ids of public places, and a parent's coordinates appear only as its child's point.
    """
    place_ids = set(place_ids)
    if not place_ids:
        return {}
    rows = {
        row["id"]: row
        for row in Location.objects.values("id", "parent_id", "latitude", "longitude", "country")
    }
    points = {}
    for place_id in place_ids:
        point = resolve(place_id, rows)
        if point is not None:
            points[place_id] = point
    return points


def place_point(location: Location) -> Point | None:
    """The map point of one place (its page's small map).

    Parents already fetched with it (``select_related``) are read without a query; the rest of
    the chain, if any is needed, in one query.
    """
    parent_field = Location._meta.get_field("parent")
    place, precision = location, Precision.PLACE
    for _depth in range(MAX_DEPTH):
        if place.coordinates is not None:
            return Point(*place.coordinates, precision)
        if place.parent_id is None:
            return country_centre(location.country)
        if not parent_field.is_cached(place):
            return place_points([location.pk]).get(location.pk)
        place, precision = place.parent, Precision.WITHIN
    return country_centre(location.country)
