"""Test-only per-batch hooks for the jobs (settings.RSE_JOB_BATCH_HOOK, see README).

`stall`: the worker tests stop a real worker in the middle of a batch. Called inside the
batch's transaction, it writes the file named by RSE_JOB_STALL_FILE (so the test knows
the batch's changes are made but not committed) and waits there until killed.
"""

import os
import time
from pathlib import Path


def stall() -> None:
    marker = os.environ.get("RSE_JOB_STALL_FILE")
    if not marker:
        return
    Path(marker).write_text(str(os.getpid()))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # the test SIGKILLs the worker long before
        time.sleep(0.05)


batch_depths: list[int] = []


def count() -> None:
    """Note each batch, and how deep in transactions (atomic blocks) it runs."""
    from django.db import connection

    batch_depths.append(len(connection.atomic_blocks))
