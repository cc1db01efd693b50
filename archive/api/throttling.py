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
from rest_framework.throttling import BaseThrottle

from ..pagecache import CACHE_ERRORS
from ..proxies import client_address

PERIODS = {"s": 1, "m": 60, "h": 60 * 60, "d": 24 * 60 * 60}


def parse_rate(rate):
    """(requests, seconds) of "120/min", "10/s", "5000/hour" (as DRF reads a rate)."""
    number, period = rate.split("/")
    return int(number), PERIODS[period[0]]


class AddressRateThrottle(BaseThrottle):
    """settings.API_RATE (DJANGO_API_RATE) requests per client address, as the site finds the
    address behind its trusted proxies (archive.proxies)."""

    def __init__(self):
        self.limit, self.period = parse_rate(settings.API_RATE)
        self.ends = None

    def allow_request(self, request, view):
        """Counts the request; whether it is within the rate. Allowed, uncounted, while the
        shared cache that holds the counts cannot be reached: the data is public, and an
        outage of the cache must not become one of the API."""
        key = f"throttle_api_{client_address(request)}"
        try:
            count, self.ends = self.count(key, time.time())
        except CACHE_ERRORS:
            return True
        return count <= self.limit

    def count(self, key, now):
        """This request's number in its address's window, and when the window ends."""
        cache = caches["default"]
        if isinstance(cache, FileBasedCache):
            with machine_lock(cache):
                ends = cache.get(f"{key}_ends")
                if ends is None or ends <= now:
                    ends, count = now + self.period, 1
                else:
                    count = cache.get(key, 0) + 1
                cache.set_many({key: count, f"{key}_ends": ends}, timeout=ends - now)
                return count, ends
        # Redis: `add` starts a window only if none is open, `incr` counts within it.
        if cache.add(key, 0, timeout=self.period):
            cache.set(f"{key}_ends", now + self.period, timeout=self.period)
        try:
            count = cache.incr(key)
        except ValueError:  # the window ended between the two steps: a new one
            cache.set(key, 1, timeout=self.period)
            cache.set(f"{key}_ends", now + self.period, timeout=self.period)
            return 1, now + self.period
        return count, cache.get(f"{key}_ends") or now + self.period

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
