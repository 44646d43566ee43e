"""The read-only JSON API: one viewset per public list (``tracker.lists``), and indicators."""

from __future__ import annotations

from functools import partial

from django_filters import utils
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import viewsets
from rest_framework.permissions import AllowAny

from tracker.data_license import with_license_link
from tracker.facets import canonical_query
from tracker.lists import PublicList
from tracker.models import Indicator
from tracker.paging import PublicPagination, cached_json
from tracker.public_cache import get_or_compute
from tracker.serializers import IndicatorDetailSerializer, IndicatorSerializer


class PublicFilterBackend(DjangoFilterBackend):
    """The list's FilterSet, where a value that names nothing public (an unknown or private
    slug, a country without entries) matches nothing, as any filter that finds nothing does:
    a valid request answered with no rows, not an error. A value that cannot be read (a date,
    a search too long) is still a 400."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if filterset.is_valid():
            return filterset.qs
        errors = filterset.form.errors.as_data()
        if all(error.code == "invalid_choice" for found in errors.values() for error in found):
            # Never true, yet plain SQL (``none()`` compiles to no statement at all), so the
            # list still counts its rows (none) like any other filter.
            return filterset.qs.filter(pk__isnull=True)
        raise utils.translate_validation(filterset.errors)


class PublicApiViewSet(viewsets.ReadOnlyModelViewSet):
    """Anonymous and read-only; no session, so no writes and no CSRF."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    pagination_class = PublicPagination

    def finalize_response(self, request, response, *args, **kwargs):
        """Every answer names the data's licence in a ``Link`` header."""
        response = super().finalize_response(request, response, *args, **kwargs)
        return with_license_link(response)


class PublicListViewSet(PublicApiViewSet):
    """A public list: its ``public()`` rows through its FilterSet, in its order and shape."""

    filter_backends = [PublicFilterBackend]
    public_list: PublicList

    def get_queryset(self):
        return self.public_list.listing(self.public_list.all_public())

    def list(self, request, *args, **kwargs):
        """A page of the list, its bytes cached per public-data version (``cached_json``); on
        a miss, its rows are cached with the JSON export's, and its total."""
        queryset = self.filter_queryset(self.get_queryset())
        return cached_json("api-page", request, queryset.db, partial(self.page_data, queryset))

    def page_data(self, queryset, version: int) -> dict:
        request = self.request
        parts = (self.public_list.name, canonical_query(request.query_params, "page", "page_size"))
        total = get_or_compute("api-count", version, parts, queryset.count)
        pagination = PublicPagination(total=total)
        pagination.choose_page(queryset, request)
        return pagination.get_paginated_data(pagination.cached_results(self.public_list, version))


def list_viewset(public_list: PublicList) -> type[PublicListViewSet]:
    """The API's viewset of ``public_list``: everything read from its declaration."""
    return type(
        f"{public_list.model.__name__}ViewSet",
        (PublicListViewSet,),
        {
            "__doc__": public_list.description,
            "__module__": __name__,
            "public_list": public_list,
            "filterset_class": public_list.filterset_class,
            "serializer_class": public_list.serializer_class,
            "queryset": public_list.model.objects.none(),
            "lookup_field": public_list.page_key,
        },
    )


class IndicatorViewSet(PublicApiViewSet):
    """The quantities that figures report on."""

    serializer_class = IndicatorSerializer
    lookup_field = "slug"

    def get_serializer_class(self):
        return IndicatorDetailSerializer if self.action == "retrieve" else IndicatorSerializer

    def get_queryset(self):
        return Indicator.objects.public().select_related("category").order_by("name", "pk")
