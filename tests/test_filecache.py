"""The embedded default's shared cache: Django's file cache, its entries uncompressed."""

import time

import time_machine
from django.core.cache.backends.filebased import FileBasedCache

from archive import pagecache
from archive.filecache import FileCache


def test_entries_are_kept_uncompressed_and_read_back(tmp_path):
    cache = FileCache(str(tmp_path), {})
    page = {"content": b"<p>Last Men in Aleppo</p>" * 400, "until": 1e12}
    cache.set("page", page, timeout=60)
    assert cache.get("page") == page
    (entry,) = tmp_path.glob("*.djcache")
    assert b"<p>Last Men in Aleppo</p>" * 400 in entry.read_bytes()
    assert cache.get("missing", "default") == "default"


def test_expiry_touch_and_add_as_djangos(tmp_path):
    cache = FileCache(str(tmp_path), {})
    cache.set("generation", 7, timeout=10)
    assert not cache.add("generation", 8)
    assert cache.touch("generation", timeout=100)
    with time_machine.travel(time.time() + 50):
        assert cache.get("generation") == 7
    with time_machine.travel(time.time() + 150):
        assert cache.get("generation") is None
        assert not cache.touch("generation")


def test_an_entry_written_compressed_before_is_a_miss(tmp_path):
    FileBasedCache(str(tmp_path), {}).set("page", "compressed", timeout=60)
    cache = FileCache(str(tmp_path), {})
    assert cache.get("page") is None
    cache.set("page", "written again", timeout=60)
    assert cache.get("page") == "written again"


def test_culling_keeps_the_page_caches_generation(tmp_path):
    """Full, the cache removes a third of its entries at random, never the generation: lost,
    it would make every page be rendered again (a test run's flake, a large site's stampede)."""
    cache = FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 6}})
    assert pagecache.GENERATION_KEY in FileCache.KEPT_KEYS
    cache.set(pagecache.GENERATION_KEY, 41, timeout=None)
    for number in range(200):
        cache.set(f"page-{number}", number, timeout=60)
        assert cache.get(pagecache.GENERATION_KEY) == 41
    assert len(list(tmp_path.glob("*.djcache"))) <= 6
