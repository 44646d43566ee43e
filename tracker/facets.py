"""Facet counts: for each facet, the current result set grouped by that facet's values,
counted with the facet's own filter left out, each value with its toggle link.

A facet is declared once (with its list, in ``tracker.lists``), either as a grouping of the
ORM or as SQL over a base of filtered entries; a list whose facets are all SQL counts them all
in one statement, on PostgreSQL and SQLite alike, with its ``Tally`` (the claims' timeline,
which gives the total) and, when its matches are stored anyway, the ids of the page shown
(``PageArm``): a search's matches are found once. The HTML page and the JSON export both read
``cached_summary``, so they show the same numbers from one cache entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote_plus

from django.db import connections
from django.db.models import Count, F, OrderBy, Q, QuerySet
from django.http import QueryDict
from django.utils.translation import get_language
from django_countries import countries

from tracker.filters import StoredColumn
from tracker.models import VerificationGrade
from tracker.models.base import localized
from tracker.public_cache import get_or_compute, public_version

MAX_VALUES_PER_FACET = 30
NOT_FILTERS = ("page", "page_size", "sort", "format")


# Where the year and the month are in a date as SQLite holds it: ISO 8601 text, 'YYYY-MM-DD'.
SQLITE_DATE_PARTS = {"year": (1, 4), "month": (6, 2)}


def date_part_sql(part: str, column: str, vendor: str) -> str:
    """The year or month of a date column as an integer, in the database's own words: read
    for every row of a facet's base, so the cheapest reading (PostgreSQL's ``date_part`` is a
    float, its ``extract`` a slower numeric; SQLite's text is cut rather than parsed as a date
    by ``strftime``)."""
    if vendor == "postgresql":
        return f"CAST(date_part('{part}', {column}) AS INTEGER)"
    start, length = SQLITE_DATE_PARTS[part]
    return f"CAST(substr({column}, {start}, {length}) AS INTEGER)"


@dataclass(frozen=True)
class FacetSpec:
    """One facet: the query parameter it toggles and how to count the result set by it.

    Either ``group_by`` (a field path or an expression, counted with the ORM) or ``sql`` (a
    query over the base table ``{base}`` of filtered entries, with the entries' ``id`` and
    ``base_columns``, giving ``key, label, label_es, n``; ``{year:column}`` stands for the
    year of a date column) — never both.
    """

    param: str
    label: str
    group_by: object = None
    label_fields: tuple[str, ...] = ()  # ORM: the fields naming a value (a second: Spanish)
    extra_filter: Q | None = None
    choices: tuple[tuple[str, object], ...] = ()  # labels of a choice field's values
    # True when one entry can reach the same value through several rows: its count must then
    # be of distinct entries. Single-valued fields and many-to-many links count rows.
    repeats: bool = False
    sql: str = ""
    base_columns: tuple[str, ...] = ()
    # SQL giving the same rows when no other filter applies (over every public entry), without
    # the base: counts kept as the entries change (``tracker.public_counts``).
    sql_all: str = ""
    # Years: shown newest first (a value that is not a number, "date not given", last), not by
    # their counts, which would put 2026 before 2024 and 2025.
    newest_first: bool = False
    # PostgreSQL's own SQL for the facet, when it reads columns that only its tables have
    # (kept by its triggers, not model fields): ``stored_columns``, added to the base.
    sql_postgresql: str = ""
    stored_columns: tuple[str, ...] = ()
    # The facet's rows (``key``, ``label``, ``label_es``, ``count``) from the tally's (``k1``,
    # ``k2``, ``k3``, ``n``), when the tally counts the facet's base (its own filter is not
    # applied): the statement then has no arm for it.
    from_tally: Callable[[list[tuple]], list[dict]] | None = None

    def sql_for(self, vendor: str) -> str:
        return self.sql_postgresql if vendor == "postgresql" and self.sql_postgresql else self.sql

    def stored_for(self, vendor: str) -> tuple[str, ...]:
        return self.stored_columns if vendor == "postgresql" and self.sql_postgresql else ()

    def __post_init__(self):
        if bool(self.sql) == (self.group_by is not None):
            raise ValueError(f"Facet {self.param}: give either group_by or sql.")


@dataclass(frozen=True)
class Tally:
    """Counts of the whole filtered list (every filter applied), read in the facets' own
    statement so that the list's matches are found once: for claims, the timeline's counts,
    whose sum is the list's total.

    ``sql`` is a query over the base ``{base}`` (the entries' ``id`` and ``base_columns``;
    ``{year:column}`` and ``{month:column}`` as for facets) giving three keys ``k1, k2, k3``
    and a count ``n``; the keys reach ``collect`` as texts (or None);
    ``collect`` turns those rows into the tally's own, ``total`` sums them, and ``keep``
    caches them for their reader (``keep(version, params, rows)``).
    """

    sql: str
    base_columns: tuple[str, ...]
    collect: Callable[[list[tuple]], list]
    total: Callable[[list], int]
    keep: Callable[[int, QueryDict, list], None]
    # The same rows when no filter applies, without the base (as ``FacetSpec.sql_all``).
    sql_all: str = ""


@dataclass(frozen=True)
class PageArm:
    """The ids of the page being shown, read with the facets when the list's matches are a
    stored base (a search, a category) and its order is over the base's columns: the matches
    are then found once for the facets, the total and the page. ``order_by`` is the list
    queryset's order; ``keep(version, ids)`` caches the ids for the page's reader."""

    order_by: tuple
    offset: int
    limit: int
    keep: Callable[[int, list[int]], None]
    # The order's columns that the table keeps but the model does not (``StoredColumn``).
    stored: tuple[str, ...] = ()


def page_arm(queryset, number: int, size: int, keep) -> PageArm:
    """Page ``number`` (``size`` rows) of the list ``queryset``, in its order."""
    return PageArm(
        order_by=queryset.query.order_by,
        offset=(number - 1) * size,
        limit=size,
        keep=keep,
        stored=tuple(
            name
            for name, annotation in queryset.query.annotations.items()
            if isinstance(annotation, StoredColumn)
        ),
    )


def order_over_base(order_by, base, stored=()) -> list[tuple[str, bool, str]] | None:
    """The list's order as (column, descending, nulls) over the base's columns (and the
    ``stored`` ones), or None when it orders by anything a base does not hold (an aggregate,
    an expression)."""
    fields = {field.attname for field in base.model._meta.concrete_fields}
    order = []
    for item in order_by:
        if isinstance(item, str):
            name, descending, nulls = item.lstrip("-"), item.startswith("-"), ""
        elif isinstance(item, OrderBy) and isinstance(item.expression, F):
            name, descending = item.expression.name, item.descending
            nulls = " NULLS LAST" if item.nulls_last else " NULLS FIRST" if item.nulls_first else ""
        else:
            return None
        name = "id" if name == "pk" else name
        if name not in fields and name not in base.query.annotations and name not in stored:
            return None
        order.append((name, descending, nulls))
    return order


def order_sql(order: list[tuple[str, bool, str]], alias: str) -> str:
    return ", ".join(
        f"{alias}.{name} {'DESC' if descending else 'ASC'}{nulls}"
        for name, descending, nulls in order
    )


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
    """The query string with ``value`` of ``param`` switched on or off (and no page number).

    What ``QueryDict.urlencode`` gives for a copy so changed, built without copying the
    QueryDict for each of a facet's values (a list shows up to 180 of them).
    """
    parts = []
    found = False
    for name, values in params.lists():
        if name == "page":
            continue
        if name == param:
            found = True
            values = list(values)
            if value in values:
                values.remove(value)
            else:
                values.append(value)
        parts.extend(f"{quote_plus(name)}={quote_plus(str(item))}" for item in values)
    if not found:
        parts.append(f"{quote_plus(param)}={quote_plus(value)}")
    return "&".join(parts)


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
    if spec.sql:
        return str(localized(row["label"], row["label_es"] or "")) if row["label"] else key
    if len(spec.label_fields) == 2:
        return str(localized(row[spec.label_fields[0]], row[spec.label_fields[1]]))
    if spec.label_fields:
        return str(row[spec.label_fields[0]])
    return key


def compute_facets(filterset, params: QueryDict, specs: list[FacetSpec]) -> list[Facet]:
    """Each facet's values counted over the result set without that facet's own filter."""
    return facets_and_tally(filterset, params, specs)[0]


def facets_and_tally(
    filterset,
    params: QueryDict,
    specs: list[FacetSpec],
    tally: Tally | None = None,
    page: PageArm | None = None,
) -> tuple[list[Facet], list | None, list[int] | None]:
    """Each facet's values counted over the result set without that facet's own filter, the
    ``tally`` of the whole result set when one is given (else None), and the ids of ``page``
    when they could be read with them (else None).

    ``filterset`` is the list's FilterSet of ``params``: its valid filters are applied to each
    facet's base, leaving the facet's own out (choices of related models are validated once).
    """
    form = filterset.form
    form.is_valid()
    valid = {
        name: value
        for name, value in getattr(form, "cleaned_data", {}).items()
        if name in params and name not in NOT_FILTERS
    }

    def base_of(applied) -> QuerySet:
        """The list's rows with the valid filters named in ``applied``, unordered."""
        base = filterset.queryset.all()
        for name, value in valid.items():
            if name in applied:
                base = filterset.filters[name].filter(base, value)
        return base.order_by()

    page_ids = None
    if specs and all(spec.sql for spec in specs):
        grouped, tallied, page_ids = grouped_in_one_statement(
            specs, valid, filterset, filterset.queryset.db, base_of, tally, page
        )
    else:
        grouped = {
            spec.param: grouped_rows(spec, base_of(set(valid) - {spec.param})) for spec in specs
        }
        tallied = tally_rows(tally, base_of(set(valid))) if tally else None
    facets = [facet_of(spec, grouped[spec.param], params) for spec in specs]
    return facets, tallied, page_ids


