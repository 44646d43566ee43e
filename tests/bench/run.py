"""`make bench`: serve synthetic data with gunicorn and measure the public pages over HTTP.

Loads ``--claims`` published synthetic claims into a PostgreSQL database of its own (reused when
it already holds that many), runs collectstatic, starts gunicorn on 127.0.0.1 with production
settings plus timing headers, and for every request measures p50/p95 latency (client and server
side) and queries per request after a warm-up. The same lists are measured through the Django
admin changelist (facets shown) and as a raw SQL floor: the page's own statements replayed through
psycopg. Prints one table and writes it, with the slowest statements' plans, to bench-results/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/tracker_bench"
ADMIN_USERNAME = "bench-admin"
SEARCH_TERM = "hunger"
THREE_FILTERS = {"country": "SV", "grade": "verified"}  # plus the busiest category
# The targets at 100,000 published claims (p50, server side), in milliseconds.
TARGETS = {
    "claim list": 60,
    "claim list, 3 filters": 60,
    "claim list, search": 100,
    "claim list, cold cache": 250,
    "claim list, 3 filters, cold cache": 250,
    "claim list, search, cold cache": 250,
    "claim page": 15,
    "indicator page": 30,
    "claim map": 60,
    "claims GeoJSON": 60,
    "CSV export, all claims": 15_000,
}
# At 1,000,000 published claims the only target is the warm claim list with facets.
TARGETS_MILLION = {"claim list": 150}
CSV_MEMORY_TARGET_MB = 200


def targets_for(claims: int) -> dict:
    return TARGETS_MILLION if claims >= 1_000_000 else TARGETS


@dataclass
class Endpoint:
    name: str
    path: str
    admin_path: str = ""
    streamed: bool = False
    check: object = None  # callable(body) -> str | None: a problem with the response, if any


@dataclass
class Timing:
    status: str = "ok"
    client_ms: list = field(default_factory=list)
    server_ms: list = field(default_factory=list)
    queries: list = field(default_factory=list)
    pids: set = field(default_factory=set)
    size: int = 0

    def p(self, values: list, q: int) -> float | None:
        if not values:
            return None
        if len(values) == 1:
            return values[0]
        return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=int(os.environ.get("BENCH_CLAIMS", "100000")))
    parser.add_argument("--million", action="store_true", help="Same as --claims 1000000.")
    parser.add_argument("--requests", type=int, default=int(os.environ.get("BENCH_REQUESTS", 20)))
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8027")))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--timeout",
        type=int,
        default=600,
        help="gunicorn's worker timeout in seconds: the CSV export of all claims must fit in it.",
    )
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.million:
        args.claims = 1_000_000
    if urlsplit(args.database_url).hostname not in ("127.0.0.1", "localhost"):
        parser.error("the benchmark only runs against a local database")
    production_environment(args.database_url, bench_headers=True)
    results_dir = ROOT / "bench-results"
    results_dir.mkdir(exist_ok=True)

    prepare_database(args)
    manage("collectstatic", "--noinput", "-v0")
    server = start_gunicorn(args, results_dir / "gunicorn.log", timeout=args.timeout)
    try:
        return run(args, results_dir)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def production_environment(database_url: str, *, bench_headers: bool) -> None:
    """Production settings for the server and this process, on ``database_url`` only (no
    replica), with the timing headers when ``bench_headers``."""
    os.environ.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="tracker.settings",
        DEBUG="0",
        SECRET_KEY="bench-only-secret-key-not-for-production",
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="0",
        LOG_LEVEL="WARNING",
    )
    os.environ.pop("DATABASE_REPLICA_URL", None)
    if bench_headers:
        os.environ["BENCH_HEADERS"] = "1"
    else:
        os.environ.pop("BENCH_HEADERS", None)


# -- the data ---------------------------------------------------------------------------------


def manage(*arguments: str) -> None:
    subprocess.run([str(BIN / "python"), "manage.py", *arguments], cwd=ROOT, check=True)


def psql_connect(url: str, **kwargs):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname=kwargs.pop("dbname", parts.path.lstrip("/")),
        autocommit=True,
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
        with psql_connect(args.database_url) as conn:
            conn.execute("ANALYZE")
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


# -- the server -------------------------------------------------------------------------------


def start_gunicorn(args, log_path: Path, *, timeout: int = 120) -> subprocess.Popen:
    with socket.socket() as probe:
        if probe.connect_ex((HOST, args.port)) == 0:
            sys.exit(f"Port {args.port} is already in use.")
    log = open(log_path, "w")  # noqa: SIM115 - kept open for the server's lifetime
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "tracker.wsgi:application",
            f"--bind={HOST}:{args.port}",
            f"--workers={args.workers}",
            f"--timeout={timeout}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        stdout=log,
        stderr=log,
    )
    for _ in range(60):
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped at start-up; see {log_path}.")
        with socket.socket() as probe:
            if probe.connect_ex((HOST, args.port)) == 0:
                return server
        time.sleep(0.5)
    server.terminate()
    sys.exit("gunicorn did not start within 30 seconds.")


def worker_peak_mb(pids: set[int]) -> dict[int, float]:
    """Peak resident memory (VmHWM) of each gunicorn worker seen so far, in MB."""
    peaks = {}
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:
            continue
        match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
        if match:
            peaks[pid] = int(match.group(1)) / 1024
    return peaks


# -- measuring --------------------------------------------------------------------------------


def request(port: int, path: str, cookie: str = "", timeout: float = 60) -> tuple:
    """GET ``path``; return (status, client ms, headers, body, size). Streams are not kept."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    headers = {"Host": HOST, "Accept-Encoding": "identity"}
    if cookie:
        headers["Cookie"] = cookie
    started = time.perf_counter()
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body, size = b"", 0
        while chunk := response.read(1 << 16):
            size += len(chunk)
            if size <= 4 << 20:
                body += chunk
        elapsed = (time.perf_counter() - started) * 1000
        return response.status, elapsed, dict(response.getheaders()), body, size
    finally:
        connection.close()


