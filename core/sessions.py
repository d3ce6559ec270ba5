"""Sessions read from the cache, written through to the database (issue 26).

Django's cached_db store, with the cached copy kept RSE_SESSION_CACHE_SECONDS at most
(Django keeps it as long as the session). The database stays the record: signing out
and ending a session (the sessions page, closing an account, a provider's sign-out)
delete both; were the cache unreachable at that moment (its errors are ignored, so
that pages still serve), the copy left there expires within that time."""

from django.conf import settings
from django.contrib.sessions.backends import cached_db


class SessionStore(cached_db.SessionStore):
    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:  # an invalid key on some backends: read the database
            data = None
        if data is None:
            row = self._get_session_from_db()
            if not row:
                return {}
            data = self.decode(row.session_data)
            self._cache.set(self.cache_key, data, self._cache_seconds(row.expire_date))
        return data

    def save(self, must_create=False):
        # The database row first (as Django does), then the copy, for a bounded time.
        super(cached_db.SessionStore, self).save(must_create)
        try:
            self._cache.set(self.cache_key, self._session, self._cache_seconds())
        except Exception:  # noqa: BLE001 - the database has it; the cache is a copy
            cached_db.logger.exception("Error saving to cache (%s)", self._cache)

    def _cache_seconds(self, expiry=None) -> int:
        age = self.get_expiry_age(expiry=expiry) if expiry else self.get_expiry_age()
        return max(0, min(age, settings.RSE_SESSION_CACHE_SECONDS))
