"""CSV and JSON of every public list: the HTML page's query string with a suffix."""

from __future__ import annotations

import json
import sys
from functools import partial

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.views import View
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny

from tracker.data_license import data_license, with_license_link
from tracker.exports import stream_csv
from tracker.facets import cached_summary, page_arm
from tracker.lists import LISTS, PublicList
from tracker.maps import as_geojson, cached_features
from tracker.paging import PublicPagination, cached_json, page_number


class CsvExportView(View):
    """The whole filtered list as CSV, streamed."""

    list_name = ""
    http_method_names = ["get", "head", "options"]

    def get(self, request: HttpRequest):
        public_list = LISTS[self.list_name]
        filterset = public_list.filterset(request.GET)
        response = StreamingHttpResponse(
            # The pages' links are absolute, as in the JSON: a downloaded file leaves the site.
            stream_csv(public_list, filterset, origin=request.build_absolute_uri("/")[:-1]),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{public_list.name}.csv"'
        if filterset.problems():
            # A header, so the file stays a clean table while the problems are still told.
            response["X-Filter-Problems"] = " | ".join(
                str(problem).encode("ascii", "replace").decode() for problem in filterset.problems()
            )
        return with_license_link(response)


class JsonExportView(GenericAPIView):
    """A page of the filtered list as the API gives it, with the HTML page's facets and the
    problems found in the query string (never an error). Its total and facets are the HTML
    page's cache entry, its rows the API's.

    Anonymous and not throttled, like the CSV: the API's throttle is for the API.
    """

    list_name = ""
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []
    http_method_names = ["get", "head", "options"]
    schema = None  # documented with the CSV in docs/open-data.md, not in the API's schema

    def get(self, request):
        public_list: PublicList = LISTS[self.list_name]
        filterset = public_list.filterset(request.GET)
        return with_license_link(
            cached_json(
                "json-export",
                request,
                filterset.queryset.db,
                partial(self.data, request, public_list, filterset),
            )
        )

    def data(self, request, public_list: PublicList, filterset, version: int) -> dict:
        queryset = public_list.queryset(filterset)
        pagination = PublicPagination()
        # The page asked for, read with the facets when they are computed now (see the HTML
        # list): its ids are used for this answer, whose rows are then cached.
        size = pagination.get_page_size(request)
        asked, _notice = page_number(request.GET.get(pagination.page_query_param), sys.maxsize)
        fused: dict = {}
        _version, total, facets = cached_summary(
            public_list.name,
            request.GET,
            filterset,
            public_list.facets,
            filterset.qs.count,
            tally=public_list.tally,
            page=page_arm(queryset, asked, size, lambda _version, ids: fused.update(ids=ids)),
            version=version,
        )
        pagination.total = total
        pagination.choose_page(queryset, request)
        if "ids" in fused and pagination.page.number == asked:
            if public_list.json_row is not None:
                pagination.page.object_list = fused["ids"]  # read by ``PublicList.json_rows``
            else:
                rows = {row.pk: row for row in queryset.order_by().filter(pk__in=fused["ids"])}
                pagination.page.object_list = [rows[pk] for pk in fused["ids"] if pk in rows]
        data = pagination.get_paginated_data(pagination.cached_results(public_list, version))
        problems = [str(problem) for problem in filterset.problems()]
        if pagination.notice:
            problems.append(pagination.notice)
        data["problems"] = problems
        data["facets"] = [facet.as_dict(request.path) for facet in facets]
        data["license"] = data_license()
        return data


class ClaimGeoJsonView(View):
    """Where the filtered claims are, as an RFC 7946 FeatureCollection (QGIS, geojson.io):
    one point per place with its claim count, the claims' ids and addresses, and a link to the
    list filtered to that place. Same query string as the list."""

    http_method_names = ["get", "head", "options"]

    def get(self, request: HttpRequest):
        filterset = LISTS["claims"].filterset(request.GET)
        features = cached_features(filterset, request.GET, with_ids=True)
        data = as_geojson(features, request.GET, request)
        problems = [str(problem) for problem in filterset.problems()]
        if problems:
            data["problems"] = problems  # a foreign member (RFC 7946, section 6.1)
        data["license"] = data_license()  # a foreign member too
        return with_license_link(
            HttpResponse(
                json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False),
                content_type="application/geo+json",
            )
        )
