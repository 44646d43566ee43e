"""The provenance gate: nothing is published without a source the public can trace."""

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db.models import Exists, OuterRef

from tests.factories import (
    CitationFactory,
    ClaimFactory,
    IndicatorFactory,
    OrganizationFactory,
    SourceFactory,
    StatisticFactory,
)
from tracker import workflow
from tracker.models import Citation, Claim, ModerationStatus, Revision, Source, Statistic
from tracker.workflow.provenance import is_traceable, missing_provenance

pytestmark = pytest.mark.django_db
S = ModerationStatus

UNTRACEABLE = {"url": "", "archived_url": "", "confidential": False}


def untraceable_source(**extra) -> Source:
    return SourceFactory(**{**UNTRACEABLE, **extra})


def traceable_source(kind: str) -> Source:
    if kind == "file":
        source = untraceable_source()
        source.file.save("report.pdf", ContentFile(b"%PDF-1.4 evidence"), save=True)
        return source
    values = {
        "url": {"url": "https://example.org/report"},
        "archived_url": {"archived_url": "https://web.archive.org/web/2024/report"},
        "confidential": {"confidential": True},
    }[kind]
    return untraceable_source(**values)


TRACEABLE_KINDS = ["url", "archived_url", "file", "confidential"]


def submitted_claim(contributor, *sources) -> Claim:
    claim = ClaimFactory(status=S.SUBMITTED, created_by=contributor, last_edited_by=contributor)
    for source in sources:
        CitationFactory(claim=claim, source=source)
    return claim


def test_approve_refuses_a_claim_that_cites_no_source(contributor, reviewer):
    claim = submitted_claim(contributor)
    with pytest.raises(workflow.TransitionRefused, match="It cites no source"):
        workflow.approve(claim, by=reviewer)
    assert Claim.objects.get(pk=claim.pk).status == S.SUBMITTED


def test_approve_refuses_a_claim_whose_sources_cannot_be_traced(contributor, reviewer):
    claim = submitted_claim(contributor, untraceable_source(), untraceable_source())
    with pytest.raises(workflow.TransitionRefused, match="None of its sources has an address"):
        workflow.approve(claim, by=reviewer)
    assert Claim.objects.get(pk=claim.pk).status == S.SUBMITTED
    assert not Claim.objects.public().exists()


@pytest.mark.parametrize("kind", TRACEABLE_KINDS)
def test_approve_publishes_a_claim_with_one_traceable_source(contributor, reviewer, kind):
    claim = submitted_claim(contributor, untraceable_source(), traceable_source(kind))
    workflow.approve(claim, by=reviewer)
    assert Claim.objects.public().filter(pk=claim.pk).exists()


@pytest.mark.parametrize("kind", [*TRACEABLE_KINDS, "none"])
def test_traceable_queryset_agrees_with_the_rule_in_memory(kind):
    source = untraceable_source() if kind == "none" else traceable_source(kind)
    assert Source.objects.traceable().filter(pk=source.pk).exists() == is_traceable(source)
    assert is_traceable(source) == (kind != "none")


def test_approve_refuses_a_figure_whose_source_cannot_be_traced(contributor, reviewer):
    statistic = StatisticFactory(
        status=S.SUBMITTED, created_by=contributor, source=untraceable_source()
    )
    with pytest.raises(workflow.TransitionRefused, match="Its source has no address"):
        workflow.approve(statistic, by=reviewer)
    assert Statistic.objects.get(pk=statistic.pk).status == S.SUBMITTED


def test_approve_publishes_a_figure_with_a_traceable_source(contributor, reviewer):
    statistic = StatisticFactory(status=S.SUBMITTED, created_by=contributor)
    workflow.approve(statistic, by=reviewer)
    assert Statistic.objects.public().filter(pk=statistic.pk).exists()


