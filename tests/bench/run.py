"""`make bench`: the public pages as readers meet them, uncached and warm, against the targets.

Loads ``--claims`` published synthetic claims into a PostgreSQL database of its own (reused when
it already holds that many), starts gunicorn with production's settings (``gunicorn.conf.py``:
its workers, timeouts and recycling; production's cache) plus timing headers, and times over
HTTP, each request "uncached" (the first after a moderation decision, which every worker's
cache keys on) and "warm" (served again by a worker that already served it):

- the claim list over a set of varied addresses (filters, facets, search words of the data,
  sort orders, pages), claim pages, the largest indicator, ``/claims.json`` and ``/api/claims/``
  against the HTML list, deep pages against page 1;
- 8 concurrent readers over varied addresses with a decision every 10 s;
- the workers' memory after 100 decisions, the largest indicator viewed after each;
- the same data on SQLite against Datasette serving the same file (``sqlite_datasette.py``).

For the slowest request of each row it replays every SQL statement the request ran (the floor)
and EXPLAINs the slowest one. Prints one table (request, target, measured, met / not met) and
writes it, with the details and the plans, to bench-results/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.common import (  # noqa: E402
    BIN,
    HOST,
    ROOT,
    Series,
    get,
    manage,
    proc_status_mb,
    production_environment,
    start_gunicorn,
    stop,
    warm_fetch,
    worker_pids,
)
from tests.bench.urls import Vocabulary, claim_list_queries, list_url, search_words  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/tracker_bench"
TARGET_CLAIMS = 100_000
LARGEST_INDICATOR_FIGURES = 10_000
MEMORY_CEILING_MB = 1500  # the memory row stops there rather than exhaust the machine
DEEP_PAGE = 2000


# -- the data ---------------------------------------------------------------------------------


def psql_connect(url: str, **kwargs):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname=kwargs.pop("dbname", parts.path.lstrip("/")),
        autocommit=kwargs.pop("autocommit", True),
        **kwargs,
    )


def prepare_database(args) -> None:
    """Reuse the benchmark database when it holds exactly the requested claims; else rebuild it."""
    import psycopg

    name = urlsplit(args.database_url).path.lstrip("/")
    loaded = None
    try:
        with psql_connect(args.database_url) as conn:
            loaded = conn.execute(
                "SELECT count(*) FROM tracker_claim WHERE status = 'published' "
                "AND slug LIKE 'synthetic-%'"
            ).fetchone()[0]
    except psycopg.OperationalError:
        pass  # no such database yet
    except psycopg.errors.UndefinedTable:
        loaded = 0
    if loaded == args.claims:
        print(f"Reusing {loaded:,} synthetic claims in {name}.", file=sys.stderr)
        manage("migrate", "--noinput", "-v0")
        # Each run's decisions leave dead row versions and pages no longer all-visible (which
        # index-only scans then check in the table) that autovacuum has not come by for yet:
        # every run starts from the state a vacuumed database has, not from the last run's.
        with psql_connect(args.database_url) as conn:
            conn.execute("VACUUM ANALYZE")
        return
    print(f"Loading {args.claims:,} synthetic claims into {name}...", file=sys.stderr)
    with psql_connect(args.database_url, dbname="postgres") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    manage("migrate", "--noinput", "-v0")
    started = time.perf_counter()
    manage("generate_synthetic", "--claims", str(args.claims), "--seed", str(args.seed))
    print(f"Loaded in {time.perf_counter() - started:.1f} s.", file=sys.stderr)
    with psql_connect(args.database_url) as conn:
        conn.execute("VACUUM ANALYZE")


def largest_indicator(minimum: int):
    """The indicator with the most published figures, given ``minimum`` of them if it has fewer
    (below about 90,000 claims): copies of published figures, written in bulk, then the
    public-data version bumped as any bulk write does. Returns (indicator, figures, copied)."""
    from django.db import connection
    from django.db.models import Count, Q

    from tracker.models import Indicator, Statistic
    from tracker.public_cache import bump_public_version

    published = Q(statistics__status="published")
    indicator = (
        Indicator.objects.annotate(n=Count("statistics", filter=published))
        .order_by("-n", "pk")
        .first()
    )
    figures, copied = indicator.n, 0
    if figures < minimum:
        originals = list(Statistic.objects.public().order_by("pk")[: minimum - figures])
        copies = []
        while len(copies) < minimum - figures:
            for statistic in originals[: minimum - figures - len(copies)]:
                copy = Statistic.objects.model(
                    **{
                        f.attname: getattr(statistic, f.attname)
                        for f in Statistic._meta.concrete_fields
                        if not f.primary_key
                    }
                )
                copy.indicator_id = indicator.pk
                copies.append(copy)
        Statistic.objects.bulk_create(copies, batch_size=2000)
        bump_public_version()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE tracker_statistic")
        copied = len(copies)
        figures += copied
    return indicator, figures, copied


def sample_texts(claims, rng: random.Random, size: int = 500) -> list[str]:
    """The search text of ``size`` claims drawn with ``rng``: the same for the same seed."""
    pks = list(claims.order_by("pk").values_list("pk", flat=True))
    chosen = rng.sample(pks, min(size, len(pks)))
    return list(claims.filter(pk__in=chosen).order_by("pk").values_list("search_text", flat=True))


def vocabulary(seed: int) -> Vocabulary:
    """What readers can pick on the claim list, read from the published data."""
    from tracker.models import Category, Claim, Location, Organization, VerificationGrade

    rng = random.Random(seed)
    claims = Claim.objects.public()
    years = claims.exclude(event_start=None).dates("event_start", "year")
    texts = sample_texts(claims, rng)
    places = sorted(Location.objects.public().values_list("slug", flat=True))
    organizations = sorted(Organization.objects.public().values_list("slug", flat=True))
    return Vocabulary(
        category=sorted(Category.objects.public().values_list("slug", flat=True)),
        country=sorted(set(claims.values_list("country", flat=True).distinct())),
        grade=list(VerificationGrade.values),
        place=rng.sample(places, min(40, len(places))),
        organization=rng.sample(organizations, min(40, len(organizations))),
        year=[str(day.year) for day in years],
        q=search_words(texts, seed=seed),
    )


class Decider:
    """Moderation decisions, as a reviewer makes them: the grade of one published claim changed
    through the workflow, which bumps the public-data version every cache keys on."""

    GRADES = ("corroborated", "unverified")

    def __init__(self, claim):
        self.claim = claim
        self.count = 0
        self.lock = threading.Lock()

    def __call__(self) -> None:
        from tracker.workflow import set_verification

        with self.lock:
            self.claim.refresh_from_db()
            grade = self.GRADES[0] if self.claim.verification != self.GRADES[0] else self.GRADES[1]
            set_verification(
                self.claim, by=None, grade=grade, rationale="Benchmark: a reviewer's decision."
            )
            self.count += 1


# -- the floor: every statement of a request, replayed ----------------------------------------


def capture_statements(client, path: str) -> list[str]:
    """The SQL that serving ``path`` runs, captured in this process with Django's test client."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
        if getattr(response, "streaming", False):
            for _ in response.streaming_content:
                pass
    return [query["sql"] for query in captured.captured_queries]


