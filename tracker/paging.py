"""Pages of the public lists, the same for the HTML page, the JSON export and the API.

A page number that is not a number, or out of range, shows the nearest page and says so: bad
input never fails a list.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from tracker.facets import canonical_query
from tracker.public_cache import get_or_compute, public_version

JSON_PAGE_SIZE = 100
JSON_MAX_PAGE_SIZE = 500


class KnownCountPaginator(Paginator):
    """A paginator given its total, so that it does not count the rows a second time.

    A page after the first is found by its primary keys first: the database skips the rows
    before it in the list's order reading only what that order needs (an index, often), and
    reads whole rows, with their joins, for the page alone.
    """

    def __init__(self, object_list, per_page, *, total: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.total = total

    @cached_property
    def count(self) -> int:
        return super().count if self.total is None else self.total

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list
        if bottom and isinstance(rows, QuerySet):
            # One statement still: the page's keys are a subquery, in the list's own order.
            return self._get_page(rows.filter(pk__in=rows.values("pk")[bottom:top]), number, self)
        return self._get_page(rows[bottom:top], number, self)


def page_number(raw: str | None, num_pages: int) -> tuple[int, str]:
    """The page to show for the ``page`` parameter ``raw``, and what to tell about it."""
    try:
        number = int(raw if raw is not None else 1)
    except (TypeError, ValueError):
        return 1, _("“%(page)s” is not a page number: showing the first page.") % {"page": raw}
    if number < 1:
        return 1, _("Pages start at 1: showing the first page.")
    if number > num_pages:
        return num_pages, _("There is no page %(page)s: showing the last page, %(last)s.") % {
            "page": number,
            "last": num_pages,
        }
    return number, ""


class PublicPagination(PageNumberPagination):
    """The pages of every JSON list, in the API and the JSON export alike."""

    page_size = JSON_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = JSON_MAX_PAGE_SIZE

    def __init__(self, *, total: int | None = None):
        self.total = total
        self.notice = ""

    def paginate_queryset(self, queryset, request, view=None):
        self.choose_page(queryset, request)
        return list(self.page)

    def choose_page(self, queryset, request) -> None:
        """Choose the page the request asks for, without reading its rows."""
        self.request = request
        paginator = KnownCountPaginator(queryset, self.get_page_size(request), total=self.total)
        number, self.notice = page_number(
            request.query_params.get(self.page_query_param), paginator.num_pages
        )
        self.page = paginator.page(number)

    def cached_results(self, public_list, version: int) -> list[dict]:
        """The chosen page's rows in the list's public shape, cached per public-data version.

        Shared by the JSON export and the API: the same query string and page give the same
        rows in both. The key names the version (a decision changes it for every process) and
        the site's address, which the rows' links carry.
        """
        request = self.request

        def serialize() -> list[dict]:
            if public_list.json_row is not None:
                origin = request.build_absolute_uri("/")[:-1]
                return public_list.json_rows(self.page.object_list, origin)
            rows = public_list.serializer_class(
                list(self.page), many=True, context={"request": request}
            ).data
            # Plain data, for any cache: no serializer or request travels with it.
            return json.loads(json.dumps(rows, cls=DjangoJSONEncoder))

        parts = (
            public_list.name,
            canonical_query(request.query_params, self.page_query_param),
            f"page={self.page.number}",
            f"size={self.page.paginator.per_page}",
            request.build_absolute_uri("/"),
        )
        return get_or_compute("json-page", version, parts, serialize)

    def get_paginated_data(self, results) -> dict:
        paginator = self.page.paginator
        return {
            "count": paginator.count,
            "page": self.page.number,
            "pages": paginator.num_pages,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": results,
        }

    def get_paginated_response(self, data):
        return Response(self.get_paginated_data(data))

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        described["properties"]["page"] = {"type": "integer", "example": 1}
        described["properties"]["pages"] = {"type": "integer", "example": 1}
        described["required"] = ["count", "page", "pages", "results"]
        return described


def cached_json(kind: str, request: HttpRequest, using: str, build: Callable[[int], dict]):
    """``build()``'s answer to ``request`` as JSON, its bytes cached per public-data version
    (of the ``using`` database): a warm answer is the cached body, as a warm HTML page is, not
    the same data rendered again (a page of 100 claims is about 350 kB). The key holds what the
    body depends on: the address (its query string in a fixed order, for the links and the
    facets), the site's address and the language (of the labels and the problems).
    ``build(version)``: the answer's data at the public-data version read for the key."""
    parts = (
        request.path,
        canonical_query(request.GET),
        request.build_absolute_uri("/"),
        get_language() or "",
    )
    version = public_version(using)
    body = get_or_compute(kind, version, parts, lambda: JSONRenderer().render(build(version)))
    return HttpResponse(body, content_type="application/json")
