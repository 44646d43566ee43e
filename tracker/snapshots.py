"""Snapshots of what the public saw: taken from the API serializers, rebuilt for the pages.

A snapshot is the entry's public shape as ``ClaimSerializer`` or ``StatisticSerializer`` give it
to the API, so a private field (victims' identities, private notes, a confidential source's
details) can never enter one. A version page rebuilds unsaved model instances from the snapshot
and renders them with the live page's own include: one template, and the model's own display
rules (dates at their precision, qualifiers, grades), so a version looks exactly as the entry
did. The instances carry nothing but the snapshot's values; taxonomy names (categories, places,
indicators) are looked up by slug, since admins manage them and they are public.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import translation

from tracker.lists import LISTS
from tracker.models import (
    Category,
    Citation,
    Claim,
    DatePrecision,
    Indicator,
    Location,
    ModerationStatus,
    Organization,
    PublishedVersion,
    Source,
    Statistic,
    Tag,
)
from tracker.models.base import ModeratedEntry

LIST_OF = {Claim: LISTS["claims"], Statistic: LISTS["statistics"]}


def for_snapshot(model: type[ModeratedEntry]) -> models.QuerySet:
    """The entries of ``model`` with what their public shape reads, in a fixed number of queries."""
    return LIST_OF[model].listing(model.objects.all())


def shapes_of(model: type[ModeratedEntry], entries: list[ModeratedEntry]) -> list[dict]:
    """Entries of ``model`` (loaded by ``for_snapshot``) as the API shows them, as plain JSON.

    One serializer for the lot: building a serializer's fields costs more than using them.
    """
    with translation.override(settings.LANGUAGE_CODE):
        data = LIST_OF[model].serializer_class(entries, many=True).data
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def public_shape(entry: ModeratedEntry) -> dict:
    """The entry as the API shows it, read afresh from the database, in the default language."""
    model = type(entry)
    return shapes_of(model, [for_snapshot(model).get(pk=entry.pk)])[0]


# --- Rebuilding ---------------------------------------------------------------------------------


def _serve_prefetched(instance: models.Model, name: str, objects: list) -> None:
    """Make ``instance.<name>.all()`` return ``objects`` without a query, as a prefetch does.

    The queryset is empty at heart: were its cache ever dropped, it would show nothing rather
    than the entry's current rows.
    """
    queryset = instance._meta.get_field(name).related_model._default_manager.none()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    cache[name] = queryset


def _scalars(model: type[models.Model], data: dict) -> dict:
    """The snapshot's values of the model's own plain fields, read as the fields read them."""
    values = {}
    for name, value in data.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if field.concrete and not field.is_relation and not field.primary_key:
            values[field.attname] = field.to_python(value)
    return values


def _source(data: dict) -> Source:
    """A cited source as the snapshot shows it: a confidential one knows nothing but that."""
    source = Source(pk=data.get("id"), **_scalars(Source, data))
    source.published_precision = data.get("published_precision") or DatePrecision.DAY
    if data.get("organization"):
        source.organization = Organization(**_scalars(Organization, data["organization"]))
    return source


class Lookups:
    """The taxonomy that a batch of snapshots names, fetched once per kind."""

    def __init__(self, snapshots: list[dict]):
        self.categories = self._by_slug(
            Category.objects.public(), {s for data in snapshots for s in data.get("categories", [])}
        )
        # The snapshot is what made the place public: its name is shown even if no published
        # entry uses it any more.
        self.places = self._by_slug(
            Location.objects.all(), {data.get("place") for data in snapshots} - {None}
        )
        self.indicators = self._by_slug(
            Indicator.objects.public(), {data.get("indicator") for data in snapshots} - {None}
        )

    @staticmethod
    def _by_slug(queryset: models.QuerySet, slugs: set[str]) -> dict:
        if not slugs:
            return {}
        return {obj.slug: obj for obj in queryset.filter(slug__in=slugs)}

    def indicator(self, slug: str) -> Indicator:
        # A revision can move a figure to another indicator, and the old one can then be
        # deleted: its slug is all that is left to show.
        return self.indicators.get(slug) or Indicator(slug=slug, name=slug)


def _claim(data: dict, lookups: Lookups) -> Claim:
    claim = Claim(pk=data["id"], status=ModerationStatus.PUBLISHED, **_scalars(Claim, data))
    claim.location = lookups.places.get(data.get("place"))
    categories = [lookups.categories.get(slug) for slug in data.get("categories", [])]
    _serve_prefetched(claim, "categories", [category for category in categories if category])
    _serve_prefetched(claim, "tags", [Tag(name=name) for name in data.get("tags", [])])
    citations = []
    for row in data.get("citations", []):
        citation = Citation(**_scalars(Citation, row))
        citation.source = _source(row["source"])
        citations.append(citation)
    _serve_prefetched(claim, "citations", citations)
    return claim


def _statistic(data: dict, lookups: Lookups) -> Statistic:
    statistic = Statistic(
        pk=data["id"], status=ModerationStatus.PUBLISHED, **_scalars(Statistic, data)
    )
    statistic.indicator = lookups.indicator(data["indicator"])
    statistic.organization = Organization(**_scalars(Organization, data["organization"]))
    statistic.source = _source(data["source"])
    statistic.location = lookups.places.get(data.get("place"))
    return statistic


def rebuild(versions: Iterable[PublishedVersion]) -> list[ModeratedEntry]:
    """The entry as each version showed it: unsaved instances holding only the snapshot.

    Also sets ``version.as_published``. A query per kind of taxonomy the batch names, at most.
    """
    versions = list(versions)
    lookups = Lookups([version.data for version in versions])
    builders = {"claim": _claim, "statistic": _statistic}
    for version in versions:
        version.as_published = builders[version.model_name](version.data, lookups)
    return [version.as_published for version in versions]