EXPLAINABLE = ("SELECT", "WITH", "INSERT", "UPDATE", "DELETE", "VALUES")


def floor(database_url: str, statements: list[str], rounds: int = 3) -> dict:
    """Replay every statement (whatever it starts with) through psycopg, in a transaction that
    is rolled back; return the total per round, the slowest statement and its plan."""
    import psycopg

    totals, times = [], {}
    with psql_connect(database_url, autocommit=False) as conn:
        for number in range(rounds + 1):  # one warm-up round
            total = 0.0
            for index, sql in enumerate(statements):
                started = time.perf_counter()
                try:
                    with conn.cursor() as cursor:
                        cursor.execute(sql)
                        if cursor.description:
                            cursor.fetchall()
                except psycopg.Error as error:
                    conn.rollback()
                    times.setdefault(index, []).append(float("nan"))
                    print(f"  floor: statement {index} failed: {error}", file=sys.stderr)
                    continue
                elapsed = (time.perf_counter() - started) * 1000
                total += elapsed
                if number:
                    times.setdefault(index, []).append(elapsed)
            if number:
                totals.append(total)
            conn.rollback()
        medians = {
            index: statistics.median(values)
            for index, values in times.items()
            if all(value == value for value in values)
        }
        candidates = [
            index for index in medians if statements[index].lstrip().upper().startswith(EXPLAINABLE)
        ]
        plan, slowest = "", None
        if candidates:
            slowest = max(candidates, key=medians.get)
            with conn.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statements[slowest]}")
                plan = "\n".join(row[0] for row in cursor.fetchall())
            conn.rollback()
    return {
        "statements": len(statements),
        "total_ms": statistics.median(totals) if totals else None,
        "slowest_ms": medians.get(slowest) if slowest is not None else None,
        "slowest_sql": statements[slowest] if slowest is not None else "",
        "plan": plan,
    }


# -- the rows ---------------------------------------------------------------------------------


