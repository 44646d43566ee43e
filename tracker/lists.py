"""One declaration per public list, read by every output of it.

A list names its model (whose ``public()`` rows its FilterSet starts from), its FilterSet (with
the list's ordering), its facets, what its rows need fetched with them, its public shape (the
serializer, from which the CSV columns derive) and its pages. The HTML page, the CSV and JSON
exports, the API and the feeds all read it: a new list, facet or public field is declared here
once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from tracker import exports, filters, json_rows, public_counts
from tracker.facets import FacetSpec, Tally
from tracker.models import (
    Citation,
    Claim,
    Location,
    Organization,
    Person,
    PersonSource,
    PersonStatus,
    Sex,
    Source,
    Statistic,
)
from tracker.serializers import (
    ClaimSerializer,
    LocationSerializer,
    OrganizationSerializer,
    PersonSerializer,
    SourceSerializer,
    StatisticSerializer,
)
from tracker.templatetags.tracker_tags import with_figure_relations
from tracker.timeline import CLAIM_COUNTS

# Rows fetched per database round trip when streaming a CSV; prefetches run once per chunk.
CHUNK_SIZE = 2000


def unchanged(queryset: QuerySet) -> QuerySet:
    return queryset


def public_citations() -> QuerySet:
    """Citations of published claims, with what a public citation shows."""
    return Citation.objects.public().select_related("source__organization").order_by("pk")


@dataclass(frozen=True)
class PublicList:
    """One public list: ``/<name>/`` (HTML), ``/<name>.csv``, ``/<name>.json``, ``/api/<name>/``."""

    name: str
    item: str  # one entry of the list, in URL names ("claim": the API's claim-detail)
    model: type
    filterset_class: type
    serializer_class: type
    columns: list[exports.Column]
    facets: list[FacetSpec]
    html_view: str  # the HTML list page
    page_view: str  # the public page of one entry, reversed with the row's ``page_key``
    title: str  # the HTML page's heading
    matches: str  # "N entries match", an ngettext_lazy counting ``counter``
    search_label: str
    description: str = ""  # the API documentation's words for it
    page_key: str = "pk"
    # What the public shape (JSON, API, snapshots) reads with each row, in bounded queries.
    listing: Callable[[QuerySet], QuerySet] = unchanged
    # What the HTML list's template reads with each row (often less than the whole shape).
    page_listing: Callable[[QuerySet], QuerySet] | None = None
    # CSV: the related lists added to a chunk of ``values()`` rows.
    attach: Callable[[list[dict]], None] | None = None
    # CSV on PostgreSQL: the SELECT writing the rows of a queryset (``exports.copy_csv``).
    copy_sql: Callable | None = None
    # Counts of the whole filtered list read with its facets, whose sum is its total.
    tally: Tally | None = None
    # JSON and API pages from the CSV's ``values()`` rows (``tracker.json_rows``): the dict its
    # serializer gives for a row. Without it, pages are serialised from model instances.
    json_row: Callable[[dict], dict] | None = None

    def all_public(self) -> QuerySet:
        """The rows the list may ever show, for the API: those its FilterSet starts from."""
        return self.filterset_class.public_rows()

    def filterset(self, params=None, **kwargs):
        return self.filterset_class(params or None, **kwargs)

    def queryset(self, filterset) -> QuerySet:
        """The filtered public rows in the list's order, with their public shape's relations."""
        return self.listing(filterset.qs)

    def page_queryset(self, filterset) -> QuerySet:
        return (self.page_listing or self.listing)(filterset.qs)

    @property
    def csv_url_name(self) -> str:
        return f"opendata:{self.name}_csv"

    @property
    def json_url_name(self) -> str:
        return f"opendata:{self.name}_json"

    def export_urls(self, query: str) -> dict[str, str]:
        suffix = f"?{query}" if query else ""
        return {
            "csv": reverse(self.csv_url_name) + suffix,
            "json": reverse(self.json_url_name) + suffix,
        }

    @property
    def fields(self) -> tuple[str, ...]:
        """The ``values()`` paths the CSV columns read, and the page link's key."""
        reads = (path for column in self.columns for path in column.reads)
        return tuple(dict.fromkeys((self.page_key, *reads)))

    def json_rows(self, page: QuerySet | list, origin: str = "") -> list[dict]:
        """A page in the public shape, from ``values()`` rows (needs ``json_row``): ``page`` is the
        page's queryset, in the list's order, or its primary keys in that order."""
        if isinstance(page, QuerySet):
            rows = list(page.prefetch_related(None).values(*self.fields))
        else:
            found = (
                self.all_public().filter(pk__in=page).values(*dict.fromkeys(("pk", *self.fields)))
            )
            by_pk = {row["pk"]: row for row in found}
            rows = [by_pk[pk] for pk in page if pk in by_pk]
        return [self.json_row(row) for row in self._completed(rows, self._link(origin))]

    def rows(self, filterset, origin: str = "") -> Iterator[dict]:
        """The filtered public rows as dicts of ``fields`` plus ``page`` (the entry's page, after
        ``origin`` when given: ``https://host``), read chunk by chunk."""
        link = self._link(origin)
        values = filterset.qs.values(*self.fields).iterator(chunk_size=CHUNK_SIZE)
        while chunk := list(islice(values, CHUNK_SIZE)):
            yield from self._completed(chunk, link)

    def _link(self, origin: str) -> Callable[[object], str]:
        with translation.override(settings.LANGUAGE_CODE):
            return exports.page_link(self.page_view, self.page_key, origin)

    def _completed(self, rows: list[dict], link: Callable[[object], str]) -> list[dict]:
        """``rows`` with their related lists (``attach``) and their ``page``."""
        if self.attach is not None:
            self.attach(rows)
        for row in rows:
            row["page"] = link(row[self.page_key])
        return rows


