"""What `make bench` and `make load` share: the environment, the server, HTTP timing, statistics.

Nothing here sets Django up: the callers do, once they have chosen their database.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
SECRET_KEY = "bench-only-secret-key-not-for-production"


def production_environment(database_url: str, *, bench_headers: bool, cache_url: str = "") -> None:
    """Production settings for the server and this process, on ``database_url`` only (no
    replica), with the timing headers when ``bench_headers``. gunicorn reads its own
    production defaults (``gunicorn.conf.py``): workers and timeouts are not overridden here.
    The cache is production's default unless ``cache_url`` names another."""
    os.environ.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="tracker.settings",
        DEBUG="0",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="0",
        LOG_LEVEL="WARNING",
        # The benchmark's decisions are made in its own process only to make every cached page
        # stale; refreshing the busiest pages there would compete with the requests it times.
        REFRESH_AHEAD="0",
    )
    for name in ("DATABASE_REPLICA_URL", "CACHE_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    if cache_url:
        os.environ["CACHE_URL"] = cache_url
    if bench_headers:
        os.environ["BENCH_HEADERS"] = "1"
    else:
        os.environ.pop("BENCH_HEADERS", None)


def manage(*arguments: str, env: dict | None = None) -> None:
    subprocess.run(
        [str(BIN / "python"), "manage.py", *arguments],
        cwd=ROOT,
        check=True,
        env={**os.environ, **(env or {})},
    )


# -- the server -------------------------------------------------------------------------------


def start_gunicorn(
    port: int, log_path: Path, *, workers: int | None = None, env: dict | None = None
) -> subprocess.Popen:
    """gunicorn with ``gunicorn.conf.py`` (production's workers, timeouts and recycling), bound
    to 127.0.0.1:``port``; ``workers`` overrides WEB_CONCURRENCY only when given."""
    with socket.socket() as probe:
        if probe.connect_ex((HOST, port)) == 0:
            sys.exit(f"Port {port} is already in use.")
    environment = {**os.environ, **(env or {}), "GUNICORN_BIND": f"{HOST}:{port}"}
    for name in (
        "WEB_CONCURRENCY",
        "GUNICORN_TIMEOUT",
        "GUNICORN_MAX_REQUESTS",
        "GUNICORN_THREADS",
    ):
        environment.pop(name, None)
    if workers:
        environment["WEB_CONCURRENCY"] = str(workers)
    log = open(log_path, "a")  # noqa: SIM115 - kept open for the server's lifetime
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py"],
        cwd=ROOT,
        stdout=log,
        stderr=log,
        env=environment,
    )
    return wait_for_port(server, port, "gunicorn", log_path)


def wait_for_port(server: subprocess.Popen, port: int, name: str, log_path: Path):
    for _ in range(120):
        if server.poll() is not None:
            sys.exit(f"{name} stopped at start-up; see {log_path}.")
        with socket.socket() as probe:
            if probe.connect_ex((HOST, port)) == 0:
                return server
        time.sleep(0.5)
    stop(server)
    sys.exit(f"{name} did not start within 60 seconds; see {log_path}.")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=40)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def worker_pids(master: int) -> list[int]:
    """The gunicorn master's worker processes."""
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        return sorted(int(pid) for pid in children)
    except FileNotFoundError:
        return []


def proc_status_mb(pid: int, field_name: str) -> float | None:
    """A memory line of /proc/<pid>/status (VmRSS, VmHWM) in MB."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return None
    match = re.search(rf"^{field_name}:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) / 1024 if match else None


# -- HTTP -------------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    ms: float  # as the client sees it: connect, request, whole body
    server_ms: float | None
    queries: int | None
    pid: int | None
    size: int
    body: bytes
    headers: dict


def get(port: int, path: str, *, timeout: float = 120, keep: int = 4 << 20) -> Response:
    """GET ``path`` on a new connection, read the whole body (keeping its first ``keep``
    bytes); a transport error is raised."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    started = time.perf_counter()
    try:
        connection.request("GET", path, headers={"Host": HOST, "Accept-Encoding": "identity"})
        response = connection.getresponse()
        body, size = bytearray(), 0
        while chunk := response.read(1 << 16):
            size += len(chunk)
            if len(body) < keep:
                body += chunk
        elapsed = (time.perf_counter() - started) * 1000
        headers = dict(response.getheaders())
    finally:
        connection.close()
    duration = re.search(r"dur=([\d.]+)", headers.get("Server-Timing", ""))
    return Response(
        status=response.status,
        ms=elapsed,
        server_ms=float(duration.group(1)) if duration else None,
        queries=int(headers["X-Bench-Queries"]) if "X-Bench-Queries" in headers else None,
        pid=int(headers["X-Bench-Pid"]) if "X-Bench-Pid" in headers else None,
        size=size,
        body=bytes(body),
        headers=headers,
    )


def percentile(values: list[float], q: int) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


@dataclass
class Series:
    """Timed responses of one kind of request."""

    responses: list = field(default_factory=list)  # (path, Response)
    errors: list = field(default_factory=list)  # (path, description)

    def add(self, path: str, response: Response) -> None:
        if response.status == 200:
            self.responses.append((path, response))
        else:
            self.errors.append((path, f"HTTP {response.status}"))

    def fetch(self, port: int, path: str, **kwargs) -> Response | None:
        try:
            response = get(port, path, **kwargs)
        except (OSError, http.client.HTTPException) as error:
            self.errors.append((path, type(error).__name__))
            return None
        self.add(path, response)
        return response

    @property
    def ms(self) -> list[float]:
        return [r.ms for _, r in self.responses]

    def p(self, q: int) -> float | None:
        return percentile(self.ms, q)

    def server_p(self, q: int) -> float | None:
        return percentile([r.server_ms for _, r in self.responses if r.server_ms is not None], q)

    @property
    def queries(self) -> int | None:
        counts = [r.queries for _, r in self.responses if r.queries is not None]
        return round(statistics.median(counts)) if counts else None

    @property
    def size(self) -> int | None:
        return max((r.size for _, r in self.responses), default=None)

    def slowest(self) -> str | None:
        return max(self.responses, key=lambda item: item[1].ms)[0] if self.responses else None

    def summary(self) -> dict:
        return {
            "n": len(self.responses),
            "distinct": len({path for path, _ in self.responses}),
            "errors": len(self.errors),
            "error_examples": self.errors[:5],
            "p50": self.p(50),
            "p95": self.p(95),
            "server_p50": self.server_p(50),
            "server_p95": self.server_p(95),
            "queries": self.queries,
            "size": self.size,
            "slowest": self.slowest(),
        }


def warm_fetch(
    series: Series, port: int, path: str, *, served: set | None = None, tries: int = 12
) -> None:
    """Time ``path`` warm: repeat it until a worker that already served it since the last
    decision (``served`` holds those known already) serves it again (each worker has its own
    cache unless the cache is shared), and keep only that request. Without the pid header the
    second request counts."""
    served = set(served or ())
    for number in range(tries):
        try:
            response = get(port, path)
        except (OSError, http.client.HTTPException) as error:
            series.errors.append((path, type(error).__name__))
            return
        if response.status != 200:
            series.errors.append((path, f"HTTP {response.status}"))
            return
        if response.pid in served or (response.pid is None and number > 0):
            series.add(path, response)
            return
        served.add(response.pid)
    series.errors.append((path, "no warm response"))
