"""The Django admin never goes around the workflow, and every admin change of public
vocabulary shows on the public pages at once."""

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from tests.factories import (
    CategoryFactory,
    CitationFactory,
    ClaimFactory,
    IndicatorFactory,
    LocationFactory,
    OrganizationFactory,
    SourceFactory,
    StatisticFactory,
)
from tracker import public_cache, workflow
from tracker.models import (
    Category,
    Citation,
    Claim,
    Indicator,
    Location,
    ModerationEvent,
    ModerationStatus,
    Organization,
    PublishedVersion,
    Revision,
    Source,
    Statistic,
    Tag,
    Tip,
)

pytestmark = pytest.mark.django_db
S = ModerationStatus

MODELS = [
    Category,
    Tag,
    Location,
    Indicator,
    Organization,
    Source,
    Claim,
    Citation,
    Statistic,
    ModerationEvent,
    Revision,
    Tip,
    PublishedVersion,
]


def admin_url(model, action: str, *args) -> str:
    return reverse(f"admin:tracker_{model._meta.model_name}_{action}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_admin_changelist_loads_for_an_admin(client, admin_user, model):
    CitationFactory()
    StatisticFactory()
    client.force_login(admin_user)
    response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_admin_changelist_refuses_a_contributor(client, contributor, model):
    client.force_login(contributor)
    response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_admin_claim_page_is_read_only_and_links_to_the_workflow_pages(client, admin_user):
    citation = CitationFactory(quote="An excerpt worth checking")
    claim = citation.claim
    client.force_login(admin_user)
    body = client.get(admin_url(Claim, "change", claim.pk)).content.decode()
    assert "An excerpt worth checking" in body
    for name in ("title", "status", "verification", "summary"):
        assert f'name="{name}"' not in body
    assert reverse("review:claim", args=[claim.pk]) in body
    assert reverse("workspace:claim_edit", args=[claim.pk]) in body
    assert claim.get_absolute_url() in body


# --- Each way around the workflow, tried with a complete form, is refused -----------------------


def complete_form(obj, **changes) -> dict:
    """Every field of ``obj`` as an admin change form would post it, with ``changes``."""
    data = {}
    for name, value in model_to_dict(obj).items():
        if value is None or name in ("file",):
            continue
        if isinstance(value, list):
            value = [getattr(item, "pk", item) for item in value]
        elif hasattr(value, "code"):
            value = value.code
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        data[name] = value
    data.update(changes)
    return {key: value for key, value in data.items() if value is not False}


def bypasses():
    """(object to change, the fields an admin would try to change, what must stay)."""
    return {
        "published claim": lambda: (
            ClaimFactory(title="Published wording", cited=True),
            {"title": "Changed in the admin", "status": "withdrawn", "verification": "false"},
            {"title": "Published wording", "status": S.PUBLISHED, "verification": "unverified"},
        ),
        "submitted claim": lambda: (
            ClaimFactory(status=S.SUBMITTED, title="Awaiting review", cited=True),
            {"title": "Changed in the admin"},
            {"title": "Awaiting review", "status": S.SUBMITTED},
        ),
        "published figure": lambda: (
            StatisticFactory(value=480),
            {"value": "4800"},
            {"value": 480},
        ),
        "citation": lambda: (
            CitationFactory(quote="As the source says"),
            {"quote": "Something else"},
            {"quote": "As the source says"},
        ),
        "confidential source": lambda: (
            SourceFactory(confidential=True, title="A witness statement"),
            {"confidential": False, "title": "Renamed"},
            {"confidential": True, "title": "A witness statement"},
        ),
        "organisation": lambda: (
            OrganizationFactory(name="Cristosal"),
            {"name": "Renamed"},
            {"name": "Cristosal"},
        ),
        "tip": lambda: (
            Tip.objects.create(what="Something happened in Izalco."),
            {"what": "Rewritten", "status": "archived"},
            {"what": "Something happened in Izalco.", "status": "new"},
        ),
    }


@pytest.mark.parametrize("case", list(bypasses()))
def test_admin_change_form_of_workflow_content_is_refused(client, admin_user, case):
    obj, changes, kept = bypasses()[case]()
    client.force_login(admin_user)
    response = client.post(admin_url(type(obj), "change", obj.pk), complete_form(obj, **changes))
    assert response.status_code == 403
    obj.refresh_from_db()
    assert {name: getattr(obj, name) for name in kept} == kept


@pytest.mark.parametrize("case", list(bypasses()))
def test_admin_delete_of_workflow_content_is_refused(client, admin_user, case):
    obj, _changes, _kept = bypasses()[case]()
    client.force_login(admin_user)
    url = admin_url(type(obj), "delete", obj.pk)
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("model", [Claim, Statistic, Citation, Source, Organization])
def test_admin_add_of_workflow_content_is_refused(client, admin_user, model):
    client.force_login(admin_user)
    data = {"title": "Added in the admin", "summary": "x", "country": "SV", "name": "New org"}
    assert client.post(admin_url(model, "add"), data).status_code == 403
    assert not model.objects.exists()


def test_admin_bulk_delete_action_is_not_offered_for_claims(client, admin_user):
    claim = ClaimFactory(cited=True)
    client.force_login(admin_user)
    response = client.post(
        admin_url(Claim, "changelist"),
        {"action": "delete_selected", "_selected_action": [claim.pk], "post": "yes"},
    )
    assert Claim.objects.filter(pk=claim.pk).exists()
    assert response.status_code in (200, 302)


def test_admin_edit_of_a_published_claim_leaves_the_public_page_unchanged(client, admin_user):
    claim = ClaimFactory(title="Published wording", cited=True)
    before = client.get(claim.get_absolute_url()).content.decode()
    client.force_login(admin_user)
    client.post(admin_url(Claim, "change", claim.pk), complete_form(claim, title="Changed"))
    client.logout()
    after = client.get(claim.get_absolute_url()).content.decode()
    assert "Published wording" in before and "Published wording" in after
    assert "Changed" not in after


# --- The admin's bulk action goes through the workflow -----------------------------------------


def approve_selected(client, claims):
    return client.post(
        admin_url(Claim, "changelist"),
        {"action": "approve_selected", "_selected_action": [claim.pk for claim in claims]},
        follow=True,
    )


def test_admin_approve_action_goes_through_the_workflow(client, admin_user):
    submitted = ClaimFactory(status=S.SUBMITTED, cited=True)
    own = ClaimFactory(status=S.SUBMITTED, created_by=admin_user, cited=True)
    client.force_login(admin_user)
    response = approve_selected(client, [submitted, own])
    submitted.refresh_from_db()
    own.refresh_from_db()
    assert submitted.status == S.PUBLISHED
    assert own.status == S.SUBMITTED  # four eyes, even for an admin
    assert "1 entry published." in response.content.decode()
    assert ModerationEvent.objects.filter(object_id=submitted.pk, action="approve").exists()
    assert PublishedVersion.objects.for_entry(submitted).count() == 1


def test_admin_approve_action_meets_the_provenance_gate(client, admin_user):
    uncited = ClaimFactory(status=S.SUBMITTED, title="Nothing to trace it to")
    untraceable = ClaimFactory(status=S.SUBMITTED, title="Only a rumour")
    CitationFactory(claim=untraceable, source=SourceFactory(url="", archived_url=""))
    client.force_login(admin_user)
    response = approve_selected(client, [uncited, untraceable]).content.decode()
    assert "It cites no source." in response
    assert "None of its sources has an address" in response
    assert not Claim.objects.public().exists()


def test_admin_offers_no_action_that_would_skip_review(client, admin_user):
    client.force_login(admin_user)
    actions = client.get(admin_url(Claim, "changelist")).context["action_form"]
    offered = {value for value, _label in actions.fields["action"].choices if value}
    assert offered == {"approve_selected"}


# --- Admin changes of public vocabulary: never a stale page -------------------------------------


def test_admin_rename_of_a_category_shows_at_once_on_a_cached_claim_page(client, admin_user):
    category = CategoryFactory(name="Torture")
    claim = ClaimFactory(categories=[category], cited=True)
    assert "Torture" in client.get(claim.get_absolute_url()).content.decode()
    client.force_login(admin_user)
    response = client.post(
        admin_url(Category, "change", category.pk), complete_form(category, name="Ill-treatment")
    )
    assert response.status_code == 302
    client.logout()
    page = client.get(claim.get_absolute_url()).content.decode()
    assert "Ill-treatment" in page and "Torture" not in page


def test_admin_rename_of_a_place_shows_at_once_on_the_claim_list(client, admin_user):
    place = LocationFactory(name="Mariona")
    ClaimFactory(location=place, cited=True)
    assert "Mariona" in client.get(reverse("public:claim_list")).content.decode()
    client.force_login(admin_user)
    client.post(
        admin_url(Location, "change", place.pk),
        complete_form(place, name="La Esperanza prison"),
    )
    client.logout()
    page = client.get(reverse("public:claim_list")).content.decode()
    assert "La Esperanza prison" in page and "Mariona" not in page


def test_admin_rename_of_an_indicator_shows_at_once_on_its_cached_page(client, admin_user):
    indicator = IndicatorFactory(name="Deaths in custody", unit="people")
    StatisticFactory(indicator=indicator)
    url = indicator.get_absolute_url()
    assert "Deaths in custody" in client.get(url).content.decode()
    client.force_login(admin_user)
    client.post(
        admin_url(Indicator, "change", indicator.pk),
        complete_form(indicator, name="Deaths in state custody", unit="detainees"),
    )
    client.logout()
    page = client.get(url).content.decode()
    assert "Deaths in state custody" in page and "detainees" in page


@pytest.mark.parametrize(
    "make",
    [CategoryFactory, LocationFactory, IndicatorFactory, lambda: Tag.objects.create(name="t")],
    ids=["category", "place", "indicator", "tag"],
)
def test_admin_change_and_delete_of_vocabulary_bump_the_public_version(client, admin_user, make):
    obj = make()
    client.force_login(admin_user)
    before = public_cache.public_version()
    data = complete_form(obj, slug=f"{obj.slug}-2")
    assert client.post(admin_url(type(obj), "change", obj.pk), data).status_code == 302
    changed = public_cache.public_version()
    assert changed > before
    client.post(admin_url(type(obj), "delete", obj.pk), {"post": "yes"})
    assert not type(obj).objects.filter(pk=obj.pk).exists()
    assert public_cache.public_version() > changed


def test_admin_history_revert_is_refused(client, admin_user, reviewer):
    claim = ClaimFactory(status=S.SUBMITTED, title="First", cited=True)
    workflow.approve(claim, by=reviewer)
    record = claim.history.order_by("history_id").first()
    client.force_login(admin_user)
    url = reverse("admin:tracker_claim_simple_history", args=[claim.pk, record.history_id])
    assert client.post(url, complete_form(claim, status="draft")).status_code == 403
    claim.refresh_from_db()
    assert claim.status == S.PUBLISHED


# --- The admin's lists ----------------------------------------------------------------------------


def test_admin_claim_list_filters_by_the_countries_in_use_only(client, admin_user):
    ClaimFactory(country="SV")
    ClaimFactory(country="GT")
    client.force_login(admin_user)
    body = client.get(reverse("admin:tracker_claim_changelist")).content.decode()
    assert "?country=SV" in body
    assert "?country=GT" in body
    assert "?country=HN" not in body
    countries = body.split("?country=SV")[0].rsplit("<details", 1)[1] + body.split("?country=SV")[1]
    countries = countries.split("</details>")[0]
    assert "(0)" not in countries


@pytest.mark.parametrize("model", ["claim", "statistic"])
def test_admin_entry_lists_link_to_the_review_queue(client, admin_user, model):
    client.force_login(admin_user)
    body = client.get(reverse(f"admin:tracker_{model}_changelist")).content.decode()
    assert f'href="{reverse("review:queue")}"' in body


def test_admin_lists_give_titles_room(client, admin_user):
    ClaimFactory(title="A claim title long enough to wrap over many lines in a narrow column")
    client.force_login(admin_user)
    body = client.get(reverse("admin:tracker_claim_changelist")).content.decode()
    assert "css/admin.css" in body
    assert 'class="field-title"' in body
