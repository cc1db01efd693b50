"""The shared cache of the embedded default: Django's file-based cache, uncompressed.

Every worker of one machine shares it (settings.CACHES when REDIS_URL is not set). Django's
file cache compresses each entry with zlib; a page is read from it far more often than it is
written, and decompressing a 12 KB page cost 20 µs of a page-cache hit's 100 µs. Entries here
are stored as they are pickled (a page takes three times the disk space: tens of kilobytes).
An entry written compressed (before this backend) reads as a miss and is written again.

When it holds MAX_ENTRIES entries, Django's file cache removes a third of them at random, and
the page cache's generation among them would make every page be rendered again (a new
generation: correct, but all at once): culling keeps it (KEPT_KEYS).

Django's file cache makes `incr` and `add` of a read, then a write: two workers moving the page
cache's generation at once both read 41 and both wrote 42, one change's move was lost, and a
page stored between the two changes was served after the second. Here each is one step, under
a lock file that every process using the directory takes (LOCK_FILE).
"""

import fcntl
import os
import pickle
import random
from contextlib import contextmanager

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.files import locks


class FileCache(FileBasedCache):
    KEPT_KEYS = ("pages:generation",)  # archive.pagecache.GENERATION_KEY
    LOCK_FILE = "incr-add.lock"  # not an entry: neither culled nor cleared

    @contextmanager
    def _exclusive(self):
        """Held by one thread of one process at a time among all those using this directory."""
        self._createdir()
        with open(os.path.join(self._dir, self.LOCK_FILE), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with self._exclusive():
            return super().add(key, value, timeout, version)

    def incr(self, key, delta=1, version=None):
        with self._exclusive():
            return super().incr(key, delta, version)

    def get(self, key, default=None, version=None):
        try:
            with open(self._key_to_file(key, version), "rb") as f:
                if not self._is_expired(f):
                    return pickle.loads(f.read())
        except (FileNotFoundError, pickle.UnpicklingError):
            pass
        return default

    def _write_content(self, file, timeout, value):
        file.write(pickle.dumps(self.get_backend_timeout(timeout), self.pickle_protocol))
        file.write(pickle.dumps(value, self.pickle_protocol))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            with open(self._key_to_file(key, version), "r+b") as f:
                try:
                    locks.lock(f, locks.LOCK_EX)
                    if self._is_expired(f):
                        return False
                    value = pickle.loads(f.read())
                    f.seek(0)
                    self._write_content(f, timeout, value)
                    f.truncate()
                    return True
                finally:
                    locks.unlock(f)
        except (FileNotFoundError, pickle.UnpicklingError):
            return False

    def _cull(self):
        """Django's cull (a random third of the entries, once there are MAX_ENTRIES), sparing
        the KEPT_KEYS."""
        files = self._list_cache_files()
        if len(files) < self._max_entries:
            return
        if self._cull_frequency == 0:
            return self.clear()
        kept = {self._key_to_file(key) for key in self.KEPT_KEYS}
        files = [name for name in files if name not in kept]
        for name in random.sample(files, min(len(files), int(len(files) / self._cull_frequency))):
            self._delete(name)
