"""Permission matrix: every URL of the project × every role, against an expected table.

The URL resolver is walked, so a new URL cannot be forgotten: a pattern missing from ``EXPECTED``
fails the test until someone decides who may open it. Admin URLs follow one rule instead of rows.
Each cell is what a GET answers: 200, ``LOGIN`` (a redirect to the log-in page), 403, 404, 405
(POST only), or ``REDIRECT`` (any other redirect).
"""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import (
    CategoryFactory,
    CitationFactory,
    ClaimFactory,
    IndicatorFactory,
    LocationFactory,
    OrganizationFactory,
    PersonFactory,
    SourceFactory,
    StatisticFactory,
    make_user,
)
from tracker import workflow
from tracker.models import ImportJob, LinkProposal, ModerationStatus, Tag, Tip

pytestmark = pytest.mark.django_db

S = ModerationStatus
ROLES = ("anonymous", "contributor", "reviewer", "admin")
LOGIN = "login"
ADMIN_LOGIN = "admin login"
REDIRECT = "redirect"


def walk(patterns, prefix: str = "", namespace: str = ""):
    """Every (name, route) of the resolver, namespaced, in order."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield namespace + (pattern.name or ""), prefix + str(pattern.pattern)


def every_route() -> list[tuple[str, str]]:
    return list(walk(get_resolver().url_patterns))


@pytest.fixture
def world(db):
    """Real objects for every URL argument: the contributor's own entries, published ones, ..."""
    users = {
        "contributor": make_user("contributor", username="matrix-contributor"),
        "reviewer": make_user("reviewer", username="matrix-reviewer"),
        "admin": make_user("admin", username="matrix-admin"),
    }
    contributor = users["contributor"]
    category = CategoryFactory()
    location = LocationFactory()
    organization = OrganizationFactory()
    source = SourceFactory(organization=organization)
    source.file.save("report.pdf", ContentFile(b"%PDF-1.4 matrix"), save=True)
    indicator = IndicatorFactory()
    # Published through the workflow, so that each has its version 1 at its own address.
    published = ClaimFactory(
        status=S.SUBMITTED, categories=[category], location=location, created_by=contributor
    )
    citation = CitationFactory(claim=published, source=source)
    workflow.approve(published, by=users["reviewer"])
    draft = ClaimFactory(status=S.DRAFT, created_by=contributor)
    statistic = StatisticFactory(
        indicator=indicator, source=source, status=S.DRAFT, created_by=contributor
    )
    published_statistic = StatisticFactory(indicator=indicator, source=source, status=S.SUBMITTED)
    workflow.approve(published_statistic, by=users["reviewer"])
    statistic.refresh_from_db()
    published_statistic.refresh_from_db()
    revision = workflow.propose_revision(
        published,
        by=contributor,
        expected_version=published.version,
        data={"fields": {"title": "A correction"}},
    )
    tag = Tag.objects.create(name="matrix", slug="matrix")
    import_job = ImportJob.objects.create(owner=contributor, file_name="m.csv", sha256="0" * 64)
    person = PersonFactory(created_by=contributor)
    person_draft = PersonFactory(created_by=contributor, status=S.DRAFT)
    link = LinkProposal.objects.create(
        left=person, right=PersonFactory(), score=0.95, reasons={"name": 0.95}
    )
    tip = workflow.receive_tip(Tip(what="Something happened in the matrix.", where="Here"))
    objects = {
        "claim": draft,
        "statistic": statistic,
        "source": source,
        "organization": organization,
        "category": category,
        "location": location,
        "indicator": indicator,
        "citation": citation,
        "tag": tag,
        "tip": tip,
        "revision": revision,
        "user": contributor,
        "group": contributor.groups.first(),
        "totpdevice": users["reviewer"].totpdevice_set.get(),
        "person": person,
        "linkproposal": link,
        "personsource": person.reports.get(),
        "person_draft": person_draft,
    }
    return {
        "users": users,
        "objects": objects,
        "published": published,
        "published_statistic": published_statistic,
        "import_job": import_job,
    }


