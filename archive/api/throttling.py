"""The API's rate limit: so many requests per client address, shared by every worker.

The counts are kept in the default cache, which all workers and app servers share (files on
one machine, Redis on several). Applied to every API request by archive.api.middleware, before
the page cache answers.

Each address has a window of the rate's period (a minute for "120/min") from its first request;
its requests in the window are counted, and those past the rate are refused until the window
ends (Retry-After). Counting is one atomic step however many workers count at once: Redis
increments a count itself; the file cache, which has no such operation, is counted under a
lock all of one machine's workers take. (DRF's throttle reads its history, adds a request and
writes it back: eight threads asking at once got 135 answers from a rate of 50.)
"""

import fcntl
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from rest_framework.throttling import SimpleRateThrottle

from .. import pagecache
from ..pagecache import CACHE_ERRORS
from ..proxies import client_address


class AddressRateThrottle(SimpleRateThrottle):
    """settings.API_RATE (DJANGO_API_RATE) requests per client address, as the site finds the
    address behind its trusted proxies (archive.proxies). DRF reads the rate
    (`num_requests` in `duration` seconds) and names the key; the counting is this class's."""

    scope = "api"
    ends = None

    def get_rate(self):
        return settings.API_RATE

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}

    def allow_request(self, request, view):
        """Counts the request; whether it is within the rate. Allowed, uncounted, while the
        shared cache that holds the counts cannot be reached: the data is public, and an
        outage of the cache must not become one of the API."""
        if pagecache.waiting_for_cache():
            return True
        try:
            count, self.ends = self.count(self.get_cache_key(request, view), time.time())
        except CACHE_ERRORS:
            pagecache.unreachable()
            return True
        return count <= self.num_requests

    def count(self, key, now):
        """This request's number in its address's window, and when the window ends."""
        cache = caches["default"]
        if isinstance(cache, FileBasedCache):
            with machine_lock(cache):
                ends = cache.get(f"{key}_ends")
                if ends is None or ends <= now:
                    ends, count = now + self.duration, 1
                else:
                    count = cache.get(key, 0) + 1
                cache.set_many({key: count, f"{key}_ends": ends}, timeout=ends - now)
                return count, ends
        # Redis: `add` starts a window only if none is open, `incr` counts within it.
        if cache.add(key, 0, timeout=self.duration):
            cache.set(f"{key}_ends", now + self.duration, timeout=self.duration)
        try:
            count = cache.incr(key)
        except ValueError:  # the window ended between the two steps: a new one
            cache.set(key, 1, timeout=self.duration)
            cache.set(f"{key}_ends", now + self.duration, timeout=self.duration)
            return 1, now + self.duration
        return count, cache.get(f"{key}_ends") or now + self.duration

    def wait(self):
        """Seconds until the window ends."""
        return max(0.0, (self.ends or 0) - time.time())


@contextmanager
def machine_lock(file_cache):
    """An exclusive lock that every worker on this machine takes alike: a lock file beside
    the file cache's entries."""
    path = Path(file_cache._dir) / "api-rate.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
