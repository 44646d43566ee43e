"""FilterSets of the public lists (declared in ``tracker.lists``) and of the review queue.

Each FilterSet starts from a model's ``public()`` queryset. Every filter lives in the query
string, so a filtered view is a link. Invalid values never raise: the FilterSet drops them and
``problems()`` says what was wrong, for the page to show.
"""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connections
from django.db.models import (
    BigIntegerField,
    Count,
    Exists,
    Expression,
    F,
    Field,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Length, Replace
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from drf_spectacular.utils import extend_schema_field

from tracker.models import (
    Category,
    Citation,
    Claim,
    DatePrecision,
    Indicator,
    Location,
    Organization,
    Person,
    PersonStatus,
    PublicClaimOrganization,
    Revision,
    Sex,
    Source,
    Statistic,
    VerificationGrade,
)
from tracker.models.base import normalize_search_text

# The year facet's and filter's value for entries whose sources give no date.
NO_DATE = "none"
SEARCH_CONFIG = "simple"  # search_text is already case- and accent-folded in Python
# Tables whose rows keep each language's text apart (``search_text`` in English,
# ``search_text_es`` in Spanish): their stored vector stems each side with its own language's
# configuration (migration 0014), and a query is read in both languages. The folding done in
# Python is what PostgreSQL's unaccent dictionary would do before the stemmer, so accents never
# matter, and the vector stays a generated column.
BILINGUAL_CONFIGS = (("search_text", "english"), ("search_text_es", "spanish"))
# The most a search may hold, on every database: SQLite's parser overflows on a hundred words
# (one LIKE and one rank term each), and PostgreSQL would parse and rank any length.
SEARCH_MAX_TERMS = 20
SEARCH_MAX_LENGTH = 200


class SearchTextVector(Func):
    """``to_tsvector('simple', search_text)``, for a table without a stored vector.

    Django's ``SearchVector`` wraps the column in ``COALESCE(...::text, '')``, which no index
    matches; ``search_text`` is never NULL, so the bare column is both correct and indexable.
    """

    template = f"to_tsvector('{SEARCH_CONFIG}'::regconfig, %(expressions)s)"
    output_field = SearchVectorField()

    def __init__(self, column: str = "search_text"):
        super().__init__(F(column))


# Tables with the stored, GIN-indexed ``search_vector`` column (migration 0007, PostgreSQL).
STORED_VECTOR_TABLES = frozenset({"tracker_statistic", "tracker_source"})
# Tables whose vectors are kept in a narrow table of their own (``ClaimSearch``, migration
# 0025), with the path to them: a search reads the vectors without the wide rows.
VECTOR_PATHS = {"tracker_claim": "search__vector"}


class StoredColumn(Expression):
    """A column of the queried table that is not a model field (kept by the database's own
    triggers), read under the query's base table alias."""

    output_field = Field()

    def __init__(self, name: str, alias: str | None = None, output_field=None):
        super().__init__(output_field=output_field)
        self.name = name
        self.alias = alias

    def resolve_expression(self, query=None, *args, **kwargs):
        clone = self.copy()
        clone.alias = query.get_initial_alias()
        return clone

    def relabeled_clone(self, change_map):
        clone = self.copy()
        clone.alias = change_map.get(self.alias, self.alias)
        return clone

    def as_sql(self, compiler, connection):
        column = connection.ops.quote_name(self.name)
        return f"{compiler.quote_name_unless_alias(self.alias)}.{column}", []

    def get_group_by_cols(self):
        return [self]


class StoredSearchVector(StoredColumn):
    """The row's stored ``search_vector`` column: the same vector, neither parsed nor computed.

    It is not a model field (SQLite has no tsvector), so it resolves to the query's base table
    alias and follows that alias when the query is relabelled as a subquery, as a column does.
    """

    output_field = SearchVectorField()

    def __init__(self, alias: str | None = None):
        super().__init__("search_vector", alias)


class ConfiguredTextVector(Func):
    """``to_tsvector(config, column)``: one language's text read by its own configuration."""

    output_field = SearchVectorField()

    def __init__(self, column: str, config: str):
        super().__init__(F(column))
        self.template = f"to_tsvector('{config}'::regconfig, %(expressions)s)"


def bilingual_text_vector() -> Expression:
    """Each language's text read by its own configuration, as the stored vectors are, for a
    bilingual table without a stored vector (person records)."""
    english, spanish = (
        ConfiguredTextVector(column, config) for column, config in BILINGUAL_CONFIGS
    )
    return CombinedExpression(english, "||", spanish, output_field=SearchVectorField())


def search_vector(queryset: QuerySet) -> Expression:
    if queryset.model._meta.db_table in VECTOR_PATHS:
        return F(VECTOR_PATHS[queryset.model._meta.db_table])
    if queryset.model._meta.db_table in STORED_VECTOR_TABLES:
        return StoredSearchVector()
    if is_bilingual(queryset):
        return bilingual_text_vector()
    return SearchTextVector()


def word_occurrences(word: str, column: str = "search_text") -> Func:
    """How often ``word`` occurs in ``column``: a relevance score where there is no FTS."""
    return (Length(column) - Length(Replace(column, Value(word), Value("")))) / Value(
        len(word), output_field=IntegerField()
    )


def is_bilingual(queryset: QuerySet) -> bool:
    """Whether the rows keep a Spanish search text beside the English one."""
    return hasattr(queryset.model, "search_text_es")


def is_postgresql(queryset: QuerySet) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def search_problem(text: str) -> str | None:
    """Say why ``text`` is more than a search may hold, or None when it can be searched."""
    text = (text or "").strip()
    if len(text) > SEARCH_MAX_LENGTH:
        return _("Search for at most %(limit)s characters; this search has %(count)s.") % {
            "limit": SEARCH_MAX_LENGTH,
            "count": len(text),
        }
    terms = len(normalize_search_text(text).split())
    if terms > SEARCH_MAX_TERMS:
        return _("Search for at most %(limit)s words; this search has %(count)s.") % {
            "limit": SEARCH_MAX_TERMS,
            "count": terms,
        }
    return None


def validate_search(text: str) -> None:
    problem = search_problem(text)
    if problem:
        raise forms.ValidationError(problem, code="search_too_long")


class SearchField(forms.CharField):
    """A search box: refuses more than ``SEARCH_MAX_LENGTH`` characters or
    ``SEARCH_MAX_TERMS`` words, so the FilterSet drops the search and says why."""

    default_validators = [validate_search]

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "maxlength": str(SEARCH_MAX_LENGTH)}


