"""Benchmark: peak memory of the process streaming /claims.csv over many published claims.

    .venv/bin/python -m tests.bench.claims_csv_memory --rows 100000

Seeds the claims once (in BENCH_DATABASE_URL, by default a SQLite file in /tmp), then exports in
a fresh process, so that the peak resident memory reported is the export's alone.
"""

import argparse
import os
import resource
import subprocess
import sys
import time

DEFAULT_DATABASE = "sqlite:////tmp/tracker-bench-claims.sqlite3"


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings_test")
    import django

    django.setup()


def seed(rows: int) -> None:
    from django.core.management import call_command

    from tracker.models import Category, Citation, Claim, ModerationStatus, Organization, Source

    call_command("migrate", verbosity=0)
    existing = Claim.objects.count()
    if existing >= rows:
        return
    category, _ = Category.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    organization, _ = Organization.objects.get_or_create(
        slug="bench", defaults={"name": "Bench organisation", "kind": "ngo"}
    )
    sources = Source.objects.bulk_create(
        Source(
            title=f"Bench report {n}",
            kind="report",
            organization=organization,
            url=f"https://example.org/bench/{n}",
        )
        for n in range(1000)
    )
    batch = 5000
    for start in range(existing, rows, batch):
        claims = Claim.objects.bulk_create(
            Claim(
                title=f"Bench claim {n}",
                slug=f"bench-claim-{n}",
                summary="People were held without charge. " * 5,
                country="SV",
                status=ModerationStatus.PUBLISHED,
            )
            for n in range(start, min(start + batch, rows))
        )
        Citation.objects.bulk_create(
            Citation(
                claim=claim,
                source=sources[(claim.pk * k) % len(sources)],
                quote="Quote",
                locator=f"p. {k}",
            )
            for claim in claims
            for k in (1, 7)
        )
        Claim.categories.through.objects.bulk_create(
            Claim.categories.through(claim_id=claim.pk, category_id=category.pk) for claim in claims
        )


def export() -> None:
    from django.test import Client

    started = time.perf_counter()
    response = Client().get("/claims.csv")
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{lines} lines, {size / 1e6:.1f} MB of CSV in {elapsed:.1f} s; peak RSS {peak_mb:.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--export-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE)
    setup_django(database_url)
    if args.export_only:
        export()
        return
    seed(args.rows)
    subprocess.run(
        [sys.executable, "-m", "tests.bench.claims_csv_memory", "--export-only"], check=True
    )


if __name__ == "__main__":
    main()
