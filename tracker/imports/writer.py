"""Checked rows written as drafts, in bulk: the bulk form of ``workflow.import_draft``."""

from __future__ import annotations

from django.db import models, transaction
from django.utils.translation import gettext as _

from tracker.history import AuditHistory
from tracker.imports.plan import SAMPLE_ROWS, ImportResult, RowResult
from tracker.models import (
    Category,
    Citation,
    Claim,
    Location,
    ModerationEvent,
    Organization,
    Source,
)
from tracker.models.base import slug_base
from tracker.planner import refresh_planner_statistics
from tracker.workflow import bulk

# An import of this many claims changes the tables enough to mislead the query planner until
# autovacuum comes by: once it commits, the tables it wrote are analysed at once.
ANALYZE_AFTER_CLAIMS = 1000

# Writing ----------------------------------------------------------------------------------------


class SlugAllocator:
    """Unique slugs for many new rows, as ``unique_slug`` gives one, in a few indexed queries.

    A free base is used as it is; a base in use gets the first free suffixes (``-2``, ``-3``...),
    found by looking up windows of candidates (doubling in width) with exact ``IN`` queries
    per chunk, so the lookups grow with the chunks, not the rows.
    """

    def __init__(self, model: type[models.Model]):
        self.model = model
        self.taken: set[str] = set()
        self.looked_up: set[str] = set()
        self.next_suffix: dict[str, int] = {}

    def look_up(self, slugs: set[str]) -> None:
        unknown = slugs - self.looked_up - self.taken
        if unknown:
            existing = self.model._default_manager.filter(slug__in=unknown).order_by()
            self.taken.update(existing.values_list("slug", flat=True))
            self.looked_up |= unknown

    def allocate(self, texts: list[str]) -> list[str]:
        bases = [slug_base(self.model, text) for text in texts]
        self.look_up(set(bases))
        slugs = list(bases)
        waiting: dict[str, list[int]] = {}  # base -> the rows that need a suffix
        for index, base in enumerate(bases):
            if base in self.taken:
                waiting.setdefault(base, []).append(index)
            else:
                self.taken.add(base)
        width = {base: len(rows) for base, rows in waiting.items()}
        while waiting:
            windows = {
                base: range(
                    self.next_suffix.get(base, 2), self.next_suffix.get(base, 2) + width[base]
                )
                for base in waiting
            }
            self.look_up({f"{base}-{n}" for base, window in windows.items() for n in window})
            for base, window in windows.items():
                rows = waiting[base]
                for n in window:
                    self.next_suffix[base] = n + 1
                    candidate = f"{base}-{n}"
                    if candidate not in self.taken:
                        self.taken.add(candidate)
                        slugs[rows.pop(0)] = candidate
                        if not rows:
                            del waiting[base]
                            break
                width[base] *= 2
        return slugs


