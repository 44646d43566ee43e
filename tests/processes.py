"""The environment of the processes that tests start (manage.py, gunicorn)."""

import os

# Set by the browser tests for the test process alone (Playwright's event loop runs in it); a
# child process runs with Django's async-safety check on, as it would in production.
TEST_PROCESS_ONLY = frozenset({"DJANGO_ALLOW_ASYNC_UNSAFE"})


def child_env() -> dict[str, str]:
    """A copy of this process's environment fit for a child process."""
    return {key: value for key, value in os.environ.items() if key not in TEST_PROCESS_ONLY}
