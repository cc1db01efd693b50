"""When the shared cache (Redis) cannot be reached, readers still get every page, editors' saves
still succeed, and once it answers again no page stored before the outage hides a change made
during it.

The cache is a real Redis server (the one CI runs, a database of its own); "unreachable" is the
same cache configured at a port where nothing listens, then configured back, its data intact,
as after a network partition.
"""

import socket

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from archive import pagecache

from .test_page_cache import FILM_PAGE, fetch, status
from .test_settings import redis_is_running

pytestmark = pytest.mark.django_db(transaction=True)

UNREACHABLE = 'film-archive; fwd=miss; detail="unreachable"'


def redis_cache(location):
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "TIMEOUT": None,
        }
    }


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis():
    if not redis_is_running():
        pytest.fail("These tests need Redis at 127.0.0.1:6379 (.ci/run starts it)")
    import redis as client

    location = "redis://127.0.0.1:6379/13"
    client.Redis.from_url(location).flushdb()
    with override_settings(CACHES=redis_cache(location), PAGE_CACHE=True):
        pagecache.invalidate()
        yield
    pagecache._unreachable = False  # noqa: SLF001 - no test leaves its outage to the next


def unreachable():
    return override_settings(CACHES=redis_cache(f"redis://127.0.0.1:{closed_port()}/13"))


def test_pages_and_saves_go_on_while_the_cache_is_down(client, film, redis):
    assert status(fetch(client, FILM_PAGE)) == "film-archive; fwd=miss; stored"
    assert status(fetch(client, FILM_PAGE)) == "film-archive; hit"

    with unreachable():
        down = fetch(client, FILM_PAGE)
        assert status(down) == UNREACHABLE
        assert b"Last Men in Aleppo" in down.content
        film.title = "Last Men in Aleppo (restored)"
        film.save()  # committed, though the cache could not be told
        assert b"(restored)" in fetch(client, FILM_PAGE).content
        for url in ("/", "/films/", "/articles/", "/feeds/articles/", "/sitemap.xml"):
            assert status(fetch(client, url)) == UNREACHABLE, url
        assert client.get("/api/v1/films/").status_code == 200  # its rate limit fails open

    # Back, with the page stored before the change still in it: not served.
    back = fetch(client, FILM_PAGE)
    assert b"(restored)" in back.content
    assert status(back) == "film-archive; fwd=miss; stored"
    assert status(fetch(client, FILM_PAGE)) == "film-archive; hit"


def test_clearing_the_cache_by_hand_says_when_it_cannot(redis):
    with unreachable(), pytest.raises(CommandError, match="cannot be reached"):
        call_command("clear_page_cache")
    call_command("clear_page_cache")