def tally_rows(tally: Tally, base) -> list:
    """The tally on its own, for a list whose facets are not all SQL: one statement."""
    columns = ["id", *tally.base_columns]
    sql, params = base.values_list("pk", *tally.base_columns).query.sql_with_params()
    vendor = connections[base.db].vendor
    arm = formatted(tally.sql, "tally_base", vendor)
    statement = f"WITH tally_base ({', '.join(columns)}) AS ({sql}) {arm}"
    with connections[base.db].cursor() as cursor:
        cursor.execute(statement, params)
        return tally.collect(cursor.fetchall())


def facet_of(spec: FacetSpec, rows: list[dict], params: QueryDict) -> Facet:
    """The facet with its values in order, and every selected value even without results."""
    selected = set(params.getlist(spec.param))
    facet = Facet(spec.param, spec.label)
    seen = set()
    if spec.newest_first:
        rows = sorted(rows, key=newest_first)
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
                value, value_label(spec, value), 0, True, toggle_query(params, spec.param, value)
            )
        )
    return facet


def newest_first(row: dict) -> tuple[int, int]:
    """Order of a year facet's rows: the years from the latest, then any other value."""
    key = str(row["key"])
    return (0, -int(key)) if key.isdigit() else (1, 0)


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


class DatePartOf:
    """``{year:b.event_start}`` (or ``{month:…}``) in a facet's SQL: the year (month) of that
    column, in this dialect."""

    def __init__(self, part: str, vendor: str):
        self.part = part
        self.vendor = vendor

    def __format__(self, column: str) -> str:
        return date_part_sql(self.part, column, self.vendor)


