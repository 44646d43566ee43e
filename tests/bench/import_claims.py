"""Benchmark: the claim import of a large file, through the command and through the worker.

    .venv/bin/python -m tests.bench.import_claims --rows 100000
    .venv/bin/python -m tests.bench.import_claims --rows 100000 --profile minimal \
        --database-url sqlite:////tmp/tracker-bench-import.sqlite3

Each run starts from an empty database of its own (``--database-url``, by default the PostgreSQL
database ``tracker_bench_import`` on 127.0.0.1, dropped and recreated), migrates it, loads the
demo data (its categories, places and organisations are what the file cites) and writes the
file with ``--output``. Then, each in a fresh process under ``/usr/bin/time -v`` (wall time and
peak resident memory):

1. ``manage.py import_claims FILE --dry-run``;
2. ``manage.py import_claims FILE --user bench-importer`` (the dry run, then the import);
3. the web path: the file uploaded as a job, then ``manage.py db_worker --batch`` runs the dry
   run; the job confirmed; ``db_worker --batch`` again runs the import.

Profiles: ``realistic`` rows have a title, a summary, one or two categories, a place (every other
row), a date, a victim count, and one to three citations of sources drawn from a pool of
rows / 20 (so each source is cited by about 40 rows), as ``source_titles``/``source_urls`` lines
or, one row in ten, as the ``citations`` JSON with a quote and a page: about 210 bytes a row,
so 100,000 rows make about 21 MB and the run raises ``CLAIM_IMPORT_MAX_BYTES`` to fit.
``minimal`` rows carry only the required columns (title, summary, country): 100,000 make
about 4.8 MB, within the default limit of 5 MiB.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/tracker_bench_import"
USERNAME = "bench-importer"
WORDS = [
    "detention",
    "deaths",
    "custody",
    "prison",
    "transfer",
    "family",
    "lawyer",
    "hearing",
    "court",
    "beating",
    "medical",
    "care",
    "overcrowding",
    "cell",
    "block",
    "visit",
    "denied",
    "release",
    "charge",
    "habeas",
    "corpus",
    "report",
    "testimony",
    "witness",
    "guard",
    "officer",
    "police",
    "military",
    "emergency",
    "decree",
    "mass",
    "trial",
    "disappearance",
]


def environment(database_url: str, max_bytes: int) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="tracker.settings",
        SECRET_KEY="bench-import-secret-key-not-for-production",
        DEBUG="",
        CLAIM_IMPORT_MAX_BYTES=str(max_bytes),
        MEDIA_ROOT="/tmp/tracker-bench-import-media",
        LOG_LEVEL="WARNING",
    )
    return env


def manage(env, *args, timed: bool = False) -> dict:
    command = [sys.executable, "manage.py", *args]
    if timed:
        command = ["/usr/bin/time", "-v", *command]
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.monotonic() - started
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-3000:] + done.stderr[-3000:])
        raise SystemExit(f"manage.py {' '.join(args)} failed")
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    return {"seconds": elapsed, "peak_mb": int(peak.group(1)) / 1024 if peak else None}


def recreate_database(database_url: str) -> None:
    if database_url.startswith("sqlite:"):
        path = Path(urlparse(database_url).path)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    name = urlparse(database_url).path.lstrip("/")
    server = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def write_file(path: Path, rows: int, profile: str, vocabulary: dict, seed: int = 2026) -> None:
    rng = random.Random(seed)
    categories, places = vocabulary["categories"], vocabulary["places"]
    sources = [
        {"source_title": f"Report {n}", "source_url": f"https://ex.org/r/{n}"}
        for n in range(max(rows // 20, 10))
    ]
    if profile == "minimal":
        header = ["title", "summary", "country"]
    else:
        header = [
            "title", "summary", "categories", "country", "place", "event_start", "date_precision",
            "victim_count", "source_titles", "source_urls", "citations",
        ]  # fmt: skip
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(header)
        for n in range(rows):
            title = f"{rng.choice(WORDS).capitalize()} case {n}"
            if profile == "minimal":
                writer.writerow([title, f"Held without charge {n}.", "SV"])
                continue
            summary = " ".join(rng.choices(WORDS, k=rng.randint(3, 6))).capitalize() + "."
            cited = rng.sample(sources, rng.randint(1, 3))
            # One row in ten carries its citations as the export's JSON, with quotes and pages.
            citations = ""
            if n % 10 == 0:
                citations = json.dumps(
                    [
                        {"source_title": s["source_title"], "source_url": s["source_url"],
                         "quote": " ".join(rng.choices(WORDS, k=4)),
                         "locator": f"p. {rng.randint(1, 80)}", "stance": "supports"}
                        for s in cited
                    ],
                    ensure_ascii=False,
                    separators=(",", ":"),
                )  # fmt: skip
            writer.writerow(
                [
                    title,
                    summary,
                    "; ".join(rng.sample(categories, rng.randint(1, min(2, len(categories))))),
                    "SV",
                    rng.choice(places) if rng.random() < 0.5 else "",
                    f"2023-{rng.randint(1, 12):02d}-01",
                    "month",
                    rng.randint(1, 40),
                    "\n".join(s["source_title"] for s in cited) if not citations else "",
                    "\n".join(s["source_url"] for s in cited) if not citations else "",
                    citations,
                ]
            )


def vocabulary(env) -> dict:
    script = (
        "import json; from tracker.models import Category, Location, Organization; "
        "print(json.dumps({'categories': list(Category.objects.values_list('slug', flat=True)), "
        "'places': list(Location.objects.values_list('slug', flat=True)), "
        "'organizations': list(Organization.objects.values_list('slug', flat=True))}))"
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def shell(env, script: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--profile", choices=["realistic", "minimal"], default="realistic")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--output", type=Path, default=Path("/tmp/tracker-bench-import.csv"))
    parser.add_argument("--skip-worker", action="store_true", help="Measure the command only.")
    options = parser.parse_args()
    env = environment(options.database_url, 64 * 1024 * 1024)

    def fresh_database() -> None:
        recreate_database(options.database_url)
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo")
        shell(
            env,
            "from django.contrib.auth.models import Group, User; "
            f"u = User.objects.create(username='{USERNAME}'); "
            "u.groups.add(Group.objects.get(name='Contributors'))",
        )

    fresh_database()
    write_file(options.output, options.rows, options.profile, vocabulary(env))
    size = options.output.stat().st_size
    print(f"{options.rows:,} rows ({options.profile}), {size / 1e6:.1f} MB: {options.output}")
    print(f"database: {options.database_url.split('@')[-1]}")
    results = {
        "command, dry run": manage(
            env, "import_claims", str(options.output), "--dry-run", timed=True
        ),
        "command, dry run + import": manage(
            env, "import_claims", str(options.output), "--user", USERNAME, timed=True
        ),
    }
    if not options.skip_worker:
        fresh_database()
        job = shell(
            env,
            "from pathlib import Path; from django.contrib.auth.models import User; "
            "from tracker.import_jobs import start_import; "
            f"data = Path('{options.output}').read_bytes(); "
            f"job = start_import(owner=User.objects.get(username='{USERNAME}'), "
            f"file_name='{options.output.name}', data=data, language='en'); print(job.pk)",
        )
        worker = ("db_worker", "--batch", "--no-startup-delay", "--no-reload")
        results["worker, dry run"] = manage(env, *worker, timed=True)
        state = shell(
            env,
            "from tracker.models import ImportJob; from tracker.import_jobs import confirm_import; "
            f"job = ImportJob.objects.get(pk='{job}'); confirm_import(job, by=job.owner); "
            "print(job.report.get('error_count'))",
        )
        if state != "0":
            raise SystemExit(f"the dry run found {state} errors")
        results["worker, import"] = manage(env, *worker, timed=True)
        outcome = shell(
            env,
            "from tracker.models import Claim, ImportJob; "
            f"job = ImportJob.objects.get(pk='{job}'); "
            "print(job.state, job.result, Claim.objects.filter(origin='import').count())",
        )
        print(f"job: {outcome}")
    print()
    print("| step | wall time s | peak memory MB |")
    print("| --- | ---: | ---: |")
    for step, result in results.items():
        print(f"| {step} | {result['seconds']:.1f} | {result['peak_mb']:.0f} |")


if __name__ == "__main__":
    main()