class SearchFilter(django_filters.CharFilter):
    field_class = SearchField


def search_queryset(queryset: QuerySet, text: str) -> QuerySet:
    """Filter by words of ``text`` in ``search_text``, accent- and case-insensitively.

    PostgreSQL: full-text search over the folded text (a GIN index matches this expression).
    SQLite: every word must appear in the folded text. Both annotate ``search_rank``. Text
    beyond the bounds is cut here too, whoever calls (``SearchField`` reports it first).
    """
    words = normalize_search_text(text[:SEARCH_MAX_LENGTH]).split()[:SEARCH_MAX_TERMS]
    folded = " ".join(words)
    if not folded:
        return queryset
    bilingual = is_bilingual(queryset)
    columns = [column for column, _config in BILINGUAL_CONFIGS] if bilingual else ["search_text"]
    if is_postgresql(queryset):
        vector = search_vector(queryset)
        if bilingual:
            # Read in each language: each reading stems the words as its side of the vector is
            # stemmed, and a row matches when either reading matches.
            english, spanish = (
                SearchQuery(folded, config=config, search_type="websearch")
                for _column, config in BILINGUAL_CONFIGS
            )
            query = english | spanish
        else:
            query = SearchQuery(folded, config=SEARCH_CONFIG, search_type="websearch")
        return (
            queryset.alias(search_vector=vector)
            .filter(search_vector=query)
            .annotate(search_rank=SearchRank(vector, query))
        )
    # SQLite: each word in either language's text; no stemming.
    rank = None
    for word in words:
        found = Q()
        for column in columns:
            found |= Q(**{f"{column}__contains": word})
            occurrences = word_occurrences(word, column)
            rank = occurrences if rank is None else rank + occurrences
        queryset = queryset.filter(found)
    return queryset.annotate(search_rank=rank)


