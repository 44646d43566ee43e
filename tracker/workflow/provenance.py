"""The provenance gate: nothing is published without a source the public can trace.

A source is traceable when it has an address, an archived copy or a stored file, or is marked
confidential-on-file (its details stay with the staff, who can produce it). A claim needs at
least one citation of a traceable source; a figure needs a traceable source and the
organisation that reported it; a person record needs a traceable source reporting it. The
gate runs in the workflow, so the review page, the admin, its bulk actions and the management
commands all meet it; the review page lists what is missing before the reviewer decides.
"""

from __future__ import annotations

import copy

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tracker.models import Claim, Organization, Person, Source, Statistic
from tracker.models.base import ModeratedEntry
from tracker.workflow.errors import TransitionRefused

NO_TRACEABLE_SOURCE = gettext_lazy(
    "None of its sources has an address, an archived copy or a stored file, "
    "or is marked confidential-on-file."
)


def is_traceable(source: Source | None) -> bool:
    """The same rule as ``Source.objects.traceable()``, for one source in memory."""
    return bool(
        source is not None
        and (source.url or source.archived_url or source.file or source.confidential)
    )


def _claim_problems(citations: list[tuple[Source | None, dict | None]]) -> list[str]:
    if not citations:
        return [_("It cites no source.")]
    if not any(is_traceable(source) or new for source, new in citations):
        return [str(NO_TRACEABLE_SOURCE)]
    return []


def _statistic_problems(source: Source | None, organization: Organization | None) -> list[str]:
    problems = []
    if source is None:
        problems.append(_("It names no source."))
    elif not is_traceable(source):
        problems.append(
            _(
                "Its source has no address, no archived copy and no stored file, "
                "and is not marked confidential-on-file."
            )
        )
    if organization is None:
        problems.append(_("It does not name the organisation that reported it."))
    return problems


def _person_problems(sources: list[Source]) -> list[str]:
    if not sources:
        return [_("No source reports this person.")]
    if not any(is_traceable(source) for source in sources):
        return [str(NO_TRACEABLE_SOURCE)]
    return []


def missing_provenance(entry: ModeratedEntry) -> list[str]:
    """What stops ``entry`` from being published, in words for the reviewer; [] when nothing."""
    if isinstance(entry, Claim):
        citations = [(c.source, None) for c in entry.citations.select_related("source")]
        return _claim_problems(citations)
    if isinstance(entry, Person):
        return _person_problems(
            [report.source for report in entry.reports.select_related("source")]
        )
    if isinstance(entry, Statistic):
        source = entry.source if entry.source_id else None
        organization = entry.organization if entry.organization_id else None
        return _statistic_problems(source, organization)
    return []


def missing_provenance_of_revision(entry: ModeratedEntry, data: dict) -> list[str]:
    """What stops the entry from being published once a revision's ``data`` is applied."""
    fields = data.get("fields", {})
    if isinstance(entry, Claim) and "citations" in data:
        rows = data["citations"]
        sources = Source.objects.in_bulk([row["source"] for row in rows if row.get("source")])
        return _claim_problems(
            [
                (sources.get(row.get("source")), None)
                if row.get("source")
                else (None, row.get("new_source") if is_new_traceable(row) else None)
                for row in rows
            ]
        )
    if isinstance(entry, Person) and "reports" in data:
        rows = data["reports"]
        sources = Source.objects.in_bulk([row["source"] for row in rows if row.get("source")])
        if not rows:
            return _person_problems([])
        traceable = any(
            is_traceable(sources.get(row["source"])) if row.get("source") else is_new_traceable(row)
            for row in rows
        )
        return [] if traceable else [str(NO_TRACEABLE_SOURCE)]
    if isinstance(entry, Statistic) and ({"source", "organization"} & set(fields)):
        source_id = fields.get("source", entry.source_id)
        organization_id = fields.get("organization", entry.organization_id)
        return _statistic_problems(
            Source.objects.filter(pk=source_id).first() if source_id else None,
            Organization.objects.filter(pk=organization_id).first() if organization_id else None,
        )
    return missing_provenance(entry)


def is_new_traceable(row: dict) -> bool:
    """A source entered with a citation counts when it was given an address."""
    new = row.get("new_source") or {}
    return bool(new.get("url") or new.get("archived_url"))


# A source's fields that decide whether it is traceable (``is_traceable``).
TRACEABILITY_FIELDS = {"url", "archived_url", "file", "confidential"}
NAMED_AT_MOST = 10


def left_untraceable(source: Source, data: dict) -> list[str]:
    """What a change of ``source`` (``data``, in the edit format) would leave published without
    a traceable source: the published entries for which it is the only traceable one."""
    fields = data.get("fields", {})
    if not TRACEABILITY_FIELDS & set(fields):
        return []
    changed = copy.copy(source)
    for name, value in fields.items():
        if name in TRACEABILITY_FIELDS:
            setattr(changed, name, value)
    if is_traceable(changed):
        return []
    others = Source.objects.traceable().exclude(pk=source.pk)
    entries = [
        *Claim.objects.public()
        .filter(citations__source=source)
        .exclude(citations__source__in=others)
        .distinct()
        .order_by("pk")[:NAMED_AT_MOST],
        *Statistic.objects.public().filter(source=source).order_by("pk")[:NAMED_AT_MOST],
        *Person.objects.public()
        .filter(reports__source=source)
        .exclude(reports__source__in=others)
        .distinct()
        .order_by("pk")[:NAMED_AT_MOST],
    ]
    if not entries:
        return []
    return [
        _(
            "Published entries have no other traceable source (%(entries)s): with this change "
            "they could not stay published. Give them another source first, or keep this "
            "source's address, archived copy or file."
        )
        % {"entries": ", ".join(f"{entry._meta.verbose_name} #{entry.pk}" for entry in entries)}
    ]


def provenance_refusal(problems: list[str]) -> str:
    """Why the gate refuses a publication, naming every problem; "" when it passes."""
    if not problems:
        return ""
    return _("This entry cannot be published yet: %(problems)s") % {"problems": " ".join(problems)}


def require_provenance(problems: list[str]) -> None:
    """Refuse a publication that the gate does not pass, naming every problem."""
    if refusal := provenance_refusal(problems):
        raise TransitionRefused(refusal)
