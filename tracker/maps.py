"""Where the claims of a filtered list are: one map feature per place, with its claim count.

Claims with a place are counted at that place (its own coordinates, else those of the place it
lies within, else its country's centre: ``tracker.geo``); claims without one at their country's
centre. Only places of published claims in the filtered set become features, so no other
place's coordinates are ever given out. The features of a query string are computed in three
bounded queries (counts by place, the places, the listed claims) and cached per public-data
version, like the facets.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.http import QueryDict
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from tracker import geo
from tracker.exports import page_link
from tracker.facets import canonical_query
from tracker.models import Location
from tracker.public_cache import get_or_compute, public_version

# Claims listed by id in each GeoJSON feature (the most recent first); the feature's count and
# its link to the filtered list cover the rest.
CLAIMS_PER_FEATURE = 50


@dataclass
class MapFeature:
    """One marker: a place (``slug``) or, for claims with no place, a country."""

    key: str  # "place:<slug>" or "country:<code>"
    name: str
    country: str
    latitude: float
    longitude: float
    precision: str  # geo.Precision
    count: int
    slug: str = ""
    kind: str = ""  # the place's kind (country, region, city, facility); "" for a country
    location_id: int | None = None
    claim_ids: list[int] = field(default_factory=list)

    @property
    def is_place(self) -> bool:
        return bool(self.slug)

    def list_query(self, params: QueryDict) -> str:
        """The list's query string narrowed to this place (or country), other filters kept."""
        query = params.copy()
        for name in ("page", "place", "within"):
            query.pop(name, None)
        if self.is_place:
            query.setlist("place", [self.slug])
        else:
            query.setlist("country", [self.country])
        return query.urlencode()


def counts_by_place(queryset) -> list[dict]:
    """The filtered claims counted by place, and by country for those without one."""
    return list(
        queryset.order_by()
        .values("location_id", "country")
        .annotate(n=Count("pk"))
        .order_by("location_id", "country")
    )


def compute_features(queryset) -> list[MapFeature]:
    """The map's features for a filtered claim queryset, in a fixed number of queries."""
    rows = counts_by_place(queryset)
    located = {row["location_id"] for row in rows if row["location_id"] is not None}
    places = {}
    if located:
        places = {
            row["id"]: row
            for row in Location.objects.values(
                "id", "parent_id", "latitude", "longitude", "country", "slug", "name", "kind"
            )
        }
    features: dict[str, MapFeature] = {}
    for row in rows:
        location_id, code = row["location_id"], str(row["country"] or "")
        if location_id is not None and location_id in places:
            place = places[location_id]
            key = f"place:{place['slug']}"
            if key in features:
                features[key].count += row["n"]
                continue
            point = geo.resolve(location_id, places)
            if point is None:
                continue
            features[key] = MapFeature(
                key=key,
                name=place["name"],
                country=str(place["country"]),
                latitude=point.latitude,
                longitude=point.longitude,
                precision=point.precision,
                count=row["n"],
                slug=place["slug"],
                kind=place["kind"],
                location_id=location_id,
            )
            continue
        key = f"country:{code}"
        if key in features:
            features[key].count += row["n"]
            continue
        point = geo.country_centre(code)
        if point is None:
            continue
        features[key] = MapFeature(
            key=key,
            name=str(countries.name(code) or code),
            country=code,
            latitude=point.latitude,
            longitude=point.longitude,
            precision=point.precision,
            count=row["n"],
        )
    return sorted(features.values(), key=lambda feature: (-feature.count, feature.name))


def attach_claim_ids(queryset, features: list[MapFeature]) -> None:
    """List up to ``CLAIMS_PER_FEATURE`` claim ids in each feature, most recent first: one query."""
    if not features:
        return
    order = [F("event_start").desc(nulls_last=True), F("pk").desc()]
    ranked = (
        queryset.order_by()
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("location_id"), F("country")], order_by=order)
        )
        .filter(rank__lte=CLAIMS_PER_FEATURE)
        .values_list("pk", "location_id", "country")
        .order_by("location_id", "country", "rank")
    )
    by_place = {feature.location_id: feature for feature in features if feature.is_place}
    by_country = {feature.country: feature for feature in features if not feature.is_place}
    for pk, location_id, code in ranked:
        feature = by_place.get(location_id) if location_id is not None else None
        if feature is None and location_id is None:
            feature = by_country.get(str(code))
        if feature is not None and len(feature.claim_ids) < CLAIMS_PER_FEATURE:
            feature.claim_ids.append(pk)


