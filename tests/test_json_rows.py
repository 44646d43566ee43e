"""The JSON export and the API build a page of claims from ``values()`` rows
(``tracker.json_rows``): each row must be exactly what the claim serializer gives for the same
claim, confidential sources withheld the same way, on both databases."""

import datetime
import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.test import RequestFactory
from django.utils import timezone
from rest_framework.request import Request

from tests.factories import (
    CategoryFactory,
    CitationFactory,
    ClaimFactory,
    LocationFactory,
    SourceFactory,
)
from tracker.lists import CLAIMS
from tracker.models import Citation, Source, Tag
from tracker.serializers import ClaimSerializer

pytestmark = pytest.mark.django_db

ORIGIN = "http://testserver"


@pytest.fixture
def varied_claims(db):
    """Claims with every kind of value the shape holds: none or several categories and tags, a
    place or none, dates or none, a correction, Spanish texts, citations of public sources with
    and without an organisation or a date, and of a confidential source."""
    first, second = CategoryFactory(name="Torture"), CategoryFactory(name="Arbitrary detention")
    place = LocationFactory(name="Izalco prison")
    public = SourceFactory(title="Annual report", url="https://example.org/annual")
    plain = SourceFactory(organization=None, published_on=None, url="https://example.org/plain")
    confidential = SourceFactory(
        title="Witness interview", url="https://example.org/secret-witness", confidential=True
    )
    claims = [
        ClaimFactory(
            title="Deaths in custody",
            title_es="Muertes bajo custodia",
            summary_es="Personas murieron.",
            location=place,
            victim_count=480,
            event_end=datetime.date(2024, 1, 31),
            ongoing=True,
            corrected_at=timezone.now(),
            categories=[first, second],
        ),
        ClaimFactory(title="No date, no place", event_start=None, categories=[second]),
        ClaimFactory(title="Nothing linked"),
    ]
    claims[0].tags.set([Tag.objects.create(name=name, slug=name) for name in ("prisons", "deaths")])
    CitationFactory(claim=claims[0], source=public, quote="Words", locator="p. 4")
    CitationFactory(
        claim=claims[0], source=confidential, quote="secret words", locator="tape 2, 10:31"
    )
    CitationFactory(claim=claims[1], source=plain, stance=Citation.Stance.CONTRADICTS)
    CitationFactory(claim=claims[1], source=confidential, quote="", locator="")
    return claims


def serialized(claims) -> list[dict]:
    """What the serializer gives for ``claims``, from instances, as plain JSON data."""
    instances = {claim.pk: claim for claim in CLAIMS.listing(CLAIMS.all_public())}
    request = Request(RequestFactory().get("/claims.json"))
    data = ClaimSerializer(
        [instances[claim.pk] for claim in claims], many=True, context={"request": request}
    ).data
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def test_rows_are_the_serializers_shape_field_for_field(varied_claims):
    ids = [claim.pk for claim in varied_claims]
    rows = CLAIMS.json_rows(ids, ORIGIN)
    expected = serialized(varied_claims)
    assert rows == expected
    # The same keys in the same order, so the documents are the same text.
    assert json.dumps(rows) == json.dumps(expected)
    withheld = rows[0]["citations"][1]
    assert withheld["source"]["confidential"] is True
    assert withheld["source"]["url"] == "" and withheld["source"]["organization"] is None
    assert withheld["quote"] == "" and withheld["locator"] == ""


def test_rows_of_a_page_queryset_keep_the_lists_order(varied_claims):
    page = CLAIMS.queryset(CLAIMS.filterset({}))[:2]
    expected = serialized(list(page))
    assert CLAIMS.json_rows(page, ORIGIN) == expected


def test_only_public_claims_are_read_whatever_the_ids(varied_claims):
    draft = ClaimFactory(title="A draft", status="draft", cited=True)
    rows = CLAIMS.json_rows([draft.pk, varied_claims[2].pk], ORIGIN)
    assert [row["id"] for row in rows] == [varied_claims[2].pk]


@pytest.mark.parametrize("url", ["/claims.json", "/api/claims/", "/claims.json?page_size=1"])
def test_json_export_and_api_give_the_serializers_rows(client, varied_claims, url):
    data = client.get(url).json()
    shown = [claim for claim in varied_claims if claim.pk in {r["id"] for r in data["results"]}]
    by_pk = {row["id"]: row for row in serialized(shown)}
    assert data["results"] == [by_pk[row["id"]] for row in data["results"]]
    text = json.dumps(data)
    assert "secret-witness" not in text and "secret words" not in text and "tape 2" not in text
    assert Source.objects.get(confidential=True).title not in text
