"""The public register of people: list, page, CSV, JSON, API and sitemap, privacy first."""

import csv
import io

import pytest

from tests.factories import PersonFactory, PersonSourceFactory, SourceFactory
from tracker.lists import LISTS
from tracker.models import ModerationStatus, Person, Privacy

pytestmark = pytest.mark.django_db

S = ModerationStatus
SECRET = "Zacarías Quintanilla"


@pytest.fixture
def register(db):
    """A named record, an anonymous one and a counted-only one, and unpublished records, each
    with a name that must appear only where the rule allows."""
    named = PersonFactory(name="Publicly Named Person", privacy=Privacy.NAMED)
    anonymous = PersonFactory(
        name=f"{SECRET} Anonymous", other_names="Zaca alias", privacy=Privacy.ANONYMOUS
    )
    counted = PersonFactory(
        name=f"{SECRET} Counted",
        description="Counted only description",
        privacy=Privacy.COUNTED,
    )
    for state in S.values:
        if state != S.PUBLISHED:
            PersonFactory(name=f"{SECRET} {state}", privacy=Privacy.NAMED, status=state)
    return {"named": named, "anonymous": anonymous, "counted": counted}


def csv_rows(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


PUBLIC_OUTPUTS = ["/en/people/", "/es/people/", "/people.csv", "/people.json", "/api/people/"]


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.mark.parametrize("path", PUBLIC_OUTPUTS)
def test_people_outputs_list_named_and_anonymous_records_only(client, register, path):
    response = client.get(path)
    assert response.status_code == 200
    text = body_of(response)
    assert "Publicly Named Person" in text
    assert "Zacar" not in text and "Zaca alias" not in text
    assert "Counted only description" not in text
    assert f"/people/{register['anonymous'].pk}/" in text
    assert f"/people/{register['counted'].pk}/" not in text


@pytest.mark.parametrize("path", PUBLIC_OUTPUTS)
def test_people_search_never_finds_an_anonymous_record_by_its_name(client, register, path):
    for query in ("quintanilla", "Zaca alias", "zacarias"):
        response = client.get(path, {"q": query})
        assert response.status_code == 200
        assert f"/people/{register['anonymous'].pk}/" not in body_of(response)


def test_people_search_finds_a_named_record_by_its_name(client, register):
    data = client.get("/people.json", {"q": "publicly named"}).json()
    assert [row["id"] for row in data["results"]] == [register["named"].pk]


def test_people_csv_gives_an_anonymous_record_without_identifiers(client, register):
    rows = {int(row["id"]): row for row in csv_rows(client.get("/people.csv"))}
    assert set(rows) == {register["named"].pk, register["anonymous"].pk}
    anonymous = rows[register["anonymous"].pk]
    assert anonymous["name"] == "" and anonymous["other_names"] == ""
    assert anonymous["case_numbers"] == "" and "CASE-" not in anonymous["sources"]
    assert rows[register["named"].pk]["case_numbers"].startswith("CASE-")
    assert [c.name for c in LISTS["people"].columns][:4] == ["id", "page", "privacy", "name"]


def test_people_json_and_csv_agree_on_the_public_shape(client, register):
    data = client.get("/people.json").json()
    by_id = {row["id"]: row for row in data["results"]}
    assert by_id[register["anonymous"].pk]["name"] == ""
    assert by_id[register["named"].pk]["name"] == "Publicly Named Person"
    facets = {facet["name"] for facet in data["facets"]}
    assert facets == {"situation", "sex", "place", "country", "year"}


def test_people_facets_count_listed_records_only(client, register):
    data = client.get("/people.json").json()
    situation = next(f for f in data["facets"] if f["name"] == "situation")
    assert sum(value["count"] for value in situation["values"]) == 2


@pytest.mark.parametrize("which", ["named", "anonymous"])
def test_person_page_shows_a_listed_record(client, register, which):
    response = client.get(f"/en/people/{register[which].pk}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Zacar" not in text and "Zaca alias" not in text
    assert "A man who died in a prison hospital." in text


def test_person_page_of_a_named_record_names_it_with_its_case_number(client, register):
    text = client.get(f"/en/people/{register['named'].pk}/").content.decode()
    assert "Publicly Named Person" in text and "CASE-" in text


def test_person_page_of_an_anonymous_record_shows_no_case_number(client, register):
    text = client.get(f"/en/people/{register['anonymous'].pk}/").content.decode()
    assert "CASE-" not in text


def test_person_page_is_404_for_counted_only_and_unpublished_records(client, register):
    assert client.get(f"/en/people/{register['counted'].pk}/").status_code == 404
    assert client.get(f"/api/people/{register['counted'].pk}/").status_code == 404
    for person in Person.objects.exclude(status=S.PUBLISHED):
        response = client.get(f"/en/people/{person.pk}/")
        assert response.status_code == 404
        assert "Zacar" not in response.content.decode()


def test_person_page_of_a_linked_record_shows_the_sources_of_both(client):
    head = PersonFactory(reported=False)
    PersonSourceFactory(person=head, source=SourceFactory(title="First report"))
    linked = PersonFactory(same_as=head, reported=False)
    PersonSourceFactory(person=linked, source=SourceFactory(title="Second report"))
    text = client.get(f"/en/people/{head.pk}/").content.decode()
    assert "First report" in text and "Second report" in text
    assert client.get(f"/en/people/{linked.pk}/").status_code == 404


def test_people_sitemap_lists_listed_records_only(client, register):
    text = client.get("/sitemap.xml").content.decode()
    assert f"/people/{register['named'].pk}/" in text
    assert f"/people/{register['anonymous'].pk}/" in text
    assert f"/people/{register['counted'].pk}/" not in text


def test_people_list_query_count(client, register, django_assert_num_queries):
    PersonFactory.create_batch(6)
    # Session-free page: the public-data version, the count, the facets (one grouped query
    # each), the page's ids, its rows with their places.
    with django_assert_num_queries(4 + len(LISTS["people"].facets)):
        response = client.get("/en/people/")
    assert response.context["paginator"].count == 8


def test_people_json_query_count(client, register, django_assert_num_queries):
    PersonFactory.create_batch(6)
    # The version, the count, the facets, the rows, their sources and their public claims.
    with django_assert_num_queries(5 + len(LISTS["people"].facets)):
        data = client.get("/people.json").json()
    assert data["count"] == 8


def test_people_csv_query_count_does_not_grow_with_rows(
    client, register, django_assert_num_queries
):
    PersonFactory.create_batch(6)
    # The rows, their public claims, their sources.
    with django_assert_num_queries(3):
        rows = csv_rows(client.get("/people.csv"))
    assert len(rows) == 8


def test_person_page_query_count(client, register, django_assert_num_queries):
    with django_assert_num_queries(3):
        response = client.get(f"/en/people/{register['named'].pk}/")
    assert response.status_code == 200
