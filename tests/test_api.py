import pytest
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, given, settings

from tests.factories import (
    CitationFactory,
    ClaimFactory,
    IndicatorFactory,
    LocationFactory,
    OrganizationFactory,
    SourceFactory,
    StatisticFactory,
    make_user,
)
from tracker import exports
from tracker.models import ModerationStatus, Source

pytestmark = pytest.mark.django_db

HIDDEN_STATES = [state for state in ModerationStatus.values if state != ModerationStatus.PUBLISHED]
PRIVATE_MARKERS = [
    "PRIVATE-VICTIM",
    "PRIVATE-NOTE",
    "SECRET-SOURCE",
    "secret.example",
    "SECRET-ORG",
]


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()


@pytest.fixture
def seeded():
    """Published and hidden entries, with every kind of private detail."""
    secret_org = OrganizationFactory(name="SECRET-ORG", slug="secret-org")
    secret = SourceFactory(
        title="SECRET-SOURCE",
        url="https://secret.example/x",
        confidential=True,
        organization=secret_org,
        private_notes="PRIVATE-NOTE source",
    )
    user = make_user("contributor", username="author-person", email="author@private.example")
    place = LocationFactory(slug="cecot")
    claims = []
    for n in range(3):
        claim = ClaimFactory(
            title=f"Public claim {n}",
            victim_identities="PRIVATE-VICTIM name",
            private_notes="PRIVATE-NOTE claim",
            created_by=user,
            last_edited_by=user,
            location=place,
            verification="verified" if n == 0 else "unverified",
        )
        CitationFactory(claim=claim)
        CitationFactory(claim=claim, source=secret)
        claims.append(claim)
    for state in HIDDEN_STATES:
        ClaimFactory(title=f"Hidden claim {state}", status=state)
        StatisticFactory(note=f"Hidden figure {state}", status=state)
    StatisticFactory(
        note="Public figure",
        private_notes="PRIVATE-NOTE figure",
        source=secret,
        organization=OrganizationFactory(),
    )
    return claims


@pytest.mark.parametrize(
    "path",
    [
        "/api/claims/",
        "/api/statistics/",
        "/api/sources/",
        "/api/organizations/",
        "/api/places/",
        "/api/indicators/",
    ],
)
def test_api_list_hides_unpublished_and_private_fields(client, seeded, path):
    response = client.get(path)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Hidden" not in body
    for marker in [*PRIVATE_MARKERS, "author-person", "private.example"]:
        assert marker not in body


def test_api_claims_list_shows_published_claims(client, seeded):
    titles = {row["title"] for row in client.get("/api/claims/").json()["results"]}
    assert titles == {"Public claim 0", "Public claim 1", "Public claim 2"}


def test_api_claims_confidential_citation_only_said_to_exist(client, seeded):
    claim = client.get(f"/api/claims/{seeded[0].pk}/").json()
    confidential = [c["source"] for c in claim["citations"] if c["source"]["confidential"]]
    assert confidential == [
        {
            "confidential": True,
            "id": None,
            "title": "confidential source on file",
            "kind": "",
            "author": "",
            "url": "",
            "archived_url": "",
            "published_on": None,
            "published_precision": "",
            "organization": None,
            "language": "",
        }
    ]


def test_api_cited_source_has_the_fields_of_the_claims_csv_citations(client, seeded):
    """One list of a cited source's fields (``Source.CITED_FIELDS``) for the API and the CSV."""
    citation = seeded[0].citations.exclude(source__confidential=True).get()
    Source.objects.filter(pk=citation.source_id).update(author="A. Author")
    claim = client.get(f"/api/claims/{seeded[0].pk}/").json()
    (cited,) = [c["source"] for c in claim["citations"] if not c["source"]["confidential"]]
    assert cited["author"] == "A. Author"
    assert list(cited) == ["confidential", "id", *Source.CITED_FIELDS]
    csv_keys = [key for key, _path, _sql in exports.CITATION_CELL if key.startswith("source_")]
    assert sorted(csv_keys) == sorted(f"source_{name}" for name in Source.CITED_FIELDS)


def test_api_claims_obey_the_claim_filter(client, seeded):
    results = client.get("/api/claims/?grade=verified").json()["results"]
    assert [row["title"] for row in results] == ["Public claim 0"]


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_api_unpublished_claim_detail_is_not_found(client, state):
    claim = ClaimFactory(status=state)
    assert client.get(f"/api/claims/{claim.pk}/").status_code == 404


def test_api_sources_leave_out_confidential_sources(client, seeded):
    titles = [row["title"] for row in client.get("/api/sources/").json()["results"]]
    assert "SECRET-SOURCE" not in titles
    assert len(titles) == 3


def test_api_refuses_writes(client, contributor):
    client.force_login(contributor)
    response = client.post("/api/claims/", {"title": "x"}, content_type="application/json")
    assert response.status_code == 405


