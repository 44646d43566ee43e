"""Filtered, faceted, paginated public lists: one FilterSet and one query string per list.

Bad input never fails a page: an invalid filter value is dropped and explained, a page number
that is not a number or is out of range shows the nearest page and says so.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.http import QueryDict
from django.utils.translation import get_language
from django.views.generic import ListView

from tracker.facets import (
    NOT_FILTERS,
    Facet,
    PageArm,
    cached_summary,
    canonical_query,
    page_arm,
)
from tracker.lists import PublicList
from tracker.paging import KnownCountPaginator, page_number
from tracker.public_cache import get_or_compute, store


@dataclass(frozen=True)
class ActiveFilter:
    """One applied filter value, shown as a chip with a link that removes it."""

    label: str
    value: str
    remove_query: str


class LazyRows(Sequence):
    """The rows of a page, read the first time the template uses them: when the page's body is
    already cached (``list_page.html``), never."""

    def __init__(self, fetch: Callable[[], list]):
        self._fetch = fetch
        self._rows: list | None = None

    def _all(self) -> list:
        if self._rows is None:
            self._rows = self._fetch()
        return self._rows

    def __getitem__(self, index):
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())

    def __iter__(self):
        return iter(self._all())


def query_without(params: QueryDict, *names: str) -> str:
    query = params.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


class FilteredListView(ListView):
    """The HTML page of a public list (``tracker.lists``): its FilterSet from the query string,
    its facets and notices, and links to the same view as CSV and JSON."""

    public_list: PublicList
    paginate_by = 25

    def get_queryset(self):
        self.filterset = self.public_list.filterset(self.request.GET)
        self.notices = list(self.filterset.problems())
        return self.public_list.page_queryset(self.filterset)

    def summary(self, queryset, page: PageArm | None = None) -> tuple[int, list[Facet]]:
        """The total and the facets, cached with the JSON export's (``cached_summary``); on a
        miss, the ids of ``page`` too when they can be read with them."""
        if not hasattr(self, "_summary"):
            self._version, *self._summary = cached_summary(
                self.public_list.name,
                self.request.GET,
                self.filterset,
                self.public_list.facets,
                self.counter(queryset),
                tally=self.public_list.tally,
                page=page,
            )
        return self._summary

    def counter(self, queryset) -> Callable[[], int]:
        """What counts the matching rows on a miss of the cached summary."""
        return queryset.count

    def cache_parts(self, *more: str) -> tuple[str, ...]:
        return (
            self.public_list.name,
            get_language() or "",
            canonical_query(self.request.GET, self.page_kwarg),
            *more,
        )

    def page_rows(self, queryset, paginator: Paginator, number: int) -> LazyRows:
        """The rows of page ``number``, in order, with their ids cached like the counts; read
        only if the page's body is not cached.

        Finding which rows a page holds is the costly part (ranking every match of a search,
        or sorting a filtered set); fetching 25 rows by primary key is not. The ids are kept
        per public-data version, so a decision changes them for every process at once.
        """
        bottom = (number - 1) * paginator.per_page
        top = bottom + paginator.per_page

        def compute() -> list:
            return list(queryset.values_list("pk", flat=True)[bottom:top])

        parts = self.page_parts(number, paginator.per_page)

        def fetch() -> list:
            ids = get_or_compute("page", self._version, parts, compute)
            rows = {row.pk: row for row in queryset.order_by().filter(pk__in=ids)}
            return [rows[pk] for pk in ids if pk in rows]

        return LazyRows(fetch)

    def page_parts(self, number: int, per_page: int) -> tuple[str, ...]:
        return self.cache_parts(f"page={number}", f"size={per_page}")

    def paginate_queryset(self, queryset, page_size):
        # The page asked for, read with the facets if the summary is computed now (a page past
        # the last keeps ids that are never read: the nearest page is shown instead).
        asked, _notice = page_number(self.request.GET.get(self.page_kwarg), sys.maxsize)
        parts = self.page_parts(asked, page_size)
        arm = page_arm(
            queryset, asked, page_size, lambda version, ids: store("page", version, parts, ids)
        )
        total, _facets = self.summary(queryset, arm)
        paginator = KnownCountPaginator(queryset, page_size, total=total)
        number, notice = page_number(self.request.GET.get(self.page_kwarg), paginator.num_pages)
        if notice:
            self.notices.append(notice)
        page = Page(self.page_rows(queryset, paginator, number), number, paginator)
        return paginator, page, page.object_list, page.has_other_pages()

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
            if hasattr(field, "chip_label"):
                value = field.chip_label(value)
            elif hasattr(value, "model"):
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
        public_list = self.public_list
        context.update(
            public_list=public_list,
            count_text=public_list.matches % {"counter": context["paginator"].count},
            search_label=public_list.search_label,
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
            # The page's body is cached under these (list_page.html): the public-data version,
            # which every decision bumps, the address and the whole query string, page included.
            body_cache_key=(self._version, self.request.path, canonical_query(params)),
        )
        for kind, url in self.public_list.export_urls(export_query).items():
            context[f"{kind}_url"] = url
        return context
