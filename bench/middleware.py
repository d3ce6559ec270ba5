"""Per-request SQL figures for the benchmark (only installed when RSE_BENCH is on):
the number of queries, the time spent in the database and the total time, as
response headers the runner reads, and which servers answered (replica runs)."""

import time
from contextlib import ExitStack

from django.db import connections


class QueryStatsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        stats = {"queries": 0, "db": 0.0}

        def measure(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                stats["queries"] += 1
                stats["db"] += time.perf_counter() - started

        started = time.perf_counter()
        used: set[str] = set()

        def on(alias):
            def wrapper(execute, sql, params, many, context):
                used.add(alias)
                return measure(execute, sql, params, many, context)

            return wrapper

        with ExitStack() as stack:
            # Every server (the primary, and the replica when there is one).
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(on(alias)))
            response = self.get_response(request)
        response["X-Bench-Databases"] = ",".join(sorted(used))
        response["X-Bench-Queries"] = str(stats["queries"])
        response["X-Bench-DB-ms"] = f"{stats['db'] * 1000:.3f}"
        response["X-Bench-Total-ms"] = f"{(time.perf_counter() - started) * 1000:.3f}"
        return response