def formatted(sql: str, base: str, vendor: str) -> str:
    """A facet's or tally's SQL over the base named ``base``, in this dialect."""
    return sql.format(base=base, year=DatePartOf("year", vendor), month=DatePartOf("month", vendor))


def grouped_in_one_statement(
    specs,
    valid: dict,
    filterset,
    using: str,
    base_of: Callable[[set], QuerySet],
    tally: Tally | None = None,
    page: PageArm | None = None,
) -> tuple[dict, list | None, list[int] | None]:
    """Every facet's counts, the tally's and the page's ids, in one statement.

    Each distinct base (the filters less one facet's own) is a CTE, found once when filtered,
    and each facet is a GROUP BY over its base: the same counts, order and cut as
    ``grouped_rows``, without filtering the entries again for every facet. The tally and the
    page read the base with every filter applied, which is also the base of every facet not
    filtered on. ``base_of(names)``: the rows with those filters applied.

    When a costly filter that is not a facet's (a search) is combined with facet values, its
    matches are found once, and each base is those matches narrowed by its facets' filters,
    rather than the search run again for each base.
    """
    vendor = connections[using].vendor
    inline = getattr(filterset, "index_only_filters", frozenset())
    wanted = [column for spec in specs for column in spec.base_columns]
    if tally is not None:
        wanted.extend(tally.base_columns)
    stored = sorted({column for spec in specs for column in spec.stored_for(vendor)})
    columns = sorted(set(wanted)) + stored
    ctes, params, arms = {}, [], []
    uses: dict = {}  # how many arms read each base
    shared: dict = {}  # the applied filters of the base that every other one narrows, if any
    everything = tuple(sorted(valid))
    extra: tuple = ()  # the page's order columns
    extra_stored: tuple = ()  # those the table keeps and the model does not

    def cte(applied: tuple) -> str:
        if applied not in ctes:
            read = [*columns, *(column for column in extra if column not in columns)]
            narrowed = shared and applied != shared["applied"]
            if narrowed:
                # The shared base's rows, narrowed by the filters it lacks (facet values,
                # answered by indexes).
                rest = base_of(set(applied) - set(shared["applied"])).values("pk")
                rest_sql, base_params = rest.query.sql_with_params()
                listed = ", ".join(f"s.{column}" for column in ["id", *read])
                sql = f"SELECT {listed} FROM {shared['name']} s WHERE s.id IN ({rest_sql})"
            else:
                base = base_of(set(applied)).annotate(
                    **{column: StoredColumn(column) for column in [*stored, *extra_stored]}
                )
                query = base.values_list("pk", *read).query
                sql, base_params = query.sql_with_params()
            name = f"facet_base_{len(ctes)}"
            # A base filtered by a search, a category... is found once and kept, and so is
            # one that only an index answers (a country, a grade, dates) when several facets
            # read it (see ``with_clause``). On PostgreSQL the base of every public row is
            # left to each facet's plan, an index-only scan: a stored copy of all of them
            # would not fit in memory.
            stored_copy = narrowed or not set(applied) <= inline
            column_list = ", ".join(["id", *read])
            ctes[applied] = (name, (f"{name} ({column_list})", sql), stored_copy)
            params.extend(base_params)
        uses[applied] = uses.get(applied, 0) + 1
        return ctes[applied][0]

    # The page's ids, when its base is stored anyway (an index answers the others' pages in
    # their order, without reading every match) and its order is over the base's columns.
    order = None
    if page is not None and not set(everything) <= inline:
        order = order_over_base(page.order_by, base_of(set(everything)), page.stored)
        if order is not None:
            extra = tuple(name for name, _d, _n in order if name != "id")
            extra_stored = tuple(name for name in extra if name in page.stored)
    # The filters that are no facet's (a search, dates) are in every base; when they are
    # costly and some facet's values are chosen too, their matches are found once and shared.
    faceted = {spec.param for spec in specs}
    common = tuple(name for name in everything if name not in faceted)
    if common and not set(common) <= inline and common != everything:
        cte(common)
        shared.update(applied=common, name=ctes[common][0])
    if order is not None:
        cte(everything)
    derived = []  # the facets read from the tally
    for number, spec in enumerate(specs):
        applied = tuple(sorted(name for name in valid if name != spec.param))
        if tally is not None and spec.from_tally is not None and applied == everything:
            derived.append(spec)
            continue
        if not applied and spec.sql_all:
            arm = spec.sql_all
        else:
            arm = formatted(spec.sql_for(vendor), cte(applied), vendor)
        arms.append(
            f"SELECT * FROM (SELECT {number} AS facet, CAST(a.key AS TEXT) AS key, "
            "CAST(a.label AS TEXT) AS label, CAST(a.label_es AS TEXT) AS label_es, a.n "
            f"FROM ({arm}) a WHERE a.key IS NOT NULL "
            f"ORDER BY a.n DESC, 2 LIMIT {MAX_VALUES_PER_FACET}) arm_{number}"
        )
    if tally is not None:
        if not everything and tally.sql_all:
            arm = tally.sql_all
        else:
            arm = formatted(tally.sql, cte(everything), vendor)
        # Its keys as texts, as the facets' (``collect`` reads them back); the facet column
        # tells its rows apart.
        arms.append(
            "SELECT -1 AS facet, CAST(t.k1 AS TEXT), CAST(t.k2 AS TEXT), CAST(t.k3 AS TEXT), t.n "
            f"FROM ({arm}) t"
        )
    if order is not None:
        read = ", ".join(f"b.{name}" for name in dict.fromkeys(["id", *(o[0] for o in order)]))
        # Numbered in the page's order among its own rows: the order of a UNION's rows is not
        # the order of its arms' rows.
        arms.append(
            f"SELECT -2 AS facet, CAST(p.id AS TEXT), NULL, NULL, "
            f"row_number() OVER (ORDER BY {order_sql(order, 'p')}) "
            f"FROM (SELECT {read} FROM {ctes[everything][0]} b "
            f"ORDER BY {order_sql(order, 'b')} LIMIT {int(page.limit)} "
            f"OFFSET {int(page.offset)}) p"
        )
    with_clause = ""
    if ctes:
        kept = {
            applied: "MATERIALIZED"
            if stored_copy or (uses[applied] > 1 and (vendor != "postgresql" or applied))
            else "NOT MATERIALIZED"
            for applied, (_name, _cte, stored_copy) in ctes.items()
        }
        with_clause = (
            "WITH "
            + ", ".join(
                f"{head} AS {kept[applied]} ({body})"
                for applied, (_name, (head, body), _stored) in ctes.items()
            )
            + " "
        )
    statement = with_clause + " UNION ALL ".join(arms)
    grouped = {spec.param: [] for spec in specs}
    tallied, page_rows = [], []
    with connections[using].cursor() as cursor:
        cursor.execute(statement, params)
        for number, key, label, label_es, count in cursor.fetchall():
            if number == -1:
                tallied.append((key, label, label_es, count))
            elif number == -2:
                page_rows.append((count, int(key)))
            else:
                row = {"key": key, "count": count, "label": label, "label_es": label_es}
                grouped[specs[number].param].append(row)
    for spec in derived:
        rows = sorted(spec.from_tally(tallied), key=lambda row: (-row["count"], row["key"]))
        grouped[spec.param] = rows[:MAX_VALUES_PER_FACET]
    page_ids = [pk for _position, pk in sorted(page_rows)] if order is not None else None
    return grouped, (tally.collect(tallied) if tally is not None else None), page_ids


