"""Filtered, faceted, paginated public lists: one FilterSet and one query string per list.

Bad input never fails a page: an invalid filter value is dropped and explained, a page number
that is not a number or is out of range shows the nearest page and says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.http import QueryDict
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import ListView

from tracker.facets import NOT_FILTERS, Facet, compute_facets
from tracker.public_cache import get_or_compute, public_version


@dataclass(frozen=True)
class ActiveFilter:
    """One applied filter value, shown as a chip with a link that removes it."""

    label: str
    value: str
    remove_query: str


def query_without(params: QueryDict, *names: str) -> str:
    query = params.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


class KnownCountPaginator(Paginator):
    """A paginator given its total, so that it does not count the rows a second time."""

    def __init__(self, object_list, per_page, *, total: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.total = total

    @cached_property
    def count(self) -> int:
        return self.total


def canonical_query(params: QueryDict, *without: str) -> str:
    """The query string with its parameters and values in a fixed order (for cache keys)."""
    return "&".join(
        f"{name}={value}"
        for name in sorted(params)
        if name not in without
        for value in sorted(params.getlist(name))
    )


class FilteredListView(ListView):
    """A public list driven by a FilterSet from the query string, with facets and notices."""

    filterset_class: type | None = None
    facet_specs: list = []
    paginate_by = 25
    # Where the same view is exported (built elsewhere, outside the language prefix).
    export_path = ""

    def get_filterset(self):
        return self.filterset_class(self.request.GET or None)

    def optimise(self, queryset):
        """Add the select_related/prefetch_related that the list's template needs."""
        return queryset

    def get_queryset(self):
        self.filterset = self.get_filterset()
        self.notices = list(self.filterset.problems())
        return self.optimise(self.filterset.qs)

    def summary(self, queryset) -> tuple[int, list[Facet]]:
        """The total and the facets of the current filters, cached by the public-data version.

        One primary-key lookup per request when cached; on a miss, one count and the facets'
        queries (see ``compute_facets``).
        """
        if not hasattr(self, "_summary"):

            def compute() -> tuple[int, list[Facet]]:
                facets = self.compute_facets()
                # Plain strings: the cached facets must not depend on lazy translation objects.
                facets = [Facet(facet.param, str(facet.label), facet.values) for facet in facets]
                return queryset.count(), facets

            self._version = public_version(queryset.db)
            self._summary = get_or_compute("list", self._version, self.cache_parts(), compute)
        return self._summary

    def cache_parts(self, *more: str) -> tuple[str, ...]:
        return (
            f"{type(self).__module__}.{type(self).__qualname__}",
            get_language() or "",
            canonical_query(self.request.GET, self.page_kwarg),
            *more,
        )

    def page_rows(self, queryset, paginator: Paginator, number: int) -> list:
        """The rows of page ``number``, in order, with their ids cached like the counts.

        Finding which rows a page holds is the costly part (ranking every match of a search,
        or sorting a filtered set); fetching 25 rows by primary key is not. The ids are kept
        per public-data version, so a decision changes them for every process at once.
        """
        bottom = (number - 1) * paginator.per_page
        top = bottom + paginator.per_page

        def compute() -> list:
            return list(queryset.values_list("pk", flat=True)[bottom:top])

        parts = self.cache_parts(f"page={number}", f"size={paginator.per_page}")
        ids = get_or_compute("page", self._version, parts, compute)
        rows = {row.pk: row for row in queryset.order_by().filter(pk__in=ids)}
        return [rows[pk] for pk in ids if pk in rows]

    def paginate_queryset(self, queryset, page_size):
        total, _facets = self.summary(queryset)
        paginator = KnownCountPaginator(queryset, page_size, total=total)
        raw = self.request.GET.get(self.page_kwarg, "1")
        try:
            number = int(raw)
        except (TypeError, ValueError):
            number = 1
            self.notices.append(
                _("“%(page)s” is not a page number: showing the first page.") % {"page": raw}
            )
        if number < 1:
            self.notices.append(_("Pages start at 1: showing the first page."))
            number = 1
        elif number > paginator.num_pages:
            self.notices.append(
                _("There is no page %(page)s: showing the last page, %(last)s.")
                % {"page": number, "last": paginator.num_pages}
            )
            number = paginator.num_pages
        page = Page(self.page_rows(queryset, paginator, number), number, paginator)
        return paginator, page, page.object_list, page.has_other_pages()

    def compute_facets(self) -> list[Facet]:
        if not self.facet_specs:
            return []
        return compute_facets(
            self.filterset_class, self.request.GET, self.facet_specs, filterset=self.filterset
        )

    def get_facets(self) -> list[Facet]:
        return self.summary(self.object_list)[1]

    def get_active_filters(self, facets: list[Facet]) -> list[ActiveFilter]:
        params = self.request.GET
        errors = self.filterset.form.errors
        faceted = {facet.param for facet in facets}
        chips = [
            ActiveFilter(str(facet.label), value.label, value.toggle_query)
            for facet in facets
            if facet.param not in errors
            for value in facet.selected
        ]
        cleaned = getattr(self.filterset.form, "cleaned_data", {})
        for name, field in self.filterset.form.fields.items():
            if name in faceted or name in NOT_FILTERS or not cleaned.get(name):
                continue
            value = cleaned[name]
            if hasattr(value, "model"):
                value = ", ".join(str(item) for item in value)
            elif isinstance(value, list | tuple):
                labels = dict(getattr(field, "choices", ()))
                value = ", ".join(str(labels.get(item, item)) for item in value)
            chips.append(
                ActiveFilter(str(field.label), str(value), query_without(params, name, "page"))
            )
        return chips

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        facets = self.get_facets()
        params = self.request.GET
        export_query = query_without(params, "page")
        context.update(
            filterset=self.filterset,
            form=self.filterset.form,
            facets=facets,
            faceted_params=[facet.param for facet in facets],
            active_filters=self.get_active_filters(facets),
            notices=self.notices,
            # Submitting the search form keeps the facet values already chosen (valid ones).
            facet_hidden_inputs=[
                (facet.param, value)
                for facet in facets
                if facet.param not in self.filterset.form.errors
                for value in params.getlist(facet.param)
            ],
            export_query=export_query,
            csv_url=f"/{self.export_path}.csv" + (f"?{export_query}" if export_query else ""),
            json_url=f"/{self.export_path}.json" + (f"?{export_query}" if export_query else ""),
        )
        return context
