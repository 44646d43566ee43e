"""How to cite a claim or a figure: plain text, APA-like, BibTeX and CSL-JSON, escaped."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import ClaimFactory, StatisticFactory
from tracker import citing
from tracker.models import ModerationStatus

pytestmark = pytest.mark.django_db

AWKWARD = 'Costs & {braces} 100% $5 #1 _x_ ~ ^ \\ "quoted" <script>alert(1)</script> Jurídico'
PUBLISHED = datetime.datetime(2025, 3, 4, 12, tzinfo=datetime.UTC)


@pytest.fixture
def claim():
    return ClaimFactory(title=AWKWARD, title_es="Costos de CECOT", published_at=PUBLISHED)


@pytest.fixture
def figure():
    return StatisticFactory(published_at=PUBLISHED)


def reference(entry) -> citing.Reference:
    return citing.reference_of(entry, "https://tracker.example.org/claims/1/")


def test_bibtex_escapes_every_latex_special_character(claim):
    bib = citing.bibtex(reference(claim))

    title = next(line for line in bib.splitlines() if line.strip().startswith("title ="))
    for raw, escaped in [("&", r"\&"), ("%", r"\%"), ("$", r"\$"), ("#", r"\#"), ("_", r"\_")]:
        assert escaped in title
        assert raw not in title.replace(escaped, "")
    assert r"\{braces\}" in title
    assert "Jur{\\'\\i}dico" in title or "Jur\\'{\\i}dico" in title
    assert bib.count("{") == bib.count("}")


def test_bibtex_names_the_entry_and_its_dates(claim):
    bib = citing.bibtex(reference(claim))

    assert bib.startswith(f"@misc{{tracker-claim-{claim.pk},\n")
    assert "  year = {2025},\n  month = mar,\n" in bib
    assert "  url = {https://tracker.example.org/claims/1/},\n" in bib
    assert f"  urldate = {{{timezone.localdate().isoformat()}}},\n" in bib
    assert "  author = {{Human-rights claim tracker}},\n" in bib


def test_csl_json_keeps_the_title_exactly(claim):
    item = json.loads(citing.csl_json_text(reference(claim)))[0]

    assert item["title"] == AWKWARD
    assert item["id"] == f"tracker-claim-{claim.pk}"
    assert item["type"] == "webpage"
    assert item["issued"] == {"date-parts": [[2025, 3, 4]]}
    assert item["URL"] == "https://tracker.example.org/claims/1/"


def test_apa_reads_publisher_date_title_and_address(figure):
    with translation.override("en"):
        text = citing.apa(reference(figure))

    assert text.startswith("Human-rights claim tracker. (2025, March 4). ")
    assert "[Figure; reported by " in text
    assert text.endswith("from https://tracker.example.org/claims/1/")


def test_references_in_the_readers_language(claim):
    with translation.override("es"):
        text = citing.apa(reference(claim))

    assert "Costos de CECOT" in text
    assert "(2025, 4 de marzo)" in text


def test_claim_page_offers_every_style_escaped(client, claim):
    body = client.get(claim.get_absolute_url()).content.decode()

    section = body[body.index('id="cite-heading"') :]
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in section
    for style in ("Plain text", "APA style", "<summary>BibTeX</summary>", "CSL-JSON"):
        assert style in section
    assert f"@misc{{tracker-claim-{claim.pk}," in section
    assert reverse("public:claim_cite_bibtex", kwargs={"pk": claim.pk}) in section
    assert reverse("public:claim_cite_csl", kwargs={"pk": claim.pk}) in section


def test_figure_page_offers_every_style(client, figure):
    body = client.get(figure.get_absolute_url()).content.decode()

    section = body[body.index('id="cite-heading"') :]
    assert f"@misc{{tracker-figure-{figure.pk}," in section
    assert reverse("public:statistic_cite_bibtex", kwargs={"pk": figure.pk}) in section


def test_claim_bibtex_file_downloads(client, claim):
    response = client.get(reverse("public:claim_cite_bibtex", kwargs={"pk": claim.pk}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert f'filename="tracker-claim-{claim.pk}.bib"' in response["Content-Disposition"]
    assert response.content.decode().startswith(f"@misc{{tracker-claim-{claim.pk},")
    assert f"http://testserver/claims/{claim.pk}/" in response.content.decode()


def test_figure_csl_json_file_downloads(client, figure):
    response = client.get(reverse("public:statistic_cite_csl", kwargs={"pk": figure.pk}))

    assert response["Content-Type"].startswith("application/vnd.citationstyles.csl+json")
    item = response.json()[0]
    assert item["type"] == "dataset"
    assert item["URL"] == f"http://testserver/statistics/{figure.pk}/"


@pytest.mark.parametrize("status", [s for s in ModerationStatus.values if s != "published"])
@pytest.mark.parametrize("name", ["public:claim_cite_bibtex", "public:claim_cite_csl"])
def test_unpublished_claim_has_no_reference(client, status, name):
    hidden = ClaimFactory(status=status, title="PRIVATE-TITLE")

    response = client.get(reverse(name, kwargs={"pk": hidden.pk}))

    assert response.status_code == 404
    assert b"PRIVATE-TITLE" not in response.content
