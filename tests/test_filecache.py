"""The embedded default's shared cache: Django's file cache, its entries uncompressed."""

import subprocess
import sys
import threading
import time

import time_machine
from django.core.cache.backends.filebased import FileBasedCache

from archive import pagecache
from archive.filecache import FileCache

from .processes import PROJECT


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


def count_in_threads(cache, threads=8, moves=25):
    cache.set("generation", 0, timeout=None)

    def move():
        for _ in range(moves):
            cache.incr("generation")

    workers = [threading.Thread(target=move) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return cache.get("generation")


def test_concurrent_moves_of_the_generation_are_all_counted(tmp_path):
    """Changes saved at once by several workers each move the generation: one move lost would
    leave a page stored after the first change served after the second."""
    assert count_in_threads(FileCache(str(tmp_path), {})) == 200


def test_concurrent_moves_from_several_processes_are_all_counted(tmp_path):
    """gunicorn's workers are processes: they share the cache's directory, not a lock in memory."""
    cache = FileCache(str(tmp_path), {})
    cache.set("generation", 0, timeout=None)
    script = (
        "import sys; from archive.filecache import FileCache; "
        "cache = FileCache(sys.argv[1], {}); "
        "[cache.incr('generation') for _ in range(50)]"
    )
    workers = [
        subprocess.Popen([sys.executable, "-c", script, str(tmp_path)], cwd=PROJECT)
        for _ in range(4)
    ]
    assert [worker.wait(timeout=60) for worker in workers] == [0] * 4
    assert cache.get("generation") == 200


def test_only_one_of_concurrent_adds_makes_the_entry(tmp_path):
    """Two workers finding no generation both make one: only the first is kept, and only it is
    told it made it."""
    cache = FileCache(str(tmp_path), {})
    made = []
    start = threading.Barrier(8)

    def add(number):
        start.wait()
        if cache.add("generation", number, timeout=None):
            made.append(number)

    workers = [threading.Thread(target=add, args=(number,)) for number in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(made) == 1
    assert cache.get("generation") == made[0]