def cached_features(
    filterset, params: QueryDict, *, with_ids: bool = False, version: int | None = None
) -> list[MapFeature]:
    """The features of a filtered claim list, cached per public-data version and query.

    ``version``: the public-data version the caller has already read, if any.
    """
    if version is None:
        version = public_version(filterset.queryset.db)

    def compute() -> list[MapFeature]:
        queryset = filterset.qs
        features = compute_features(queryset)
        if with_ids:
            attach_claim_ids(queryset, features)
        return features

    # Names of places and countries are in the language of the request.
    parts = (
        "claims",
        get_language() or "",
        canonical_query(params, "page", "sort"),
        "ids" if with_ids else "",
    )
    return get_or_compute("map", version, parts, compute)


PRECISION_TEXT = {
    geo.Precision.PLACE: _("at the place"),
    geo.Precision.WITHIN: _("where the place it lies within is"),
    geo.Precision.COUNTRY: _("at the country's centre"),
}


def marker_data(features: list[MapFeature], params: QueryDict) -> list[dict]:
    """What the map script draws (a ``json_script`` block): each marker and its popup's words."""
    claim_list = reverse("public:claim_list")
    markers = []
    for feature in features:
        markers.append(
            {
                "id": feature.key,
                "name": feature.name,
                "country_name": str(countries.name(feature.country) or feature.country),
                "lat": feature.latitude,
                "lng": feature.longitude,
                "count": feature.count,
                "count_text": ngettext("%(count)s claim", "%(count)s claims", feature.count)
                % {"count": feature.count},
                "located_by": str(PRECISION_TEXT[feature.precision]),
                "list_url": f"{claim_list}?{feature.list_query(params)}",
                "page_url": (
                    reverse("public:location_detail", kwargs={"slug": feature.slug})
                    if feature.is_place
                    else ""
                ),
            }
        )
    return markers


def as_geojson(features: list[MapFeature], params: QueryDict, request) -> dict:
    """An RFC 7946 FeatureCollection of the features, with absolute links."""
    with translation.override(settings.LANGUAGE_CODE):
        claim_page = page_link("public:claim_detail", "pk")
        place_page = page_link("public:location_detail", "slug")
        claim_list = reverse("public:claim_list")
    # Paths joined to the site's address once, not resolved link by link (thousands of claims).
    site = request.build_absolute_uri("/").rstrip("/")
    collection = []
    for feature in features:
        properties = {
            "name": feature.name,
            # A place's kind (country, region, city, facility); null for the claims of a
            # country that give no place.
            "place_kind": feature.kind or None,
            "country": feature.country,
            "claim_count": feature.count,
            "located_by": feature.precision,
            "claims_url": f"{site}{claim_list}?{feature.list_query(params)}",
            "claims": [{"id": pk, "url": f"{site}{claim_page(pk)}"} for pk in feature.claim_ids],
        }
        if feature.is_place:
            properties["slug"] = feature.slug
            properties["url"] = f"{site}{place_page(feature.slug)}"
        collection.append(
            {
                "type": "Feature",
                "id": feature.key,
                # RFC 7946: longitude first, WGS 84.
                "geometry": {
                    "type": "Point",
                    "coordinates": [feature.longitude, feature.latitude],
                },
                "properties": properties,
            }
        )
    return {"type": "FeatureCollection", "features": collection}


def map_settings() -> dict:
    """Where the map's basemap comes from: a tile server when one is set, else the outlines."""
    return {
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }


def claim_views_context(params: QueryDict) -> dict:
    """The list and map views of the same filtered claims, and the GeoJSON of them."""
    query = params.copy()
    query.pop("page", None)
    suffix = f"?{query.urlencode()}" if query else ""
    return {
        "list_view_url": reverse("public:claim_list") + suffix,
        "map_view_url": reverse("public:claim_map") + suffix,
        "geojson_url": reverse("opendata:claims_geojson") + suffix,
    }


def place_map_context(location: Location, claim_count: int) -> dict:
    """A place page's small map: one marker where the place is (or falls back to)."""
    point = geo.place_point(location)
    if point is None:
        return {}
    marker = {
        "id": f"place:{location.slug}",
        "name": location.name,
        "lat": point.latitude,
        "lng": point.longitude,
        "count": claim_count,
        "count_text": ngettext("%(count)s claim", "%(count)s claims", claim_count)
        % {"count": claim_count},
        "located_by": str(PRECISION_TEXT[point.precision]),
        "list_url": "",
        "page_url": "",
    }
    return {"map_markers": [marker], "map_settings": map_settings()}
