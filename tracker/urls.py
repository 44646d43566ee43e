from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from tracker.feeds import IndicatorFiguresFeed, NewClaimsFeed
from tracker.sitemaps import SITEMAPS
from tracker.views import api, exports, public

public_patterns = [
    path("", public.HomeView.as_view(), name="home"),
    path("claims/", public.ClaimListView.as_view(), name="claim_list"),
    path("claims/<int:pk>/", public.ClaimDetailView.as_view(), name="claim_detail"),
    path("statistics/<int:pk>/", public.StatisticDetailView.as_view(), name="statistic_detail"),
    path("indicators/<slug:slug>/", public.IndicatorDetailView.as_view(), name="indicator_detail"),
    path("places/<slug:slug>/", public.LocationDetailView.as_view(), name="location_detail"),
    path(
        "organizations/<slug:slug>/",
        public.OrganizationDetailView.as_view(),
        name="organization_detail",
    ),
    path("sources/<int:pk>/", public.SourceDetailView.as_view(), name="source_detail"),
]

api_router = DefaultRouter()
api_router.register("claims", api.ClaimViewSet, basename="claim")
api_router.register("statistics", api.StatisticViewSet, basename="statistic")
api_router.register("indicators", api.IndicatorViewSet, basename="indicator")
api_router.register("sources", api.SourceViewSet, basename="source")
api_router.register("organizations", api.OrganizationViewSet, basename="organization")
api_router.register("places", api.PlaceViewSet, basename="place")

# Machine outputs, outside the language prefix: "download this view" is the page's query string.
open_data_patterns = [
    path(
        f"{name}.{suffix}",
        view.as_view(resource_name=name),
        name=f"{name}_{suffix}",
    )
    for name in ("claims", "statistics", "sources", "organizations", "places")
    for suffix, view in (("csv", exports.CsvExportView), ("json", exports.JsonExportView))
] + [
    path("feeds/claims.atom", NewClaimsFeed(), name="claims_feed"),
    path(
        "feeds/indicators/<slug:slug>.atom",
        IndicatorFiguresFeed(),
        name="indicator_feed",
    ),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]

api_patterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("", include(api_router.urls)),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include((open_data_patterns, "opendata"))),
    path("api/", include((api_patterns, "api"))),
]

urlpatterns += i18n_patterns(
    path("", include((public_patterns, "public"))),
    path("accounts/", include("django.contrib.auth.urls")),
    path("workspace/import/", include("tracker.urls_imports")),
    prefix_default_language=True,
)
