"""Generate a large synthetic data set for benchmarks: every title says it is synthetic.

Rows are written in batches: through COPY on PostgreSQL, ``bulk_create`` elsewhere. Both skip
``save()``, so the derived fields that ``save()`` fills (``search_text``, dates truncated to their
precision, slugs) are computed here the same way. Primary keys are assigned here, after the
highest existing one, so that citations and events can point at their entries without a round
trip; the sequences are reset at the end. The tables written are then analysed (and vacuumed,
on PostgreSQL outside a transaction), so that the first queries are planned on their real size.
Run it on a database nobody else writes to meanwhile.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import random
import sys
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import DatabaseError, connection, models, transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import translation
from django_countries import countries

from tracker.demo.data import CATEGORIES
from tracker.kept_columns import refresh_kept_columns
from tracker.models import (
    Category,
    Citation,
    Claim,
    DatePrecision,
    Indicator,
    Location,
    ModerationEvent,
    ModerationStatus,
    Organization,
    PublicClaimOrganization,
    Qualifier,
    Source,
    Statistic,
    VerificationGrade,
)
from tracker.models.base import normalize_search_text, truncate_to_precision
from tracker.planner import refresh_planner_statistics
from tracker.public_cache import bump_public_version
from tracker.workflow import bulk
from tracker.workflow.public_organizations import refresh_public_organizations

MARK = {"en": "[SYNTHETIC]", "es": "[SINTÉTICO]"}
SLUG_PREFIX = "synthetic-"
COMMENT = "Synthetic entry generated for benchmarks (generate_synthetic)."
COMMENT_ES = "Entrada sintética generada para pruebas de rendimiento (generate_synthetic)."
BATCH = 5000
WRITTEN = [Source, Claim, Citation, Statistic, ModerationEvent]

# Unpublished entries, as shares of the published count: filters must leave them out.
UNPUBLISHED_SHARES = {
    ModerationStatus.DRAFT: 0.10,
    ModerationStatus.SUBMITTED: 0.02,
    ModerationStatus.REJECTED: 0.05,
    ModerationStatus.WITHDRAWN: 0.03,
}
COUNTRY_WEIGHTS = {
    "SV": 40,
    "HN": 12,
    "GT": 12,
    "NI": 8,
    "MX": 8,
    "VE": 8,
    "CO": 5,
    "EC": 4,
    "US": 3,
}
GRADE_WEIGHTS = {
    VerificationGrade.UNVERIFIED: 40,
    VerificationGrade.CORROBORATED: 25,
    VerificationGrade.VERIFIED: 15,
    VerificationGrade.DISPUTED: 10,
    VerificationGrade.FALSE: 5,
    VerificationGrade.RETRACTED: 5,
}
PRECISION_WEIGHTS = {
    DatePrecision.DAY: 60,
    DatePrecision.MONTH: 25,
    DatePrecision.YEAR: 10,
    DatePrecision.APPROXIMATE: 5,
}
PERPETRATORS = {
    "en": ["National Civil Police", "Armed Forces", "prison guards", "military police", ""],
    "es": ["Policía Nacional Civil", "Fuerza Armada", "custodios penitenciarios", "policía", ""],
}
VICTIMS = {
    "en": ["young men", "street vendors", "trade unionists", "women", "deportees", "minors"],
    "es": ["hombres jóvenes", "vendedores", "sindicalistas", "mujeres", "deportados", "menores"],
}
DETAILS = {
    "en": [
        "during a night raid",
        "after a hunger strike",
        "in a crowded cellblock",
        "at a checkpoint",
    ],
    "es": [
        "durante una redada nocturna",
        "tras una huelga de hambre",
        "en una celda hacinada",
        "en un retén",
    ],
}
MEASURES = [
    ("Deaths in custody", "Muertes bajo custodia", "people", "personas"),
    ("People detained", "Personas detenidas", "people", "personas"),
    ("People released", "Personas liberadas", "people", "personas"),
    ("Complaints of torture", "Denuncias de tortura", "complaints", "denuncias"),
    ("Prison population", "Población penitenciaria", "people", "personas"),
    ("Habeas corpus petitions", "Solicitudes de hábeas corpus", "petitions", "solicitudes"),
    ("People deported", "Personas deportadas", "people", "personas"),
    ("Journalists detained", "Periodistas detenidos", "people", "personas"),
    ("Missing persons reports", "Denuncias de desaparición", "reports", "denuncias"),
    ("Prison capacity", "Capacidad penitenciaria", "places", "plazas"),
]
INDICATOR_COUNTRIES = ["SV", "HN", "GT", "NI", "MX"]


def cumulative(weights: dict) -> tuple[list, list]:
    return list(weights), list(itertools.accumulate(weights.values()))


def weighted(rng: random.Random, choices: tuple[list, list]) -> str:
    values, cum_weights = choices
    return rng.choices(values, cum_weights=cum_weights)[0]


COUNTRY_CHOICES = cumulative(COUNTRY_WEIGHTS)
GRADE_CHOICES = cumulative(GRADE_WEIGHTS)
PRECISION_CHOICES = cumulative(PRECISION_WEIGHTS)


def search_text(*parts: object) -> str:
    """``normalize_search_text``, with a shortcut for plain ASCII text (the same result)."""
    text = " ".join(str(part) for part in parts if part)
    return text.casefold() if text.isascii() else normalize_search_text(text)


@functools.cache
def country_name(code: str) -> str:
    return str(countries.name(code))


def country_name_es(code: str) -> str:
    with translation.override("es"):
        return str(countries.name(code))


def pick_in_both(rng: random.Random, choices: dict[str, list[str]]) -> dict[str, str]:
    """One of the parallel choices, in English and in Spanish."""
    index = rng.randrange(len(choices["en"]))
    return {language: words[index] for language, words in choices.items()}


class Progress:
    """A one-line progress bar on stderr; silent at verbosity 0."""

    def __init__(self, label: str, total: int, *, enabled: bool):
        self.label, self.total, self.enabled, self.done = label, max(total, 1), enabled, 0

    def advance(self, count: int) -> None:
        self.done += count
        if self.enabled:
            filled = int(30 * self.done / self.total)
            sys.stderr.write(
                f"\r{self.label:<12} [{'#' * filled}{'.' * (30 - filled)}] "
                f"{self.done:>9,}/{self.total:,}"
            )
            if self.done >= self.total:
                sys.stderr.write("\n")
            sys.stderr.flush()


class RowWriter:
    """Insert plain rows (dicts keyed by attname): COPY on PostgreSQL, bulk_create elsewhere."""

    def __init__(self):
        self.use_copy = connection.vendor == "postgresql"

    def write(self, model: type[models.Model], rows: list[dict]) -> None:
        if not rows:
            return
        # A row without a primary key lets the database number it.
        fields = [
            f for f in model._meta.concrete_fields if f.attname in rows[0] or not f.primary_key
        ]
        if not self.use_copy:
            model._default_manager.bulk_create([model(**row) for row in rows], batch_size=1000)
            return
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in fields)
        defaults = {f.attname: f.get_default() for f in fields}
        sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(
                    [row[f.attname] if f.attname in row else defaults[f.attname] for f in fields]
                )


@dataclass
class Ids:
    """The next free primary key of each model, handed out in order."""

    next: dict = field(default_factory=dict)

    def take(self, model: type[models.Model]) -> int:
        if model not in self.next:
            self.next[model] = (model._default_manager.aggregate(m=Max("pk"))["m"] or 0) + 1
        value = self.next[model]
        self.next[model] += 1
        return value


class Command(BaseCommand):
    help = (
        "Add N published synthetic claims (plus drafts, submissions, rejected and withdrawn "
        "ones), their sources, citations, places and about N/2 figures. For benchmarks only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--claims", type=int, default=0, help="Published claims to add.")
        parser.add_argument(
            "--people",
            type=int,
            default=0,
            help="Published person records to add, with known duplicates across three sources.",
        )
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same data.")

    def handle(self, *args, claims: int, seed: int, people: int = 0, verbosity: int = 1, **options):
        if claims < 0 or people < 0 or claims + people < 1:
            raise CommandError("Give --claims or --people (at least 1).")
        if claims == 0:
            self.show = verbosity > 0
            create_people(people, seed=seed)
            if self.show:
                self.stdout.write(self.style.SUCCESS(f"{people:,} synthetic person records added."))
            return
        if people:
            create_people(people, seed=seed)
        self.rng = random.Random(seed)
        self.show = verbosity > 0
        self.writer = RowWriter()
        self.ids = Ids()
        self.epoch = dt.datetime(2019, 1, 1, tzinfo=dt.UTC)
        with transaction.atomic():
            self.defer_to_set_based_checks()
            self.load_taxonomy(claims)
            first = {model: self.ids.take(model) for model in WRITTEN}
            self.ids.next = dict(first)
            self.sources = self.create_sources(max(20, claims // 4))
            self.create_claims(claims)
            self.create_statistics(claims // 2)
            self.check_foreign_keys(first)
            self.reset_sequences()
            # Rows written in bulk bypass the workflow: rebuild what it keeps, and mark the
            # public data as changed. The triggers were off: store what they keep on claims.
            refresh_public_organizations()
            refresh_kept_columns()
            bump_public_version()
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # Storing those columns wrote every new claim twice: give the table its size back
            # (the vacuum below then sets its visibility map for index-only scans).
            with connection.cursor() as cursor:
                cursor.execute("VACUUM FULL tracker_claim")
        # Outside the transaction (unless a caller holds one), so PostgreSQL can also vacuum.
        refresh_planner_statistics(
            [
                *WRITTEN,
                Claim.categories.through,
                PublicClaimOrganization,
                Location,
                Organization,
                Indicator,
            ],
            vacuum=True,
        )
        if self.show:
            self.stdout.write(self.style.SUCCESS(f"{claims:,} published synthetic claims added."))

    # -- vocabularies -----------------------------------------------------------------------

    def load_taxonomy(self, claims: int) -> None:
        self.categories = [
            Category.objects.get_or_create(slug=slug, defaults={"name": name, "name_es": name_es})[
                0
            ]
            for slug, name, name_es in CATEGORIES
        ]
        self.countries = {}
        for code in COUNTRY_WEIGHTS:
            self.countries[code] = self.ensure(
                Location,
                f"{SLUG_PREFIX}country-{code.lower()}",
                name=f"{MARK['en']} {country_name(code)}",
                kind=Location.Kind.COUNTRY,
                country=code,
            )
        self.facilities = []
        for number in range(1, min(400, max(20, claims // 250)) + 1):
            code = weighted(self.rng, COUNTRY_CHOICES)
            kind = Location.Kind.FACILITY if number % 3 else Location.Kind.CITY
            label = "Detention centre" if kind == Location.Kind.FACILITY else "Town"
            self.facilities.append(
                self.ensure(
                    Location,
                    f"{SLUG_PREFIX}place-{number}",
                    name=f"{MARK['en']} {label} {number}",
                    kind=kind,
                    country=code,
                    parent=self.countries[code],
                    opened_year=1950 + number % 70,
                )
            )
        self.organizations = []
        kinds = list(Organization.Kind.values)
        for number in range(1, min(2000, max(10, claims // 200)) + 1):
            code = weighted(self.rng, COUNTRY_CHOICES)
            self.organizations.append(
                self.ensure(
                    Organization,
                    f"{SLUG_PREFIX}organisation-{number}",
                    name=f"{MARK['en']} Organisation {number}",
                    kind=kinds[number % len(kinds)],
                    country=code,
                    reliability=Organization.Reliability.values[number % 6],
                )
            )
        self.indicators = []
        for country in INDICATOR_COUNTRIES:
            for name, name_es, unit, unit_es in MEASURES:
                place = country_name(country)
                self.indicators.append(
                    self.ensure(
                        Indicator,
                        f"{SLUG_PREFIX}{country.lower()}-{name.lower().replace(' ', '-')}",
                        name=f"{MARK['en']} {name} in {place}",
                        name_es=f"{MARK['es']} {name_es} en {place}",
                        unit=unit,
                        unit_es=unit_es,
                    )
                )

    def ensure(self, model: type[models.Model], slug: str, **values) -> models.Model:
        """Reuse the synthetic vocabulary of an earlier run, so that runs can add up."""
        return model._default_manager.get_or_create(slug=slug, defaults=values)[0]

    # -- sources ----------------------------------------------------------------------------

    def create_sources(self, total: int) -> list[tuple[int, int, str]]:
        """Create sources; return (pk, organisation pk, language) for each."""
        rng, made, rows = self.rng, [], []
        progress = Progress("sources", total, enabled=self.show)
        kinds = list(Source.Kind.values)
        for _ in range(total):
            pk = self.ids.take(Source)
            org = rng.choice(self.organizations)
            language = "es" if rng.random() < 0.5 else "en"
            published = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(4300))
            precision = weighted(rng, PRECISION_CHOICES)
            published = truncate_to_precision(published, precision)
            title = (
                f"{MARK['en']} Report {pk} on detention conditions"
                if language == "en"
                else f"{MARK['es']} Informe {pk} sobre condiciones de detención"
            )
            created = self.epoch + dt.timedelta(minutes=rng.randrange(3_600_000))
            rows.append(
                {
                    "id": pk,
                    "created_at": created,
                    "updated_at": created,
                    "title": title,
                    "kind": rng.choice(kinds),
                    "organization_id": org.pk,
                    "author": "",
                    "url": f"https://example.org/synthetic/sources/{pk}",
                    "archived_url": "",
                    "published_on": published,
                    "published_precision": precision,
                    "accessed_on": published + dt.timedelta(days=rng.randrange(400)),
                    "language": language,
                    "summary": "",
                    "confidential": rng.random() < 0.05,
                    "file": "",
                    "sha256": "",
                    "private_notes": "",
                    "created_by_id": None,
                    "version": 1,
                    "search_text": search_text(title, "", org.name, ""),
                }
            )
            made.append((pk, org.pk, language))
            if len(rows) >= BATCH:
                self.flush(Source, rows, progress)
        self.flush(Source, rows, progress)
        return made

    def flush(self, model, rows: list[dict], progress: Progress | None = None) -> None:
        self.writer.write(model, rows)
        if progress is not None:
            progress.advance(len(rows))
        rows.clear()

    # -- claims -----------------------------------------------------------------------------

    def statuses(self, published: int) -> list[str]:
        """Every status the generator will write, shuffled, published ones included."""
        plan = [ModerationStatus.PUBLISHED] * published
        for status, share in UNPUBLISHED_SHARES.items():
            plan += [status] * max(1, round(published * share))
        self.rng.shuffle(plan)
        return plan

    def create_claims(self, published: int) -> None:
        rng = self.rng
        plan = self.statuses(published)
        claim_type = ContentType.objects.get_for_model(Claim)
        through = Claim.categories.through
        progress = Progress("claims", len(plan), enabled=self.show)
        places_by_country = {}
        for place in self.facilities:
            places_by_country.setdefault(place.country.code, []).append(place)
        claims, links, citations, events = [], [], [], []
        for status in plan:
            pk = self.ids.take(Claim)
            language = "es" if rng.random() < 0.4 else "en"
            country = weighted(rng, COUNTRY_CHOICES)
            in_country = places_by_country.get(country)
            location = rng.choice(in_country) if in_country and rng.random() < 0.7 else None
            location = location or (self.countries[country] if rng.random() < 0.5 else None)
            categories = rng.sample(self.categories, rng.choice((1, 1, 1, 2, 2, 3)))
            precision = weighted(rng, PRECISION_CHOICES)
            start = None
            if rng.random() > 0.03:
                # Skewed towards recent years, as monitoring grows.
                start = dt.date(2015, 1, 1) + dt.timedelta(days=int(rng.triangular(0, 4300, 3900)))
            start = truncate_to_precision(start, precision)
            end = None
            if start and rng.random() < 0.2:
                end = truncate_to_precision(
                    start + dt.timedelta(days=rng.randrange(1, 700)), precision
                )
            victims = rng.choice((None, 1, 1, 2, 3, 5, 12, rng.randrange(1, 500)))
            # Every claim in both languages, ``language`` being the one it was written in.
            perpetrator = pick_in_both(rng, PERPETRATORS)
            victim_description = pick_in_both(rng, VICTIMS)
            detail = pick_in_both(rng, DETAILS)
            category = categories[0]
            place_name = location.name if location else country_name(country)
            with translation.override("es"):
                place_name_es = location.name if location else country_name(country)
            title = {
                "en": f"{MARK['en']} {category.name} reported at {place_name} ({pk})",
                "es": f"{MARK['es']} {category.name_es} denunciada en {place_name_es} ({pk})",
            }
            summary = {
                "en": (
                    f"{victims or 'Several'} {victim_description['en']} were affected "
                    f"{detail['en']} at {place_name}, according to the sources cited."
                ),
                "es": (
                    f"{victims or 'Varias personas'} {victim_description['es']} afectados "
                    f"{detail['es']} en {place_name_es}, según las fuentes citadas."
                ),
            }
            grade = VerificationGrade.UNVERIFIED
            if status in (ModerationStatus.PUBLISHED, ModerationStatus.WITHDRAWN):
                grade = weighted(rng, GRADE_CHOICES)
            created = self.epoch + dt.timedelta(minutes=rng.randrange(3_600_000))
            published_at = None
            if status in (ModerationStatus.PUBLISHED, ModerationStatus.WITHDRAWN):
                published_at = created + dt.timedelta(hours=rng.randrange(1, 400))
            updated = published_at or created
            claim = {
                "id": pk,
                "created_at": created,
                "updated_at": updated,
                "status": status,
                "verification": grade,
                "verification_rationale": COMMENT if grade != VerificationGrade.UNVERIFIED else "",
                "verification_rationale_es": COMMENT_ES
                if grade != VerificationGrade.UNVERIFIED
                else "",
                "original_language": language,
                "published_at": published_at,
                "created_by_id": None,
                "last_edited_by_id": None,
                "version": 1,
                "private_notes": "",
                "title": title["en"],
                "title_es": title["es"],
                "slug": f"{SLUG_PREFIX}claim-{pk}",
                "summary": summary["en"],
                "summary_es": summary["es"],
                "country": country,
                "location_id": location.pk if location else None,
                "place_details": "",
                "place_details_es": "",
                "event_start": start,
                "event_end": end,
                "ongoing": end is None and start is not None and rng.random() < 0.1,
                "date_precision": precision,
                "victim_count": victims,
                "victim_description": victim_description["en"],
                "victim_description_es": victim_description["es"],
                "victim_identities": "",
                "alleged_perpetrator": perpetrator["en"],
                "alleged_perpetrator_es": perpetrator["es"],
                "origin": Claim.Origin.IMPORT,
            }
            # The same fields, in the same order, as Claim.build_search_text().
            names = sorted(categories, key=lambda c: c.pk)
            claim["search_text"] = search_text(
                title["en"],
                summary["en"],
                "",
                location.name if location else "",
                country_name(country),
                perpetrator["en"],
                victim_description["en"],
                *(c.name for c in names),
            )
            claim["search_text_es"] = search_text(
                title["es"],
                summary["es"],
                "",
                location.name if location else "",
                country_name_es(country),
                perpetrator["es"],
                victim_description["es"],
                *(c.name_es or c.name for c in names),
            )
            claims.append(claim)
            links += [{"claim_id": pk, "category_id": c.pk} for c in categories]
            for number, source in enumerate(
                rng.sample(self.sources, min(len(self.sources), rng.choice((1, 2, 3, 3, 4, 5))))
            ):
                citations.append(
                    {
                        "id": self.ids.take(Citation),
                        "claim_id": pk,
                        "source_id": source[0],
                        "quote": f"Synthetic excerpt {number + 1} for entry {pk}.",
                        "locator": f"p. {rng.randrange(1, 120)}",
                        "stance": rng.choice(("supports", "supports", "supports", "mentions"))
                        if number
                        else "supports",
                    }
                )
            events += self.events(claim_type, pk, status, grade, created, published_at)
            if len(claims) >= BATCH:
                self.write_claim_batch(claims, links, citations, events, through, progress)
        self.write_claim_batch(claims, links, citations, events, through, progress)

    def write_claim_batch(self, claims, links, citations, events, through, progress) -> None:
        self.flush(Claim, claims, progress)
        self.flush(through, links)
        self.flush(Citation, citations)
        self.flush(ModerationEvent, events)

    def events(self, content_type, pk, status, grade, created, published_at) -> list[dict]:
        """The events the workflow records for an entry brought to ``status`` by a command."""
        rows = bulk.event_rows(
            content_type.pk,
            pk,
            bulk.trail(status, grade),
            actor_id=None,
            comment=COMMENT,
            at=created,
            published_at=published_at,
        )
        for row in rows:
            row["id"] = self.ids.take(ModerationEvent)
        return rows

    # -- statistics -------------------------------------------------------------------------

    def create_statistics(self, published: int) -> None:
        rng = self.rng
        plan = [ModerationStatus.PUBLISHED] * published + [ModerationStatus.DRAFT] * max(
            1, published // 10
        )
        rng.shuffle(plan)
        statistic_type = ContentType.objects.get_for_model(Statistic)
        # A few indicators draw most of the reporting, as in real monitoring.
        cum_weights = list(itertools.accumulate(1 / rank for rank in range(1, 51)))
        progress = Progress("figures", len(plan), enabled=self.show)
        rows, events = [], []
        for status in plan:
            pk = self.ids.take(Statistic)
            indicator = rng.choices(self.indicators, cum_weights=cum_weights)[0]
            source_pk, org_pk, _ = rng.choice(self.sources)
            qualifier = rng.choice(Qualifier.values)
            value = Decimal(rng.randrange(0, 50_000))
            high = value + rng.randrange(1, 500) if qualifier == Qualifier.RANGE else None
            precision = weighted(rng, PRECISION_CHOICES)
            as_of = truncate_to_precision(
                dt.date(2016, 1, 1) + dt.timedelta(days=rng.randrange(3900)), precision
            )
            period_start = None
            if rng.random() < 0.5:
                period_start = truncate_to_precision(
                    as_of - dt.timedelta(days=rng.randrange(0, 1500)), DatePrecision.MONTH
                )
            code = indicator.slug[len(SLUG_PREFIX) : len(SLUG_PREFIX) + 2].upper()
            location = self.countries.get(code)
            grade = VerificationGrade.UNVERIFIED
            published_at = None
            created = self.epoch + dt.timedelta(minutes=rng.randrange(3_600_000))
            if status == ModerationStatus.PUBLISHED:
                grade = weighted(rng, GRADE_CHOICES)
                published_at = created + dt.timedelta(hours=rng.randrange(1, 400))
            has_note = rng.random() >= 0.7
            note = "Synthetic note" if has_note else ""
            note_es = "Nota sintética" if has_note else ""
            quote = f"Synthetic quote for figure {pk}."
            rows.append(
                {
                    "id": pk,
                    "created_at": created,
                    "updated_at": published_at or created,
                    "status": status,
                    "verification": grade,
                    "verification_rationale": COMMENT
                    if grade != VerificationGrade.UNVERIFIED
                    else "",
                    "verification_rationale_es": COMMENT_ES
                    if grade != VerificationGrade.UNVERIFIED
                    else "",
                    "original_language": "en",
                    "published_at": published_at,
                    "created_by_id": None,
                    "last_edited_by_id": None,
                    "version": 1,
                    "private_notes": "",
                    "indicator_id": indicator.pk,
                    "organization_id": org_pk,
                    "source_id": source_pk,
                    "qualifier": qualifier,
                    "value": value,
                    "value_high": high,
                    "as_of": as_of,
                    "as_of_precision": precision,
                    "period_start": period_start,
                    "period_start_precision": DatePrecision.MONTH,
                    "country": code,
                    "location_id": location.pk if location else None,
                    "note": note,
                    "note_es": note_es,
                    "quote": quote,
                    "locator": "",
                    # The same fields, in the same order, as Statistic.save().
                    "search_text": search_text(
                        indicator.name, note, quote, location.name if location else ""
                    ),
                    "search_text_es": search_text(
                        indicator.name_es, note_es, quote, location.name if location else ""
                    ),
                }
            )
            events += self.events(statistic_type, pk, status, grade, created, published_at)
            if len(rows) >= BATCH:
                self.flush(Statistic, rows, progress)
                self.flush(ModerationEvent, events)
        self.flush(Statistic, rows, progress)
        self.flush(ModerationEvent, events)

    def defer_to_set_based_checks(self) -> None:
        """On PostgreSQL, skip the per-row foreign-key triggers for this transaction.

        A million deferred trigger events cost more at commit than writing the rows;
        ``check_foreign_keys`` checks the same references with one anti-join per key instead.
        Needs a superuser (as in the benchmark); without one the triggers simply stay on.
        """
        if connection.vendor != "postgresql":
            return
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        except DatabaseError:
            pass

    def check_foreign_keys(self, first: dict) -> None:
        """Refuse (and roll back) the whole run if any written row points at a missing row."""
        checks = [(model, {"pk__gte": pk}) for model, pk in first.items()]
        checks.append((Claim.categories.through, {"claim_id__gte": first[Claim]}))
        for model, written in checks:
            for fk in model._meta.concrete_fields:
                if not fk.is_relation:
                    continue
                target = fk.related_model._default_manager.filter(pk=OuterRef(fk.attname))
                broken = (
                    model._default_manager.filter(**written)
                    .filter(**{f"{fk.attname}__isnull": False})
                    .filter(~Exists(target))
                )
                if broken.exists():
                    raise CommandError(f"{model._meta.label}.{fk.name} points at missing rows.")

    def reset_sequences(self) -> None:
        """Point the id sequences past the rows written with explicit keys."""
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), WRITTEN):
                cursor.execute(sql)


def create_people(total: int, *, seed: int) -> None:
    """Published, synthetic person records (``tracker.synthetic_people``), marked as such: each
    source's records cite its own synthetic report, with the record's cluster in its private
    notes (the truth the linkage's benchmark checks against). Each record gets the events of a
    trusted publication, as the claims and figures do."""
    from tracker.models import Person, PersonSource, PersonStatus, Privacy, Sex
    from tracker.synthetic_people import SOURCES, generate

    with transaction.atomic():
        org = Organization.objects.get_or_create(
            slug="synthetic-monitor",
            defaults={"name": "Synthetic monitor (made-up data)", "kind": Organization.Kind.NGO},
        )[0]
        sources = {
            name: Source.objects.get_or_create(
                url=f"https://example.org/synthetic/register-{name.lower()}",
                defaults={
                    "title": f"Synthetic register {name} (made-up data)",
                    "kind": Source.Kind.REPORT,
                    "organization": org,
                },
            )[0]
            for name in SOURCES
        }
        places = [
            Location.objects.get_or_create(
                slug=f"synthetic-facility-{number}",
                defaults={
                    "name": f"Synthetic facility {number}",
                    "kind": Location.Kind.FACILITY,
                    "country": "SV",
                },
            )[0]
            for number in range(1, 41)
        ]
        now = dt.datetime.now(dt.UTC)
        person_type = ContentType.objects.get_for_model(Person)
        status = ModerationStatus.PUBLISHED
        steps = bulk.trail(status)
        privacy = (Privacy.ANONYMOUS, Privacy.ANONYMOUS, Privacy.COUNTED, Privacy.NAMED)
        records = generate(total, places=len(places), seed=seed)
        for start in range(0, len(records), 2000):
            batch = records[start : start + 2000]
            people = []
            for number, record in enumerate(batch, start):
                person = Person(
                    name=record.name,
                    sex=Sex.FEMALE if record.sex == "f" else Sex.MALE,
                    age=record.age,
                    country="SV",
                    situation=PersonStatus.DIED_IN_CUSTODY,
                    died_on=record.died_on,
                    place=places[record.place],
                    privacy=privacy[number % len(privacy)],
                    description="Synthetic record: no real person.",
                    private_notes=f"synthetic cluster {record.cluster}, source {record.source}",
                    status=status,
                    published_at=now,
                    synthetic=True,
                )
                person.set_derived_fields()
                people.append(person)
            Person.objects.bulk_create(people)
            PersonSource.objects.bulk_create(
                PersonSource(
                    person=person,
                    source=sources[record.source],
                    case_number=f"{record.source}-{record.cluster}",
                )
                for person, record in zip(people, batch, strict=True)
            )
            ModerationEvent.objects.bulk_create(
                ModerationEvent(**row)
                for person in people
                for row in bulk.event_rows(
                    person_type.pk,
                    person.pk,
                    steps,
                    actor_id=None,
                    comment=COMMENT,
                    at=now,
                    published_at=now,
                )
            )
        bump_public_version()
