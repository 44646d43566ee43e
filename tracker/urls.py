from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from tracker.views import public

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

urlpatterns = [
    path("admin/", admin.site.urls),
]

urlpatterns += i18n_patterns(
    path("", include((public_patterns, "public"))),
    path("accounts/", include("django.contrib.auth.urls")),
    # Inside the prefix, so that set_language runs in the language of the page it came from
    # and can translate that page's address into the chosen language (/es/x/ -> /en/x/).
    path("i18n/", include("django.conf.urls.i18n")),
    prefix_default_language=True,
)
