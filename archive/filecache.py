"""The shared cache of the embedded default: Django's file-based cache, uncompressed.

Every worker of one machine shares it (settings.CACHES when REDIS_URL is not set). Django's
file cache compresses each entry with zlib; a page is read from it far more often than it is
written, and decompressing a 12 KB page cost 20 µs of a page-cache hit's 100 µs. Entries here
are stored as they are pickled (a page takes three times the disk space: tens of kilobytes).
An entry written compressed (before this backend) reads as a miss and is written again.
"""

import pickle

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.files import locks


class FileCache(FileBasedCache):
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