def test_api_claims_list_query_count(client, seeded, django_assert_num_queries):
    with django_assert_num_queries(6):
        response = client.get("/api/claims/")
    assert response.json()["count"] == 3


def test_api_claims_list_warm_reads_only_the_version(client, seeded, django_assert_num_queries):
    """A page asked for again at the same public-data version: its total and its rows come
    from the cache, so nothing is counted again."""
    first = client.get("/api/claims/", {"country": "SV"}).json()
    with django_assert_num_queries(1) as captured:
        again = client.get("/api/claims/", {"country": "SV"}).json()
    assert again == first
    assert "count(" not in captured.captured_queries[0]["sql"].lower()


def test_api_statistics_list_query_count(client, seeded, django_assert_num_queries):
    StatisticFactory.create_batch(4)
    with django_assert_num_queries(3):
        response = client.get("/api/statistics/")
    assert response.json()["count"] == 5


def test_api_indicators_list_all_indicators(client):
    IndicatorFactory(name="Deaths in custody", slug="deaths")
    assert client.get("/api/indicators/deaths/").json()["name"] == "Deaths in custody"


def test_api_schema_validates():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    assert {
        "/api/claims/",
        "/api/statistics/",
        "/api/indicators/",
        "/api/sources/",
        "/api/organizations/",
        "/api/places/",
    } <= set(schema["paths"])


def test_api_schema_is_served(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


def test_api_docs_load_scripts_from_our_static_files_only(client):
    body = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in body
    assert "<script>" not in body.replace(" ", "")
    assert "unpkg.com" not in body and "cdn.jsdelivr" not in body


@pytest.fixture
def wsgi_app():
    """The WSGI application, called in the test's transaction like Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_api_passes_every_schemathesis_check(seeded, wsgi_app):
    """A bounded, derandomized run: every operation, every check schemathesis has (server
    errors, status codes, headers and bodies as the schema says, valid data accepted)."""
    import schemathesis

    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 14  # two per public list (list and detail), and indicators
    calls = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case):
            cache.clear()
            # The WSGI client does not undo gzip (GZipMiddleware): ask for the plain body.
            response = case.call(headers={"Accept-Encoding": "identity"})
            calls.append((case.operation.path, response.status_code))
            case.validate_response(response)

        call()
    # Every list answered some of its generated requests with rows, not only with errors.
    answered = {path for path, status in calls if status == 200}
    assert {operation.path for operation in operations if "{" not in operation.path} <= answered


def api_schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def parameter(schema: dict, path: str, name: str) -> dict:
    return next(p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == name)


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/claims/", "category"),
        ("/api/claims/", "organization"),
        ("/api/claims/", "place"),
        ("/api/statistics/", "indicator"),
        ("/api/sources/", "organization"),
    ],
)
def test_api_schema_slug_filters_are_lists_of_strings(path, name):
    declared = parameter(api_schema(), path, name)["schema"]

    assert declared["type"] == "array"
    assert declared["items"]["type"] == "string"


@pytest.mark.parametrize(
    ("component", "field"),
    [("Claim", "place"), ("Statistic", "place"), ("Indicator", "category")],
)
def test_api_schema_says_optional_relations_may_be_null(component, field):
    assert api_schema()["components"]["schemas"][component]["properties"][field]["nullable"]


def test_api_schema_documents_error_answers():
    paths = api_schema()["paths"]

    assert {"200", "400", "404", "429"} <= set(paths["/api/claims/"]["get"]["responses"])
    assert {"200", "404"} <= set(paths["/api/claims/{id}/"]["get"]["responses"])


def test_api_claim_without_place_says_null(client):
    claim = ClaimFactory(location=None)

    assert client.get(f"/api/claims/{claim.pk}/").json()["place"] is None


@pytest.mark.parametrize("query", ["country=", "country=&grade=", "place=&category=&year="])
def test_api_empty_filter_values_are_no_filter(client, seeded, query):
    response = client.get(f"/api/claims/?{query}")

    assert response.status_code == 200
    assert response.json()["count"] == client.get("/api/claims/").json()["count"] > 0


def test_api_filter_naming_nothing_public_finds_nothing(client, seeded):
    hidden_place = LocationFactory(slug="hidden-place")
    ClaimFactory(status=ModerationStatus.SUBMITTED, location=hidden_place)

    for query in ("place=no-such-place", "place=hidden-place", "country=ZZ"):
        response = client.get(f"/api/claims/?{query}")
        assert response.status_code == 200, query
        assert response.json()["count"] == 0, query


def test_api_unreadable_filter_value_is_a_bad_request(client, seeded):
    response = client.get("/api/claims/?event_from=not-a-date")

    assert response.status_code == 400
    assert "event_from" in response.json()


@pytest.mark.parametrize("address", ["/en/claims/?country=", "/claims.json?country=&grade="])
def test_list_pages_read_empty_values_as_no_filter(client, seeded, address):
    response = client.get(address)

    body = response.content.decode()
    assert response.status_code == 200
    assert "was ignored" not in body
