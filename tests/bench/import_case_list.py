"""Benchmark: a large case list of people through the import worker (dry run, then import).

    .venv/bin/python -m tests.bench.import_case_list --rows 50000 \
        --database-url sqlite:////tmp/tracker-bench-case-list.sqlite3
    .venv/bin/python -m tests.bench.import_case_list --rows 50000                 # PostgreSQL

Like ``tests.bench.import_claims`` (whose helpers it uses), each run starts from an empty
database of its own (by default the PostgreSQL database ``tracker_bench_import``, dropped and
recreated), migrates it, loads the demo data (its places are what the rows name) and writes the
file with ``--output``. The file is uploaded as a case list job of a source created for it, as the
case list page does; then, each in a fresh process under ``/usr/bin/time -v`` (wall time and peak
resident memory), ``manage.py db_worker --batch`` runs the dry run; the job is confirmed;
``db_worker --batch`` runs the import.

Rows are synthetic: a case number, a made-up name (one row in three has none), sex, an age (most
rows), a situation, the country, a place of the demo data (every other row), a date of death
or of detention with its precision, and a privacy level (most rows leave it empty: counted
only). About 100 bytes a row: 50,000 rows make about 5 MB, so the run raises
``CLAIM_IMPORT_MAX_BYTES``.
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

from tests.bench.import_claims import (
    DEFAULT_DATABASE,
    USERNAME,
    environment,
    manage,
    recreate_database,
    shell,
    vocabulary,
)

HEADER = [
    "case_number", "name", "sex", "age", "situation", "country", "place", "died_on",
    "died_precision", "detained_on", "detained_precision", "privacy",
]  # fmt: skip
GIVEN = ["Ana", "José", "María", "Luis", "Rosa", "Carlos", "Elena", "Mario", "Sofía", "Juan"]
FAMILY = ["Sintética", "Ejemplo", "Ficticia", "Prueba", "Modelo", "Muestra", "Inventada"]
SOURCE_URL = "https://example.org/synthetic/bench-case-list"


def write_file(path: Path, rows: int, places: list[str], seed: int = 2026) -> None:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(HEADER)
        for n in range(rows):
            died = rng.random() < 0.6
            day = f"20{rng.randint(22, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            writer.writerow(
                [
                    f"BENCH-{n:06d}",
                    f"{rng.choice(GIVEN)} {rng.choice(FAMILY)} {n}" if n % 3 else "",
                    rng.choice(["male", "female", "unknown"]),
                    rng.randint(18, 80) if rng.random() < 0.8 else "",
                    "died_in_custody" if died else rng.choice(["detained", "disappeared"]),
                    "SV",
                    rng.choice(places) if places and n % 2 else "",
                    day if died else "",
                    rng.choice(["day", "month"]) if died else "",
                    "" if died else day,
                    "" if died else "day",
                    rng.choice(["", "", "", "anonymous", "named"]),
                ]
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--output", type=Path, default=Path("/tmp/tracker-bench-case-list.csv"))
    options = parser.parse_args()
    env = environment(options.database_url, 64 * 1024 * 1024)

    recreate_database(options.database_url)
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo")
    shell(
        env,
        "from django.contrib.auth.models import Group, User; from tracker.models import Source; "
        f"u = User.objects.create(username='{USERNAME}'); "
        "u.groups.add(Group.objects.get(name='Contributors')); "
        f"Source.objects.create(title='Synthetic case list (benchmark)', url='{SOURCE_URL}')",
    )
    write_file(options.output, options.rows, vocabulary(env)["places"])
    size = options.output.stat().st_size
    print(f"{options.rows:,} rows, {size / 1e6:.1f} MB: {options.output}")
    print(f"database: {options.database_url.split('@')[-1]}")
    job = shell(
        env,
        "from pathlib import Path; from django.contrib.auth.models import User; "
        "from tracker.import_jobs import start_import; "
        "from tracker.models import ImportJob, Source; "
        f"data = Path('{options.output}').read_bytes(); "
        f"job = start_import(owner=User.objects.get(username='{USERNAME}'), "
        f"file_name='{options.output.name}', data=data, language='en', "
        f"kind=ImportJob.Kind.CASE_LIST, source=Source.objects.get(url='{SOURCE_URL}')); "
        "print(job.pk)",
    )
    worker = ("db_worker", "--batch", "--no-startup-delay", "--no-reload")
    results = {"worker, the job's dry run": manage(env, *worker, timed=True)}
    errors = shell(
        env,
        "from tracker.models import ImportJob; from tracker.import_jobs import confirm_import; "
        f"job = ImportJob.objects.get(pk='{job}'); print(job.report.get('error_count')); "
        "confirm_import(job, by=job.owner)",
    )
    if errors != "0":
        raise SystemExit(f"the dry run found {errors} errors")
    results["worker, the job's import"] = manage(env, *worker, timed=True)
    outcome = shell(
        env,
        "from tracker.models import ImportJob, ModerationEvent, Person, PersonSource; "
        f"job = ImportJob.objects.get(pk='{job}'); "
        "print(job.state, job.rows_done, Person.objects.filter(created_by=job.owner).count(), "
        "PersonSource.objects.filter(source=job.source).count(), "
        "ModerationEvent.objects.filter(action='import').count())",
    )
    print(f"job state, rows, records, case numbers, import events: {outcome}")
    print()
    print("| step | wall time s | peak memory MB |")
    print("| --- | ---: | ---: |")
    for step, result in results.items():
        print(f"| {step} | {result['seconds']:.1f} | {result['peak_mb']:.0f} |")


if __name__ == "__main__":
    main()
