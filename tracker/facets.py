"""Facet counts: for each facet, the current result set grouped by that facet's values,
counted with the facet's own filter left out, each value with its toggle link.

The same facets serve the HTML page and the JSON export, so both show the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connections
from django.db.models import Count, F
from django.http import QueryDict
from django_countries import countries

from tracker.filters import FacetSpec
from tracker.models import VerificationGrade
from tracker.models.base import localized

MAX_VALUES_PER_FACET = 30
NOT_FILTERS = ("page", "sort", "format")


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    toggle_query: str

    def as_dict(self, path: str) -> dict:
        return {
            "value": self.value,
            "label": self.label,
            "count": self.count,
            "selected": self.selected,
            "toggle": f"{path}?{self.toggle_query}" if self.toggle_query else path,
        }


@dataclass
class Facet:
    param: str
    label: str
    values: list[FacetValue] = field(default_factory=list)

    @property
    def selected(self) -> list[FacetValue]:
        return [value for value in self.values if value.selected]

    def as_dict(self, path: str) -> dict:
        return {
            "name": self.param,
            "label": str(self.label),
            "values": [value.as_dict(path) for value in self.values],
        }


def toggle_query(params: QueryDict, param: str, value: str) -> str:
    """The query string with ``value`` of ``param`` switched on or off (and no page number)."""
    query = params.copy()
    query.pop("page", None)
    current = query.getlist(param)
    if value in current:
        current.remove(value)
    else:
        current.append(value)
    query.setlist(param, current)
    return query.urlencode()


def value_label(spec: FacetSpec, key: str) -> str:
    """The readable label of a value known without a database row (countries, grades)."""
    if spec.param == "country":
        return str(countries.name(key) or key)
    if spec.param == "grade":
        return str(VerificationGrade(key).label) if key in VerificationGrade.values else key
    if spec.choices:
        return str(dict(spec.choices).get(key, key))
    return key


def facet_label(spec: FacetSpec, row: dict) -> str:
    key = str(row["key"])
    if spec.param in ("country", "grade") or spec.choices:
        return value_label(spec, key)
    if len(spec.label_fields) == 2:
        return localized(row[spec.label_fields[0]], row[spec.label_fields[1]])
    if spec.label_fields:
        return str(row[spec.label_fields[0]])
    return key


def compute_facets(
    filterset_class, params: QueryDict, specs: list[FacetSpec], filterset=None
) -> list[Facet]:
    """Each facet's values counted over the result set without that facet's own filter: one
    statement for all facets on PostgreSQL when every facet has its SQL, else one grouped query
    per facet.

    ``filterset``, when given, is the page's own FilterSet of ``params``, already validated.
    """
    facets = []
    # Validate the query string once (choices of related models cost a query each), then apply
    # the valid filters of that one FilterSet to each facet's base, leaving the facet's own out.
    filterset = filterset if filterset is not None else filterset_class(params)
    form = filterset.form
    form.is_valid()
    valid = {
        name: value
        for name, value in getattr(form, "cleaned_data", {}).items()
        if name in params and name not in NOT_FILTERS
    }
    bases = {}
    for spec in specs:
        base = filterset.queryset.all()
        for name, value in valid.items():
            if name != spec.param:
                base = filterset.filters[name].filter(base, value)
        bases[spec.param] = base.order_by()
    if (
        specs
        and all(spec.sql for spec in specs)
        and connections[filterset.queryset.db].vendor == ("postgresql")
    ):
        grouped = grouped_in_one_statement(specs, bases, valid, filterset.queryset.db)
    else:
        grouped = {spec.param: grouped_rows(spec, bases[spec.param]) for spec in specs}
    for spec in specs:
        rows = grouped[spec.param]
        selected = set(params.getlist(spec.param))
        facet = Facet(spec.param, spec.label)
        seen = set()
        for row in rows:
            value = str(row["key"])
            seen.add(value)
            facet.values.append(
                FacetValue(
                    value=value,
                    label=facet_label(spec, row),
                    count=row["count"],
                    selected=value in selected,
                    toggle_query=toggle_query(params, spec.param, value),
                )
            )
        for value in sorted(selected - seen):
            facet.values.append(
                FacetValue(
                    value,
                    value_label(spec, value),
                    0,
                    True,
                    toggle_query(params, spec.param, value),
                )
            )
        facets.append(facet)
    return facets


def grouped_rows(spec: FacetSpec, base) -> list[dict]:
    """The facet's values with their counts, most frequent first: one grouped query."""
    if spec.extra_filter is not None:
        base = base.filter(spec.extra_filter)
    group_by = F(spec.group_by) if isinstance(spec.group_by, str) else spec.group_by
    # A filter that joins a many-valued relation makes the base repeat entries too.
    distinct = spec.repeats or base.query.distinct
    return list(
        base.values(*spec.label_fields, key=group_by)
        .annotate(count=Count("pk", distinct=distinct))
        .exclude(key__isnull=True)
        .order_by("-count", "key")[:MAX_VALUES_PER_FACET]
    )


def grouped_in_one_statement(specs, bases: dict, valid: dict, using: str) -> dict:
    """Every facet's ``grouped_rows`` in one statement (PostgreSQL).

    Each distinct base (the filters less one facet's own) is a CTE, found once when filtered,
    and each facet is a GROUP BY over its base: the same counts, order and cut as
    ``grouped_rows``, without filtering the entries again for every facet.
    """
    columns = sorted({column for spec in specs for column in spec.base_columns})
    ctes, params, arms = {}, [], []
    for number, spec in enumerate(specs):
        applied = tuple(sorted(name for name in valid if name != spec.param))
        if applied not in ctes:
            query = bases[spec.param].values_list("pk", *columns).query
            sql, base_params = query.sql_with_params()
            name = f"facet_base_{len(ctes)}"
            # A filtered base is found once and kept; the unfiltered one (all public rows) is
            # left to each facet's plan, where an index-only scan beats reading a stored copy.
            kept = "MATERIALIZED" if applied else "NOT MATERIALIZED"
            column_list = ", ".join(["id", *columns])
            ctes[applied] = (name, f"{name} ({column_list}) AS {kept} ({sql})")
            params.extend(base_params)
        arm = spec.sql.format(base=ctes[applied][0])
        arms.append(
            f"(SELECT {number} AS facet, a.key::text, a.label::text, a.label_es::text, a.n "
            f"FROM ({arm}) a WHERE a.key IS NOT NULL "
            f"ORDER BY a.n DESC, a.key LIMIT {MAX_VALUES_PER_FACET})"
        )
    statement = (
        "WITH " + ", ".join(cte for _name, cte in ctes.values()) + " " + " UNION ALL ".join(arms)
    )
    grouped = {spec.param: [] for spec in specs}
    with connections[using].cursor() as cursor:
        cursor.execute(statement, params)
        for number, key, label, label_es, count in cursor.fetchall():
            spec = specs[number]
            row = {"key": key, "count": count}
            row.update(zip(spec.label_fields, (label, label_es), strict=False))
            grouped[spec.param].append(row)
    return grouped
