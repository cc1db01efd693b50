"""When the shared cache (Redis) cannot be reached, readers still get every page, editors' saves
still succeed, and once it answers again no page stored before the outage hides a change made
during it.

The cache is a real Redis server (the one CI runs, a database of its own); "unreachable" is the
same cache configured at a port where nothing listens, then configured back, its data intact,
as after a network partition.
"""

import socket
import threading

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from archive import pagecache

from .conftest import need_redis
from .test_page_cache import FILM_PAGE, fetch, status

pytestmark = pytest.mark.django_db(transaction=True)

UNREACHABLE = 'film-archive; fwd=miss; detail="unreachable"'


def redis_cache(location):
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "TIMEOUT": None,
            # As settings.py gives it: a Redis that stops answering costs half a second.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis():
    need_redis()
    import redis as client

    location = "redis://127.0.0.1:6379/13"
    client.Redis.from_url(location).flushdb()
    with override_settings(CACHES=redis_cache(location), PAGE_CACHE=True):
        pagecache.invalidate()
        yield
    pagecache._unreachable = False  # noqa: SLF001 - no test leaves its outage to the next


def unreachable():
    return override_settings(CACHES=redis_cache(f"redis://127.0.0.1:{closed_port()}/13"))


class SilentServer:
    """A server that takes connections and never answers, as a Redis paused (SIGSTOP, a long
    command) or behind a network that drops its answers: each question waits for the client's
    timeout. It counts the connections made to it: redis-py makes one per question it asks
    after a timeout."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.held, self.stopping = [], threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)

    def serve(self):
        while not self.stopping.is_set():
            try:
                self.held.append(self.listener.accept()[0])
            except TimeoutError:
                pass

    @property
    def connections(self):
        return len(self.held)

    def __enter__(self):
        self.thread.start()
        port = self.listener.getsockname()[1]
        self.settings = override_settings(CACHES=redis_cache(f"redis://127.0.0.1:{port}/13"))
        self.settings.enable()
        return self

    def __exit__(self, *exc):
        self.settings.disable()
        self.stopping.set()
        self.thread.join()
        for connection in [*self.held, self.listener]:
            connection.close()


def test_a_cache_that_stops_answering_is_not_asked_again_at_once(client, film, redis):
    """Asked for the generation, then for each value a list's filters share, a Redis that does
    not answer made every list page wait two seconds. Once a request finds it so, the next
    seconds' requests go without it; it is asked again a few seconds later."""
    with time_machine.travel(timezone.now(), tick=True) as clock, SilentServer() as server:
        assert status(fetch(client, "/films/")) == UNREACHABLE
        asked = server.connections
        assert asked >= 1

        for url in ("/films/", "/articles/", "/people/", FILM_PAGE):
            assert status(fetch(client, url)) == UNREACHABLE, url
        assert client.get("/api/v1/films/").status_code == 200
        film.title = "Last Men in Aleppo (restored)"
        film.save()
        assert server.connections == asked  # none of them asked the silent cache

        clock.shift(pagecache.ASK_AGAIN_AFTER + 1)
        assert b"(restored)" in fetch(client, FILM_PAGE).content
        assert server.connections > asked

    # Answering again: the change made meanwhile moved the generation on.
    back = fetch(client, FILM_PAGE)
    assert b"(restored)" in back.content
    assert status(back) == "film-archive; fwd=miss; stored"


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


def test_an_import_is_saved_while_the_cache_is_down(client, django_user_model, redis):
    """The import's guard against a form sent twice keeps its tokens in the shared cache: with
    the cache down, the editor's draft is saved all the same (without the guard), not lost
    behind a server error."""
    from archive.models import Article

    from .test_admin import admin_url, form_data

    client.force_login(django_user_model.objects.create_superuser("desk", "desk@example.com", "x"))
    with unreachable():
        preview = client.post(
            admin_url("article_import"),
            {"step": "preview", "kind": "review", "text": "Rubble and light.\n\nThe camera stays."},
        )
        assert b"Check the split" in preview.content
        data = form_data(preview, "import-preview")
        data["title"] = ["Rubble and light"]
        saved = client.post(admin_url("article_import"), data)
    article = Article.objects.get(title="Rubble and light")
    assert saved.status_code == 302
    assert saved.url == admin_url("article_change", article.pk)


# The override only names a replica in the settings, as DATABASE_REPLICA_URL does; no
# connection is made to it.
@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_a_page_read_from_the_replica_as_the_cache_goes_down_is_served_not_stored(redis):
    """With a read replica, a page (or a list's shared filters) read from it is stored only
    once the shared cache says the replica has caught up with the content's generation. A cache
    that stopped answering between the page's start and that question (a Redis timing out on
    one command) made the reader's page a server error; it is now taken for "not caught up":
    the page is served, not stored."""
    from django.conf import settings

    from archive.replicas import REPLICA, request_reads

    current_generation = pagecache.generation()
    databases = {**settings.DATABASES, REPLICA: settings.DATABASES["default"]}
    token = request_reads.set(REPLICA)
    try:
        with override_settings(DATABASES=databases), unreachable():
            assert pagecache.replica_is_current(current_generation) is False
    finally:
        request_reads.reset(token)
