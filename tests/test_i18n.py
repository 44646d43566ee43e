from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from tracker.models.statistics import format_number


@pytest.mark.parametrize(
    ("page_language", "chosen", "next_path", "expected"),
    [
        ("en", "es", "/en/claims/?page=2", "/es/claims/?page=2"),
        ("es", "en", "/es/claims/?page=2", "/en/claims/?page=2"),
    ],
)
def test_set_language_redirects_to_same_page_in_chosen_language(
    client, db, page_language, chosen, next_path, expected
):
    with translation.override(page_language):
        url = reverse("set_language")

    response = client.post(
        url, {"language": chosen, "next": next_path}, headers={"accept-language": "en"}
    )

    assert response.status_code == 302
    assert response["Location"] == expected


@pytest.mark.parametrize(
    ("accept_language", "expected"), [("es-SV,es;q=0.9", "/es/"), ("en-US,en;q=0.9", "/en/")]
)
def test_root_redirects_to_browser_language(client, db, accept_language, expected):
    response = client.get("/", headers={"accept-language": accept_language})

    assert response.status_code == 302
    assert response["Location"] == expected


@pytest.mark.parametrize(
    ("language", "value", "expected"),
    [
        ("en", "40000", "40,000"),
        ("es", "40000", "40\N{NO-BREAK SPACE}000"),
        ("en", "2.50", "2.50"),
        ("es", "2.50", "2,50"),
    ],
)
def test_format_number_follows_language(language, value, expected):
    with translation.override(language):
        assert format_number(Decimal(value)) == expected
