"""Per-request SQL figures for the benchmark (only installed when RSE_BENCH is on):
the number of queries, the time spent in the database and the total time, as
response headers the runner reads, and which servers answered (replica runs).

With RSE_BENCH_PROFILE_DIR set (`python -m bench --profile N`), a request that carries
an `X-Bench-Profile: <label>` header runs under pyinstrument and its profile is saved
in that directory; the runner combines a label's profiles and keeps the top entries."""

import os
import re
import time
from contextlib import ExitStack
from pathlib import Path

from django.db import connections

PROFILE_DIR = os.environ.get("RSE_BENCH_PROFILE_DIR", "")


class QueryStatsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        label = request.headers.get("X-Bench-Profile", "")
        if PROFILE_DIR and label:
            return self._profiled(request, re.sub(r"[^a-z0-9-]", "-", label.lower())[:40])
        return self._measured(request)

    def _measured(self, request):
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

    def _profiled(self, request, label: str):
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005, async_mode="disabled")
        profiler.start()
        try:
            response = self._measured(request)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        finally:
            session = profiler.stop()
        session.save(Path(PROFILE_DIR) / f"{label}-{os.getpid()}-{time.time_ns()}.json")
        return response