@dataclass
class Bench:
    args: argparse.Namespace
    decide: Decider
    port: int
    series: dict = field(default_factory=dict)  # name -> Series
    extra: dict = field(default_factory=dict)  # name -> measured facts of a row
    floors: dict = field(default_factory=dict)  # name -> (path, floor dict)

    def measure(self, name: str, path: str) -> None:
        """``path`` uncached (the first request after a decision), then warm (again, until a
        worker that served it since serves it again)."""
        self.decide()
        response = self.series.setdefault(f"{name}, uncached", Series()).fetch(self.port, path)
        served = {response.pid} if response is not None and response.pid else set()
        warm_fetch(
            self.series.setdefault(f"{name}, warm", Series()), self.port, path, served=served
        )

    def measure_all(self, name: str, paths: list[str]) -> None:
        print(f"measuring {name}, uncached and warm ({len(paths)} requests)...", file=sys.stderr)
        for path in paths:
            self.measure(name, path)


def measure_lists(bench: Bench, queries: list[str]) -> None:
    bench.measure_all("claim list", [list_url(query) for query in queries])


def measure_claim_pages(bench: Bench, pks: list[int]) -> None:
    bench.measure_all("claim page", [f"/en/claims/{pk}/" for pk in pks])


def measure_indicator(bench: Bench, slug: str) -> None:
    bench.measure_all("largest indicator", [f"/en/indicators/{slug}/"] * bench.args.requests)


def measure_exports(bench: Bench, queries: list[str]) -> None:
    """The HTML list, ``/claims.json`` and ``/api/claims/`` on the same query strings, in turn."""
    kinds = {
        "exports: HTML list": "/en/claims/",
        "exports: /claims.json": "/claims.json",
        "exports: /api/claims/": "/api/claims/",
    }
    print(f"measuring the exports ({len(queries)} query strings)...", file=sys.stderr)
    for query in queries:
        for name, path in kinds.items():
            bench.measure(name, list_url(query, path))


def measure_map_and_timeline(bench: Bench, queries: list[str]) -> None:
    """The map view (its timeline, counts by place and markers' data) and ``/claims.geojson``
    on the same query strings as the exports."""
    print(f"measuring the map and its data ({len(queries)} query strings)...", file=sys.stderr)
    for query in queries:
        bench.measure("map view", list_url(query, "/en/claims/map/"))
        bench.measure("/claims.geojson", list_url(query, "/claims.geojson"))