def test_missing_provenance_names_every_problem_of_a_figure():
    statistic = Statistic(indicator=IndicatorFactory(), value=1)
    assert missing_provenance(statistic) == [
        "It names no source.",
        "It does not name the organisation that reported it.",
    ]


def revision_of(claim, contributor, citations) -> Revision:
    return workflow.propose_revision(
        claim,
        by=contributor,
        expected_version=claim.version,
        data={"fields": {}, "citations": citations},
    )


def citation_row(source_id=None, new_source=None) -> dict:
    return {
        "source": source_id,
        "new_source": new_source,
        "quote": "",
        "locator": "",
        "stance": "supports",
    }


def test_approve_revision_refuses_one_that_removes_every_citation(contributor, reviewer):
    claim = ClaimFactory(cited=True)
    revision = revision_of(claim, contributor, [])
    with pytest.raises(workflow.TransitionRefused, match="It cites no source"):
        workflow.approve_revision(revision, by=reviewer, correction_note="Corrected.")
    assert claim.citations.count() == 1


def test_approve_revision_refuses_one_left_with_untraceable_sources(contributor, reviewer):
    claim = ClaimFactory(cited=True)
    revision = revision_of(
        claim,
        contributor,
        [
            citation_row(untraceable_source().pk),
            citation_row(new_source={"title": "A rumour", "url": "", "kind": "other"}),
        ],
    )
    with pytest.raises(workflow.TransitionRefused, match="None of its sources"):
        workflow.approve_revision(revision, by=reviewer, correction_note="Corrected.")


def test_approve_revision_accepts_a_new_source_with_an_address(contributor, reviewer):
    claim = ClaimFactory(cited=True)
    new = {"title": "Follow-up report", "url": "https://example.org/follow-up", "kind": "report"}
    revision = revision_of(claim, contributor, [citation_row(new_source=new)])
    workflow.approve_revision(revision, by=reviewer, correction_note="Corrected.")
    assert list(claim.citations.values_list("source__title", flat=True)) == ["Follow-up report"]


def test_approve_revision_refuses_a_figure_moved_to_an_untraceable_source(contributor, reviewer):
    statistic = StatisticFactory()
    revision = workflow.propose_revision(
        statistic,
        by=contributor,
        expected_version=statistic.version,
        data={"fields": {"source": untraceable_source().pk}},
    )
    with pytest.raises(workflow.TransitionRefused, match="Its source has no address"):
        workflow.approve_revision(revision, by=reviewer, correction_note="Corrected.")


def test_trusted_publication_by_a_command_meets_the_gate_too():
    organization = OrganizationFactory()
    statistic = Statistic(
        indicator=IndicatorFactory(),
        organization=organization,
        source=untraceable_source(organization=organization),
        value=480,
        as_of="2024-06-10",
    )
    with pytest.raises(workflow.TransitionRefused, match="Its source has no address"):
        workflow.publish_from_trusted_source(
            statistic, grade="unverified", rationale="", comment="Loaded."
        )
    assert not Statistic.objects.exists()


def test_trusted_publication_of_an_uncited_claim_is_refused():
    claim = ClaimFactory(status=S.DRAFT)
    with pytest.raises(workflow.TransitionRefused, match="It cites no source"):
        workflow.publish_from_trusted_source(
            claim, grade="unverified", rationale="", comment="Loaded."
        )
    assert Claim.objects.get(pk=claim.pk).status == S.DRAFT


def untraceable_published(model):
    if model is Claim:
        traced = Citation.objects.filter(
            claim=OuterRef("pk"), source__in=Source.objects.traceable()
        )
        return Claim.objects.public().exclude(Exists(traced))
    return Statistic.objects.public().exclude(source__in=Source.objects.traceable())


def test_every_published_demo_entry_passes_the_gate():
    call_command("load_demo", verbosity=0)
    assert Claim.objects.public().count() > 0
    assert Statistic.objects.public().count() > 0
    assert list(untraceable_published(Claim)) == []
    assert list(untraceable_published(Statistic)) == []
    for entry in [*Claim.objects.public(), *Statistic.objects.public()]:
        assert missing_provenance(entry) == [], entry