def measure(args, endpoint_path: str, *, count: int, warmup: int, cookie="", check=None):
    """Time ``endpoint_path``; a response cut short (a worker timeout) is reported, not raised."""
    try:
        return measure_or_raise(
            args, endpoint_path, count=count, warmup=warmup, cookie=cookie, check=check
        )
    except (http.client.HTTPException, OSError) as error:
        return Timing(status=f"failed ({type(error).__name__})")


def measure_or_raise(args, endpoint_path: str, *, count: int, warmup: int, cookie, check):
    timing = Timing()
    status, _, _, body, _ = request(args.port, endpoint_path, cookie, timeout=300)
    if status != 200:
        timing.status = "missing (404)" if status == 404 else f"error ({status})"
        return timing
    if check and (problem := check(body.decode(errors="replace"))):
        timing.status = problem
    for number in range(warmup + count):
        status, elapsed, headers, _, size = request(args.port, endpoint_path, cookie, 300)
        if status != 200:
            timing.status = f"error ({status})"
            return timing
        if number < warmup:
            continue
        timing.client_ms.append(elapsed)
        timing.size = size
        duration = re.search(r"dur=([\d.]+)", headers.get("Server-Timing", ""))
        if duration:
            timing.server_ms.append(float(duration.group(1)))
        if "X-Bench-Queries" in headers:
            timing.queries.append(int(headers["X-Bench-Queries"]))
        if "X-Bench-Pid" in headers:
            timing.pids.add(int(headers["X-Bench-Pid"]))
    return timing


def measure_cold(args, endpoint_path: str, *, count: int, decide) -> Timing:
    """Each request is the first after a workflow decision: the cached counts are stale."""
    timing = Timing()
    for _ in range(count):
        decide()
        try:
            status, elapsed, headers, _, _ = request(args.port, endpoint_path, timeout=300)
        except (http.client.HTTPException, OSError) as error:
            timing.status = f"failed ({type(error).__name__})"
            return timing
        if status != 200:
            timing.status = f"error ({status})"
            return timing
        timing.client_ms.append(elapsed)
        duration = re.search(r"dur=([\d.]+)", headers.get("Server-Timing", ""))
        if duration:
            timing.server_ms.append(float(duration.group(1)))
        if "X-Bench-Queries" in headers:
            timing.queries.append(int(headers["X-Bench-Queries"]))
    return timing


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


def sql_floor(database_url: str, statements: list[str], count: int) -> tuple[list, str, float]:
    """Replay SELECT statements through psycopg; return the totals, the slowest one and its ms."""
    selects = [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]
    totals, slowest = [], {}
    with psql_connect(database_url) as conn:
        for number in range(count + 2):
            total = 0.0
            for sql in selects:
                started = time.perf_counter()
                cursor = conn.execute(sql)
                if cursor.description:
                    cursor.fetchall()
                elapsed = (time.perf_counter() - started) * 1000
                total += elapsed
                slowest.setdefault(sql, []).append(elapsed)
            if number >= 2:  # two warm-up rounds
                totals.append(total)
    if not slowest:
        return totals, "", 0.0
    sql, times = max(slowest.items(), key=lambda item: statistics.median(item[1]))
    return totals, sql, statistics.median(times)


def explain(database_url: str, sql: str) -> str:
    with psql_connect(database_url) as conn:
        rows = conn.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}").fetchall()
    return "\n".join(row[0] for row in rows)


# -- the run ----------------------------------------------------------------------------------


