"""The map view of the claim list: the same filters, facets and timeline, the claims by place."""

from django.core.paginator import Page

from tracker.maps import cached_features, map_settings, marker_data
from tracker.paging import KnownCountPaginator
from tracker.views.public import ClaimListView


class ClaimMapView(ClaimListView):
    """The filtered claims on a map, with the table of counts by place as its equivalent."""

    template_name = "tracker/claim_map.html"

    def paginate_queryset(self, queryset, page_size):
        # The map shows no rows: only the total (for the count line) and the facets.
        total, _facets = self.summary(queryset)
        paginator = KnownCountPaginator(queryset, page_size, total=total)
        return paginator, Page([], 1, paginator), [], False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        features = cached_features(self.filterset, self.request.GET, version=self._version)
        context["map_markers"] = marker_data(features, self.request.GET)
        context["map_settings"] = map_settings()
        return context
