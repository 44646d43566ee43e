import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import (
    CategoryFactory,
    CitationFactory,
    ClaimFactory,
    LocationFactory,
    SourceFactory,
    StatisticFactory,
)
from tracker import workflow
from tracker.history import AuditHistory, attributed_to, entry_versions
from tracker.models import (
    Category,
    Citation,
    Claim,
    Indicator,
    Location,
    ModerationStatus,
    Organization,
    Source,
    Statistic,
    Tag,
    Tip,
)

pytestmark = pytest.mark.django_db

AUDITED_MODELS = [
    Category,
    Tag,
    Location,
    Indicator,
    Organization,
    Source,
    Claim,
    Citation,
    Statistic,
    Tip,
]


def admin_url(obj, action: str) -> str:
    return reverse(f"admin:tracker_{obj._meta.model_name}_{action}", args=[obj.pk])


@pytest.mark.parametrize("model", AUDITED_MODELS, ids=lambda model: model.__name__)
def test_history_covers_every_domain_model(model):
    assert model in AuditHistory.by_model


@pytest.mark.parametrize("model", AUDITED_MODELS, ids=lambda model: model.__name__)
def test_history_tables_are_not_in_the_admin_on_their_own(model):
    assert not admin.site.is_registered(model.history.model)


def test_history_records_creation_and_edit():
    claim = ClaimFactory(title="First wording")
    claim.title = "Second wording"
    claim.save()
    assert list(claim.history.values_list("history_type", "title")) == [
        ("~", "Second wording"),
        ("+", "First wording"),
    ]


def test_history_attributes_admin_edits_to_the_admin(client, admin_user):
    location = LocationFactory(name="Old name")
    client.force_login(admin_user)
    response = client.post(
        admin_url(location, "change"),
        {
            "name": "New name",
            "slug": location.slug,
            "kind": location.kind,
            "country": "SV",
            "description": "",
            "original_language": "en",
        },
    )
    assert response.status_code == 302
    latest = location.history.first()
    assert (latest.name, latest.history_user) == ("New name", admin_user)


def test_history_attributes_requests_through_the_middleware(client, admin_user):
    category = CategoryFactory()
    client.force_login(admin_user)
    client.post(admin_url(category, "delete"), {"post": "yes"})
    deletion = Category.history.get(id=category.pk, history_type="-")
    assert deletion.history_user == admin_user


def test_history_attributes_command_work_with_attributed_to(admin_user):
    with attributed_to(admin_user, reason="Import of march.csv"):
        location = LocationFactory()
    record = location.history.get()
    assert (record.history_user, record.history_change_reason) == (
        admin_user,
        "Import of march.csv",
    )


def test_history_attribution_ends_with_the_block(admin_user):
    with attributed_to(admin_user, reason="Import"):
        pass
    record = LocationFactory().history.get()
    assert (record.history_user, record.history_change_reason) == (None, "")


def test_history_of_demo_data_names_the_loader(demo_data):
    claim = Claim.objects.first()
    reasons = set(claim.history.values_list("history_change_reason", flat=True))
    assert any("demo data" in reason for reason in reasons)
    assert not claim.history.exclude(history_user=None).exists()


def test_history_records_workflow_transitions_with_the_reviewer(contributor, reviewer):
    claim = workflow.create_draft(ClaimFactory.build(status="draft"), by=contributor)
    CitationFactory(claim=claim)
    workflow.submit(claim, by=contributor)
    workflow.approve(claim, by=reviewer, comment="Checked against the report")
    latest = claim.history.first()
    assert (latest.status, latest.history_user, latest.history_change_reason) == (
        ModerationStatus.PUBLISHED,
        reviewer,
        "approve: Checked against the report",
    )


def test_history_records_verification_changes(reviewer):
    claim = ClaimFactory()
    workflow.set_verification(claim, by=reviewer, grade="verified", rationale="Court record")
    latest = claim.history.first()
    assert (latest.verification, latest.verification_rationale, latest.history_user) == (
        "verified",
        "Court record",
        reviewer,
    )


def test_history_records_category_changes_of_a_claim():
    claim = ClaimFactory()
    claim.categories.add(CategoryFactory(name="Torture or ill-treatment"))
    latest = claim.history.first()
    assert [row.category.name for row in latest.categories.all()] == ["Torture or ill-treatment"]


def test_history_keeps_private_fields_for_staff():
    claim = ClaimFactory(victim_identities="Name kept private")
    assert claim.history.get().victim_identities == "Name kept private"


def test_entry_versions_lists_newest_first_with_changed_fields():
    claim = ClaimFactory(title="Before")
    claim.title = "After"
    claim.save()
    newest, oldest = entry_versions(claim)
    assert [(c.field, c.old, c.new) for c in newest.changes] == [("title", "Before", "After")]
    assert oldest.kind == "+"