def concrete(route: str, world) -> str:
    """The route as a path, its arguments filled with the world's objects."""
    if route in PATHS:
        return PATHS[route](world)
    path = route.replace("^", "").replace("$", "")
    path = re.sub(r"\(\?P<format>[^)]*\)/\?", "json", path).replace("\\.", ".")
    return "/" + path


# Route -> how to fill it (only routes with arguments, or odd ones).
PATHS = {
    "en/claims/<int:pk>/": lambda w: f"/en/claims/{w['published'].pk}/",
    "en/statistics/<int:pk>/": lambda w: f"/en/statistics/{w['published_statistic'].pk}/",
    "en/claims/<int:pk>/v/<int:number>/": lambda w: f"/en/claims/{w['published'].pk}/v/1/",
    "en/claims/<int:pk>/cite.bib": lambda w: f"/en/claims/{w['published'].pk}/cite.bib",
    "en/claims/<int:pk>/cite.json": lambda w: f"/en/claims/{w['published'].pk}/cite.json",
    "en/statistics/<int:pk>/cite.bib": (
        lambda w: f"/en/statistics/{w['published_statistic'].pk}/cite.bib"
    ),
    "en/statistics/<int:pk>/cite.json": (
        lambda w: f"/en/statistics/{w['published_statistic'].pk}/cite.json"
    ),
    "en/statistics/<int:pk>/v/<int:number>/": (
        lambda w: f"/en/statistics/{w['published_statistic'].pk}/v/1/"
    ),
    "en/indicators/<slug:slug>/": lambda w: f"/en/indicators/{w['objects']['indicator'].slug}/",
    "en/places/<slug:slug>/": lambda w: f"/en/places/{w['objects']['location'].slug}/",
    "en/organizations/<slug:slug>/": (
        lambda w: f"/en/organizations/{w['objects']['organization'].slug}/"
    ),
    "en/sources/<int:pk>/": lambda w: f"/en/sources/{w['objects']['source'].pk}/",
    "feeds/indicators/<slug:slug>.atom": (
        lambda w: f"/feeds/indicators/{w['objects']['indicator'].slug}.atom"
    ),
    "en/accounts/reset/<uidb64>/<token>/": lambda w: "/en/accounts/reset/MQ/set-password/",
    "api/<drf_format_suffix:format>": lambda w: "/api/.json",
    "api/^claims/(?P<pk>[^/.]+)/$": lambda w: f"/api/claims/{w['published'].pk}/",
    "api/^claims/(?P<pk>[^/.]+)\\.(?P<format>[a-z0-9]+)/?$": (
        lambda w: f"/api/claims/{w['published'].pk}.json"
    ),
    "api/^statistics/(?P<pk>[^/.]+)/$": (
        lambda w: f"/api/statistics/{w['published_statistic'].pk}/"
    ),
    "api/^statistics/(?P<pk>[^/.]+)\\.(?P<format>[a-z0-9]+)/?$": (
        lambda w: f"/api/statistics/{w['published_statistic'].pk}.json"
    ),
    "api/^indicators/(?P<slug>[^/.]+)/$": (
        lambda w: f"/api/indicators/{w['objects']['indicator'].slug}/"
    ),
    "api/^indicators/(?P<slug>[^/.]+)\\.(?P<format>[a-z0-9]+)/?$": (
        lambda w: f"/api/indicators/{w['objects']['indicator'].slug}.json"
    ),
    "api/^sources/(?P<pk>[^/.]+)/$": lambda w: f"/api/sources/{w['objects']['source'].pk}/",
    "api/^sources/(?P<pk>[^/.]+)\\.(?P<format>[a-z0-9]+)/?$": (
        lambda w: f"/api/sources/{w['objects']['source'].pk}.json"
    ),
    "api/^organizations/(?P<slug>[^/.]+)/$": (
        lambda w: f"/api/organizations/{w['objects']['organization'].slug}/"
    ),
    "api/^organizations/(?P<slug>[^/.]+)\\.(?P<format>[a-z0-9]+)/?$": (
        lambda w: f"/api/organizations/{w['objects']['organization'].slug}.json"
    ),
    "api/^places/(?P<slug>[^/.]+)/$": lambda w: f"/api/places/{w['objects']['location'].slug}/",
    "api/^places/(?P<slug>[^/.]+)\\.(?P<format>[a-z0-9]+)/?$": (
        lambda w: f"/api/places/{w['objects']['location'].slug}.json"
    ),
    "en/workspace/claims/<int:pk>/": (
        lambda w: f"/en/workspace/claims/{w['objects']['claim'].pk}/"
    ),
    "en/workspace/statistics/<int:pk>/": (
        lambda w: f"/en/workspace/statistics/{w['objects']['statistic'].pk}/"
    ),
    "en/workspace/claims/<int:pk>/edit/": (
        lambda w: f"/en/workspace/claims/{w['objects']['claim'].pk}/edit/"
    ),
    "en/workspace/claims/<int:pk>/submit/": (
        lambda w: f"/en/workspace/claims/{w['objects']['claim'].pk}/submit/"
    ),
    "en/workspace/claims/<int:pk>/retract/": (
        lambda w: f"/en/workspace/claims/{w['objects']['claim'].pk}/retract/"
    ),
    "en/workspace/statistics/<int:pk>/edit/": (
        lambda w: f"/en/workspace/statistics/{w['objects']['statistic'].pk}/edit/"
    ),
    "en/workspace/people/<int:pk>/": (
        lambda w: f"/en/workspace/people/{w['objects']['person_draft'].pk}/"
    ),
    "en/workspace/people/<int:pk>/edit/": (
        lambda w: f"/en/workspace/people/{w['objects']['person_draft'].pk}/edit/"
    ),
    "en/workspace/people/<int:pk>/submit/": (
        lambda w: f"/en/workspace/people/{w['objects']['person_draft'].pk}/submit/"
    ),
    "en/workspace/people/<int:pk>/retract/": (
        lambda w: f"/en/workspace/people/{w['objects']['person_draft'].pk}/retract/"
    ),
    "en/workspace/statistics/<int:pk>/submit/": (
        lambda w: f"/en/workspace/statistics/{w['objects']['statistic'].pk}/submit/"
    ),
    "en/workspace/statistics/<int:pk>/retract/": (
        lambda w: f"/en/workspace/statistics/{w['objects']['statistic'].pk}/retract/"
    ),
    "en/workspace/sources/<int:pk>/edit/": (
        lambda w: f"/en/workspace/sources/{w['objects']['source'].pk}/edit/"
    ),
    "en/workspace/sources/<int:pk>/file/": (
        lambda w: f"/en/workspace/sources/{w['objects']['source'].pk}/file/"
    ),
    "en/workspace/tips/<int:pk>/": lambda w: f"/en/workspace/tips/{w['objects']['tip'].pk}/",
    "en/workspace/organizations/<int:pk>/edit/": (
        lambda w: f"/en/workspace/organizations/{w['objects']['organization'].pk}/edit/"
    ),
    **{
        f"en/workspace/import/<uuid:pk>/{action}": (
            lambda w, action=action: f"/en/workspace/import/{w['import_job'].pk}/{action}"
        )
        for action in ("", "status/", "confirm/", "retry/", "discard/")
    },
    "en/review/claims/<int:pk>/": lambda w: f"/en/review/claims/{w['objects']['claim'].pk}/",
    "en/review/statistics/<int:pk>/": (
        lambda w: f"/en/review/statistics/{w['objects']['statistic'].pk}/"
    ),
    "en/review/revisions/<int:pk>/": (
        lambda w: f"/en/review/revisions/{w['objects']['revision'].pk}/"
    ),
    "en/people/<int:pk>/": lambda w: f"/en/people/{w['objects']['person'].pk}/",
    "api/^people/(?P<pk>[^/.]+)/$": lambda w: f"/api/people/{w['objects']['person'].pk}/",
    "api/^people/(?P<pk>[^/.]+)\\.(?P<format>[a-z0-9]+)/?$": (
        lambda w: f"/api/people/{w['objects']['person'].pk}.json"
    ),
    "en/review/people/<int:pk>/": lambda w: f"/en/review/people/{w['objects']['person'].pk}/",
    "en/review/people/links/<int:pk>/decide/": (
        lambda w: f"/en/review/people/links/{w['objects']['linkproposal'].pk}/decide/"
    ),
    "en/review/claims/<int:pk>/history/": (
        lambda w: f"/en/review/claims/{w['published'].pk}/history/"
    ),
    "en/review/statistics/<int:pk>/history/": (
        lambda w: f"/en/review/statistics/{w['objects']['statistic'].pk}/history/"
    ),
    **{
        f"en/review/{prefix}/<int:pk>/decided/": (
            lambda w, prefix=prefix, name=name: (
                f"/en/review/{prefix}/{w['objects'][name].pk}/decided/"
            )
        )
        for prefix, name in (
            ("claims", "claim"),
            ("statistics", "statistic"),
            ("revisions", "revision"),
        )
    },
}

