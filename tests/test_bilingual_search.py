"""Search in both languages: a query matches the original and the translation; on PostgreSQL
each language's words are stemmed by its own configuration, accents never matter."""

import pytest
from django.db import connection
from django.http import QueryDict

from tests.factories import CategoryFactory, ClaimFactory, StatisticFactory
from tracker.filters import ClaimFilter, StatisticFilter, search_queryset
from tracker.models import Claim

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="stemming by language is PostgreSQL's"
)

DEATHS = "deaths-in-state-custody-during-the-state-of-exception"
TORTURE = "torture-and-ill-treatment-in-salvadoran-prisons"
DUE_PROCESS = "limited-due-process-under-the-state-of-exception"
HONDURAS = "honduras-proposed-island-for-gang-detainees"


def found(query: str) -> set[str]:
    return {claim.slug for claim in ClaimFilter(QueryDict(f"q={query}")).qs}


@on_postgresql
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tortura", {TORTURE}),
        ("muertes", {DEATHS}),
        ("custodia", {DEATHS}),
        ("detenidos", {DEATHS, TORTURE, DUE_PROCESS, HONDURAS}),
        ("deaths", {DEATHS}),
        ("torture", {TORTURE}),
    ],
)
def test_demo_claims_are_found_in_both_languages_on_postgresql(demo_data, query, expected):
    assert found(query) == expected


@on_postgresql
def test_a_spanish_word_finds_its_other_forms_on_postgresql():
    ClaimFactory(title="A", title_es="Murió un detenido", summary_es="Una muerte bajo custodia.")
    ClaimFactory(title="Unrelated", summary="Nothing here.")
    assert found("muertes") == {Claim.objects.get(title="A").slug}
    assert found("detenidos") == {Claim.objects.get(title="A").slug}
    assert found("MUERTE") == {Claim.objects.get(title="A").slug}


@on_postgresql
def test_an_english_word_finds_its_other_forms_on_postgresql():
    ClaimFactory(title="A detainee died", summary="One death in custody.")
    assert found("deaths") == {Claim.objects.get().slug}
    assert found("detainees") == {Claim.objects.get().slug}


@on_postgresql
def test_the_bilingual_search_reads_the_stored_vector(demo_data):
    plan = search_queryset(Claim.objects.all(), "muertes").explain()
    assert "to_tsvector" not in plan


def test_a_search_matches_the_translation_as_well_as_the_original():
    ClaimFactory(title="Torture in Izalco", title_es="Tortura en Izalco")
    ClaimFactory(title="Something else", summary="Nothing.")
    assert found("tortura") == {Claim.objects.get(title="Torture in Izalco").slug}
    assert found("torture") == {Claim.objects.get(title="Torture in Izalco").slug}


def test_a_search_ignores_accents_in_spanish_text():
    ClaimFactory(title="", original_language="es", title_es="Detención en la cárcel")
    assert len(found("detencion carcel")) == 1
    assert len(found("DETENCIÓN")) == 1


def test_a_claim_is_found_by_its_categorys_name_in_either_language():
    category = CategoryFactory(name="Death in custody", name_es="Muerte bajo custodia")
    ClaimFactory(title="A claim", summary="Two people.", categories=[category])
    ClaimFactory(title="Another", summary="Nothing.")
    assert found("custody") == {Claim.objects.get(title="A claim").slug}
    assert found("custodia") == {Claim.objects.get(title="A claim").slug}


def test_a_spanish_word_in_a_figures_note_finds_it():
    StatisticFactory(note="plus 4 newborns", note_es="más 4 recién nacidos")
    StatisticFactory(note="other")
    assert len(StatisticFilter(QueryDict("q=nacidos")).qs) == 1
    assert len(StatisticFilter(QueryDict("q=newborns")).qs) == 1


def test_a_pending_translation_is_not_searchable(reviewer):
    from tracker import workflow

    claim = ClaimFactory(title="Deaths", cited=True)
    workflow.propose_revision(
        claim,
        by=reviewer,
        expected_version=claim.version,
        data={"fields": {"title_es": "Zqpendiente traducción"}},
    )
    assert found("zqpendiente") == set()


def test_a_spanish_only_draft_is_not_searchable():
    ClaimFactory(title="", original_language="es", title_es="Zqborrador oculto", status="draft")
    assert found("zqborrador") == set()
