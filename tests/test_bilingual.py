"""Entries in two languages: translations are content, reviewed like any edit; the public reads
its own language where there is a translation, else the original, marked as such."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation

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
from tracker import workflow
from tracker.forms import ClaimForm
from tracker.models import (
    Claim,
    Indicator,
    Location,
    Organization,
    PublishedVersion,
    Revision,
    Statistic,
)

pytestmark = pytest.mark.django_db

KAST = "kast-toured-cecot-30-january-2026"
DEATHS = "deaths-in-state-custody-during-the-state-of-exception"


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def claim_url(claim, language: str) -> str:
    with translation.override(language):
        return claim.get_absolute_url()


# --- Reading: /es/ in Spanish, /en/ in English, for every kind of page ---------------------------


def demo_pages() -> dict[str, tuple[str, str, str]]:
    """Pages of every kind, each with a text only its English and only its Spanish show."""
    claim = Claim.objects.get(slug=DEATHS)
    figure = Statistic.objects.get(note="adults, plus 4 newborns")
    cecot = Location.objects.get(slug="cecot")
    indicator = Indicator.objects.get(slug="deaths-in-state-custody-el-salvador-state-of-exception")
    presidency = Organization.objects.get(
        slug="presidential-commissioner-for-human-rights-el-salvador"
    )
    return {
        "home": ("/{}/", "president-elect Kast toured CECOT", "Kast, recorrió el CECOT"),
        "claim list": ("/{}/claims/", "Detainees died in state custody", "Personas detenidas"),
        "claim": (f"/{{}}/claims/{claim.pk}/", "Detainees have died", "han muerto bajo custodia"),
        "figure list": ("/{}/statistics/", "adults, plus 4 newborns", "adultos, más 4 recién"),
        "figure": (f"/{{}}/statistics/{figure.pk}/", "plus 4 newborns", "más 4 recién nacidos"),
        "indicator": (
            f"/{{}}/indicators/{indicator.slug}/",
            "The state of exception began on 27 March 2022.",
            "El régimen de excepción comenzó el 27 de marzo de 2022.",
        ),
        "place": (
            f"/{{}}/places/{cecot.slug}/",
            "about 74 km south-east of San Salvador",
            "a unos 74 km al sureste de San Salvador",
        ),
        "organisation": (
            f"/{{}}/organizations/{presidency.slug}/",
            "Government office of El Salvador.",
            "Oficina del Gobierno de El Salvador.",
        ),
        "organisation list": (
            "/{}/organizations/",
            "Presidential Commissioner for Human Rights",
            "Comisionado Presidencial",
        ),
    }


def test_spanish_pages_of_every_kind_show_spanish_content_for_the_demo(client, demo_data):
    for name, (path, english, spanish) in demo_pages().items():
        body = page(client, path.format("es"))
        assert spanish in body, name
        assert english not in body, name


def test_english_pages_of_every_kind_show_english_content_for_the_demo(client, demo_data):
    for name, (path, english, spanish) in demo_pages().items():
        body = page(client, path.format("en"))
        assert english in body, name
        assert spanish not in body, name


def test_every_demo_claim_and_figure_text_is_in_both_languages(demo_data):
    for claim in Claim.objects.all():
        for name in Claim.TRANSLATED_FIELDS:
            texts = claim.texts(name)
            assert bool(texts["en"]) == bool(texts["es"]), (claim.slug, name)
        assert bool(claim.verification_rationale) == bool(claim.verification_rationale_es)
    for statistic in Statistic.objects.all():
        assert bool(statistic.note) == bool(statistic.note_es), statistic.pk


def test_a_translated_demo_claim_says_so_and_links_to_its_original(client, demo_data):
    kast = Claim.objects.get(slug=KAST)
    assert kast.original_language == "es"
    body = page(client, claim_url(kast, "en"))
    assert "Translated from Spanish" in body
    assert f'href="{claim_url(kast, "es")}" hreflang="es">see the original</a>' in body
    # Read in its own language, the original says nothing of the kind.
    assert "Traducido" not in page(client, claim_url(kast, "es"))


def test_a_claim_written_in_english_says_it_is_translated_on_the_spanish_page(client, demo_data):
    claim = Claim.objects.get(slug=DEATHS)
    body = page(client, claim_url(claim, "es"))
    assert "Traducido del inglés" in body
    assert f'href="{claim_url(claim, "en")}" hreflang="en"' in body


def test_an_entry_in_one_language_shows_the_notice_and_its_language(client):
    claim = ClaimFactory(title="Only an English title", summary="Only English words.")
    body = page(client, claim_url(claim, "es"))
    assert "Solo en inglés" in body
    assert '<h1 lang="en">Only an English title</h1>' in body
    assert '<div class="summary" lang="en">' in body
    # In its own language there is no notice and no lang of its own.
    english = page(client, claim_url(claim, "en"))
    assert "Only in English" not in english
    assert "<h1>Only an English title</h1>" in english


def test_a_spanish_only_claim_is_marked_on_the_english_list(client):
    ClaimFactory(
        original_language="es",
        title="",
        title_es="Solo en castellano",
        summary="",
        summary_es="Hola.",
    )
    body = page(client, "/en/claims/")
    assert 'lang="es">Solo en castellano</a>' in body
    # On a card the notice is its words alone: the card's title links to the claim.
    assert '<span class="language-notice">Only in Spanish</span>' in body


def test_a_translated_claim_card_says_so_without_a_link_of_its_own(client, demo_data):
    body = page(client, "/en/claims/")
    assert '<span class="language-notice">Translated from Spanish</span>' in body
    assert "see the original" not in body


def test_source_titles_and_quotes_keep_their_language(client):
    claim = ClaimFactory(title="A claim")
    source = SourceFactory(title="Informe en español", language="es")
    CitationFactory(claim=claim, source=source, quote="Una cita textual.")
    body = page(client, claim_url(claim, "en"))
    assert 'lang="es">Informe en español</a>' in body
    assert '<blockquote lang="es">Una cita textual.</blockquote>' in body


def test_facets_name_places_and_organisations_in_the_readers_language(client, demo_data):
    body = page(client, "/es/statistics/")
    assert "Comisionado Presidencial" not in body  # it reported no figure
    assert "Medio de noticias en inglés sin nombre" in body
    assert "Unnamed English-language news outlet" not in body


def test_claimreview_follows_the_readers_language(client, demo_data):
    claim = Claim.objects.get(slug=DEATHS)
    body = page(client, claim_url(claim, "es"))
    assert '"claimReviewed": "Personas detenidas murieron' in body
    assert '"inLanguage": "es"' in body
    assert "lo denuncian de forma independiente" in body


def test_feeds_take_a_language(client, demo_data):
    spanish = client.get("/feeds/claims.atom?lang=es").content.decode()
    assert "Personas detenidas murieron" in spanish
    assert "/es/claims/" in spanish
    english = client.get("/feeds/claims.atom").content.decode()
    assert "Detainees died in state custody" in english
    assert "Personas detenidas" not in english


# --- Exports and the API: both languages, the original language --------------------------------


def test_claims_csv_carries_both_languages_and_the_original_one(client, demo_data):
    response = client.get("/claims.csv")
    body = b"".join(response.streaming_content).decode()
    rows = {row["title"]: row for row in csv.DictReader(io.StringIO(body))}
    kast = Claim.objects.get(slug=KAST)
    row = rows[kast.title]
    assert row["title_es"] == kast.title_es
    assert row["summary_es"] == kast.summary_es
    assert row["original_language"] == "es"
    header = body.splitlines()[0].split(",")
    assert header.index("corrected_at") < header.index("original_language")


def test_the_api_carries_both_languages_whatever_the_readers_language(client, demo_data):
    claim = Claim.objects.get(slug=DEATHS)
    data = client.get(f"/api/claims/{claim.pk}/", headers={"accept-language": "es"}).json()
    assert data["title"] == claim.title
    assert data["title_es"] == claim.title_es
    assert data["verification_rationale_es"] == claim.verification_rationale_es
    assert data["original_language"] == "en"


# --- Translations are content: reviewed, and held for a published entry -------------------------


def claim_post(claim: Claim, **changes) -> dict:
    """The workspace form of ``claim`` as it stands, with ``changes``."""
    form = ClaimForm(instance=claim)
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if name in ("categories", "tags"):
            data[name] = [obj.pk for obj in value] if value else []
        elif value is None:
            data[name] = ""
        elif hasattr(value, "isoformat"):
            data[name] = value.isoformat()
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = value
    data["version"] = claim.version
    citations = list(claim.citations.order_by("pk"))
    data.update(
        {
            "citations-TOTAL_FORMS": str(len(citations)),
            "citations-INITIAL_FORMS": str(len(citations)),
        }
    )
    for number, citation in enumerate(citations):
        data.update(
            {
                f"citations-{number}-source": citation.source_id,
                f"citations-{number}-quote": citation.quote,
                f"citations-{number}-locator": citation.locator,
                f"citations-{number}-stance": citation.stance,
                f"citations-{number}-new_source_kind": "report",
            }
        )
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_a_translation_of_a_published_claim_stays_invisible_until_a_second_person_approves(
    client, contributor, reviewer
):
    claim = ClaimFactory(title="Deaths in custody", summary="Two detainees died.")
    CitationFactory(claim=claim)
    client.force_login(contributor)
    response = client.post(
        reverse("workspace:claim_edit", args=[claim.pk]),
        claim_post(claim, title_es="Muertes bajo custodia", summary_es="Murieron dos detenidos."),
    )
    assert response.status_code == 302
    revision = Revision.objects.get(object_id=claim.pk)
    assert revision.status == Revision.Status.PENDING
    assert revision.data["fields"]["title_es"] == "Muertes bajo custodia"
    assert len(revision.data["citations"]) == 1, revision.data
    claim.refresh_from_db()
    assert claim.title_es == ""
    client.logout()
    spanish = page(client, claim_url(claim, "es"))
    assert "Muertes bajo custodia" not in spanish
    assert "Solo en inglés" in spanish
    assert "Muertes bajo custodia" not in page(client, "/es/claims/?q=muertes")

    # The proposer may not approve it, even as a reviewer: four eyes.
    with pytest.raises(workflow.TransitionRefused):
        workflow.approve_revision(revision, by=contributor, correction_note_es="Traducción.")

    client.force_login(reviewer)
    with translation.override("en"):
        review_url = reverse("review:revision", args=[revision.pk])
    diff = page(client, review_url)
    assert "Title in Spanish" in diff and "Muertes bajo custodia" in diff
    response = client.post(
        review_url,
        {"action": "approve", "correction_note_es": "Se añadió la traducción al español."},
    )
    assert response.status_code == 302, response.context["form"].errors
    client.logout()
    spanish = page(client, claim_url(claim, "es"))
    assert "<h1>Muertes bajo custodia</h1>" in spanish
    version = PublishedVersion.objects.for_entry(claim).get()
    assert version.correction_note_es == "Se añadió la traducción al español."
    assert version.data["title_es"] == "Muertes bajo custodia"
    assert "Traducido del inglés" in spanish


def test_a_reviewer_may_not_approve_the_translation_they_proposed(reviewer, second_reviewer):
    claim = ClaimFactory(title="A claim")
    CitationFactory(claim=claim)
    revision = workflow.propose_revision(
        claim,
        by=reviewer,
        expected_version=claim.version,
        data={"fields": {"title_es": "Una denuncia"}},
    )
    with pytest.raises(workflow.TransitionRefused):
        workflow.approve_revision(revision, by=reviewer, correction_note="Translated.")
    workflow.approve_revision(revision, by=second_reviewer, correction_note="Translated.")
    claim.refresh_from_db()
    assert claim.title_es == "Una denuncia"


def test_the_claim_form_needs_the_title_in_the_language_chosen(client, contributor):
    client.force_login(contributor)
    response = client.post(
        reverse("workspace:claim_create"),
        {
            "original_language": "es",
            "title": "An English title",
            "summary_es": "Un resumen.",
            "country": "SV",
            "date_precision": "day",
            "citations-TOTAL_FORMS": "0",
            "citations-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["title_es"]
    assert not Claim.objects.exists()


def test_a_claim_written_in_spanish_is_saved_with_its_language(client, contributor):
    client.force_login(contributor)
    response = client.post(
        reverse("workspace:claim_create"),
        {
            "original_language": "es",
            "title_es": "Muertes en el penal de Izalco",
            "summary_es": "Murieron tres detenidos.",
            "country": "SV",
            "date_precision": "day",
            "citations-TOTAL_FORMS": "0",
            "citations-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    claim = Claim.objects.get()
    assert (claim.original_language, claim.title, claim.title_es) == (
        "es",
        "",
        "Muertes en el penal de Izalco",
    )
    assert claim.slug == "muertes-en-el-penal-de-izalco"
    assert str(claim) == "Muertes en el penal de Izalco"


def test_the_claim_form_shows_both_languages_side_by_side(client, contributor):
    client.force_login(contributor)
    body = page(client, reverse("workspace:claim_create"))
    assert 'class="bilingual-row"' in body
    assert 'name="title_es"' in body and 'name="summary_es"' in body
    assert 'name="original_language"' in body


def test_a_grade_rationale_may_be_given_in_spanish_only(reviewer):
    claim = ClaimFactory(title="A claim")
    workflow.set_verification(
        claim, by=reviewer, grade="disputed", rationale="", rationale_es="Fuentes contradictorias."
    )
    claim.refresh_from_db()
    assert claim.verification_rationale_es == "Fuentes contradictorias."
    with pytest.raises(workflow.TransitionRefused):
        workflow.set_verification(claim, by=reviewer, grade="false", rationale="", rationale_es="")


def test_a_spanish_grade_rationale_is_on_the_spanish_page_and_marked_on_the_english_one(
    client, reviewer
):
    claim = ClaimFactory(title="A claim")
    workflow.set_verification(
        claim, by=reviewer, grade="disputed", rationale="", rationale_es="Fuentes contradictorias."
    )
    assert "Fuentes contradictorias." in page(client, claim_url(claim, "es"))
    assert '<span lang="es">Fuentes contradictorias.</span>' in page(client, claim_url(claim, "en"))


def test_a_withdrawal_notice_may_be_in_spanish(client, reviewer):
    claim = ClaimFactory(title="A claim")
    workflow.withdraw(
        claim,
        by=reviewer,
        comment="Internal.",
        public_note="",
        public_note_es="La fuente se retractó.",
    )
    response = client.get(claim_url(claim, "en"))
    assert response.status_code == 410
    assert '<span lang="es">La fuente se retractó.</span>' in response.content.decode()


def test_a_contributor_without_the_claim_sees_no_spanish_of_its_private_fields(client):
    author = make_user("contributor")
    claim = ClaimFactory(title="A claim", created_by=author, private_notes="Private.")
    other = make_user("contributor")
    client.force_login(other)
    body = page(client, reverse("workspace:claim_edit", args=[claim.pk]))
    assert 'name="title_es"' in body
    assert "Private." not in body


def test_places_organisations_and_indicators_record_the_language_they_were_written_in(client):
    place = LocationFactory(slug="mariona", name="La Esperanza", original_language="es")
    ClaimFactory(location=place)
    organization = OrganizationFactory(slug="sjh", original_language="es")
    CitationFactory(claim=ClaimFactory(), source=SourceFactory(organization=organization))
    StatisticFactory(indicator=IndicatorFactory(slug="deaths"))
    places = {
        row["slug"]: row for row in csv.DictReader(io.StringIO(csv_body(client, "/places.csv")))
    }
    assert places["mariona"]["original_language"] == "es"
    organizations = client.get("/api/organizations/").json()["results"]
    assert {o["slug"]: o["original_language"] for o in organizations}["sjh"] == "es"
    indicators = client.get("/api/indicators/").json()["results"]
    assert {i["slug"]: i["original_language"] for i in indicators}["deaths"] == "en"


def csv_body(client, path: str) -> str:
    return b"".join(client.get(path).streaming_content).decode()