PUBLIC = (200, 200, 200, 200)
CONTRIBUTORS = (LOGIN, 200, 200, 200)
REVIEWERS = (LOGIN, 403, 200, 200)
POST_ONLY = (405, 405, 405, 405)
STAFF_POST_ONLY = (LOGIN, 405, 405, 405)
OWNER_ONLY = (LOGIN, 200, 404, 404)  # the world's contributor owns the object

# route -> expected answer to a GET for (anonymous, contributor, reviewer, admin).
EXPECTED = {
    # Open data, API and feeds: public, published material only.
    **{
        f"{name}.{suffix}": PUBLIC
        for name in ("claims", "statistics", "sources", "organizations", "places", "people")
        for suffix in ("csv", "json")
    },
    "claims.geojson": PUBLIC,
    "feeds/claims.atom": PUBLIC,
    "feeds/corrections.atom": PUBLIC,
    "feeds/indicators/<slug:slug>.atom": PUBLIC,
    "sitemap.xml": PUBLIC,
    "favicon.ico": (REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    "api/schema/": PUBLIC,
    "api/docs/": PUBLIC,
    "api/": PUBLIC,
    "api/<drf_format_suffix:format>": PUBLIC,
    **{
        f"api/^{name}/$": PUBLIC
        for name in (
            "claims",
            "statistics",
            "indicators",
            "sources",
            "organizations",
            "places",
            "people",
        )
    },
    **{
        f"api/^{name}\\.(?P<format>[a-z0-9]+)/?$": PUBLIC
        for name in (
            "claims",
            "statistics",
            "indicators",
            "sources",
            "organizations",
            "places",
            "people",
        )
    },
    **{
        f"api/^{name}/(?P<{key}>[^/.]+)/$": PUBLIC
        for name, key in (
            ("claims", "pk"),
            ("statistics", "pk"),
            ("indicators", "slug"),
            ("sources", "pk"),
            ("organizations", "slug"),
            ("places", "slug"),
            ("people", "pk"),
        )
    },
    **{
        f"api/^{name}/(?P<{key}>[^/.]+)\\.(?P<format>[a-z0-9]+)/?$": PUBLIC
        for name, key in (
            ("claims", "pk"),
            ("statistics", "pk"),
            ("indicators", "slug"),
            ("sources", "pk"),
            ("organizations", "slug"),
            ("places", "slug"),
            ("people", "pk"),
        )
    },
    # Public pages.
    "en/": PUBLIC,
    "en/claims/": PUBLIC,
    "en/claims/map/": PUBLIC,
    "en/claims/<int:pk>/": PUBLIC,
    "en/claims/<int:pk>/v/<int:number>/": PUBLIC,
    "en/claims/<int:pk>/cite.bib": PUBLIC,
    "en/claims/<int:pk>/cite.json": PUBLIC,
    "en/statistics/<int:pk>/cite.bib": PUBLIC,
    "en/statistics/<int:pk>/cite.json": PUBLIC,
    "en/methodology/": PUBLIC,
    "en/open-data/": PUBLIC,
    "en/statistics/": PUBLIC,
    "en/statistics/<int:pk>/": PUBLIC,
    "en/statistics/<int:pk>/v/<int:number>/": PUBLIC,
    "en/indicators/<slug:slug>/": PUBLIC,
    "en/places/": PUBLIC,
    "en/places/<slug:slug>/": PUBLIC,
    "en/organizations/": PUBLIC,
    "en/organizations/<slug:slug>/": PUBLIC,
    "en/sources/": PUBLIC,
    "en/sources/<int:pk>/": PUBLIC,
    # The register of people: listed records only (named or anonymous, published).
    "en/people/": PUBLIC,
    "en/people/<int:pk>/": PUBLIC,
    "en/report/": PUBLIC,
    "en/report/thanks/": PUBLIC,
    "en/i18n/setlang/": (REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    # Accounts.
    "en/accounts/login/": PUBLIC,
    "en/accounts/logout/": POST_ONLY,
    "en/accounts/password_change/": CONTRIBUTORS,
    "en/accounts/password_change/done/": CONTRIBUTORS,
    "en/accounts/password_reset/": PUBLIC,
    "en/accounts/password_reset/done/": PUBLIC,
    "en/accounts/reset/<uidb64>/<token>/": PUBLIC,
    "en/accounts/reset/done/": PUBLIC,
    # Two-factor log-in: the person's own devices; the second step once verified goes on.
    "en/accounts/two-factor/": CONTRIBUTORS,
    "en/accounts/two-factor/verify/": (LOGIN, REDIRECT, REDIRECT, REDIRECT),
    "en/accounts/two-factor/authenticator/": CONTRIBUTORS,
    "en/accounts/two-factor/recovery-codes/": STAFF_POST_ONLY,
    "en/accounts/two-factor/remove/": STAFF_POST_ONLY,
    # Passkey ceremonies (JSON, POST only): registration needs a log-in; passwordless
    # authentication is off, so a visitor without a session gets a 403 either way.
    "en/accounts/passkeys/registration/begin/": (403, 405, 405, 405),
    "en/accounts/passkeys/registration/complete/": (403, 405, 405, 405),
    "en/accounts/passkeys/authentication/begin/": (403, 405, 405, 405),
    "en/accounts/passkeys/authentication/complete/": (403, 405, 405, 405),
    "en/accounts/passkeys/jsi18n/": PUBLIC,
    # The workspace: staff who enter data. The draft is the contributor's own.
    "en/workspace/import/": CONTRIBUTORS,
    "en/workspace/import/template.csv": CONTRIBUTORS,
    # An import job: its uploader's alone; to anyone else it does not exist.
    "en/workspace/import/<uuid:pk>/": OWNER_ONLY,
    "en/workspace/import/<uuid:pk>/status/": OWNER_ONLY,
    "en/workspace/import/<uuid:pk>/confirm/": STAFF_POST_ONLY,
    "en/workspace/import/<uuid:pk>/retry/": STAFF_POST_ONLY,
    "en/workspace/import/<uuid:pk>/discard/": STAFF_POST_ONLY,
    "en/workspace/": CONTRIBUTORS,
    "en/workspace/claims/new/": CONTRIBUTORS,
    # One's own entry as it stands: its owner and reviewers; to anyone else it does not exist.
    "en/workspace/claims/<int:pk>/": CONTRIBUTORS,
    "en/workspace/statistics/<int:pk>/": CONTRIBUTORS,
    "en/workspace/claims/<int:pk>/edit/": CONTRIBUTORS,
    "en/workspace/claims/<int:pk>/submit/": STAFF_POST_ONLY,
    "en/workspace/claims/<int:pk>/retract/": STAFF_POST_ONLY,
    "en/workspace/statistics/new/": CONTRIBUTORS,
    "en/workspace/statistics/<int:pk>/edit/": CONTRIBUTORS,
    "en/workspace/statistics/<int:pk>/submit/": STAFF_POST_ONLY,
    "en/workspace/statistics/<int:pk>/retract/": STAFF_POST_ONLY,
    # Person records: the draft is the contributor's own (a reviewer may edit it too).
    "en/workspace/people/new/": CONTRIBUTORS,
    "en/workspace/people/import/": CONTRIBUTORS,
    "en/workspace/people/<int:pk>/": (LOGIN, 200, 200, 200),
    "en/workspace/people/<int:pk>/edit/": (LOGIN, 200, 200, 200),
    "en/workspace/people/<int:pk>/submit/": STAFF_POST_ONLY,
    "en/workspace/people/<int:pk>/retract/": STAFF_POST_ONLY,
    "en/workspace/tips/": CONTRIBUTORS,
    "en/workspace/tips/<int:pk>/": CONTRIBUTORS,
    "en/workspace/sources/": CONTRIBUTORS,
    "en/workspace/sources/new/": CONTRIBUTORS,
    "en/workspace/sources/<int:pk>/edit/": CONTRIBUTORS,
    "en/workspace/sources/<int:pk>/file/": CONTRIBUTORS,
    "en/workspace/organizations/": CONTRIBUTORS,
    "en/workspace/organizations/new/": CONTRIBUTORS,
    "en/workspace/organizations/<int:pk>/edit/": CONTRIBUTORS,
    # Review: reviewers only.
    "en/review/": REVIEWERS,
    "en/review/claims/<int:pk>/": REVIEWERS,
    "en/review/statistics/<int:pk>/": REVIEWERS,
    "en/review/revisions/<int:pk>/": REVIEWERS,
    # Person records to review and the linkage's proposals: names and identifiers, reviewers
    # only; a link decision is a POST.
    "en/review/people/": REVIEWERS,
    "en/review/people/<int:pk>/": REVIEWERS,
    "en/review/people/links/<int:pk>/decide/": (LOGIN, 403, 405, 405),
    "en/review/claims/<int:pk>/history/": REVIEWERS,
    "en/review/statistics/<int:pk>/history/": REVIEWERS,
    # The page after a decision names unpublished entries, as the review page does.
    "en/review/claims/<int:pk>/decided/": REVIEWERS,
    "en/review/statistics/<int:pk>/decided/": REVIEWERS,
    "en/review/revisions/<int:pk>/decided/": REVIEWERS,
}


def outcome(response) -> object:
    """What a response means for the table."""
    if response.status_code in (301, 302, 303):
        location = response["Location"]
        if location.startswith("/admin/login/"):
            return ADMIN_LOGIN
        if "/accounts/login/" in location:
            return LOGIN
        return REDIRECT
    return response.status_code


def client_for(client, role: str, world):
    client.logout()
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client


def test_permission_matrix_covers_every_url():
    routes = {route for name, route in every_route() if not name.startswith("admin:")}
    missing = sorted(routes - set(EXPECTED))
    stale = sorted(set(EXPECTED) - routes)
    assert missing == [], "URLs without a row in EXPECTED: decide who may open them"
    assert stale == [], "rows in EXPECTED for URLs that no longer exist"


def test_permission_matrix_matches_the_expected_table(client, world):
    routes = [(name, route) for name, route in every_route() if not name.startswith("admin:")]
    wrong = []
    for role_index, role in enumerate(ROLES):
        client_for(client, role, world)
        for name, route in routes:
            path = concrete(route, world)
            got = outcome(client.get(path))
            expected = EXPECTED[route][role_index]
            if got != expected:
                wrong.append(f"{role:<11} GET {path} ({name}): expected {expected}, got {got}")
    assert wrong == [], "\n".join(wrong)


# --- The admin: one rule for every admin URL. ------------------------------------------------

# Admin URLs whose answer differs from the rule (staff log-in page: 200; admin: 200 or redirect).
ADMIN_EXCEPTIONS = {
    # The admin's own log-in page sends everyone to the staff log-in (two steps).
    "admin:login": (LOGIN, LOGIN, LOGIN, REDIRECT),
    "admin:logout": (REDIRECT, REDIRECT, REDIRECT, 405),  # POST only once logged in
    "admin:autocomplete": (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403),  # needs its parameters
    # Written by the workflow, the tip form and django-axes only: nobody adds them by hand.
    "admin:axes_accessattempt_add": (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403),
    "admin:axes_accesslog_add": (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403),
    "admin:axes_accessfailurelog_add": (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403),
    "admin:tracker_moderationevent_add": (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403),
    "admin:tracker_revision_add": (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403),
    "admin:tracker_revision_delete": (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403),
    "admin:tracker_moderationevent_delete": (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403),
    # The admin's catch-all: an unknown admin address.
    "admin/(?P<url>.*)$": (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 404),
    # Content that the workflow owns is shown read-only in the admin: never added or deleted
    # there (tracker.admin.ContentAdmin); published versions and withdrawals are a record.
    **{
        f"admin:tracker_{model}_{action}": (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403)
        for model in (
            "claim",
            "statistic",
            "citation",
            "source",
            "organization",
            "tip",
            "publishedversion",
            "withdrawal",
            "person",
            "personsource",
            "linkproposal",
        )
        for action in ("add", "delete")
    },
    # Admins see who has which device, never a TOTP secret (OTP_ADMIN_HIDE_SENSITIVE_DATA).
    "admin:otp_totp_totpdevice_config": (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403),
    "admin:otp_totp_totpdevice_qrcode": (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403),
    # Devices are removed in the admin, never added there: nobody would have confirmed them.
    "admin:otp_totp_totpdevice_add": (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403),
    "admin:otp_static_staticdevice_add": (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403),
    "admin:django_otp_webauthn_webauthncredential_add": (
        ADMIN_LOGIN,
        ADMIN_LOGIN,
        ADMIN_LOGIN,
        403,
    ),
    # The security log is written by the two-factor pages only, and never deleted.
    "admin:tracker_securityevent_add": (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403),
    "admin:tracker_securityevent_delete": (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403),
    # django-tasks-db's task results: written by the task worker only, read-only in the admin.
    "admin:django_tasks_database_dbtaskresult_add": (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403),
    "admin:django_tasks_database_dbtaskresult_delete": (ADMIN_LOGIN,) * 3 + (403,),
}


def admin_path(route: str, world) -> str | None:
    """Fill an admin route with a real object of its model (a missing one when there is none)."""
    path = "/" + re.sub(r"(?<!\[)\^", "", route).replace("$", "")
    path = re.sub(r"\(\?P<app_label>[^)]*\)", "tracker", path)
    path = re.sub(r"\(\?P<url>[^)]*\)", "no-such-page/", path)
    if re.search(r"<(\w+:)?content_type_id>", path):
        claim = world["published"]
        content_type = ContentType.objects.get_for_model(claim)
        path = re.sub(r"<(\w+:)?content_type_id>", str(content_type.pk), path)
        return re.sub(r"<(\w+:)?object_id>", str(claim.pk), path)
    model = re.match(r"/admin/\w+/(\w+)/", path)
    obj = world["objects"].get(model.group(1)) if model else None
    object_id = str(obj.pk) if obj is not None else "999999"
    path = re.sub(r"<(\w+:)?(object_id|id|pk)>", object_id, path)
    # django-simple-history's version page: ^([^/]+)/history/([^/]+)/$
    path = path.replace("([^/]+)/history/([^/]+)", f"{object_id}/history/<history_id>")
    if re.search(r"<(\w+:)?history_id>", path):
        history = getattr(obj, "history", None)
        record = history.first() if history is not None else None
        path = re.sub(r"<(\w+:)?history_id>", str(record.history_id if record else 999999), path)
    if re.search(r"[<(]", path):
        return None
    return path


def test_admin_urls_refuse_everyone_but_admins(client, world):
    routes = [(name, route) for name, route in every_route() if name.startswith("admin:")]
    wrong, untested = [], []
    for role in ROLES:
        client_for(client, role, world)
        for name, route in routes:
            path = admin_path(route, world)
            if path is None:
                untested.append(route)
                continue
            got = outcome(client.get(path))
            exception = ADMIN_EXCEPTIONS.get(name) or ADMIN_EXCEPTIONS.get(route)
            if exception:
                ok = got == exception[ROLES.index(role)]
            elif role == "admin":
                ok = got in (200, REDIRECT)
            else:
                ok = got == ADMIN_LOGIN
            if not ok:
                wrong.append(f"{role:<11} GET {path} ({name}): got {got}")
    assert wrong == [], "\n".join(wrong)
    assert untested == [], "admin URLs the test cannot fill"


# --- Need to know: the same URLs for the owner, another contributor and a reviewer ---------------

OWNER, OTHER, REVIEWER = "owner", "other contributor", "reviewer"


@pytest.fixture
def entries_of_two_contributors(db):
    """Contributor A's work in every state that matters, seen by A, by B and by a reviewer."""
    owner = make_user("contributor", username="need-owner")
    users = {
        OWNER: owner,
        OTHER: make_user("contributor", username="need-other"),
        REVIEWER: make_user("reviewer", username="need-reviewer"),
    }
    confidential = SourceFactory(confidential=True, created_by=owner, title="Witness statement")
    confidential.file.save("statement.pdf", ContentFile(b"%PDF-1.4 statement"), save=True)
    unused = SourceFactory(created_by=owner, title="Not yet cited")
    in_use = SourceFactory(created_by=owner, title="Cited publicly")
    published = ClaimFactory(created_by=owner, last_edited_by=owner)
    CitationFactory(claim=published, source=in_use)
    objects = {
        "draft claim": ClaimFactory(status=S.DRAFT, created_by=owner),
        "submitted claim": ClaimFactory(status=S.SUBMITTED, created_by=owner),
        "rejected claim": ClaimFactory(status=S.REJECTED, created_by=owner),
        "published claim": published,
        "draft figure": StatisticFactory(status=S.DRAFT, created_by=owner, source=in_use),
        "draft person record": PersonFactory(status=S.DRAFT, created_by=owner),
        "published person record": PersonFactory(created_by=owner),
        "confidential source": confidential,
        "unused source": unused,
        "source in public use": in_use,
        "organisation": in_use.organization,
    }
    return users, objects


# URL -> expected GET answer for (owner, other contributor, reviewer). 404 for what one may not
# see: the same answer as for a missing id, so ids reveal nothing.
NEED_TO_KNOW = {
    ("workspace:claim_edit", "draft claim"): (200, 404, 200),
    ("workspace:claim_edit", "submitted claim"): (404, 404, 404),
    ("workspace:claim_edit", "rejected claim"): (404, 404, 404),
    ("workspace:claim_edit", "published claim"): (200, 200, 200),
    ("workspace:statistic_edit", "draft figure"): (200, 404, 200),
    ("workspace:person_edit", "draft person record"): (200, 404, 200),
    # Corrections of published entries, person records included, wait for review.
    ("workspace:person_edit", "published person record"): (200, 200, 200),
    ("workspace:source_edit", "confidential source"): (200, 404, 200),
    ("workspace:source_file", "confidential source"): (200, 404, 200),
    ("workspace:source_edit", "unused source"): (200, 404, 200),
    ("workspace:source_edit", "source in public use"): (200, 200, 200),
    ("workspace:organization_edit", "organisation"): (200, 200, 200),
    ("review:claim", "submitted claim"): (403, 403, 200),
}


def test_need_to_know_matrix_for_two_contributors_and_a_reviewer(
    client, entries_of_two_contributors
):
    users, objects = entries_of_two_contributors
    wrong = []
    for (name, key), expected in NEED_TO_KNOW.items():
        path = reverse(name, args=[objects[key].pk])
        for index, role in enumerate((OWNER, OTHER, REVIEWER)):
            client.force_login(users[role])
            got = client.get(path).status_code
            if got != expected[index]:
                wrong.append(
                    f"{role:<18} GET {path} ({key}): expected {expected[index]}, got {got}"
                )
    assert wrong == [], "\n".join(wrong)


def test_need_to_know_private_fields_only_for_owner_and_reviewers(
    client, entries_of_two_contributors
):
    users, objects = entries_of_two_contributors
    claim = objects["published claim"]
    claim.victim_identities = "NEEDTOKNOW victim"
    claim.private_notes = "NEEDTOKNOW notes"
    claim.save()
    source = objects["source in public use"]
    source.private_notes = "NEEDTOKNOW source notes"
    source.save()
    pages = [
        reverse("workspace:claim_edit", args=[claim.pk]),
        reverse("workspace:source_edit", args=[source.pk]),
        reverse("workspace:source_list"),
    ]
    for role, sees in ((OWNER, True), (OTHER, False), (REVIEWER, True)):
        client.force_login(users[role])
        for path in pages[:2]:
            assert ("NEEDTOKNOW" in client.get(path).content.decode()) == sees, (role, path)
        listing = client.get(pages[2]).content.decode()
        assert ("Witness statement" in listing) == sees, role