# One value's schema: drf-spectacular makes a multiple-choice filter an array of it.
@extend_schema_field({"type": "string"})
class SlugMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    """Filter by one or several slugs of a related model (OR within the filter)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        super().__init__(*args, **kwargs)


def country_choices():
    return list(countries)


SORTS_CLAIM = [
    ("recent_event", _("Most recent event")),
    ("recently_published", _("Recently published")),
    ("most_cited", _("Most cited")),
    ("relevance", _("Relevance (with a search)")),
]


def without_empty_values(data):
    """The query's parameters less their empty values: ``country=`` (a form's untouched select,
    a client's blank parameter) is no filter, not an invalid one."""
    if data is None or not hasattr(data, "getlist"):
        return data
    kept = data.copy()
    for name in list(kept):
        values = [value for value in data.getlist(name) if value != ""]
        if values:
            kept.setlist(name, values)
        else:
            del kept[name]
    return kept


class ReportsProblems:
    """A FilterSet whose invalid values are dropped and reported, never raised."""

    def problems(self) -> list[str]:
        """One readable sentence per rejected parameter."""
        if not self.is_bound:
            return []
        messages = []
        for name, errors in self.form.errors.items():
            field = self.form.fields.get(name)
            label = field.label if field is not None and field.label else name
            for error in errors:
                messages.append(
                    _("The filter “%(label)s” was ignored: %(error)s")
                    % {"label": label, "error": error}
                )
        return messages


class PublicFilterSet(ReportsProblems, django_filters.FilterSet):
    """Common behaviour: the model's public() rows by default, in the list's ``ordering``;
    invalid values are reported, not raised."""

    ordering: tuple[str, ...] = ()

    @classmethod
    def public_rows(cls) -> QuerySet:
        """The rows the list may ever show (its API's too): by default the model's public()."""
        return cls._meta.model.objects.public()

    def __init__(self, data=None, queryset=None, **kwargs):
        if queryset is None:
            queryset = self.public_rows()
        super().__init__(without_empty_values(data), queryset=queryset, **kwargs)
        # No filter here joins a many-valued relation (those are subquery methods), so none can
        # repeat a row; django-filter's multiple-choice default of DISTINCT would only make the
        # list, its count and every facet de-duplicate whole rows for nothing.
        for filter_ in self.filters.values():
            filter_.distinct = False

    def filter_search(self, queryset, name, value):
        return search_queryset(queryset, value)

    @property
    def qs(self):
        return self.order(super().qs)

    def order(self, queryset: QuerySet) -> QuerySet:
        """The list's order (every output of the list reads it from here)."""
        return queryset.order_by(*self.ordering) if self.ordering else queryset


class EntryFilterSet(PublicFilterSet):
    """The filters that claims and figures share; ``year`` reads the entry's own date."""

    date_field = ""

    q = SearchFilter(method="filter_search", label=_("Search"))
    country = django_filters.MultipleChoiceFilter(
        field_name="country", choices=country_choices, label=_("Country")
    )
    # Only public places and organisations are valid choices: a slug that exists but is not
    # public must look exactly like one that does not exist.
    place = SlugMultipleChoiceFilter(
        field_name="location__slug", queryset=Location.objects.public(), label=_("Place")
    )
    grade = django_filters.MultipleChoiceFilter(
        field_name="verification", choices=VerificationGrade.choices, label=_("Grade")
    )
    # Set by a place page's link, not by the search form: kept there as a hidden input.
    within = SlugMultipleChoiceFilter(
        method="filter_within",
        queryset=Location.objects.public(),
        label=_("In or within"),
        widget=forms.MultipleHiddenInput,
    )
    year = django_filters.MultipleChoiceFilter(
        method="filter_year",
        choices=[(NO_DATE, _("date not given"))] + [(str(y), str(y)) for y in range(1900, 2101)],
        label=_("Year"),
    )

    def filter_year(self, queryset, name, value):
        if not value:
            return queryset
        # Each year as a range of dates, which an index on the date serves (its year would be
        # computed for every entry); "date not given" as the entries without a date.
        years = Q()
        for year in (int(year) for year in value if year != NO_DATE):
            years |= Q(
                **{
                    f"{self.date_field}__gte": datetime.date(year, 1, 1),
                    f"{self.date_field}__lt": datetime.date(year + 1, 1, 1),
                }
            )
        if NO_DATE in value:
            years |= Q(**{f"{self.date_field}__isnull": True})
        return queryset.filter(years)

    def filter_within(self, queryset, name, value):
        """Entries at the chosen places or at places within them (a country's facilities)."""
        if not value:
            return queryset
        places = Location.objects.within([place.pk for place in value])
        return queryset.filter(location__in=places.values("pk"))


