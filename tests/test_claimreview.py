import json
import re

import pytest

from tests.factories import CitationFactory, ClaimFactory, SourceFactory

pytestmark = pytest.mark.django_db

DECIDED = ["verified", "corroborated", "disputed", "false", "retracted"]
JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def claim_reviews(client, claim) -> list[dict]:
    body = client.get(f"/en/claims/{claim.pk}/").content.decode()
    return [json.loads(block) for block in JSONLD.findall(body)]


@pytest.mark.parametrize("grade", DECIDED)
def test_claimreview_present_for_a_decided_grade(client, grade):
    claim = ClaimFactory(verification=grade, verification_rationale="Checked twice.")
    (review,) = claim_reviews(client, claim)
    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == claim.title
    assert review["url"] == f"http://testserver/en/claims/{claim.pk}/"
    assert review["reviewRating"]["alternateName"] == claim.get_verification_display()
    assert review["reviewRating"]["ratingExplanation"] == "Checked twice."


def test_claimreview_absent_for_an_unverified_claim(client):
    claim = ClaimFactory(verification="unverified")
    assert claim_reviews(client, claim) == []


def test_claimreview_rates_false_lowest_and_verified_highest(client):
    ratings = {
        grade: claim_reviews(client, ClaimFactory(verification=grade))[0]["reviewRating"][
            "ratingValue"
        ]
        for grade in ("false", "verified")
    }
    assert ratings == {"false": 1, "verified": 5}


def test_claimreview_names_the_public_source_but_not_a_confidential_one(client):
    claim = ClaimFactory(verification="verified")
    CitationFactory(claim=claim, source=SourceFactory(url="https://example.org/public"))
    CitationFactory(
        claim=claim, source=SourceFactory(url="https://secret.example/x", confidential=True)
    )
    (review,) = claim_reviews(client, claim)
    urls = [item["url"] for item in review["itemReviewed"]["appearance"]]
    assert urls == ["https://example.org/public"]


def test_claimreview_cannot_close_its_script_element(client):
    claim = ClaimFactory(verification="false", title="</script><script>alert(1)</script>")
    body = client.get(f"/en/claims/{claim.pk}/").content.decode()
    block = JSONLD.search(body).group(1)
    assert "<" not in block
    assert json.loads(block)["claimReviewed"] == claim.title
