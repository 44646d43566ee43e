"""An indicator's documented count: the register's published people, each once, beside the
figures reported, with what the count leaves out in numbers only."""

import datetime
import random

import pytest
from django.core.exceptions import ValidationError

from tests.factories import (
    IndicatorFactory,
    LocationFactory,
    PersonFactory,
    StatisticFactory,
    make_user,
)
from tests.test_admin import admin_url, complete_form
from tracker import workflow
from tracker.documented import documented
from tracker.models import (
    Indicator,
    LinkProposal,
    ModerationStatus,
    Person,
    PersonStatus,
    Privacy,
)

pytestmark = pytest.mark.django_db

D = datetime.date
S = ModerationStatus
SINCE = D(2022, 3, 27)
HIDDEN = "Zacarías Quintanilla"


def custody_indicator(**kwargs):
    return IndicatorFactory(
        register_situation=PersonStatus.DIED_IN_CUSTODY,
        register_country="SV",
        register_died_from=SINCE,
        **kwargs,
    )


def link(left, right):
    """Confirm that two records are the same person, as a reviewer does."""
    left, right = sorted((left, right), key=lambda person: person.pk)
    proposal = LinkProposal.objects.create(left=left, right=right, score=0.99)
    workflow.confirm_link(proposal, by=make_user("reviewer"), comment="Same person.")


def brute_force(indicator) -> int:
    """The documented count read record by record in Python."""
    people = set()
    for person in Person.objects.all():
        if (
            person.status == S.PUBLISHED
            and person.situation == indicator.register_situation
            and person.country == indicator.register_country
            and person.died_on is not None
            and person.died_on >= indicator.register_died_from
        ):
            people.add(person.same_as_id or person.pk)
    return len(people)


def test_documented_count_leaves_out_unpublished_and_counts_linked_records_once():
    indicator = custody_indicator()
    first = PersonFactory(died_on=D(2023, 5, 14))
    second = PersonFactory(died_on=D(2023, 5, 16), privacy=Privacy.COUNTED)
    link(first, second)
    PersonFactory(died_on=D(2023, 6, 1), privacy=Privacy.COUNTED)
    PersonFactory(died_on=D(2023, 7, 1), status=S.SUBMITTED)
    PersonFactory(died_on=D(2023, 7, 2), status=S.DRAFT)
    PersonFactory(died_on=D(2023, 7, 3), status=S.REJECTED)
    PersonFactory(died_on=D(2021, 1, 1))  # before the span
    PersonFactory(died_on=None)
    PersonFactory(died_on=D(2023, 1, 1), country="HN")
    PersonFactory(died_on=D(2023, 1, 1), situation=PersonStatus.DISAPPEARED)

    result = documented(indicator)

    assert result.people == 2
    assert result.counted_only == 2  # the linked pair took the most protective level
    assert result.linked_records == 1
    assert result.undated_people == 1
    assert result.not_yet_published == 2
    assert [total for _day, total in result.months] == [1, 2]
    assert result.months[0][0] == D(2023, 5, 31)


def test_documented_count_equals_the_deduplicated_published_register():
    rng = random.Random(7)
    indicator = custody_indicator()
    records = [
        PersonFactory(
            died_on=rng.choice([None, D(2021, 12, 1)])
            if rng.random() < 0.15
            else SINCE + datetime.timedelta(days=rng.randrange(900)),
            privacy=rng.choice(Privacy.values),
            status=rng.choice([S.PUBLISHED, S.PUBLISHED, S.PUBLISHED, S.SUBMITTED, S.DRAFT]),
            country=rng.choice(["SV", "SV", "SV", "GT"]),
        )
        for _n in range(40)
    ]
    published = [person for person in records if person.status == S.PUBLISHED]
    for left, right in zip(published[0:12:2], published[1:12:2], strict=True):
        link(left, right)

    result = documented(indicator)

    assert result.people == brute_force(indicator)
    assert result.months[-1][1] == result.people
    assert result.people < sum(
        1
        for person in published
        if person.country == "SV" and person.died_on and person.died_on >= SINCE
    )


def test_documented_count_includes_places_within_the_place_chosen():
    country = LocationFactory()
    prison = LocationFactory(parent=country)
    indicator = custody_indicator(register_place=country)
    PersonFactory(place=prison)
    PersonFactory(place=LocationFactory())
    assert documented(indicator).people == 1


def test_indicator_register_dates_must_be_in_order_and_need_a_status():
    with pytest.raises(ValidationError):
        IndicatorFactory.build(
            register_situation=PersonStatus.DIED_IN_CUSTODY,
            register_died_from=D(2023, 1, 1),
            register_died_until=D(2022, 1, 1),
        ).clean()
    with pytest.raises(ValidationError):
        IndicatorFactory.build(register_country="SV").clean()