class MonthField(forms.RegexField):
    """A month as ``YYYY-MM``."""

    def __init__(self, *args, **kwargs):
        super().__init__(r"^(19|20|21)\d\d-(0[1-9]|1[0-2])$", *args, **kwargs)
        self.error_messages["invalid"] = _("Give a month as YYYY-MM, for example 2022-03.")

    def chip_label(self, value: str) -> str:
        """The month as a reader says it ("March 2022", "marzo de 2022"), for its chip."""
        year, month = (int(part) for part in value.split("-"))
        return formats.date_format(datetime.date(year, month, 1), "YEAR_MONTH_FORMAT")


@extend_schema_field({"type": "string", "pattern": r"^(19|20|21)\d\d-(0[1-9]|1[0-2])$"})
class MonthFilter(django_filters.CharFilter):
    field_class = MonthField


class ClaimFilter(EntryFilterSet):
    date_field = "event_start"
    # Filters that the covering index of published claims answers alone (PostgreSQL: migrations
    # 0008 and 0016), for the facets' plans (tracker.facets).
    index_only_filters = frozenset(
        {
            "country",
            "grade",
            "place",
            "year",
            "event_from",
            "event_to",
            "published_from",
            "published_to",
        }
    )

    category = SlugMultipleChoiceFilter(
        method="filter_category",
        queryset=Category.objects.public(),
        label=_("Category"),
    )
    organization = SlugMultipleChoiceFilter(
        method="filter_organization",
        queryset=Organization.objects.public(),
        label=_("Organisation"),
    )
    event_from = django_filters.DateFilter(
        method="filter_event_from",
        label=_("Happened on or after"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    event_to = django_filters.DateFilter(
        field_name="event_start",
        lookup_expr="lte",
        label=_("Happened on or before"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    published_from = django_filters.DateFilter(
        method="filter_published_from",
        label=_("Published on or after"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    published_to = django_filters.DateFilter(
        method="filter_published_to",
        label=_("Published on or before"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    # Set by the timeline's bars: claims whose events began that month, dated to the month or
    # the day (one dated only to a year is not in any month).
    month = MonthFilter(method="filter_month", label=_("Month"), widget=forms.HiddenInput)
    sort = django_filters.ChoiceFilter(
        method="filter_sort", choices=SORTS_CLAIM, label=_("Sort by"), empty_label=None
    )

    class Meta:
        model = Claim
        fields: list[str] = []

    # Filters on many-valued relations are subqueries, not joins: a join repeats a claim once
    # per matching row and would need DISTINCT over whole rows, in the list, count and facets.

    def filter_category(self, queryset, name, value):
        if not value:
            return queryset
        if is_postgresql(queryset):
            # The ids of its categories that each claim carries (migration 0023), in the
            # covering index: an index-only scan, no join of the links.
            return with_kept_ids(queryset, "category_ids").filter(
                category_ids__overlap=[category.pk for category in value]
            )
        in_categories = Claim.categories.through.objects.filter(category__in=value)
        return queryset.filter(pk__in=in_categories.values("claim_id"))

    def filter_organization(self, queryset, name, value):
        if not value:
            return queryset
        # The organisations the public sees behind each claim, kept by the workflow: only
        # non-confidential sources name theirs, so filtering never reveals who is behind a
        # confidential source. PostgreSQL reads the same rows as each claim's array of them.
        if is_postgresql(queryset):
            return with_kept_ids(queryset, "organization_ids").filter(
                organization_ids__overlap=[organization.pk for organization in value]
            )
        return queryset.filter(pk__in=PublicClaimOrganization.objects.claims_of(value))

    # The publication time against the bounds of the day, not its date: comparing the column
    # itself lets an index serve the filter, where its date would be computed for every claim.

    def filter_published_from(self, queryset, name, value):
        return queryset.filter(published_at__gte=start_of_day(value))

    def filter_published_to(self, queryset, name, value):
        return queryset.filter(published_at__lt=start_of_day(value + datetime.timedelta(days=1)))

    def filter_month(self, queryset, name, value):
        if not value:
            return queryset
        year, month = (int(part) for part in value.split("-"))
        return queryset.filter(event_start__year=year, event_start__month=month).exclude(
            date_precision__in=[DatePrecision.YEAR, DatePrecision.APPROXIMATE]
        )

    def filter_event_from(self, queryset, name, value):
        return queryset.filter(
            Q(event_end__gte=value)
            | Q(event_end__isnull=True, ongoing=True)
            | Q(event_end__isnull=True, event_start__gte=value)
        )

    def filter_sort(self, queryset, name, value):
        # Ordering is applied in ``order`` so that it also holds when ``sort`` is absent.
        return queryset

    def order(self, queryset: QuerySet) -> QuerySet:
        sort = getattr(self.form, "cleaned_data", {}).get("sort") or ""
        return order_claims(queryset, sort)


def with_kept_ids(queryset: QuerySet, column: str) -> QuerySet:
    """``queryset`` with the array of ids ``column`` that PostgreSQL keeps on each claim."""
    ids = StoredColumn(column, output_field=ArrayField(BigIntegerField()))
    return queryset.alias(**{column: ids})


def start_of_day(day: datetime.date) -> datetime.datetime:
    """The first moment of ``day`` in the current time zone (where a ``__date`` lookup reads)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# The claims list's default order: the most recent event first, claims without a date last.
NEWEST_EVENT_FIRST = (F("event_start").desc(nulls_last=True), "-pk")
# Newest published first (claims and figures: the feeds, the home page, a sort of the list).
NEWEST_PUBLISHED_FIRST = (F("published_at").desc(nulls_last=True), "-pk")


def order_claims(queryset: QuerySet, sort: str) -> QuerySet:
    if sort == "relevance" and "search_rank" in queryset.query.annotations:
        return queryset.order_by("-search_rank", "-pk")
    if sort == "recently_published":
        return queryset.order_by(*NEWEST_PUBLISHED_FIRST)
    if sort == "most_cited":
        if is_postgresql(queryset):
            # The count kept on each claim by triggers (migration 0024), read from an index
            # in this order rather than counted for every claim.
            count = StoredColumn("citation_count", output_field=IntegerField())
            return queryset.annotate(citation_count=count).order_by("-citation_count", "-pk")
        # One join counted per claim: exact because every filter of this list narrows by
        # ``pk__in`` subqueries and joins no many-valued relation (the organisation filter
        # reads ``PublicClaimOrganization``), so each claim meets each of its citations once.
        return queryset.annotate(citation_count=Count("citations")).order_by(
            "-citation_count", "-pk"
        )
    if "search_rank" in queryset.query.annotations and sort == "":
        return queryset.order_by("-search_rank", "-pk")
    return queryset.order_by(*NEWEST_EVENT_FIRST)


class StatisticFilter(EntryFilterSet):
    date_field = "as_of"
    ordering = ("-as_of", "-pk")

    indicator = SlugMultipleChoiceFilter(
        field_name="indicator__slug", queryset=Indicator.objects.public(), label=_("Indicator")
    )
    organization = SlugMultipleChoiceFilter(
        field_name="organization__slug",
        queryset=Organization.objects.public(),
        label=_("Reported by"),
    )

    class Meta:
        model = Statistic
        fields: list[str] = []


def places_of_listed_people() -> QuerySet:
    """Places where a listed person record is: the people list's place choices."""
    return Location.objects.filter(Exists(Person.objects.listed().filter(place=OuterRef("pk"))))


class PersonFilter(EntryFilterSet):
    """The public register: listed records only (``Person.objects.listed()``); ``year`` is the
    year of death or last sighting."""

    date_field = "died_on"
    ordering = (F("died_on").desc(nulls_last=True), "-pk")

    situation = django_filters.MultipleChoiceFilter(
        choices=PersonStatus.choices, label=_("Status of the person")
    )
    sex = django_filters.MultipleChoiceFilter(choices=Sex.choices, label=_("Sex"))
    place = SlugMultipleChoiceFilter(
        field_name="place__slug", queryset=places_of_listed_people(), label=_("Place")
    )
    within = SlugMultipleChoiceFilter(
        method="filter_within",
        queryset=places_of_listed_people(),
        label=_("In or within"),
        widget=forms.MultipleHiddenInput,
    )

    class Meta:
        model = Person
        fields: list[str] = []

    @classmethod
    def public_rows(cls) -> QuerySet:
        return Person.objects.listed()

    def filter_within(self, queryset, name, value):
        if not value:
            return queryset
        places = Location.objects.within([place.pk for place in value])
        return queryset.filter(place__in=places.values("pk"))


class SourceFilter(PublicFilterSet):
    ordering = ("-published_on", "title", "pk")

    q = SearchFilter(method="filter_search", label=_("Search"))
    kind = django_filters.MultipleChoiceFilter(choices=Source.Kind.choices, label=_("Kind"))
    organization = SlugMultipleChoiceFilter(
        field_name="organization__slug",
        queryset=Organization.objects.public(),
        label=_("Organisation"),
    )
    language = django_filters.MultipleChoiceFilter(
        choices=Source.Language.choices, label=_("Language")
    )

    class Meta:
        model = Source
        fields: list[str] = []


class KindAndCountryFilterSet(PublicFilterSet):
    """Organisations and places, by name: searched, and filtered by their model's own kinds
    (``Kind``) and by country."""

    ordering = ("name", "pk")

    q = SearchFilter(method="filter_search", label=_("Search"))
    # Its choices are the model's kinds, set for each FilterSet in ``get_filters``.
    kind = django_filters.MultipleChoiceFilter(choices=(), label=_("Kind"))
    country = django_filters.MultipleChoiceFilter(
        field_name="country", choices=country_choices, label=_("Country")
    )

    @classmethod
    def get_filters(cls):
        filters = super().get_filters()
        if cls._meta.model is not None:
            kind = filters["kind"]
            filters["kind"] = type(kind)(
                field_name=kind.field_name,
                label=kind.label,
                choices=cls._meta.model.Kind.choices,
            )
        return filters


class OrganizationFilter(KindAndCountryFilterSet):
    class Meta:
        model = Organization
        fields: list[str] = []


class LocationFilter(KindAndCountryFilterSet):
    class Meta:
        model = Location
        fields: list[str] = []

    def filter_search(self, queryset, name, value):
        """A place is searched by its name in either language."""
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(name_es__icontains=value))


class LocalizedNameChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.localized_name


class LocalizedNameChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = LocalizedNameChoiceField


def queue_authors(request=None) -> QuerySet:
    """The people whose work awaits review: authors of submissions, proposers of revisions."""
    return (
        get_user_model()
        .objects.filter(
            Q(pk__in=Claim.objects.awaiting_review().values("created_by"))
            | Q(pk__in=Statistic.objects.awaiting_review().values("created_by"))
            | Q(pk__in=Revision.objects.pending().values("created_by"))
        )
        .order_by("username")
    )


class UsernameChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_username()


class AuthorChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = UsernameChoiceField


# A filter left empty: every value passes.
ANY = _("any")


class ReviewQueueFilter(ReportsProblems, django_filters.FilterSet):
    """The review queue's filters and order; ``narrow`` applies them to each kind of item.

    The queue holds submitted claims, submitted figures and pending revisions. A revision is
    found by what its entry is about (country, category, organisation). Origin: a claim records
    its own (entered by staff, sent by the public as a tip, imported); figures and revisions
    are only ever entered by staff in the workspace, so they count as entered by staff.
    """

    TYPES = [("claim", _("Claims")), ("statistic", _("Figures")), ("revision", _("Revisions"))]
    AGES = [("1", _("waiting over a day")), ("7", _("over a week")), ("30", _("over a month"))]
    SORTS = [
        ("oldest", _("oldest first")),
        ("newest", _("newest first")),
        ("type", _("type, then oldest")),
    ]
    # The date each kind has waited since.
    DATE_FIELDS = {"claim": "updated_at", "statistic": "updated_at", "revision": "created_at"}
    # The filters about what an entry is about, which a revision meets through its entry.
    ENTRY_FILTERS = ("country", "category", "organization")

    type = django_filters.ChoiceFilter(
        label=_("type"), choices=TYPES, method="keep", empty_label=ANY
    )
    country = django_filters.ChoiceFilter(
        label=_("country"), choices=country_choices, method="keep", empty_label=ANY
    )
    category = LocalizedNameChoiceFilter(
        label=_("category"),
        queryset=Category.objects.order_by("name"),
        method="keep",
        empty_label=ANY,
    )
    organization = django_filters.ModelChoiceFilter(
        label=_("organisation"),
        queryset=Organization.objects.order_by("name"),
        method="keep",
        empty_label=ANY,
    )
    author = AuthorChoiceFilter(
        label=_("author"), queryset=queue_authors, method="keep", empty_label=ANY
    )
    origin = django_filters.ChoiceFilter(
        label=_("origin"), choices=Claim.Origin.choices, method="keep", empty_label=ANY
    )
    age = django_filters.ChoiceFilter(label=_("age"), choices=AGES, method="keep", empty_label=ANY)
    sort = django_filters.ChoiceFilter(
        label=_("sort by"), choices=SORTS, empty_label=None, method="keep"
    )

    def __init__(self, data=None, **kwargs):
        # Each kind has its own queryset (``narrow``): the FilterSet's own is never used.
        kwargs.setdefault("queryset", Claim.objects.none())
        super().__init__(data, **kwargs)

    def keep(self, queryset, name, value):
        return queryset

    @property
    def chosen(self) -> dict:
        """The valid values; an invalid one is left out (``problems`` says why)."""
        if not self.is_bound:
            return {}
        self.form.is_valid()  # cleans every field; the valid ones are in cleaned_data
        return {name: value for name, value in self.form.cleaned_data.items() if value}

    def wants(self, kind: str) -> bool:
        chosen = self.chosen.get("type")
        return not chosen or chosen == kind

    @property
    def sort_order(self) -> str:
        return self.chosen.get("sort") or "oldest"

    def narrow(self, kind: str, queryset: QuerySet) -> QuerySet:
        """Narrow one kind's queue (claims, figures or pending revisions) by every filter."""
        chosen = self.chosen
        if kind == "revision":
            queryset = self._narrow_by_entry(queryset, chosen)
        else:
            queryset = self._narrow_entries(kind, queryset, chosen)
        if author := chosen.get("author"):
            queryset = queryset.filter(created_by=author)
        if origin := chosen.get("origin"):
            if kind == "claim":
                queryset = queryset.filter(origin=origin)
            elif origin != Claim.Origin.STAFF:
                queryset = queryset.none()
        if age := chosen.get("age"):
            cutoff = timezone.now() - datetime.timedelta(days=int(age))
            queryset = queryset.filter(**{f"{self.DATE_FIELDS[kind]}__lte": cutoff})
        return queryset

    def _narrow_entries(self, kind: str, queryset: QuerySet, chosen: dict) -> QuerySet:
        """Narrow claims or figures by what they are about: country, category, organisation."""
        country, category = chosen.get("country"), chosen.get("category")
        organization = chosen.get("organization")
        if kind == "claim":
            if country:
                queryset = queryset.filter(country=country)
            if category:
                in_category = Claim.categories.through.objects.filter(category=category)
                queryset = queryset.filter(pk__in=in_category.values("claim_id"))
            if organization:
                citing = Citation.objects.filter(source__organization=organization)
                queryset = queryset.filter(pk__in=citing.values("claim_id"))
            return queryset
        if country:
            queryset = queryset.filter(Q(country=country) | Q(location__country=country))
        if category:
            queryset = queryset.filter(indicator__category=category)
        if organization:
            queryset = queryset.filter(organization=organization)
        return queryset

    def _narrow_by_entry(self, queryset: QuerySet, chosen: dict) -> QuerySet:
        """Keep the revisions whose claim or figure passes the entry filters."""
        if not any(chosen.get(name) for name in self.ENTRY_FILTERS):
            return queryset
        matching = Q()
        for kind, model in (("claim", Claim), ("statistic", Statistic)):
            entries = self._narrow_entries(kind, model.objects.all(), chosen)
            matching |= Q(
                content_type__app_label=model._meta.app_label,
                content_type__model=model._meta.model_name,
                object_id__in=entries.values("pk"),
            )
        return queryset.filter(matching)
