"""Measurement headers for the benchmark (``BENCH_HEADERS=1``); never enabled in production."""

import os
import time
from contextlib import ExitStack

from django.db import connections


class ServerTimingMiddleware:
    """Add the view's duration, its number of SQL queries and the worker's pid to responses.

    Queries run while a streamed body is sent are not counted: the headers have gone by then.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        queries = 0

        def count(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(count))
            response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        response["Server-Timing"] = f"app;dur={elapsed_ms:.2f}"
        response["X-Bench-Queries"] = str(queries)
        response["X-Bench-Pid"] = str(os.getpid())
        return response
