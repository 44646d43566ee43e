"""The demo's synthetic person records: marked as made up, tied to the deaths-in-custody
indicator so that its page shows the documented count, with proposals for reviewers."""

import pytest
from django.core.management import call_command

from tracker.demo import people as demo_people
from tracker.documented import documented
from tracker.models import Indicator, LinkProposal, Person, PersonSource

pytestmark = pytest.mark.django_db


def test_demo_people_are_all_synthetic_and_say_so(demo_data):
    records = Person.objects.all()
    assert records.count() == len(demo_people.PEOPLE)
    for person in records:
        assert person.synthetic
        assert person.name.startswith("Persona Sint")
        assert person.description == demo_people.DESCRIPTION
        assert person.place_id is None
    for report in PersonSource.objects.select_related("source__organization"):
        assert "made-up data" in report.source.title
        assert "made-up data" in report.source.organization.name


def test_demo_people_give_the_deaths_indicator_its_documented_count(demo_data):
    indicator = Indicator.objects.get(slug=demo_people.INDICATOR)
    result = documented(indicator)
    # Seven published records with a date of death, none linked yet; one undated; one draft.
    assert (result.people, result.counted_only, result.undated_people) == (7, 1, 1)
    assert result.not_yet_published == 1


def test_demo_people_offer_two_proposed_links(demo_data):
    pairs = {
        tuple(sorted((proposal.left.name, proposal.right.name)))
        for proposal in LinkProposal.objects.proposed().select_related("left", "right")
    }
    assert pairs == {
        ("Persona Sintetica Delta", "Persona Sintética Delta"),
        ("Persona Sintética Rho Flores", "Persona Sintética Rho Flórez"),
    }


def test_demo_people_loader_is_idempotent(demo_data):
    before = (Person.objects.count(), PersonSource.objects.count(), LinkProposal.objects.count())
    call_command("load_demo", verbosity=0)
    after = (Person.objects.count(), PersonSource.objects.count(), LinkProposal.objects.count())
    assert after == before


def test_demo_indicator_page_shows_documented_beside_reported(client, demo_data):
    indicator = Indicator.objects.get(slug=demo_people.INDICATOR)
    html = client.get(indicator.get_absolute_url()).content.decode()
    assert "documents <strong>7</strong> people" in html
    assert "Persona Sintética Gamma" not in html  # counted only


@pytest.mark.parametrize(
    ("language", "notice"),
    [
        ("en", "7 of the people counted here are synthetic records"),
        ("es", "7 de las personas contadas aquí son registros sintéticos"),
    ],
)
def test_demo_indicator_page_says_its_documented_people_are_made_up(
    client, demo_data, language, notice
):
    indicator = Indicator.objects.get(slug=demo_people.INDICATOR)
    assert documented(indicator).synthetic == 7
    html = client.get(f"/{language}/indicators/{indicator.slug}/").content.decode()
    assert notice in html


def test_register_of_real_records_says_nothing_of_synthetic_ones(demo_data):
    Person.objects.update(synthetic=False)
    indicator = Indicator.objects.get(slug=demo_people.INDICATOR)
    assert documented(indicator).synthetic == 0
