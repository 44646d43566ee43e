import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.db.models import Count

from tracker import workflow
from tracker.models import (
    Citation,
    Claim,
    Indicator,
    ModerationEvent,
    ModerationStatus,
    Organization,
    Person,
    Source,
    Statistic,
)
from tracker.workflow import bulk

pytestmark = pytest.mark.django_db

PUBLISHED = 40


@pytest.fixture
def synthetic(db):
    call_command("generate_synthetic", claims=PUBLISHED, seed=7, verbosity=0)


def test_generate_synthetic_creates_requested_published_claims(synthetic):
    assert Claim.objects.public().count() == PUBLISHED


def test_generate_synthetic_adds_each_unpublished_state(synthetic):
    counts = dict(Claim.objects.values_list("status").annotate(n=Count("pk")))
    assert counts == {
        ModerationStatus.PUBLISHED: PUBLISHED,
        ModerationStatus.DRAFT: 4,
        ModerationStatus.SUBMITTED: 1,
        ModerationStatus.REJECTED: 2,
        ModerationStatus.WITHDRAWN: 1,
    }


def test_generate_synthetic_creates_half_as_many_published_figures(synthetic):
    assert Statistic.objects.public().count() == PUBLISHED // 2
    assert Statistic.objects.exclude(status=ModerationStatus.PUBLISHED).exists()


def test_generate_synthetic_marks_every_title_as_synthetic(synthetic):
    marks = ("[SYNTHETIC]", "[SINTÉTICO]")
    titles = [
        *Claim.objects.values_list("title", flat=True),
        *Source.objects.values_list("title", flat=True),
        *Organization.objects.values_list("name", flat=True),
        *Indicator.objects.values_list("name", flat=True),
    ]
    assert titles
    assert all(title.startswith(marks) for title in titles)


def test_generate_synthetic_writes_english_and_spanish(synthetic):
    rows = list(Claim.objects.values_list("title", "title_es", "summary_es", "original_language"))
    assert all(title.startswith("[SYNTHETIC]") for title, *_ in rows)
    assert all(
        title_es.startswith("[SINTÉTICO]") and summary_es for _, title_es, summary_es, _ in rows
    )
    assert {language for *_, language in rows} == {"en", "es"}


def test_generate_synthetic_cites_existing_sources(synthetic):
    claims = Claim.objects.annotate(n=Count("citations"))
    assert all(claim.n >= 1 for claim in claims)
    source_ids = set(Source.objects.values_list("pk", flat=True))
    assert set(Citation.objects.values_list("source_id", flat=True)) <= source_ids


def test_generate_synthetic_fills_search_text_as_save_does(synthetic):
    for claim in Claim.objects.select_related("location"):
        assert claim.search_text == claim.build_search_text()


def test_generate_synthetic_rows_satisfy_every_constraint(synthetic):
    connection.check_constraints()  # raises IntegrityError on a dangling foreign key
    problems = []
    checked = 0
    for model in (Claim, Statistic, Source):
        for entry in model.objects.all():
            checked += 1
            try:
                entry.validate_constraints()
            except ValidationError as error:
                problems.append((model.__name__, entry.pk, error.messages))
    assert problems == []
    assert checked > 0


def test_generate_synthetic_records_publication_events(synthetic):
    published = set(Claim.objects.public().values_list("pk", flat=True))
    logged = set(
        ModerationEvent.objects.filter(
            content_type__model="claim", action="publish_trusted"
        ).values_list("object_id", flat=True)
    )
    assert published <= logged


def test_generate_synthetic_people_pass_the_provenance_gate_and_record_their_events(db):
    call_command("generate_synthetic", people=30, seed=7, verbosity=0)
    people = list(Person.objects.public())
    assert len(people) == Person.objects.count() == 30
    # The events of a trusted publication, as the workflow records them for a claim or figure.
    planned = [
        (step.kind, step.action, step.from_value, step.to_value)
        for step in bulk.trail(ModerationStatus.PUBLISHED)
    ]
    assert [action for _kind, action, *_ in planned] == ["load", "publish_trusted"]
    for person in people:
        assert workflow.missing_provenance(person) == []
        recorded = [
            (event.kind, event.action, event.from_value, event.to_value)
            for event in workflow.history(person)
        ]
        assert recorded == planned


def test_generate_synthetic_leaves_sequences_past_written_rows(synthetic):
    claim = Claim.objects.public().first()
    copy = Claim.objects.create(title="After the load", summary="x", country="SV")
    assert copy.pk > claim.pk
    assert copy.pk == Claim.objects.order_by("-pk").values_list("pk", flat=True)[0]


def test_generate_synthetic_is_deterministic_for_a_seed(db):
    def titles_after_run():
        call_command("generate_synthetic", claims=10, seed=3, verbosity=0)
        titles = list(Claim.objects.order_by("pk").values_list("title", "country", "status"))
        Claim.objects.all().delete()
        return titles

    first = titles_after_run()
    assert [title for title, *_ in first]
    # Ids continue after the first run's, so compare the titles without their "(id)" suffix.
    second = titles_after_run()
    strip = [(t.rsplit(" (", 1)[0], c, s) for t, c, s in first]
    assert strip == [(t.rsplit(" (", 1)[0], c, s) for t, c, s in second]
