"""Reads on a streaming replica (README, "Capacity"): a database router and the
middleware that tells it, per request, whether the replica may answer.

With `DATABASE_REPLICA_URL` unset there is no `replica` alias and everything reads and
writes the primary (`default`), as before. With it set:

- the reads of a read-only request (GET, HEAD, OPTIONS) go to the replica;
- every write goes to the primary, and so does every read after it in the same request,
  and every read inside a transaction (`atomic`), `get_or_create`, `select_for_update`;
- a request with another method (POST, PUT, PATCH, DELETE: sign-in, a post, a like)
  reads the primary throughout, and so do that browser's requests for the next
  `RSE_REPLICA_STICKY_SECONDS` (read-your-writes): the response carries a signed cookie
  saying until when. A request that wrote although its method is safe sets it too.
- outside a request (Celery tasks, management commands, the shell, migrations) nothing
  reads the replica: the request state below only exists inside the middleware.

Migrations only run on the primary (`allow_migrate`); the replica receives them through
replication. The test settings make the replica a test mirror of the primary.
"""

import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import connections

PRIMARY = "default"
REPLICA = "replica"
COOKIE = "rse_primary"
_SALT = "core.replica.sticky"


@dataclass
class ReadState:
    """Per request: whether its reads may go to the replica, and whether it wrote."""

    replica_allowed: bool
    wrote: bool = False


_state: ContextVar[ReadState | None] = ContextVar("rse_replica_read_state", default=None)


def replica_configured() -> bool:
    """A replica is configured and may answer (RSE_REPLICA_READS: the tests turn it
    off, the replica being a test mirror of the primary there: another connection,
    which would not see the rows of the test's transaction)."""
    return REPLICA in settings.DATABASES and settings.RSE_REPLICA_READS


def read_alias() -> str:
    """Where a read issued now goes: the replica only inside a read-only request that
    has not written, outside any transaction on the primary."""
    state = _state.get()
    if state is None or not state.replica_allowed or not replica_configured():
        return PRIMARY
    if connections[PRIMARY].in_atomic_block:
        return PRIMARY
    return REPLICA


class ReplicaRouter:
    """DATABASE_ROUTERS entry: reads as `read_alias` says, writes to the primary."""

    def db_for_read(self, model, **hints):
        instance = hints.get("instance")
        if instance is not None and instance._state.db == PRIMARY:
            return PRIMARY  # related objects of a row read on the primary stay there
        return read_alias()

    def db_for_write(self, model, **hints):
        state = _state.get()
        if state is not None:
            # Everything after a write in this request reads the primary, and so do the
            # browser's next requests for a while (the middleware sets the cookie).
            state.replica_allowed = False
            state.wrote = True
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # The same rows on both servers: a row read on the replica may point at one
        # read on the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


def sticky_until(request) -> float:
    """The time until which this browser reads the primary (0: not sticky). The
    cookie is signed: a forged one is ignored."""
    value = request.COOKIES.get(COOKIE)
    if not value:
        return 0.0
    try:
        return float(signing.get_cookie_signer(salt=_SALT).unsign(value))
    except (signing.BadSignature, ValueError):
        return 0.0


def replica_allowed(request) -> bool:
    """May the reads of this request go to the replica?"""
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        return False
    return sticky_until(request) <= time.time()


class ReplicaReadsMiddleware:
    """Decides, per request, whether its reads may go to the replica, and marks the
    browser after a write so that it reads its own writes. Does nothing (not even a
    cookie) when no replica is configured."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        state = ReadState(replica_allowed=replica_allowed(request))
        token = _state.set(state)
        try:
            response = self.get_response(request)
        finally:
            _state.reset(token)
        if state.wrote or request.method not in ("GET", "HEAD", "OPTIONS"):
            seconds = settings.RSE_REPLICA_STICKY_SECONDS
            until = f"{time.time() + seconds:.3f}"
            response.set_cookie(
                COOKIE,
                signing.get_cookie_signer(salt=_SALT).sign(until),
                max_age=seconds,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
