"""The app on SQLite (what `make run` gives a new user) against Datasette on the same file.

Loads ``--claims`` published synthetic claims into a SQLite file of its own
(``bench-results/tracker-bench-<N>.sqlite3``, reused when it holds that many), serves it with
gunicorn (production settings, as ``run.py``) and with ``datasette`` (its defaults, the file
opened as it is, on a port of its own), and times comparable views: the claim list with
facets, filtered by columns, searched, a deep page (Datasette's keyset ``_next``), a claim's
page. The app is timed uncached (a decision through the workflow before each request) and
warm; Datasette keeps no cache of its own, so each of its requests is as it comes. Writes the
results as JSON for ``run.py``; runs alone too.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.common import (  # noqa: E402
    BIN,
    HOST,
    ROOT,
    Series,
    get,
    manage,
    production_environment,
    start_gunicorn,
    stop,
    wait_for_port,
    warm_fetch,
)
from tests.bench.run import sample_texts  # noqa: E402
from tests.bench.urls import search_words  # noqa: E402

PAGE_SIZE = 25
DEEP_PAGE = 2000
# The claim list's order (newest event first, nulls last, then newest entry), its page size
# and the facets that are plain columns of the claim (the app also facets categories,
# organisations and years, which Datasette cannot on this table).
DATASETTE_LIST = {
    "status": "published",
    "_sort_desc": "event_start",
    "_size": str(PAGE_SIZE),
}
DATASETTE_FACETS = [("_facet", "country"), ("_facet", "verification"), ("_facet", "location_id")]
NOTE = (
    "Datasette 0.65 serves the same SQLite file with its default settings (a 1 s limit per "
    "query, 200 ms per facet, facet suggestions on); its table view is asked for what the "
    "app's list shows: published claims, newest event first, 25 rows, facets on the claim's "
    "own columns (country, grade, place). No full-text index is configured on the file, so "
    "Datasette searches with `search_text__contains` (a LIKE), as the app does on SQLite. "
    "Its deep page is the keyset `_next` token of the same row. The app is timed uncached: "
    "a decision through the workflow before each request."
)


def published_synthetic(path: Path) -> int | None:
    if not path.exists():
        return None
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            return conn.execute(
                "SELECT count(*) FROM tracker_claim WHERE status = 'published' "
                "AND slug LIKE 'synthetic-%'"
            ).fetchone()[0]
    except sqlite3.Error:
        return None


def prepare_file(path: Path, claims: int, seed: int) -> None:
    if published_synthetic(path) == claims:
        print(f"Reusing {claims:,} synthetic claims in {path.name}.", file=sys.stderr)
        manage("migrate", "--noinput", "-v0")
        return
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    print(f"Loading {claims:,} synthetic claims into {path.name}...", file=sys.stderr)
    started = time.perf_counter()
    manage("migrate", "--noinput", "-v0")
    manage("generate_synthetic", "--claims", str(claims), "--seed", str(seed))
    print(f"Loaded in {time.perf_counter() - started:.1f} s.", file=sys.stderr)


def start_datasette(path: Path, port: int, log_path: Path) -> subprocess.Popen:
    log = open(log_path, "a")  # noqa: SIM115 - kept open for the server's lifetime
    server = subprocess.Popen(
        [str(BIN / "datasette"), "serve", str(path), "--host", HOST, "--port", str(port)],
        cwd=ROOT,
        stdout=log,
        stderr=log,
    )
    return wait_for_port(server, port, "datasette", log_path)


def datasette_list(database: str, *extra: tuple[str, str], facets: bool = True) -> str:
    params = list(DATASETTE_LIST.items()) + (DATASETTE_FACETS if facets else []) + list(extra)
    return f"/{quote(database)}/tracker_claim?{urlencode(params)}"


def datasette_next_token(port: int, database: str, offset: int) -> str:
    """The ``_next`` token that starts the list at row ``offset``, walking 1,000 rows a step."""
    token, done = "", 0
    while done < offset:
        size = min(1000, offset - done)
        params = {**DATASETTE_LIST, "_size": str(size)}
        if token:
            params["_next"] = token
        response = get(port, f"/{quote(database)}/tracker_claim.json?{urlencode(params)}")
        if response.status != 200:
            raise RuntimeError(f"Datasette answered {response.status} while paging")
        data = json.loads(response.body)
        token = data["next"]
        done += size
    return token


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--port", type=int, default=8029)
    parser.add_argument("--datasette-port", type=int, default=8030)
    parser.add_argument("--requests", type=int, default=10, help="Requests per view.")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--file", type=Path, default=None)
    parser.add_argument("--output", type=Path, default=ROOT / "bench-results" / "sqlite.json")
    args = parser.parse_args()
    results_dir = ROOT / "bench-results"
    results_dir.mkdir(exist_ok=True)
    path = (args.file or results_dir / f"tracker-bench-{args.claims}.sqlite3").resolve()
    production_environment(f"sqlite:///{path}", bench_headers=True)
    prepare_file(path, args.claims, args.seed)
    manage("collectstatic", "--noinput", "-v0")

    import django

    django.setup()
    from tracker.models import Claim, VerificationGrade
    from tracker.workflow import set_verification

    rng = random.Random(args.seed)
    claims = Claim.objects.public().order_by("pk")
    decided = claims.first()

    def decide() -> None:
        decided.refresh_from_db()
        grade = "corroborated" if decided.verification != "corroborated" else "unverified"
        set_verification(decided, by=None, grade=grade, rationale="Benchmark: a decision.")

    countries = sorted(set(claims.values_list("country", flat=True).distinct()))
    texts = sample_texts(claims, random.Random(args.seed))
    words = search_words(texts, seed=args.seed)
    pks = list(claims.exclude(pk=decided.pk).values_list("pk", flat=True))
    total = claims.count()
    deep = max(1, min(DEEP_PAGE, -(-total // PAGE_SIZE)))
    database = path.stem

    app = start_gunicorn(args.port, results_dir / "sqlite-gunicorn.log", workers=args.workers)
    datasette = start_datasette(path, args.datasette_port, results_dir / "datasette.log")
    try:
        token = datasette_next_token(args.datasette_port, database, (deep - 1) * PAGE_SIZE)
        n = args.requests
        pairs = [(rng.choice(countries), rng.choice(VerificationGrade.values)) for _ in range(n)]
        chosen_words = [rng.choice(words) for _ in range(n)]
        chosen_pks = rng.sample(pks, min(n, len(pks)))
        views = [
            ("claim list", ["/en/claims/"] * n, [datasette_list(database)] * n),
            (
                "claim list filtered by two columns",
                [f"/en/claims/?{urlencode({'country': c, 'grade': g})}" for c, g in pairs],
                [datasette_list(database, ("country", c), ("verification", g)) for c, g in pairs],
            ),
            (
                "claim list, search for a word",
                [f"/en/claims/?{urlencode({'q': w})}" for w in chosen_words],
                [datasette_list(database, ("search_text__contains", w)) for w in chosen_words],
            ),
            (
                f"deep page ({deep:,})",
                [f"/en/claims/?page={deep}"] * n,
                [datasette_list(database, *([("_next", token)] if token else []))] * n,
            ),
            (
                "claim page",
                [f"/en/claims/{pk}/" for pk in chosen_pks],
                [f"/{quote(database)}/tracker_claim/{pk}" for pk in chosen_pks],
            ),
        ]
        get(args.port, "/en/claims/")  # the first request of a worker loads the code
        get(args.datasette_port, f"/{quote(database)}/tracker_claim")
        results = []
        for name, app_paths, datasette_paths in views:
            print(f"SQLite: {name} ({n} requests each)...", file=sys.stderr)
            uncached, warm, theirs = Series(), Series(), Series()
            for app_path, datasette_path in zip(app_paths, datasette_paths, strict=True):
                decide()
                response = uncached.fetch(args.port, app_path)
                served = {response.pid} if response is not None and response.pid else set()
                warm_fetch(warm, args.port, app_path, served=served)
                theirs.fetch(args.datasette_port, datasette_path)
            results.append(
                {
                    "name": name,
                    "app": {**uncached.summary(), "example": app_paths[0]},
                    "app_warm": warm.summary(),
                    "datasette": {**theirs.summary(), "example": datasette_paths[0]},
                }
            )
    finally:
        stop(app)
        stop(datasette)
    args.output.write_text(
        json.dumps(
            {"claims": args.claims, "file": str(path), "note": NOTE, "views": results},
            indent=2,
            default=str,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