def test_entry_versions_first_version_shows_initial_values():
    claim = ClaimFactory(title="Initial title")
    (version,) = entry_versions(claim)
    changes = {change.field: (change.old, change.new) for change in version.changes}
    assert changes["title"] == ("", "Initial title")


def test_entry_versions_leaves_out_bookkeeping_fields():
    claim = ClaimFactory()
    claim.summary = "Changed"
    claim.save()
    fields = {change.field for change in entry_versions(claim)[0].changes}
    assert fields == {"summary"}


def test_entry_versions_shows_choice_labels_and_related_names(reviewer):
    claim = ClaimFactory(location=LocationFactory(name="CECOT"))
    claim.location = LocationFactory(name="La Esperanza")
    claim.save()
    workflow.set_verification(claim, by=reviewer, grade="disputed", rationale="Contradicted")
    grade_change, place_change = entry_versions(claim)[:2]
    assert ("verification", "Unverified", "Disputed") in [
        (c.field, c.old, c.new) for c in grade_change.changes
    ]
    assert [(c.field, c.old, c.new) for c in place_change.changes] == [
        ("location", "CECOT", "La Esperanza")
    ]


def test_entry_versions_shows_status_changes_and_who_made_them(contributor):
    claim = workflow.create_draft(ClaimFactory.build(status="draft"), by=contributor)
    workflow.submit(claim, by=contributor)
    latest = entry_versions(claim)[0]
    assert latest.user == contributor
    assert [(c.field, c.old, c.new) for c in latest.changes] == [
        ("status", "Draft", "Submitted for review")
    ]


def test_entry_versions_diffs_categories():
    claim = ClaimFactory()
    claim.categories.add(CategoryFactory(name="Death in custody"))
    claim.categories.add(CategoryFactory(name="Arbitrary detention"))
    latest = entry_versions(claim)[0]
    assert [(c.field, c.old, c.new) for c in latest.changes] == [
        ("categories", "Death in custody", "Arbitrary detention, Death in custody")
    ]


def test_entry_versions_names_a_deleted_related_object():
    claim = ClaimFactory()
    category = CategoryFactory(name="Soon gone")
    claim.categories.add(category)
    category_pk = category.pk
    category.delete()
    latest = entry_versions(claim)[0]
    assert [(c.field, c.new) for c in latest.changes] == [
        ("categories", f"#{category_pk} (deleted)")
    ]


def test_entry_versions_of_a_statistic_shows_value_changes():
    statistic = StatisticFactory(value=301)
    statistic.value = 430
    statistic.save()
    assert [(c.field, c.old, c.new) for c in entry_versions(statistic)[0].changes] == [
        ("value", "301.00", "430.00")
    ]


def test_entry_versions_query_count_does_not_grow_with_versions(django_assert_max_num_queries):
    claim = ClaimFactory(location=LocationFactory())
    for number in range(6):
        claim.title = f"Wording {number}"
        claim.location = LocationFactory()
        claim.save()
        claim.categories.add(CategoryFactory())
        claim.tags.add(Tag.objects.create(name=f"tag {number}", slug=f"tag-{number}"))
    with django_assert_max_num_queries(6):
        versions = entry_versions(claim)
    assert len(versions) == 19


def test_admin_history_page_shows_versions_to_an_admin(client, admin_user):
    source = SourceFactory(title="Report on detention")
    source.title = "Report on detention, corrected"
    source.save()
    client.force_login(admin_user)
    response = client.get(admin_url(source, "history"))
    assert response.status_code == 200
    assert "Report on detention, corrected" in response.content.decode()


@pytest.mark.parametrize("role", ["anonymous", "contributor", "reviewer"])
def test_admin_history_page_refuses_everyone_but_admins(client, role):
    from tests.factories import make_user

    citation = CitationFactory()
    if role != "anonymous":
        client.force_login(make_user(role))
    response = client.get(admin_url(citation.claim, "history"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_admin_history_cannot_revert_around_the_workflow(client, admin_user, reviewer):
    claim = ClaimFactory(status=ModerationStatus.PUBLISHED)
    first = claim.history.get()
    workflow.withdraw(
        claim,
        by=reviewer,
        comment="Source retracted",
        public_note="Withdrawn: the source retracted it.",
    )
    client.force_login(admin_user)
    url = reverse("admin:tracker_claim_simple_history", args=[claim.pk, first.history_id])
    response = client.post(url, {"title": claim.title, "summary": claim.summary, "country": "SV"})
    claim.refresh_from_db()
    assert response.status_code == 403
    assert claim.status == ModerationStatus.WITHDRAWN


def test_admin_history_shows_an_old_version_read_only(client, admin_user):
    claim = ClaimFactory(title="Original wording")
    first = claim.history.get()
    claim.title = "Later wording"
    claim.save()
    client.force_login(admin_user)
    url = reverse("admin:tracker_claim_simple_history", args=[claim.pk, first.history_id])
    response = client.get(url)
    assert response.status_code == 200
    assert "Original wording" in response.content.decode()
