"""gunicorn settings for production, read from the environment (see the README's deployment part).

Run with ``gunicorn`` from the project folder: this file is picked up by its name.
"""

import multiprocessing
import os

wsgi_app = "tracker.wsgi:application"

# Where to listen: GUNICORN_BIND, else PORT on all interfaces (behind the reverse proxy only).
bind = [os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{os.environ.get('PORT', '8000')}"]

# Processes: WEB_CONCURRENCY, else two per core plus one, at most eight. The app keeps no state
# outside the database and media storage, so workers (and hosts) can be added freely.
workers = int(os.environ.get("WEB_CONCURRENCY") or min(multiprocessing.cpu_count() * 2 + 1, 8))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# A worker is recycled after this many requests (with jitter), so a slow leak cannot grow.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = max_requests // 10

# A request that takes longer than this is killed; on restart, workers finish what they serve.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5

# Logs go to stdout/stderr, for the service manager or container runtime to collect.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Log the client address the proxy saw, not the proxy's.
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(b)s %(L)ss "%(a)s"'

# Trust X-Forwarded-* headers only from the reverse proxy (comma-separated addresses).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Refuse absurd request lines and headers before Django sees them.
limit_request_line = 8190
limit_request_fields = 100
