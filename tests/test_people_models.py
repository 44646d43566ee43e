"""Person records: what ``public()`` and ``listed()`` hold, and the public shape's privacy rule."""

import datetime

import pytest

from tests.factories import PersonFactory, PersonSourceFactory, SourceFactory
from tracker.lists import LISTS
from tracker.models import ModerationStatus, Person, Privacy
from tracker.serializers import PersonSerializer

pytestmark = pytest.mark.django_db

S = ModerationStatus


def test_person_public_holds_published_records_of_every_privacy_level():
    shown = [PersonFactory(privacy=level) for level in Privacy.values]
    for state in S.values:
        if state != S.PUBLISHED:
            PersonFactory(status=state, privacy=Privacy.NAMED)
    assert set(Person.objects.public()) == set(shown)


def test_person_listed_leaves_out_counted_only_records():
    named = PersonFactory(privacy=Privacy.NAMED)
    anonymous = PersonFactory(privacy=Privacy.ANONYMOUS)
    PersonFactory(privacy=Privacy.COUNTED)
    PersonFactory(privacy=Privacy.NAMED, status=S.SUBMITTED)
    assert set(Person.objects.listed()) == {named, anonymous}


def test_person_listed_shows_a_linked_record_once_through_its_head():
    head = PersonFactory()
    PersonFactory(same_as=head)
    assert list(Person.objects.listed()) == [head]
    assert Person.objects.public().people_count() == 1


def test_person_listed_keeps_a_record_whose_head_is_unpublished():
    head = PersonFactory(status=S.DRAFT)
    record = PersonFactory(same_as=head)
    assert list(Person.objects.listed()) == [record]


def test_person_str_never_holds_the_name():
    person = PersonFactory(name="Zacarías Quintanilla", privacy=Privacy.NAMED)
    assert "Zacar" not in str(person)


def test_person_search_text_holds_the_name_only_when_named():
    named = PersonFactory(name="Zacarías Quintanilla", privacy=Privacy.NAMED)
    anonymous = PersonFactory(name="Zacarías Quintanilla", privacy=Privacy.ANONYMOUS)
    assert "zacarias" in named.search_text
    assert "zacarias" not in anonymous.search_text
    assert "zacarias" not in anonymous.search_text_es
    assert anonymous.name_key == "zacarias quintanilla"


def test_person_dates_are_stored_at_their_precision():
    person = PersonFactory(died_on=datetime.date(2023, 5, 14), died_precision="month")
    assert person.died_on == datetime.date(2023, 5, 1)
    assert person.died_display == "May 2023"


def shape(person: Person) -> dict:
    person = LISTS["people"].listing(Person.objects.filter(pk=person.pk)).get()
    return PersonSerializer(person).data


def test_person_serializer_names_a_named_record_with_its_case_numbers():
    person = PersonFactory(
        name="Zacarías Quintanilla", other_names="Zacarias Q.", privacy=Privacy.NAMED
    )
    data = shape(person)
    assert data["name"] == "Zacarías Quintanilla"
    assert data["other_names"] == "Zacarias Q."
    assert data["case_numbers"] and data["sources"][0]["case_number"].startswith("CASE-")


def test_person_serializer_gives_no_identifier_of_an_anonymous_record():
    person = PersonFactory(
        name="Zacarías Quintanilla",
        other_names="Zacarias Q.",
        birth_date=datetime.date(1980, 2, 3),
        privacy=Privacy.ANONYMOUS,
    )
    data = shape(person)
    text = repr(data)
    assert data["name"] == "" and data["other_names"] == "" and data["case_numbers"] == []
    assert "Zacar" not in text and "CASE-" not in text and "1980" not in text
    assert data["description"] == "A man who died in a prison hospital."


def test_person_serializer_keeps_only_the_id_of_a_counted_only_record():
    person = PersonFactory(privacy=Privacy.COUNTED)
    assert shape(person) == {"id": person.pk}


def test_person_serializer_hides_a_confidential_source():
    person = PersonFactory(privacy=Privacy.NAMED, reported=False)
    PersonSourceFactory(person=person, source=SourceFactory(confidential=True, title="Witness"))
    data = shape(person)
    assert data["sources"][0]["source"]["confidential"] is True
    assert "Witness" not in repr(data)