def measure_deep_pages(bench: Bench) -> None:
    from django.http import QueryDict

    from tracker.lists import CLAIMS

    bases = ["", "country=SV", "sort=recently_published"]
    deep = {}
    for base in bases:
        total = CLAIMS.filterset(QueryDict(base)).qs.count()
        deep[base] = max(1, min(DEEP_PAGE, -(-total // 25)))
    bench.extra["deep pages"] = {base or "(unfiltered)": page for base, page in deep.items()}
    print(f"measuring deep pages and page 1 ({bench.args.requests} of each)...", file=sys.stderr)
    for number in range(bench.args.requests):
        base = bases[number % len(bases)]
        bench.measure("page 1", list_url(base))
        bench.measure("deep page", list_url("&".join(filter(None, [base, f"page={deep[base]}"]))))


def measure_concurrency(bench: Bench, queries: list[str]) -> None:
    """8 readers, each picking addresses at random from ``queries``, for a fixed time, while a
    reviewer makes a decision every ``--decision-interval`` seconds."""
    args = bench.args
    print(
        f"measuring {args.readers} concurrent readers over {len(queries)} addresses for "
        f"{args.concurrency_seconds} s, a decision every {args.decision_interval} s...",
        file=sys.stderr,
    )
    series = bench.series.setdefault("concurrent readers", Series())
    lock = threading.Lock()
    stop_at = time.monotonic() + args.concurrency_seconds
    decisions = []

    def reader(number: int) -> None:
        rng = random.Random(args.seed * 1000 + number)
        while time.monotonic() < stop_at:
            path = list_url(rng.choice(queries))
            local = Series()
            local.fetch(bench.port, path, timeout=120)
            with lock:
                series.responses += local.responses
                series.errors += local.errors

    def reviewer() -> None:
        from django.db import connection

        try:
            while True:
                next_at = time.monotonic() + args.decision_interval
                if next_at >= stop_at:
                    return
                time.sleep(max(0.0, next_at - time.monotonic()))
                bench.decide()
                decisions.append(time.monotonic())
        finally:
            connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=reader, args=(n,)) for n in range(args.readers)]
    threads.append(threading.Thread(target=reviewer))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    bench.extra["concurrent readers"] = {
        "seconds": elapsed,
        "requests_per_s": len(series.responses) / elapsed,
        "decisions": len(decisions),
        "pool": len(queries),
    }


def measure_csv(bench: Bench, master: int) -> None:
    print("measuring the CSV export of all claims...", file=sys.stderr)
    series = bench.series.setdefault("CSV export, all claims", Series())
    response = series.fetch(bench.port, "/claims.csv", timeout=600, keep=0)
    peak = proc_status_mb(response.pid, "VmHWM") if response and response.pid else None
    bench.extra["CSV export, all claims"] = {"worker_peak_mb": peak, "workers": worker_pids(master)}


def measure_memory(bench: Bench, master: int, slug: str) -> None:
    """``--memory-decisions`` decisions, each followed by a view of the largest indicator, then
    each worker's resident memory (the largest is the one that rendered it most). The workers
    are fresh: started for this row, each has served fewer requests than recycling allows."""
    args = bench.args
    path = f"/en/indicators/{slug}/"
    before = worker_pids(master)
    print(
        f"measuring worker memory: {args.memory_decisions} decisions, the largest indicator "
        "viewed after each...",
        file=sys.stderr,
    )
    series = bench.series.setdefault("memory: indicator views", Series())
    made, stopped = 0, ""
    for _ in range(args.memory_decisions):
        bench.decide()
        made += 1
        series.fetch(bench.port, path, keep=0)
        rss = [proc_status_mb(pid, "VmRSS") or 0 for pid in worker_pids(master)]
        if max(rss, default=0) > MEMORY_CEILING_MB:
            stopped = f"stopped at {MEMORY_CEILING_MB:,} MB"
            break
    after = worker_pids(master)
    rss = {pid: proc_status_mb(pid, "VmRSS") for pid in after}
    served = {r.pid for _, r in series.responses}
    bench.extra["worker memory"] = {
        "decisions": made,
        "rss_mb": rss,
        "max_rss_mb": max((v for v in rss.values() if v), default=None),
        "recycled": len(set(before) - set(after)),
        "workers_served": len(served & set(after)),
        "stopped": stopped,
    }


def measure_floors(bench: Bench) -> None:
    """The floor of the slowest uncached request of each row."""
    from django.test import Client

    client = Client(HTTP_HOST=HOST)
    wanted = {
        "claim list": "claim list, uncached",
        "claim page": "claim page, uncached",
        "largest indicator": "largest indicator, uncached",
        "/claims.json": "exports: /claims.json, uncached",
        "/api/claims/": "exports: /api/claims/, uncached",
        "deep page": "deep page, uncached",
        "map view": "map view, uncached",
        "/claims.geojson": "/claims.geojson, uncached",
    }
    for name, series_name in wanted.items():
        series = bench.series.get(series_name)
        path = series.slowest() if series else None
        if not path:
            continue
        print(f"floor of {name}: {path}", file=sys.stderr)
        bench.decide()
        statements = capture_statements(client, path)
        bench.floors[name] = (path, floor(bench.args.database_url, statements))


# -- the run ----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=int(os.environ.get("BENCH_CLAIMS", "100000")))
    parser.add_argument("--million", action="store_true", help="Same as --claims 1000000.")
    parser.add_argument("--urls", type=int, default=200, help="Distinct claim-list addresses.")
    parser.add_argument(
        "--requests", type=int, default=10, help="Requests per fixed row (indicator, deep page)."
    )
    parser.add_argument("--claim-pages", type=int, default=50, help="Distinct claim pages.")
    parser.add_argument(
        "--export-queries", type=int, default=40, help="Query strings for the JSON/API rows."
    )
    parser.add_argument("--readers", type=int, default=8)
    parser.add_argument("--concurrent-urls", type=int, default=400)
    parser.add_argument("--concurrency-seconds", type=float, default=60)
    parser.add_argument("--decision-interval", type=float, default=10)
    parser.add_argument("--memory-decisions", type=int, default=100)
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8027")))
    parser.add_argument("--sqlite-port", type=int, default=8029)
    parser.add_argument("--datasette-port", type=int, default=8030)
    parser.add_argument(
        "--workers", type=int, default=None, help="gunicorn workers (default: production's)."
    )
    parser.add_argument(
        "--cache-url",
        default=os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/13"),
        help="CACHE_URL for the server (default: production's, a local Redis, in a database of "
        "its own that the run empties first; locmem:// for a cache in each worker).",
    )
    parser.add_argument("--skip-sqlite", action="store_true", help="No SQLite/Datasette rows.")
    parser.add_argument("--skip-csv", action="store_true", help="No CSV export row.")
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.million:
        args.claims = 1_000_000
    if urlsplit(args.database_url).hostname not in ("127.0.0.1", "localhost"):
        parser.error("the benchmark only runs against a local database")
    production_environment(args.database_url, bench_headers=True, cache_url=args.cache_url)
    results_dir = ROOT / "bench-results"
    results_dir.mkdir(exist_ok=True)
    started = dt.datetime.now(dt.UTC)

    prepare_database(args)
    manage("collectstatic", "--noinput", "-v0")
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache

    # Entries of an earlier run (another size, the same version numbers) must not be served.
    cache.clear()

    facts = {
        "claims": args.claims,
        "started": f"{started:%Y-%m-%d %H:%M} UTC",
        "cpus": os.cpu_count(),
        "load_average_start": os.getloadavg()[0],
        "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
    }
    (results_dir / "gunicorn.log").write_text("")
    indicator, figures, copied = largest_indicator(LARGEST_INDICATOR_FIGURES)
    facts["indicator"] = {"slug": indicator.slug, "figures": figures, "copied": copied}
    server = start_gunicorn(args.port, results_dir / "gunicorn.log", workers=args.workers)
    try:
        time.sleep(2)  # let every worker boot
        facts["workers"] = len(worker_pids(server.pid))
        bench = run_postgresql(args, server.pid, indicator.slug, facts)
    finally:
        stop(server)
    # Memory on fresh workers: none recycled (after GUNICORN_MAX_REQUESTS) during the row.
    server = start_gunicorn(args.port, results_dir / "gunicorn.log", workers=args.workers)
    try:
        time.sleep(2)
        measure_memory(bench, server.pid, indicator.slug)
    finally:
        stop(server)
    measure_floors(bench)
    facts["decisions"] = bench.decide.count
    sqlite = run_sqlite(args, results_dir) if not args.skip_sqlite else {"status": "not run"}
    facts["load_average"] = os.getloadavg()[0]
    rows = table_rows(args, bench, sqlite)
    write_results(args, results_dir, facts, rows, bench, sqlite)
    return 0


def run_postgresql(args, master: int, indicator_slug: str, facts: dict) -> Bench:
    from tracker.models import Claim

    claims = Claim.objects.public().order_by("pk")
    decided = claims.first()
    decide = Decider(decided)
    bench = Bench(args=args, decide=decide, port=args.port)
    vocab = vocabulary(args.seed)
    queries = claim_list_queries(vocab, args.urls, seed=args.seed)
    pool = claim_list_queries(vocab, args.concurrent_urls, seed=args.seed + 1)
    rng = random.Random(args.seed)
    pks = list(claims.exclude(pk=decided.pk).values_list("pk", flat=True))
    claim_pks = rng.sample(pks, min(args.claim_pages, len(pks)))
    facts["vocabulary"] = {name: len(values) for name, values in vars(vocab).items()}
    bench.extra["indicator figures"] = f"{facts['indicator']['figures']:,} figures"

    get(args.port, "/en/claims/")  # the first request of each worker loads the code
    if not args.skip_csv:  # first, so that the worker's peak memory is the export's own
        measure_csv(bench, master)
    measure_lists(bench, queries)
    measure_claim_pages(bench, claim_pks)
    measure_indicator(bench, indicator_slug)
    measure_exports(bench, queries[: args.export_queries])
    measure_map_and_timeline(bench, queries[: args.export_queries])
    measure_deep_pages(bench)
    measure_concurrency(bench, pool)
    return bench


def run_sqlite(args, results_dir: Path) -> dict:
    """The SQLite comparison in a process of its own (Django set up on the SQLite file)."""
    output = results_dir / "sqlite-datasette.json"
    output.unlink(missing_ok=True)
    command = [
        str(BIN / "python"),
        str(ROOT / "tests" / "bench" / "sqlite_datasette.py"),
        f"--claims={args.claims}",
        f"--seed={args.seed}",
        f"--port={args.sqlite_port}",
        f"--datasette-port={args.datasette_port}",
        f"--requests={args.requests}",
        f"--output={output}",
    ]
    if args.workers:
        command.append(f"--workers={args.workers}")
    print("SQLite and Datasette...", file=sys.stderr)
    result = subprocess.run(command, cwd=ROOT)
    if result.returncode or not output.exists():
        return {"status": f"failed (exit {result.returncode})"}
    return json.loads(output.read_text())


# -- the table --------------------------------------------------------------------------------


def ms(value) -> str:
    return "–" if value is None else f"{value:,.0f} ms" if value >= 10 else f"{value:,.1f} ms"


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def mb(value) -> str:
    return "–" if value is None else f"{value:,.0f} MB"


def ratio_text(value) -> str:
    return "–" if value is None else f"{value:.2f}"


def ratio(numerator, denominator):
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def verdict(*checks) -> str:
    """ "met" when every check holds; "not met" when one fails; "not run" without values."""
    if any(check is None for check in checks):
        return "not run"
    return "met" if all(checks) else "not met"


def at_most(value, limit):
    return None if value is None else value <= limit


def errors_note(*series: Series | None) -> str:
    errors = sum(len(s.errors) for s in series if s is not None)
    return f"; {errors} errors" if errors else ""


def table_rows(args, bench: Bench, sqlite: dict) -> list[tuple[str, str, str, str]]:
    s = bench.series
    rows = []

    unc, warm = s["claim list, uncached"], s["claim list, warm"]
    rows.append(
        (
            f"claim list, uncached ({unc.summary()['distinct']} distinct addresses)",
            "p50 ≤ 100 ms, p95 ≤ 250 ms",
            f"p50 {ms(unc.p(50))}, p95 {ms(unc.p(95))}{errors_note(unc)}",
            verdict(at_most(unc.p(50), 100), at_most(unc.p(95), 250), not unc.errors),
        )
    )
    rows.append(
        (
            f"claim list, warm (same {warm.summary()['distinct']} addresses)",
            "p50 ≤ 30 ms",
            f"p50 {ms(warm.p(50))}, p95 {ms(warm.p(95))}{errors_note(warm)}",
            verdict(at_most(warm.p(50), 30), not warm.errors),
        )
    )
    conc = s["concurrent readers"]
    facts = bench.extra["concurrent readers"]
    rows.append(
        (
            f"{args.readers} concurrent readers, {conc.summary()['distinct']} distinct addresses "
            f"(of {facts['pool']}), {plural(facts['decisions'], 'decision')} in "
            f"{facts['seconds']:.0f} s",
            "≥ 40 requests/s, p95 ≤ 500 ms, 0 errors",
            f"{facts['requests_per_s']:.1f} requests/s, p50 {ms(conc.p(50))}, "
            f"p95 {ms(conc.p(95))}, {len(conc.errors)} errors",
            verdict(facts["requests_per_s"] >= 40, at_most(conc.p(95), 500), len(conc.errors) == 0),
        )
    )
    ind, ind_warm = s["largest indicator, uncached"], s["largest indicator, warm"]
    kb = ind.size / 1000 if ind.size is not None else None
    figures = bench.extra.get("indicator figures", "")
    rows.append(
        (
            f"largest indicator page, uncached ({figures})",
            "≤ 100 ms and ≤ 300 KB of HTML",
            f"p50 {ms(ind.p(50))}, p95 {ms(ind.p(95))}, "
            f"{'–' if kb is None else f'{kb:,.0f} KB'}; warm p50 {ms(ind_warm.p(50))}"
            f"{errors_note(ind)}",
            verdict(at_most(ind.p(50), 100), at_most(kb, 300), not ind.errors),
        )
    )
    page, page_warm = s["claim page, uncached"], s["claim page, warm"]
    rows.append(
        (
            f"claim page, uncached ({page.summary()['distinct']} claims)",
            "p50 ≤ 30 ms",
            f"p50 {ms(page.p(50))}, p95 {ms(page.p(95))}; warm p50 {ms(page_warm.p(50))}"
            f"{errors_note(page)}",
            verdict(at_most(page.p(50), 30), not page.errors),
        )
    )
    for name, label in (
        ("map view", "map view with its timeline (`/en/claims/map/`)"),
        ("/claims.geojson", "map data (`/claims.geojson`)"),
    ):
        unc_m, warm_m = s[f"{name}, uncached"], s[f"{name}, warm"]
        rows.append(
            (
                f"{label}, warm, same {warm_m.summary()['distinct']} query strings",
                "p50 ≤ 60 ms, queries constant in the data size",
                f"p50 {ms(warm_m.p(50))}, p95 {ms(warm_m.p(95))}, {warm_m.queries} queries "
                f"(median); uncached p50 {ms(unc_m.p(50))}, {unc_m.queries} queries"
                f"{errors_note(unc_m, warm_m)}",
                verdict(at_most(warm_m.p(50), 60), not warm_m.errors),
            )
        )
    html_u, html_w = s["exports: HTML list, uncached"], s["exports: HTML list, warm"]
    for name in ("/claims.json", "/api/claims/"):
        unc_e, warm_e = s[f"exports: {name}, uncached"], s[f"exports: {name}, warm"]
        r_unc, r_warm = ratio(unc_e.p(50), html_u.p(50)), ratio(warm_e.p(50), html_w.p(50))
        rows.append(
            (
                f"`{name}` ÷ HTML list, same {unc_e.summary()['distinct']} query strings "
                "(100 rows a page; the HTML list 25)",
                "≤ 1.2 (uncached and warm)",
                f"uncached {ratio_text(r_unc)} ({ms(unc_e.p(50))} ÷ {ms(html_u.p(50))}), "
                f"warm {ratio_text(r_warm)} ({ms(warm_e.p(50))} ÷ {ms(html_w.p(50))})"
                f"{errors_note(unc_e, warm_e)}",
                verdict(
                    at_most(r_unc, 1.2), at_most(r_warm, 1.2), not unc_e.errors + warm_e.errors
                ),
            )
        )
    deep_u, first_u = s["deep page, uncached"], s["page 1, uncached"]
    deep_w, first_w = s["deep page, warm"], s["page 1, warm"]
    r_unc, r_warm = ratio(deep_u.p(50), first_u.p(50)), ratio(deep_w.p(50), first_w.p(50))
    pages = ", ".join(f"{k} {v:,}" for k, v in bench.extra["deep pages"].items())
    rows.append(
        (
            f"deep page ÷ page 1 (pages: {pages})",
            "≤ 1.5 (uncached and warm)",
            f"uncached {ratio_text(r_unc)} ({ms(deep_u.p(50))} ÷ {ms(first_u.p(50))}), "
            f"warm {ratio_text(r_warm)} ({ms(deep_w.p(50))} ÷ {ms(first_w.p(50))})"
            f"{errors_note(deep_u, deep_w)}",
            verdict(at_most(r_unc, 1.5), at_most(r_warm, 1.5), not deep_u.errors + deep_w.errors),
        )
    )
    rows += sqlite_rows(sqlite)
    if args.claims >= 1_000_000:
        rows.append(
            (
                f"{args.claims:,} claims: claim list, uncached",
                "p50 ≤ 1 s",
                f"p50 {ms(unc.p(50))}, p95 {ms(unc.p(95))}",
                verdict(at_most(unc.p(50), 1000)),
            )
        )
    else:
        rows.append(
            (
                "1,000,000 claims: claim list, uncached",
                "p50 ≤ 1 s",
                "not run (`make bench BENCH_ARGS=--million`)",
                "not run",
            )
        )
    memory = bench.extra["worker memory"]
    each = ", ".join(f"{v:,.0f}" for v in memory["rss_mb"].values() if v)
    rows.append(
        (
            f"worker memory after {plural(memory['decisions'], 'decision')}, the largest "
            f"indicator viewed after each ({memory['workers_served']} of the workers served it"
            + (f", {memory['recycled']} recycled" if memory["recycled"] else "")
            + (f"; {memory['stopped']}" if memory["stopped"] else "")
            + ")",
            "≤ 250 MB per worker",
            f"largest {mb(memory['max_rss_mb'])}"
            f" (each: {each} MB){errors_note(s['memory: indicator views'])}",
            verdict(
                at_most(memory["max_rss_mb"], 250),
                memory["decisions"] >= args.memory_decisions,
                not s["memory: indicator views"].errors,
            ),
        )
    )
    csv = s.get("CSV export, all claims")
    if csv is not None:
        peak = bench.extra["CSV export, all claims"]["worker_peak_mb"]
        size = csv.size / 1e6 if csv.size else None
        rows.append(
            (
                "CSV export of all claims (earlier target)",
                "≤ 15 s, worker peak ≤ 200 MB",
                f"{ms(csv.p(50))}, "
                f"{'–' if size is None else f'{size:,.1f} MB'}, worker peak "
                f"{'–' if peak is None else f'{peak:,.0f} MB'}{errors_note(csv)}",
                verdict(at_most(csv.p(50), 15_000), at_most(peak, 200), not csv.errors),
            )
        )
    return rows


def sqlite_rows(sqlite: dict) -> list[tuple[str, str, str, str]]:
    views = sqlite.get("views")
    if not views:
        return [
            (
                "SQLite: app ÷ Datasette, uncached",
                "≤ 1.0",
                sqlite.get("status", "not run"),
                "not run",
            )
        ]
    rows = []
    for view in views:
        app, datasette = view["app"], view["datasette"]
        value = ratio(app["p50"], datasette["p50"])
        errors = app["errors"] + datasette["errors"]
        rows.append(
            (
                f"SQLite: {view['name']}, app uncached ÷ Datasette",
                "≤ 1.0",
                f"{ratio_text(value)} ({ms(app['p50'])} ÷ {ms(datasette['p50'])}; "
                f"app warm {ms(view['app_warm']['p50'])})"
                + (f"; {errors} errors" if errors else ""),
                verdict(at_most(value, 1.0), not errors),
            )
        )
    return rows


def render(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> str:
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def detail_rows(bench: Bench) -> list[tuple[str, ...]]:
    rows = []
    for name, series in bench.series.items():
        summary = series.summary()
        rows.append(
            (
                name,
                str(summary["n"]),
                str(summary["distinct"]),
                str(summary["errors"]),
                ms(summary["p50"]),
                ms(summary["p95"]),
                ms(summary["server_p50"]),
                ms(summary["server_p95"]),
                "–" if summary["queries"] is None else str(summary["queries"]),
                "–" if summary["size"] is None else f"{summary['size'] / 1000:,.0f} KB",
            )
        )
    return rows


def write_results(args, results_dir: Path, facts: dict, rows, bench: Bench, sqlite: dict) -> None:
    indicator = facts["indicator"]
    copied = f", {indicator['copied']:,} of them copies" if indicator["copied"] else ""
    header = (
        f"{args.claims:,} published synthetic claims, PostgreSQL, gunicorn with production "
        f"settings ({facts['workers']} workers), cache {facts['cache']}, "
        f"{facts['started']}, {facts['cpus']} CPUs, load average "
        f"{facts['load_average_start']:.1f} at the start, {facts['load_average']:.1f} at the "
        f"end; largest indicator {indicator['slug']} ({indicator['figures']:,} "
        f"figures{copied}); {facts['decisions']} decisions"
    )
    if args.claims != TARGET_CLAIMS:
        header += f". The targets are set for {TARGET_CLAIMS:,} claims."
    table = render(rows, ("request", "target", "measured", "met"))
    details = render(
        detail_rows(bench),
        (
            "series",
            "requests",
            "distinct",
            "errors",
            "p50",
            "p95",
            "server p50",
            "server p95",
            "queries",
            "largest body",
        ),
    )
    floors = render(
        [
            (
                name,
                f"`{path}`",
                str(result["statements"]),
                ms(result["total_ms"]),
                ms(result["slowest_ms"]),
            )
            for name, (path, result) in bench.floors.items()
        ],
        ("row", "slowest request (uncached)", "statements", "floor: all replayed", "slowest one"),
    )
    print(f"\n{header}\n\n{table}\n\n{details}\n\nSQL floor:\n\n{floors}")
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = results_dir / f"bench-{args.claims}-{stamp}.md"
    plans = "\n\n".join(
        f"### {name}: `{url}`\n\n{result['statements']} statements, all replayed in "
        f"{ms(result['total_ms'])}; the slowest, {ms(result['slowest_ms'])}:\n\n"
        f"```sql\n{result['slowest_sql']}\n```\n\n```\n{result['plan']}\n```"
        for name, (url, result) in bench.floors.items()
    )
    sqlite_note = ""
    if sqlite.get("views"):
        sqlite_note = "\n\n## SQLite and Datasette\n\n" + sqlite.get("note", "") + "\n\n"
        sqlite_note += render(
            [
                (
                    view["name"],
                    f"`{view['app']['example']}`",
                    f"`{view['datasette']['example']}`",
                    ms(view["app"]["p50"]),
                    ms(view["app_warm"]["p50"]),
                    ms(view["datasette"]["p50"]),
                )
                for view in sqlite["views"]
            ],
            (
                "view",
                "app (example)",
                "Datasette (example)",
                "app uncached p50",
                "app warm p50",
                "Datasette p50",
            ),
        )
    path.write_text(
        f"# Benchmark\n\n{header}\n\n{table}\n\n## Every series (client-side times)\n\n"
        f"{details}{sqlite_note}\n\n## SQL floor\n\n{floors}\n\n## Plans of the slowest "
        f"statements\n\n{plans}\n"
    )
    path.with_suffix(".json").write_text(
        json.dumps(
            {
                "facts": facts,
                "rows": rows,
                "series": {name: s.summary() for name, s in bench.series.items()},
                "extra": bench.extra,
                "floors": bench.floors,
                "sqlite": sqlite,
            },
            indent=2,
            default=str,
        )
    )
    print(f"\nWritten to {path.relative_to(ROOT)} (with the details and the plans).")


if __name__ == "__main__":
    sys.exit(main())