# --- Claims -------------------------------------------------------------------------------------


def organization_counts(counts: str) -> str:
    """The organisation facet's values from ``counts`` (organisation ids with their ``n``)."""
    return (
        "SELECT o.slug AS key, o.name AS label, o.name_es AS label_es, x.n "
        f"FROM ({counts}) x JOIN tracker_organization o ON o.id = x.organization_id"
    )


def category_counts(counts: str) -> str:
    """The category facet's values from ``counts`` (category ids with their ``n``)."""
    return (
        "SELECT cat.slug AS key, cat.name AS label, cat.name_es AS label_es, x.n "
        f"FROM ({counts}) x JOIN tracker_category cat ON cat.id = x.category_id"
    )


def years_of_tally(rows: list[tuple]) -> list[dict]:
    """The year facet's rows from the timeline's (year, month, precision, count): the same
    counts, a claim without a date under its own value."""
    counted: dict[str, int] = {}
    for year, _month, _precision, n in rows:
        key = filters.NO_DATE if year is None else str(year)
        counted[key] = counted.get(key, 0) + int(n)
    return [{"key": key, "label": None, "label_es": None, "count": n} for key, n in counted.items()]


CLAIM_FACETS = [
    FacetSpec(
        "category",
        _("Category"),
        # The links of the base's claims: SQLite lists the claims' ids first, in order, and
        # reads each one's links from the (claim, category) index.
        sql=category_counts(
            "SELECT cc.category_id, count(*) AS n FROM tracker_claim_categories cc "
            "WHERE cc.claim_id IN (SELECT b.id FROM {base} b) GROUP BY 1"
        ),
        # The claim's own array of its categories (migration 0023), in the covering index of
        # published claims: unnested from the filtered claims, not joined from every link.
        sql_postgresql=category_counts(
            "SELECT u.category_id, count(*) AS n "
            "FROM (SELECT unnest(b.category_ids) AS category_id FROM {base} b) u GROUP BY 1"
        ),
        stored_columns=("category_ids",),
        sql_all=public_counts.named_counts("category", "tracker_category"),
    ),
    FacetSpec(
        "country",
        _("Country"),
        sql="SELECT b.country AS key, NULL AS label, NULL AS label_es, count(*) AS n "
        "FROM {base} b GROUP BY 1",
        base_columns=("country",),
        sql_all=public_counts.value_counts("country"),
    ),
    FacetSpec(
        "place",
        _("Place"),
        sql="SELECT l.slug AS key, l.name AS label, l.name_es AS label_es, x.n "
        "FROM (SELECT b.location_id, count(*) AS n FROM {base} b GROUP BY 1) x "
        "JOIN tracker_location l ON l.id = x.location_id",
        base_columns=("location_id",),
        sql_all=public_counts.named_counts("place", "tracker_location"),
    ),
    FacetSpec(
        "grade",
        _("Grade"),
        sql="SELECT b.verification AS key, NULL AS label, NULL AS label_es, count(*) AS n "
        "FROM {base} b GROUP BY 1",
        base_columns=("verification",),
        sql_all=public_counts.value_counts("grade"),
    ),
    FacetSpec(
        "organization",
        _("Organisation"),
        # The public organisations of each published claim (only non-confidential sources name
        # theirs), kept by the workflow: one row per claim and organisation, so rows are counted
        # (read as the categories' links are).
        sql=organization_counts(
            "SELECT po.organization_id, count(*) AS n FROM tracker_publicclaimorganization po "
            "WHERE po.claim_id IN (SELECT b.id FROM {base} b) GROUP BY 1"
        ),
        # The same rows as the claim's array of them (migration 0023), in the covering index.
        sql_postgresql=organization_counts(
            "SELECT u.organization_id, count(*) AS n "
            "FROM (SELECT unnest(b.organization_ids) AS organization_id FROM {base} b) u "
            "GROUP BY 1"
        ),
        stored_columns=("organization_ids",),
        sql_all=public_counts.named_counts("organization", "tracker_organization"),
    ),
    FacetSpec(
        "year",
        _("Year"),
        # Claims without a date count under their own value, so the years add up to the total.
        sql=f"SELECT COALESCE(CAST({{year:b.event_start}} AS TEXT), '{filters.NO_DATE}') AS key, "
        "NULL AS label, NULL AS label_es, count(*) AS n FROM {base} b GROUP BY 1",
        base_columns=("event_start",),
        sql_all=public_counts.YEARS,
        # With no year chosen, the timeline counts the same claims by month: summed by year.
        from_tally=years_of_tally,
        choices=((filters.NO_DATE, _("date not given")),),
        newest_first=True,
    ),
]


