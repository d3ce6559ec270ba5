"""Per-request SQL figures for the benchmark (only installed when RSE_BENCH is on):
the number of queries, the time spent in the database and the total time, as
response headers the runner reads."""

import time

from django.db import connection


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
        with connection.execute_wrapper(measure):
            response = self.get_response(request)
        response["X-Bench-Queries"] = str(stats["queries"])
        response["X-Bench-DB-ms"] = f"{stats['db'] * 1000:.3f}"
        response["X-Bench-Total-ms"] = f"{(time.perf_counter() - started) * 1000:.3f}"
        return response