def test_every_published_synthetic_entry_passes_the_gate():
    call_command("generate_synthetic", claims=60, verbosity=0)
    assert Claim.objects.public().count() > 0
    assert untraceable_published(Claim).count() == 0
    assert untraceable_published(Statistic).count() == 0


def test_an_imported_claim_citing_a_source_by_title_alone_cannot_be_approved(
    tmp_path, contributor, reviewer
):
    sheet = tmp_path / "claims.csv"
    sheet.write_text(
        "title,summary,country,source_titles\n"
        "Deaths reported in Izalco,Three deaths were reported.,SV,A conversation\n",
        encoding="utf-8",
    )
    call_command("import_claims", str(sheet), user=contributor.username, verbosity=0)
    claim = Claim.objects.get(title="Deaths reported in Izalco")
    assert claim.status == S.DRAFT
    workflow.submit(claim, by=contributor)
    with pytest.raises(workflow.TransitionRefused, match="None of its sources"):
        workflow.approve(claim, by=reviewer)


# --- A change to a source cannot leave published entries without a traceable one -------------


def propose_source_change(source, by, **fields) -> Revision:
    result = workflow.edit_record(
        source, by=by, expected_version=source.version, data={"fields": fields}
    )
    assert isinstance(result, Revision)
    return result


def test_source_change_leaving_a_published_claim_untraceable_is_refused(contributor, reviewer):
    source = untraceable_source(url="https://example.org/only-copy")
    claim = ClaimFactory(cited=False)
    CitationFactory(claim=claim, source=source)
    CitationFactory(claim=claim, source=untraceable_source())
    revision = propose_source_change(source, contributor, url="")
    actions = workflow.allowed_actions(revision, reviewer)
    assert "approve" not in actions
    assert f"claim #{claim.pk}" in actions.refusal("approve")
    with pytest.raises(workflow.TransitionRefused, match=f"claim #{claim.pk}"):
        workflow.approve_revision(revision, by=reviewer)
    source.refresh_from_db()
    assert source.url == "https://example.org/only-copy"


def test_source_change_leaving_a_published_figure_untraceable_is_refused(contributor, reviewer):
    source = untraceable_source(archived_url="https://web.archive.org/web/2024/x")
    figure = StatisticFactory(source=source)
    revision = propose_source_change(source, contributor, archived_url="")
    with pytest.raises(workflow.TransitionRefused, match=f"figure #{figure.pk}"):
        workflow.approve_revision(revision, by=reviewer)


def test_source_change_is_approved_when_entries_keep_another_traceable_source(
    contributor, reviewer
):
    source = untraceable_source(url="https://example.org/first-copy")
    claim = ClaimFactory(cited=False)
    CitationFactory(claim=claim, source=source)
    CitationFactory(claim=claim, source=traceable_source("archived_url"))
    revision = propose_source_change(source, contributor, url="")
    workflow.approve_revision(revision, by=reviewer)
    source.refresh_from_db()
    assert source.url == ""
    assert missing_provenance(claim) == []


def test_crafted_approval_through_the_review_page_meets_the_gate(client, contributor, reviewer):
    from django.urls import reverse

    claim = ClaimFactory(status=S.SUBMITTED, created_by=contributor, cited=False)
    CitationFactory(claim=claim, source=untraceable_source())
    figure = StatisticFactory(
        status=S.SUBMITTED, created_by=contributor, source=untraceable_source()
    )
    client.force_login(reviewer)
    for entry, name in ((claim, "claim"), (figure, "statistic")):
        response = client.post(
            reverse(f"review:{name}", args=[entry.pk]),
            {"action": "approve", "version": entry.version},
        )
        assert response.status_code == 200
        assert "cannot be published" in response.content.decode()
        entry.refresh_from_db()
        assert entry.status == S.SUBMITTED