def canonical_query(params: QueryDict, *without: str) -> str:
    """The query string with its parameters and values in a fixed order (for cache keys)."""
    return "&".join(
        f"{name}={value}"
        for name in sorted(params)
        if name not in without
        for value in sorted(params.getlist(name))
    )


def cached_summary(
    list_name: str,
    params: QueryDict,
    filterset,
    specs: list[FacetSpec],
    count: Callable,
    tally: Tally | None = None,
    page: PageArm | None = None,
    version: int | None = None,
) -> tuple[int, int, list[Facet]]:
    """The total and the facets of a filtered list, cached by the public-data version.

    Shared by the HTML page and the JSON export of the same list and query string. Returns
    the version read (for the caller's own cache keys), the total and the facets: one
    primary-key lookup when cached; on a miss, the facets' statement(s), and the count unless
    the list has a ``tally``, which gives the total (and is kept for its own reader). ``page``:
    the page being shown, whose ids are kept too when the statement could read them.
    ``version``: the public-data version, when the caller has read it already.
    """
    if version is None:
        version = public_version(filterset.queryset.db)

    def compute() -> tuple[int, list[Facet]]:
        facets, tallied, page_ids = facets_and_tally(filterset, params, specs, tally, page)
        # Plain strings: the cached facets must not depend on lazy translation objects.
        facets = [Facet(facet.param, str(facet.label), facet.values) for facet in facets]
        if page_ids is not None:
            page.keep(version, page_ids)
        if tally is None:
            return count(), facets
        tally.keep(version, params, tallied)
        return tally.total(tallied), facets

    # Not the page: every page of a list has the same total and facets (whose toggle links
    # leave the page out).
    parts = (list_name, get_language() or "", canonical_query(params, "page"))
    total, facets = get_or_compute("list", version, parts, compute)
    return version, total, facets