class DraftWriter:
    """Create checked rows as drafts of ``by``, in bulk, inside the caller's transaction.

    The bulk form of ``workflow.import_draft``: the same permission check; each claim a draft
    owned and last edited by the importer, of origin "import", version 1, with its ``import``
    event; plus the audit history of every claim (with its categories and tags), source and
    citation created, as saving them one by one would record it.
    """

    def __init__(self, *, by, file_name: str = ""):
        self.draft_values = bulk.imported_draft_values(Claim, by)
        self.by = by
        self.comment_template = _("Imported from %(file)s, row %(row)s.")
        self.file_name = file_name or _("a spreadsheet")
        self.slugs = SlugAllocator(Claim)
        self.source_ids: dict[tuple[str, str], int] = {}
        self._locations: dict[int, Location] | None = None
        self._organizations: dict[int, Organization] | None = None
        self._category_names: dict[int, tuple[str, str]] | None = None
        self.claims = self.citations = self.sources = 0
        self.drafts: list[int] = []  # the first SAMPLE_ROWS claims created
        self.versions: dict[int, int] = {}  # claim pk -> history id of its created version
        self.analysis_planned = False

    def result(self) -> ImportResult:
        return ImportResult(
            claims=self.claims, citations=self.citations, sources=self.sources, drafts=self.drafts
        )

    def comment(self, row: RowResult) -> str:
        return self.comment_template % {"file": self.file_name, "row": row.row}

    def location(self, pk: int) -> Location:
        if self._locations is None:
            self._locations = {
                loc.pk: loc
                for loc in Location.objects.only("pk", "name", "name_es", "original_language")
            }
        return self._locations[pk]

    def category_names(self, pks: list[int]) -> list[tuple[str, str]]:
        """The (English, Spanish) names of categories, for the claims' search texts."""
        if self._category_names is None:
            self._category_names = {
                pk: (name, name_es)
                for pk, name, name_es in Category.objects.values_list("pk", "name", "name_es")
            }
        return [self._category_names[pk] for pk in sorted(pks)]

    def organization(self, pk: int) -> Organization:
        if self._organizations is None:
            self._organizations = {
                o.pk: o
                for o in Organization.objects.only("pk", "name", "name_es", "original_language")
            }
        return self._organizations[pk]

    def write(self, rows: list[RowResult]) -> None:
        if not rows:
            return
        comments = [self.comment(row) for row in rows]
        claims = self.write_claims(rows, comments)
        for name in ("categories", "tags"):
            self.write_links(name, rows, claims)
        self.write_sources(rows, comments)
        self.write_citations(rows, claims, comments)
        ModerationEvent.objects.bulk_create(
            bulk.import_events(claims, by=self.by, comments=comments)
        )
        if self.claims >= ANALYZE_AFTER_CLAIMS and not self.analysis_planned:
            self.analysis_planned = True
            # After the commit: the statistics then describe committed rows, and a failure to
            # analyse cannot undo an import that has succeeded.
            transaction.on_commit(self.refresh_statistics, robust=True)

    @staticmethod
    def written_models() -> list[type[models.Model]]:
        """The tables an import writes: claims, their links, sources, citations, events and
        the audit history of each."""
        written = [
            Claim,
            Claim.categories.through,
            Claim.tags.through,
            Source,
            Citation,
            ModerationEvent,
        ]
        written += [model.history.model for model in (Claim, Source, Citation)]
        m2m = AuditHistory.by_model[Claim].m2m_models  # keyed by field, for every audited model
        written += [m2m[Claim._meta.get_field(name)] for name in ("categories", "tags")]
        return written

    def refresh_statistics(self) -> None:
        refresh_planner_statistics(self.written_models())

    def write_claims(self, rows: list[RowResult], comments: list[str]) -> list[Claim]:
        # Named after the title in the language each claim is written in.
        slugs = self.slugs.allocate([row.title for row in rows])
        claims = []
        for row, slug, comment in zip(rows, slugs, comments, strict=True):
            claim = Claim(**row.claim, slug=slug, origin=Claim.Origin.IMPORT, **self.draft_values)
            if claim.location_id:
                claim.location = self.location(claim.location_id)
            claim._category_names = self.category_names(row.category_ids)
            claim.set_derived_fields()
            claim._change_reason = comment
            claims.append(claim)
        Claim.objects.bulk_create(claims)
        records = self.history(Claim, claims)
        self.versions = {record.id: record.history_id for record in records}
        self.claims += len(claims)
        self.drafts += [claim.pk for claim in claims[: SAMPLE_ROWS - len(self.drafts)]]
        return claims

    def history(self, model: type[models.Model], objects: list) -> list:
        return model.history.bulk_history_create(objects, default_user=self.by)

    def write_links(self, name: str, rows: list[RowResult], claims: list[Claim]) -> None:
        """The m2m rows of ``name`` and their history, tied to each claim's created version."""
        m2m = Claim._meta.get_field(name)
        through = m2m.remote_field.through
        own, other = f"{m2m.m2m_field_name()}_id", f"{m2m.m2m_reverse_field_name()}_id"
        ids = "category_ids" if name == "categories" else "tag_ids"
        links = [
            through(**{own: claim.pk, other: pk})
            for row, claim in zip(rows, claims, strict=True)
            for pk in getattr(row, ids)
        ]
        if not links:
            return
        through.objects.bulk_create(links)
        versions = self.versions
        history_model = AuditHistory.by_model[Claim].m2m_models[m2m]
        names = [f.attname for f in through._meta.fields]
        history_model.objects.bulk_create(
            history_model(
                history_id=versions[getattr(link, own)],
                **{attname: getattr(link, attname) for attname in names},
            )
            for link in links
        )

    def write_sources(self, rows: list[RowResult], comments: list[str]) -> None:
        new: dict[tuple[str, str], Source] = {}
        for row, comment in zip(rows, comments, strict=True):
            for planned in row.citations:
                key = planned.source_key
                if planned.source_id is not None or key in self.source_ids or key in new:
                    continue
                source = Source(**planned.new_source, created_by=self.by)
                if source.organization_id:
                    source.organization = self.organization(source.organization_id)
                source.set_derived_fields()
                source._change_reason = comment
                new[key] = source
        if not new:
            return
        Source.objects.bulk_create(new.values())
        self.history(Source, list(new.values()))
        self.source_ids.update((key, source.pk) for key, source in new.items())
        self.sources += len(new)

    def write_citations(self, rows: list[RowResult], claims: list[Claim], comments) -> None:
        citations = []
        for row, claim, comment in zip(rows, claims, comments, strict=True):
            for planned in row.citations:
                citation = Citation(
                    claim_id=claim.pk,
                    source_id=planned.source_id or self.source_ids[planned.source_key],
                    quote=planned.quote,
                    locator=planned.locator,
                    stance=planned.stance,
                )
                citation._change_reason = comment
                citations.append(citation)
        if citations:
            Citation.objects.bulk_create(citations)
            self.history(Citation, citations)
            self.citations += len(citations)
