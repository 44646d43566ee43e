"""The JSON export and the API list share the HTML list's cache, per public-data version: a
repeated request reads the version and nothing else, and a decision changes what they give."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import CitationFactory, ClaimFactory, make_user
from tracker import workflow
from tracker.models import ModerationStatus

pytestmark = pytest.mark.django_db

S = ModerationStatus


@pytest.fixture
def claims(db):
    for n in range(4):
        CitationFactory(claim=ClaimFactory(title=f"Listed claim {n}", country="SV"))


def queries(client, url: str) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.json()


@pytest.mark.parametrize("query", ["", "?country=SV", "?country=SV&page_size=2&page=2"])
def test_json_export_again_reads_only_the_version(client, claims, query):
    cold, first = queries(client, f"/claims.json{query}")
    warm, again = queries(client, f"/claims.json{query}")
    # version, facets with the total, rows, categories, tags, citations; then the version alone
    assert (cold, warm) == (6, 1)
    assert again == first


@pytest.mark.parametrize("query", ["", "?country=SV", "?country=SV&page_size=2&page=2"])
def test_api_list_again_reads_the_version_and_nothing_else(client, claims, query):
    cold, first = queries(client, f"/api/claims/{query}")
    warm, again = queries(client, f"/api/claims/{query}")
    assert (cold, warm) == (6, 1)
    assert again == first


def test_api_list_reads_the_rows_that_the_json_export_cached(client, claims):
    exported = client.get("/claims.json?country=SV").json()
    count, listed = queries(client, "/api/claims/?country=SV")
    assert count == 2
    assert listed["results"] == exported["results"]
    assert listed["count"] == exported["count"] == 4


def test_json_export_and_api_list_show_a_decision_at_once(client, claims):
    reviewer = make_user("reviewer")
    pending = ClaimFactory(title="Approved meanwhile", status=S.SUBMITTED, cited=True)
    listed = ClaimFactory(title="Withdrawn meanwhile", cited=True)
    for url in ("/claims.json", "/api/claims/"):
        titles = [row["title"] for row in client.get(url).json()["results"]]
        assert "Withdrawn meanwhile" in titles
        assert "Approved meanwhile" not in titles

    workflow.approve(pending, by=reviewer)
    workflow.withdraw(listed, by=reviewer, comment="Wrong.", public_note="Withdrawn.")

    for url in ("/claims.json", "/api/claims/"):
        response = client.get(url).json()
        titles = [row["title"] for row in response["results"]]
        assert "Approved meanwhile" in titles, url
        assert "Withdrawn meanwhile" not in titles, url
        assert response["count"] == 5


def test_json_export_rows_name_the_address_they_were_asked_at(client, claims, settings):
    settings.ALLOWED_HOSTS = ["testserver", "mirror.example"]
    here = client.get("/claims.json").json()["results"][0]["url"]
    there = client.get("/claims.json", HTTP_HOST="mirror.example").json()["results"][0]["url"]
    assert here.startswith("http://testserver/")
    assert there.startswith("http://mirror.example/")


def test_json_export_of_a_page_past_the_last_is_still_told(client, claims):
    client.get("/claims.json?page_size=2&page=2")
    response = client.get("/claims.json?page_size=2&page=9").json()
    assert response["page"] == 2
    assert response["problems"] == ["There is no page 9: showing the last page, 2."]


@pytest.mark.parametrize("url", ["/claims.json", "/api/claims/"])
def test_deep_page_rows_are_the_list_sliced(client, url):
    for n in range(7):
        ClaimFactory(title=f"Claim {n}", event_start=None if n % 3 == 0 else f"2024-0{n + 1}-01")
    everything = [row["id"] for row in client.get(url, {"page_size": 100}).json()["results"]]
    pages = [
        [row["id"] for row in client.get(url, {"page_size": 3, "page": n}).json()["results"]]
        for n in (1, 2, 3)
    ]
    assert pages == [everything[0:3], everything[3:6], everything[6:7]]


def test_deep_page_is_found_by_its_keys_first(client, claims):
    with CaptureQueriesContext(connection) as captured:
        client.get("/claims.json", {"page_size": 2, "page": 2})
    [rows] = [q["sql"] for q in captured if "tracker_claim" in q["sql"] and "LIMIT 2" in q["sql"]]
    assert "IN (SELECT" in rows and "OFFSET 2" in rows


@pytest.mark.parametrize(
    "query",
    [
        "q=custody&page_size=5&page=2",
        "q=custody&sort=recently_published&page_size=4&page=3",
        "q=custody&sort=most_cited&page_size=5",
        "q=custody&page_size=5&page=99",  # past the last page: the last one, read on its own
    ],
)
def test_json_export_of_a_search_reads_its_page_with_the_facets_in_order(client, query):
    from django.http import QueryDict

    from tracker.filters import ClaimFilter

    for number in range(13):
        claim = ClaimFactory(title=f"Death in custody {number}" + " custody" * (number % 3))
        for _ in range(number % 4):
            CitationFactory(claim=claim)
    params = QueryDict(query)
    expected = list(ClaimFilter(params).qs.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as captured:
        data = client.get(f"/claims.json?{query}").json()
    size = int(params["page_size"])
    page = data["page"]
    assert [row["id"] for row in data["results"]] == expected[(page - 1) * size : page * size]
    apart = [q for q in captured if q["sql"].startswith('SELECT "tracker_claim"."id" AS "pk", ')]
    fused = page == int(params.get("page", 1)) and (
        "most_cited" not in query or connection.vendor == "postgresql"
    )
    # the rows are read once: by their ids when read with the facets, else by their page
    assert len(apart) == 1
    assert ("LIMIT" in apart[0]["sql"]) != fused


@pytest.mark.parametrize("url", ["/claims.json?country=SV", "/api/claims/?country=SV"])
def test_a_warm_json_answer_is_its_cached_bytes(client, claims, url, monkeypatch):
    """Asked again at the same version, the answer is the body kept the first time: nothing is
    rendered again (a page of 100 claims is about 350 kB of JSON)."""
    from rest_framework.renderers import JSONRenderer

    first = client.get(url)
    rendered = []
    render = JSONRenderer.render
    monkeypatch.setattr(
        JSONRenderer, "render", lambda self, *a, **k: rendered.append(1) or render(self, *a, **k)
    )
    again = client.get(url)
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"] == "application/json"
    assert not rendered
    # The same address in Spanish, or at another host, is a body of its own.
    spanish = client.get(url, HTTP_ACCEPT_LANGUAGE="es")
    assert rendered and spanish.status_code == 200


def test_json_bodies_are_kept_per_language_and_host(client, claims, settings):
    settings.ALLOWED_HOSTS = ["testserver", "mirror.example"]
    english = client.get("/claims.json?country=SV&page_size=1").json()
    spanish = client.get("/claims.json?country=SV&page_size=1", HTTP_ACCEPT_LANGUAGE="es").json()
    assert english["facets"][0]["label"] == "Category"
    assert spanish["facets"][0]["label"] == "Categoría"
    mirrored = client.get("/claims.json?country=SV&page_size=1", HTTP_HOST="mirror.example").json()
    assert english["next"].startswith("http://testserver/")
    assert mirrored["next"].startswith("http://mirror.example/")
    assert mirrored["results"][0]["url"].startswith("http://mirror.example/")
