"""The linkage: candidate pairs by blocking, scored names and dates, proposals for reviewers."""

import datetime

import pytest
from django.core.management import call_command

from tests.bench.linkage import run
from tests.factories import LocationFactory, PersonFactory, make_user
from tracker import linkage, workflow
from tracker.models import LinkProposal, ModerationStatus, Person
from tracker.synthetic_people import generate

D = datetime.date


def pairs_of(rows) -> set[tuple[int, int]]:
    return {(c.left, c.right) for c in linkage.likely_pairs(linkage.frame_of(rows))}


def test_linkage_links_accent_loss_swapped_surnames_and_close_dates():
    rows = [
        (1, "José Antonio Pérez López", D(2023, 5, 14), 7),
        (2, "Jose Antonio Lopez Perez", D(2023, 5, 17), 7),
        (3, "José Antonio Pérez Lópes", None, 7),
    ]
    assert pairs_of(rows) == {(1, 2), (1, 3), (2, 3)}


def test_linkage_keeps_apart_namesakes_months_apart():
    rows = [
        (1, "José Antonio Pérez López", D(2023, 5, 14), 7),
        (2, "José Antonio Pérez López", D(2023, 11, 2), 7),
    ]
    assert pairs_of(rows) == set()


def test_linkage_keeps_apart_different_names_at_one_place_and_date():
    rows = [
        (1, "José Antonio Pérez López", D(2023, 5, 14), 7),
        (2, "María Elena Rivas Orellana", D(2023, 5, 14), 7),
    ]
    assert pairs_of(rows) == set()


def test_linkage_blocking_compares_far_fewer_pairs_than_all():
    records = generate(2000, places=40)
    rows = [(key, r.name, r.died_on, r.place) for key, r in enumerate(records)]
    pairs = linkage.candidate_pairs(linkage.frame_of(rows))
    assert 0 < len(pairs) < 2000 * 1999 / 2 / 100


def test_linkage_benchmark_meets_its_targets_on_a_small_register():
    result = run(3000)
    assert result["precision"] >= 0.95
    assert result["recall"] >= 0.90


@pytest.mark.django_db
def test_linkage_command_proposes_once_and_never_again_a_rejected_pair():
    place = LocationFactory()
    a = PersonFactory(name="José Antonio Pérez López", died_on=D(2023, 5, 14), place=place)
    b = PersonFactory(name="Jose Antonio Lopez Perez", died_on=D(2023, 5, 16), place=place)
    PersonFactory(name="María Elena Rivas", died_on=D(2023, 5, 14), place=place)
    call_command("propose_links", verbosity=0)
    proposal = LinkProposal.objects.get()
    assert (proposal.left_id, proposal.right_id) == (a.pk, b.pk)
    assert proposal.reasons["same_place"] is True
    workflow.reject_link(proposal, by=make_user("reviewer"), comment="Cousins.")
    call_command("propose_links", verbosity=0)
    assert LinkProposal.objects.get().status == LinkProposal.Status.REJECTED


@pytest.mark.django_db
def test_linkage_command_leaves_out_rejected_records():
    place = LocationFactory()
    a = PersonFactory(name="José Antonio Pérez López", died_on=D(2023, 5, 14), place=place)
    b = PersonFactory(name="Jose Antonio Lopez Perez", died_on=D(2023, 5, 16), place=place)
    PersonFactory(
        name="José Antonio Pérez Lópes",
        died_on=D(2023, 5, 15),
        place=place,
        status=ModerationStatus.REJECTED,
    )
    call_command("propose_links", verbosity=0)
    assert list(LinkProposal.objects.values_list("left_id", "right_id")) == [(a.pk, b.pk)]


@pytest.mark.django_db
def test_generate_synthetic_people_makes_marked_records_with_known_duplicates():
    call_command("generate_synthetic", people=60, verbosity=0)
    records = Person.objects.all()
    assert records.count() == 60
    assert all(person.synthetic for person in records)
    assert all(person.private_notes.startswith("synthetic cluster") for person in records)
    clusters = {person.private_notes.split(",")[0] for person in records}
    assert len(clusters) < 60  # some people are reported by more than one source
    assert all(person.reports.count() == 1 for person in records[:5])
    call_command("propose_links", verbosity=0)
    assert LinkProposal.objects.exists()
