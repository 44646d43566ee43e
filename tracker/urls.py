from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
)
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from tracker.feeds import CorrectionsFeed, IndicatorFiguresFeed, NewClaimsFeed
from tracker.lists import LISTS
from tracker.models import Claim, Person, Revision, Statistic
from tracker.sitemaps import SITEMAPS
from tracker.views import (
    accounts,
    api,
    citing,
    docs,
    exports,
    maps,
    people,
    public,
    records,
    review,
    tips,
    workspace,
)

public_patterns = [
    path("", public.HomeView.as_view(), name="home"),
    path("claims/", public.ClaimListView.as_view(), name="claim_list"),
    path("claims/map/", maps.ClaimMapView.as_view(), name="claim_map"),
    path("claims/<int:pk>/", public.ClaimDetailView.as_view(), name="claim_detail"),
    path(
        "claims/<int:pk>/cite.bib",
        citing.CitationFileView.as_view(model=Claim, style="bib"),
        name="claim_cite_bibtex",
    ),
    path(
        "claims/<int:pk>/cite.json",
        citing.CitationFileView.as_view(model=Claim, style="json"),
        name="claim_cite_csl",
    ),
    path(
        "claims/<int:pk>/v/<int:number>/",
        public.EntryVersionView.as_view(model=Claim),
        name="claim_version",
    ),
    path("methodology/", public.MethodologyView.as_view(), name="methodology"),
    path("statistics/", public.StatisticListView.as_view(), name="statistic_list"),
    path("statistics/<int:pk>/", public.StatisticDetailView.as_view(), name="statistic_detail"),
    path(
        "statistics/<int:pk>/cite.bib",
        citing.CitationFileView.as_view(model=Statistic, style="bib"),
        name="statistic_cite_bibtex",
    ),
    path(
        "statistics/<int:pk>/cite.json",
        citing.CitationFileView.as_view(model=Statistic, style="json"),
        name="statistic_cite_csl",
    ),
    path(
        "statistics/<int:pk>/v/<int:number>/",
        public.EntryVersionView.as_view(model=Statistic),
        name="statistic_version",
    ),
    path("indicators/<slug:slug>/", public.IndicatorDetailView.as_view(), name="indicator_detail"),
    path("places/", public.LocationListView.as_view(), name="location_list"),
    path("places/<slug:slug>/", public.LocationDetailView.as_view(), name="location_detail"),
    path("organizations/", public.OrganizationListView.as_view(), name="organization_list"),
    path(
        "organizations/<slug:slug>/",
        public.OrganizationDetailView.as_view(),
        name="organization_detail",
    ),
    path("sources/", public.SourceListView.as_view(), name="source_list"),
    path("sources/<int:pk>/", public.SourceDetailView.as_view(), name="source_detail"),
    path("people/", people.PersonListView.as_view(), name="person_list"),
    path("people/<int:pk>/", people.PersonDetailView.as_view(), name="person_detail"),
]

workspace_patterns = [
    path("", workspace.HomeView.as_view(), name="home"),
    path("claims/new/", workspace.ClaimFormView.as_view(), name="claim_create"),
    path(
        "claims/<int:pk>/",
        workspace.EntryDetailView.as_view(model=Claim),
        name="claim_detail",
    ),
    path("claims/<int:pk>/edit/", workspace.ClaimFormView.as_view(), name="claim_edit"),
    path(
        "claims/<int:pk>/submit/",
        workspace.EntryActionView.as_view(model=Claim, action="submit"),
        name="claim_submit",
    ),
    path(
        "claims/<int:pk>/retract/",
        workspace.EntryActionView.as_view(model=Claim, action="retract_submission"),
        name="claim_retract",
    ),
    path("statistics/new/", workspace.StatisticFormView.as_view(), name="statistic_create"),
    path(
        "statistics/<int:pk>/",
        workspace.EntryDetailView.as_view(model=Statistic),
        name="statistic_detail",
    ),
    path("statistics/<int:pk>/edit/", workspace.StatisticFormView.as_view(), name="statistic_edit"),
    path(
        "statistics/<int:pk>/submit/",
        workspace.EntryActionView.as_view(model=Statistic, action="submit"),
        name="statistic_submit",
    ),
    path(
        "statistics/<int:pk>/retract/",
        workspace.EntryActionView.as_view(model=Statistic, action="retract_submission"),
        name="statistic_retract",
    ),
    path("people/new/", workspace.PersonFormView.as_view(), name="person_create"),
    path(
        "people/<int:pk>/",
        workspace.EntryDetailView.as_view(model=Person),
        name="person_detail",
    ),
    path("people/import/", workspace.CaseListImportView.as_view(), name="case_list_import"),
    path("people/<int:pk>/edit/", workspace.PersonFormView.as_view(), name="person_edit"),
    path(
        "people/<int:pk>/submit/",
        workspace.EntryActionView.as_view(model=Person, action="submit"),
        name="person_submit",
    ),
    path(
        "people/<int:pk>/retract/",
        workspace.EntryActionView.as_view(model=Person, action="retract_submission"),
        name="person_retract",
    ),
    path("tips/", tips.TipInboxView.as_view(), name="tip_inbox"),
    path("tips/<int:pk>/", tips.TipDetailView.as_view(), name="tip_detail"),
    path("sources/", records.SourceListView.as_view(), name="source_list"),
    path("sources/new/", records.SourceCreateView.as_view(), name="source_create"),
    path("sources/<int:pk>/edit/", records.SourceUpdateView.as_view(), name="source_edit"),
    path("sources/<int:pk>/file/", records.SourceFileView.as_view(), name="source_file"),
    path("organizations/", records.OrganizationListView.as_view(), name="organization_list"),
    path(
        "organizations/new/", records.OrganizationCreateView.as_view(), name="organization_create"
    ),
    path(
        "organizations/<int:pk>/edit/",
        records.OrganizationUpdateView.as_view(),
        name="organization_edit",
    ),
]

