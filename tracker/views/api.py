"""The read-only JSON API: the public lists with the same FilterSets as the pages and exports."""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny

from tracker import filters
from tracker.exports import RESOURCES
from tracker.models import Claim, Indicator, Location, Organization, Source, Statistic
from tracker.serializers import IndicatorSerializer


class PublicPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class PublicApiViewSet(viewsets.ReadOnlyModelViewSet):
    """Anonymous and read-only; no session, so no writes and no CSRF."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    pagination_class = PublicPagination


class PublicReadOnlyViewSet(PublicApiViewSet):
    """A public list of the open data: public() rows through the list's own FilterSet."""

    filter_backends = [DjangoFilterBackend]
    resource_name = ""

    def get_serializer_class(self):
        return RESOURCES[self.resource_name].serializer_class

    def get_queryset(self):
        resource = RESOURCES[self.resource_name]
        return resource.for_listing(resource.model.objects.public())

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        ordering = RESOURCES[self.resource_name].default_ordering
        if not queryset.query.order_by and ordering:
            queryset = queryset.order_by(*ordering)
        return queryset


class ClaimViewSet(PublicReadOnlyViewSet):
    """Published claims with their public citations."""

    resource_name = "claims"
    filterset_class = filters.ClaimFilter
    queryset = Claim.objects.none()


class StatisticViewSet(PublicReadOnlyViewSet):
    """Published figures."""

    resource_name = "statistics"
    filterset_class = filters.StatisticFilter
    queryset = Statistic.objects.none()


class SourceViewSet(PublicReadOnlyViewSet):
    """Sources used by published entries; confidential sources are never listed."""

    resource_name = "sources"
    filterset_class = filters.SourceFilter
    queryset = Source.objects.none()


class OrganizationViewSet(PublicReadOnlyViewSet):
    """Organisations behind public sources or published figures."""

    resource_name = "organizations"
    filterset_class = filters.OrganizationFilter
    queryset = Organization.objects.none()
    lookup_field = "slug"


class PlaceViewSet(PublicReadOnlyViewSet):
    """Places of published claims and figures."""

    resource_name = "places"
    filterset_class = filters.LocationFilter
    queryset = Location.objects.none()
    lookup_field = "slug"


class IndicatorViewSet(PublicApiViewSet):
    """The quantities that figures report on."""

    serializer_class = IndicatorSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return Indicator.objects.public().select_related("category").order_by("name", "pk")
