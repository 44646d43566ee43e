"""`make load`: a bounded load run on loopback against gunicorn and PostgreSQL.

Loads ``--claims`` synthetic published claims into a PostgreSQL database of its own (the
benchmark's loader; reused when it already holds that many), starts gunicorn on 127.0.0.1 with
production settings, then ``--threads`` clients send ``--requests`` requests in all, shared
between the public claim list, a search and a claim page, with a time limit. Prints requests per
second, p50/p95 latency per page and the number of errors; exits non-zero on any error.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.common import (  # noqa: E402
    HOST,
    ROOT,
    manage,
    production_environment,
    start_gunicorn,
)
from tests.bench.run import prepare_database  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/tracker_load"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=int(os.environ.get("LOAD_CLAIMS", "5000")))
    parser.add_argument(
        "--requests", type=int, default=int(os.environ.get("LOAD_REQUESTS", "1500"))
    )
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--time-limit", type=float, default=120.0, help="seconds")
    parser.add_argument("--port", type=int, default=int(os.environ.get("LOAD_PORT", "8028")))
    parser.add_argument(
        "--database-url", default=os.environ.get("LOAD_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if urlsplit(args.database_url).hostname not in ("127.0.0.1", "localhost"):
        parser.error("the load run only targets a local database")
    production_environment(args.database_url, bench_headers=False)
    results_dir = ROOT / "bench-results"
    results_dir.mkdir(exist_ok=True)

    prepare_database(args)
    manage("collectstatic", "--noinput", "-v0")
    paths = target_paths()
    server = start_gunicorn(args.port, results_dir / "load-gunicorn.log", workers=args.workers)
    try:
        return run(args, paths)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def target_paths() -> dict[str, str]:
    import django

    django.setup()
    from tracker.models import Claim

    claims = Claim.objects.public().order_by("pk")
    claim = claims[claims.count() // 2]
    return {
        "claim list": "/en/claims/",
        "search": "/en/claims/?q=hunger",
        "claim page": claim.get_absolute_url(),
    }


def fetch(port: int, path: str) -> tuple[int, float]:
    started = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": HOST})
        response = connection.getresponse()
        response.read()
        return response.status, (time.perf_counter() - started) * 1000
    finally:
        connection.close()


def run(args, paths: dict[str, str]) -> int:
    names = list(paths)
    for name in names:  # warm-up: one of each, not counted
        fetch(args.port, paths[name])
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    counter = iter(range(args.requests))
    lock = threading.Lock()
    deadline = time.monotonic() + args.time_limit

    def client() -> None:
        while time.monotonic() < deadline:
            with lock:
                number = next(counter, None)
            if number is None:
                return
            name = names[number % len(names)]
            try:
                status, elapsed = fetch(args.port, paths[name])
            except OSError as error:
                with lock:
                    errors.append(f"{name}: {error}")
                continue
            with lock:
                if status != 200:
                    errors.append(f"{name}: HTTP {status}")
                latencies[name].append(elapsed)

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(args.threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    done = sum(len(values) for values in latencies.values())

    print(
        f"{done} requests in {elapsed:.1f} s with {args.threads} clients, "
        f"{args.workers} gunicorn workers, {args.claims:,} claims: "
        f"{done / elapsed:.1f} requests/s, {len(errors)} errors"
    )
    print(f"{'page':<12} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8}")
    for name in names:
        values = latencies[name]
        if len(values) >= 2:
            p50 = statistics.median(values)
            p95 = statistics.quantiles(values, n=100, method="inclusive")[94]
            print(f"{name:<12} {len(values):>9} {p50:>8.1f} {p95:>8.1f}")
    for error in errors[:10]:
        print(f"error: {error}")
    if done < args.requests:
        print(f"Stopped at the time limit: {args.requests - done} requests not sent.")
    return 1 if errors or done == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