review_patterns = [
    path("", review.QueueView.as_view(), name="queue"),
    path("claims/<int:pk>/", review.EntryReviewView.as_view(model=Claim), name="claim"),
    path("statistics/<int:pk>/", review.EntryReviewView.as_view(model=Statistic), name="statistic"),
    path("revisions/<int:pk>/", review.RevisionReviewView.as_view(), name="revision"),
    path("people/", people.PeopleReviewView.as_view(), name="people"),
    path("people/<int:pk>/", people.PersonReviewView.as_view(), name="person"),
    path(
        "people/links/<int:pk>/decide/",
        people.LinkDecisionView.as_view(),
        name="link_decision",
    ),
    path(
        "claims/<int:pk>/history/",
        review.EntryHistoryView.as_view(model=Claim),
        name="claim_history",
    ),
    path(
        "statistics/<int:pk>/history/",
        review.EntryHistoryView.as_view(model=Statistic),
        name="statistic_history",
    ),
    *[
        path(
            f"{prefix}/<int:pk>/decided/",
            review.DecisionRecordedView.as_view(model=model),
            name=f"{model._meta.model_name}_decided",
        )
        for prefix, model in (("claims", Claim), ("statistics", Statistic), ("revisions", Revision))
    ],
]

tip_patterns = [
    path("", tips.TipFormView.as_view(), name="report"),
    path("thanks/", tips.TipThanksView.as_view(), name="thanks"),
]

# Ours first: Django's auth URLs (included after them) keep every other account page.
account_patterns = [
    path(
        "password_reset/",
        accounts.RateLimitedPasswordResetView.as_view(),
        name="password_reset",
    ),
    path("two-factor/", accounts.TwoFactorView.as_view(), name="two_factor"),
    path("two-factor/verify/", accounts.SecondStepView.as_view(), name="two_factor_verify"),
    path(
        "two-factor/authenticator/",
        accounts.AddAuthenticatorView.as_view(),
        name="two_factor_totp",
    ),
    path(
        "two-factor/recovery-codes/",
        accounts.RecoveryCodesView.as_view(),
        name="two_factor_recovery_codes",
    ),
    path("two-factor/remove/", accounts.RemoveDeviceView.as_view(), name="two_factor_remove"),
]

# django-otp-webauthn's endpoints (its templates and scripts know them by these names), with
# our own completion views, which record what they do.
passkey_patterns = [
    path(
        "registration/begin/",
        BeginCredentialRegistrationView.as_view(),
        name="credential-registration-begin",
    ),
    path(
        "registration/complete/",
        accounts.PasskeyRegistrationCompleteView.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        BeginCredentialAuthenticationView.as_view(),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        accounts.PasskeyAuthenticationCompleteView.as_view(),
        name="credential-authentication-complete",
    ),
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]),
        name="js-i18n-catalog",
    ),
]

api_router = DefaultRouter()
for public_list in LISTS.values():
    api_router.register(public_list.name, api.list_viewset(public_list), basename=public_list.item)
api_router.register("indicators", api.IndicatorViewSet, basename="indicator")

# Machine outputs, outside the language prefix: "download this view" is the page's query string.
open_data_patterns = [
    path(f"{name}.{suffix}", view.as_view(list_name=name), name=f"{name}_{suffix}")
    for name in LISTS
    for suffix, view in (("csv", exports.CsvExportView), ("json", exports.JsonExportView))
] + [
    path("claims.geojson", exports.ClaimGeoJsonView.as_view(), name="claims_geojson"),
    path("feeds/claims.atom", NewClaimsFeed(), name="claims_feed"),
    path("feeds/corrections.atom", CorrectionsFeed(), name="corrections_feed"),
    path(
        "feeds/indicators/<slug:slug>.atom",
        IndicatorFiguresFeed(),
        name="indicator_feed",
    ),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    # Browsers ask for /favicon.ico when a page (a feed, a file) names no icon.
    path(
        "favicon.ico",
        public.FaviconView.as_view(),
        name="favicon",
    ),
]

api_patterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("", include(api_router.urls)),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include((open_data_patterns, "opendata"))),
    path("api/", include((api_patterns, "api"))),
]

urlpatterns += i18n_patterns(
    path("", include((public_patterns, "public"))),
    path("accounts/", include(account_patterns)),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/passkeys/", include((passkey_patterns, "otp_webauthn"))),
    path("open-data/", docs.OpenDataDocsView.as_view(), name="open_data"),
    path("workspace/import/", include("tracker.urls_imports")),
    path("workspace/", include((workspace_patterns, "workspace"))),
    path("review/", include((review_patterns, "review"))),
    path("report/", include((tip_patterns, "tips"))),
    # Inside the prefix, so that set_language runs in the language of the page it came from
    # and can translate that page's address into the chosen language (/es/x/ -> /en/x/).
    path("i18n/", include("django.conf.urls.i18n")),
    prefix_default_language=True,
)