@pytest.fixture
def custody_page():
    indicator = custody_indicator()
    StatisticFactory(indicator=indicator, value=480, as_of=D(2024, 3, 1))
    named = PersonFactory(name="Publicly Named Person", privacy=Privacy.NAMED)
    for level in (Privacy.ANONYMOUS, Privacy.COUNTED):
        PersonFactory(name=f"{HIDDEN} {level}", other_names=f"{HIDDEN} alias", privacy=level)
    duplicate = PersonFactory(name=f"{HIDDEN} duplicate", privacy=Privacy.NAMED)
    link(named, duplicate)
    PersonFactory(name=f"{HIDDEN} draft", privacy=Privacy.NAMED, status=S.SUBMITTED)
    return indicator


def register_table(html: str) -> str:
    return html.split('id="indicator-register-table"')[1].split("</table>")[0]


def test_indicator_page_shows_documented_count_beside_the_figures_reported(client, custody_page):
    html = client.get(custody_page.get_absolute_url()).content.decode()
    assert "The register of people documents <strong>3</strong> people" in html
    assert 'id="indicator-table"' in html  # the figures reported, as before
    table = register_table(html)
    assert table.count("<td") == 6
    assert '<td class="number">1</td>' in table  # counted only; the linked record; not published
    assert 'id="indicator-register-data"' in html


def test_indicator_page_names_no_record_of_the_register(client, custody_page):
    for language in ("en", "es"):
        html = client.get(f"/{language}/indicators/{custody_page.slug}/").content.decode()
        assert "indicator-register" in html
        assert HIDDEN not in html
        assert "Publicly Named Person" not in html
        assert "CASE-" not in html


def test_indicator_page_without_register_query_has_no_documented_count(client):
    indicator = IndicatorFactory()
    StatisticFactory(indicator=indicator)
    PersonFactory()
    html = client.get(indicator.get_absolute_url()).content.decode()
    assert "indicator-register" not in html


def test_indicator_page_register_queries_are_pinned_then_cached(
    client, custody_page, django_assert_num_queries
):
    PersonFactory.create_batch(8, died_on=D(2024, 2, 2))
    url = custody_page.get_absolute_url()
    with django_assert_num_queries(6):
        first = client.get(url)
    with django_assert_num_queries(2):
        second = client.get(url)
    for response in (first, second):
        assert "documents <strong>11</strong> people" in response.content.decode()


def test_indicator_page_documented_count_follows_a_publication(client, custody_page):
    url = custody_page.get_absolute_url()
    assert "documents <strong>3</strong> people" in client.get(url).content.decode()
    waiting = Person.objects.get(status=S.SUBMITTED)
    workflow.approve(waiting, by=make_user("reviewer"), comment="")
    assert "documents <strong>4</strong> people" in client.get(url).content.decode()


def test_indicator_register_query_is_set_in_the_admin_and_shows_at_once(client, admin_user):
    indicator = IndicatorFactory()
    StatisticFactory(indicator=indicator)
    country = LocationFactory(name="El Salvador", name_es="El Salvador")
    PersonFactory(place=LocationFactory(parent=country), died_on=D(2023, 5, 14))
    url = indicator.get_absolute_url()
    assert "indicator-register" not in client.get(url).content.decode()
    client.force_login(admin_user)
    form = complete_form(
        indicator,
        register_situation=PersonStatus.DIED_IN_CUSTODY,
        register_place=country.pk,
        register_died_from="2022-03-27",
    )
    response = client.post(admin_url(Indicator, "change", indicator.pk), form)
    assert response.status_code == 302
    client.logout()
    html = client.get(url).content.decode()
    assert "documents <strong>1</strong> person" in html
    assert "at or within El Salvador" in html


def test_api_indicator_gives_the_documented_count_and_no_record(client, custody_page):
    """The API's indicator carries the register's numbers (the same as its page), never a
    record; an indicator without a register query says so with null."""
    data = client.get(f"/api/indicators/{custody_page.slug}/").json()
    register = data["register"]
    found = documented(custody_page)
    assert register["people"] == found.people == 3
    assert register["listed"] == found.listed
    assert register["counted_only"] == found.counted_only == 1
    assert register["linked_records"] == found.linked_records
    assert register["not_yet_published"] == found.not_yet_published
    assert register["months"][-1]["people"] == 3
    body = client.get(f"/api/indicators/{custody_page.slug}/").content.decode()
    assert HIDDEN not in body and "Publicly Named Person" not in body
    plain = IndicatorFactory()
    assert client.get(f"/api/indicators/{plain.slug}/").json()["register"] is None
    listed = client.get("/api/indicators/").json()["results"]
    assert all("register" not in row for row in listed)