def run(args, results_dir: Path) -> int:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db.models import Count, Q
    from django.test import Client

    from tracker.models import Category, Claim, Indicator
    from tracker.models.base import normalize_search_text

    published = Q(claims__status="published")
    category = (
        Category.objects.annotate(n=Count("claims", filter=published)).order_by("-n", "pk").first()
    )
    claims = Claim.objects.public().order_by("pk")
    claim = claims[claims.count() // 2]
    indicator = (
        Indicator.objects.annotate(n=Count("statistics", filter=Q(statistics__status="published")))
        .order_by("-n", "pk")
        .filter(slug__startswith="synthetic-")
    )
    indicator = indicator[indicator.count() // 2]
    admin, _ = get_user_model().objects.get_or_create(
        username=ADMIN_USERNAME, defaults={"is_staff": True, "is_superuser": True}
    )
    admin_client = Client(HTTP_HOST=HOST)
    admin_client.force_login(admin)
    # Admins log in with two factors: the session is marked as verified by the admin's device.
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(
        user=admin, name="Benchmark", defaults={"confirmed": True}
    )
    session = admin_client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    admin_cookie = f"sessionid={admin_client.cookies['sessionid'].value}"
    public_client = Client(HTTP_HOST=HOST)

    filters = {"category": category.slug, **THREE_FILTERS}
    admin_base = "/admin/tracker/claim/?"
    admin_filters = {
        "status__exact": "published",
        "categories__id__exact": category.pk,
        "country__exact": THREE_FILTERS["country"],
        "verification__exact": THREE_FILTERS["grade"],
        "_facets": "True",
    }

    def listed_ids(body: str) -> list[int]:
        return [int(pk) for pk in re.findall(r'href="/en/claims/(\d+)/"', body)]

    def filters_applied(body: str) -> str | None:
        ids = listed_ids(body)
        matching = Claim.objects.public().filter(
            pk__in=ids,
            categories=category,
            country=THREE_FILTERS["country"],
            verification=THREE_FILTERS["grade"],
        )
        if not ids or matching.count() != len(set(ids)):
            return "filters ignored"
        return None

    def search_applied(body: str) -> str | None:
        ids = listed_ids(body)
        term = normalize_search_text(SEARCH_TERM)
        matching = Claim.objects.filter(pk__in=ids, search_text__contains=term)
        if not ids or matching.count() != len(set(ids)):
            return "search ignored"
        return None

    endpoints = [
        Endpoint(
            "claim list",
            "/en/claims/",
            admin_base + urlencode({"status__exact": "published", "_facets": "True"}),
        ),
        Endpoint(
            "claim list, 3 filters",
            "/en/claims/?" + urlencode(filters),
            admin_base + urlencode(admin_filters),
            check=filters_applied,
        ),
        Endpoint(
            "claim list, search",
            "/en/claims/?" + urlencode({"q": SEARCH_TERM}),
            admin_base
            + urlencode({"q": SEARCH_TERM, "status__exact": "published", "_facets": "True"}),
            check=search_applied,
        ),
        Endpoint("claim page", f"/en/claims/{claim.pk}/"),
        Endpoint("indicator page", f"/en/indicators/{indicator.slug}/"),
        Endpoint("CSV export, all claims", "/claims.csv", streamed=True),
        Endpoint("JSON API list", "/api/claims/"),
        # The map view (markers, table, facets and timeline) and its open data.
        Endpoint("claim map", "/en/claims/map/"),
        Endpoint("claims GeoJSON", "/claims.geojson"),
    ]

    rows, plans, workers = [], [], set()
    for endpoint in endpoints:
        print(f"measuring {endpoint.name}...", file=sys.stderr)
        # A streamed export: its first (checked) request is the warm-up, then two timed ones.
        count = 2 if endpoint.streamed else args.requests
        warmup = 0 if endpoint.streamed else args.warmup
        peaks_before = worker_peak_mb(workers) if endpoint.streamed else {}
        timing = measure(args, endpoint.path, count=count, warmup=warmup, check=endpoint.check)
        workers |= timing.pids
        row = {"request": endpoint.name, "path": endpoint.path, "status": timing.status}
        row.update(summary(timing))
        if endpoint.streamed and timing.client_ms:
            peaks = worker_peak_mb(timing.pids)
            row["peak_mb"] = max(peaks.values(), default=0)
            row["peak_mb_before"] = max(peaks_before.values(), default=0)
            row["size_mb"] = timing.size / 1e6
        if timing.client_ms and not endpoint.streamed:
            statements = capture_statements(public_client, endpoint.path)
            totals, slow_sql, slow_ms = sql_floor(args.database_url, statements, args.requests)
            row["floor_p50"] = statistics.median(totals) if totals else None
            if slow_sql:
                plans.append(
                    (endpoint.name, slow_ms, slow_sql, explain(args.database_url, slow_sql))
                )
        if endpoint.admin_path and timing.client_ms:
            admin_timing = measure(
                args, endpoint.admin_path, count=args.requests, warmup=1, cookie=admin_cookie
            )
            row["admin_status"] = admin_timing.status
            row["admin"] = summary(admin_timing)
            statements = capture_statements(admin_client, endpoint.admin_path)
            totals, *_ = sql_floor(args.database_url, statements, max(3, args.requests // 4))
            row["admin"]["floor_p50"] = statistics.median(totals) if totals else None
        rows.append(row)

    # Cold cache: before each request a reviewer's grade change (through the workflow, as on the
    # site) bumps the public-data version, so the request recomputes its count and facets.
    from tracker.workflow import set_verification

    grades = iter(["corroborated", "unverified"] * args.requests * 3)
    graded = claims.exclude(pk=claim.pk).first()

    def decide() -> None:
        graded.refresh_from_db()
        grade = next(grades)
        if grade == graded.verification:
            grade = next(grades)
        set_verification(graded, by=None, grade=grade, rationale="Benchmark: a decision.")

    for endpoint in endpoints[:3]:
        name = f"{endpoint.name}, cold cache"
        print(f"measuring {name}...", file=sys.stderr)
        timing = measure_cold(args, endpoint.path, count=max(3, args.requests // 2), decide=decide)
        rows.append({"request": name, "path": endpoint.path, **summary(timing)})

    header = (
        f"Benchmark, {args.claims:,} published synthetic claims, PostgreSQL, gunicorn "
        f"{args.workers} workers, {args.requests} requests after {args.warmup} warm-up, "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    table = render(rows, targets_for(args.claims))
    print(f"\n{header}\n\n{table}")
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = results_dir / f"bench-{args.claims}-{stamp}.md"
    plan_text = "\n\n".join(
        f"### {name}: slowest statement ({ms:.1f} ms)\n\n```sql\n{sql}\n```\n\n```\n{plan}\n```"
        for name, ms, sql, plan in plans
    )
    path.write_text(f"# {header}\n\n{table}\n\n## Query plans\n\n{plan_text}\n")
    path.with_suffix(".json").write_text(json.dumps(rows, indent=2, default=str))
    print(f"\nWritten to {path.relative_to(ROOT)} (with the slowest statements' plans).")
    return 0


def summary(timing: Timing) -> dict:
    return {
        "status": timing.status,
        "p50": timing.p(timing.client_ms, 50),
        "p95": timing.p(timing.client_ms, 95),
        "server_p50": timing.p(timing.server_ms, 50),
        "server_p95": timing.p(timing.server_ms, 95),
        "queries": round(statistics.median(timing.queries)) if timing.queries else None,
    }


def ms(value) -> str:
    return "–" if value is None else f"{value:,.1f}"


def ratio(numerator, denominator) -> str:
    if numerator is None or not denominator:
        return "–"
    return f"{numerator / denominator:.2f}"


def verdict(row: dict, targets: dict) -> str:
    target = targets.get(row["request"])
    measured = row["p50"] if row["request"].startswith("CSV") else row["server_p50"]
    if target is None or measured is None:
        return "–"
    ok = measured <= target
    if "peak_mb" in row:
        ok = ok and row["peak_mb"] <= CSV_MEMORY_TARGET_MB
    return f"{'met' if ok else 'MISSED'} (≤ {target:,} ms)"


def render(rows: list[dict], targets: dict) -> str:
    lines = [
        "| request | status | p50 ms | p95 ms | server p50 ms | server p95 ms | queries "
        "| SQL floor p50 ms | server / floor | admin server p50 ms | admin queries "
        "| server / admin | target (server p50) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        admin = row.get("admin", {})
        status = row["status"]
        if "peak_mb" in row:
            status += f"; {row['size_mb']:.1f} MB, worker peak {row['peak_mb']:.0f} MB"
        if row.get("admin_status", "ok") != "ok":
            status += f"; admin {row['admin_status']}"
        lines.append(
            "| "
            + " | ".join(
                [
                    row["request"],
                    status,
                    ms(row["p50"]),
                    ms(row["p95"]),
                    ms(row["server_p50"]),
                    ms(row["server_p95"]),
                    "–" if row["queries"] is None else str(row["queries"]),
                    ms(row.get("floor_p50")),
                    ratio(row["server_p50"], row.get("floor_p50")),
                    ms(admin.get("server_p50")),
                    "–" if admin.get("queries") is None else str(admin["queries"]),
                    ratio(row["server_p50"], admin.get("server_p50")),
                    verdict(row, targets),
                ]
            )
            + " |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