def claims_for_page(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("location").prefetch_related("categories")


def claims_for_listing(queryset: QuerySet) -> QuerySet:
    return claims_for_page(queryset).prefetch_related(
        "tags", Prefetch("citations", queryset=public_citations())
    )


CLAIMS = PublicList(
    name="claims",
    item="claim",
    model=Claim,
    filterset_class=filters.ClaimFilter,
    serializer_class=ClaimSerializer,
    columns=exports.columns_of(ClaimSerializer, exports.CLAIM_CSV),
    facets=CLAIM_FACETS,
    html_view="public:claim_list",
    page_view="public:claim_detail",
    title=_("Claims"),
    matches=ngettext_lazy(
        "%(counter)s published claim matches", "%(counter)s published claims match", "counter"
    ),
    search_label=_("Search and filter claims"),
    description="Published claims with their public citations.",
    listing=claims_for_listing,
    page_listing=claims_for_page,
    attach=exports.attach_claim_relations,
    copy_sql=exports.claim_copy_sql,
    tally=CLAIM_COUNTS,
    json_row=json_rows.CLAIM_JSON_ROW,
)


# --- Figures ------------------------------------------------------------------------------------

STATISTIC_FACETS = [
    FacetSpec(
        "indicator",
        _("Indicator"),
        "indicator__slug",
        ("indicator__name", "indicator__name_es"),
    ),
    FacetSpec(
        "organization",
        _("Reported by"),
        "organization__slug",
        ("organization__name", "organization__name_es"),
    ),
    FacetSpec("country", _("Country"), "country"),
    FacetSpec("place", _("Place"), "location__slug", ("location__name", "location__name_es")),
    FacetSpec("grade", _("Grade"), "verification"),
    FacetSpec("year", _("Year"), ExtractYear("as_of"), newest_first=True),
]


def statistics_for_listing(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("indicator", "organization", "source__organization", "location")


# The columns of the figures list's table: the figures of its page are joined to what they read
# (no source), the exports to everything.
STATISTIC_LIST_COLUMNS = "indicator_at_place figure as_of reported_by grade"


def statistics_for_page(queryset: QuerySet) -> QuerySet:
    return with_figure_relations(queryset, STATISTIC_LIST_COLUMNS)


STATISTICS = PublicList(
    name="statistics",
    item="statistic",
    model=Statistic,
    filterset_class=filters.StatisticFilter,
    serializer_class=StatisticSerializer,
    columns=exports.columns_of(StatisticSerializer, exports.STATISTIC_CSV),
    facets=STATISTIC_FACETS,
    html_view="public:statistic_list",
    page_view="public:statistic_detail",
    title=_("Figures"),
    matches=ngettext_lazy(
        "%(counter)s published figure matches", "%(counter)s published figures match", "counter"
    ),
    search_label=_("Search and filter figures"),
    description="Published figures.",
    listing=statistics_for_listing,
    page_listing=statistics_for_page,
)


# --- Sources, organisations, places -------------------------------------------------------------

SOURCES = PublicList(
    name="sources",
    item="source",
    model=Source,
    filterset_class=filters.SourceFilter,
    serializer_class=SourceSerializer,
    columns=exports.columns_of(SourceSerializer, exports.SOURCE_CSV),
    facets=[
        FacetSpec("kind", _("Kind"), "kind", choices=tuple(Source.Kind.choices)),
        FacetSpec(
            "organization",
            _("Organisation"),
            "organization__slug",
            ("organization__name", "organization__name_es"),
        ),
        FacetSpec("language", _("Language"), "language", choices=tuple(Source.Language.choices)),
    ],
    html_view="public:source_list",
    page_view="public:source_detail",
    title=_("Sources"),
    matches=ngettext_lazy(
        "%(counter)s public source matches", "%(counter)s public sources match", "counter"
    ),
    search_label=_("Search and filter sources"),
    description="Sources used by published entries; confidential sources are never listed.",
    listing=lambda queryset: queryset.select_related("organization"),
)


def organizations_for_page(queryset: QuerySet) -> QuerySet:
    """How many public sources and figures each organisation has, for its row on the page."""
    return queryset.annotate(
        public_source_count=Count(
            "sources", filter=Q(sources__in=Source.objects.public()), distinct=True
        ),
        public_figure_count=Count(
            "statistics", filter=Q(statistics__in=Statistic.objects.public()), distinct=True
        ),
    )


ORGANIZATIONS = PublicList(
    name="organizations",
    item="organization",
    model=Organization,
    filterset_class=filters.OrganizationFilter,
    serializer_class=OrganizationSerializer,
    columns=exports.columns_of(OrganizationSerializer, exports.TAXONOMY_CSV),
    facets=[
        FacetSpec("kind", _("Kind"), "kind", choices=tuple(Organization.Kind.choices)),
        FacetSpec("country", _("Country"), "country"),
    ],
    html_view="public:organization_list",
    page_view="public:organization_detail",
    title=_("Organisations"),
    matches=ngettext_lazy(
        "%(counter)s organisation matches", "%(counter)s organisations match", "counter"
    ),
    search_label=_("Search and filter organisations"),
    description="Organisations behind public sources or published figures.",
    page_key="slug",
    page_listing=organizations_for_page,
)

PLACES = PublicList(
    name="places",
    item="place",
    model=Location,
    filterset_class=filters.LocationFilter,
    serializer_class=LocationSerializer,
    columns=exports.columns_of(LocationSerializer, exports.TAXONOMY_CSV),
    facets=[
        FacetSpec("kind", _("Kind"), "kind", choices=tuple(Location.Kind.choices)),
        FacetSpec("country", _("Country"), "country"),
    ],
    html_view="public:location_list",
    page_view="public:location_detail",
    title=_("Places"),
    matches=ngettext_lazy("%(counter)s place matches", "%(counter)s places match", "counter"),
    search_label=_("Search and filter places"),
    description="Places of published claims and figures.",
    page_key="slug",
    page_listing=lambda queryset: queryset.select_related("parent"),
)

# --- The register of people -------------------------------------------------------------------


def public_person_reports() -> QuerySet:
    return PersonSource.objects.select_related("source__organization").order_by("pk")


def people_for_page(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("place")


def people_for_listing(queryset: QuerySet) -> QuerySet:
    return people_for_page(queryset).prefetch_related(
        Prefetch("reports", queryset=public_person_reports()),
        Prefetch("claims", queryset=Claim.objects.public().only("pk"), to_attr="public_claims"),
    )


PEOPLE = PublicList(
    name="people",
    item="person",
    model=Person,
    filterset_class=filters.PersonFilter,
    serializer_class=PersonSerializer,
    columns=exports.columns_of(PersonSerializer, exports.PERSON_CSV),
    facets=[
        FacetSpec(
            "situation", _("Status of the person"), "situation", choices=PersonStatus.choices
        ),
        FacetSpec("sex", _("Sex"), "sex", choices=tuple(Sex.choices)),
        FacetSpec("place", _("Place"), "place__slug", ("place__name", "place__name_es")),
        FacetSpec("country", _("Country"), "country"),
        FacetSpec("year", _("Year"), ExtractYear("died_on")),
    ],
    html_view="public:person_list",
    page_view="public:person_detail",
    title=_("People"),
    matches=ngettext_lazy(
        "%(counter)s person record matches", "%(counter)s person records match", "counter"
    ),
    search_label=_("Search and filter the register of people"),
    description=(
        "Published person records that are public, named or anonymous: an anonymous record "
        "never carries a name or an identifier. Counted-only records are never listed."
    ),
    listing=people_for_listing,
    page_listing=people_for_page,
    attach=exports.attach_person_relations,
)

LISTS: dict[str, PublicList] = {
    public_list.name: public_list
    for public_list in (CLAIMS, STATISTICS, SOURCES, ORGANIZATIONS, PLACES, PEOPLE)
}
