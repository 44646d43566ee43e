"""CSV and JSON of every public list: the HTML page's query string with a suffix."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, JsonResponse, StreamingHttpResponse
from django.views import View

from tracker.exports import RESOURCES, Resource, stream_csv
from tracker.facets import compute_facets

JSON_PAGE_SIZE = 100


class ExportView(View):
    """Base for the exports of one resource, named in the URL configuration."""

    resource_name = ""
    http_method_names = ["get", "head", "options"]

    @property
    def resource(self) -> Resource:
        return RESOURCES[self.resource_name]


class CsvExportView(ExportView):
    def get(self, request: HttpRequest):
        filterset = self.resource.filterset(request.GET)
        response = StreamingHttpResponse(
            stream_csv(self.resource, filterset), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{self.resource.name}.csv"'
        if filterset.problems():
            # A header, so the file stays a clean table while the problems are still told.
            response["X-Filter-Problems"] = " | ".join(
                str(problem).encode("ascii", "replace").decode() for problem in filterset.problems()
            )
        return response


class JsonExportView(ExportView):
    def get(self, request: HttpRequest):
        resource = self.resource
        filterset = resource.filterset(request.GET)
        paginator = Paginator(resource.queryset(filterset), JSON_PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        serializer = resource.serializer_class(
            page.object_list, many=True, context={"request": request}
        )
        facets = compute_facets(resource.filterset_class, request.GET, resource.facets)
        return JsonResponse(
            {
                "count": paginator.count,
                "page": page.number,
                "pages": paginator.num_pages,
                "next": self.page_link(page.next_page_number()) if page.has_next() else None,
                "previous": (
                    self.page_link(page.previous_page_number()) if page.has_previous() else None
                ),
                "problems": [str(problem) for problem in filterset.problems()],
                "facets": [facet.as_dict(request.path) for facet in facets],
                "results": serializer.data,
            },
            json_dumps_params={"ensure_ascii": False},
        )

    def page_link(self, number: int) -> str:
        query = self.request.GET.copy()
        query["page"] = str(number)
        return self.request.build_absolute_uri(f"{self.request.path}?{query.urlencode()}")
