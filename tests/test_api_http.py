"""The API over HTTP: answered from the page cache and invalidated with the site's pages, with
ETags and 304, errors never cached, and a rate limit per client address that counts every
request — also those the page cache answers.

These tests commit their writes (`transactional_db`), as a site does: the cache's generation
moves when a write to what readers see is committed.
"""

import datetime as dt
import itertools
import json
import threading

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from archive.models import Article

from .factories import make_article
from .processes import run_django

pytestmark = pytest.mark.django_db(transaction=True)

API = "/api/v1"
FILM = f"{API}/films/last-men-in-aleppo/"


def status(response):
    return response.get("Cache-Status", "")


addresses = (f"192.0.2.{number}" for number in itertools.count(1))


@pytest.fixture
def address():
    """A client address of the test's own, whose rate no other test has spent."""
    return next(addresses)


@pytest.fixture
def api(client, address):
    def get(url, **headers):
        return client.get(url, headers=headers, REMOTE_ADDR=address)

    return get


def test_answered_from_the_page_cache_with_cors(api, film):
    first = api(FILM)
    assert status(first) == "film-archive; fwd=miss; stored"
    second = api(FILM)
    assert status(second) == "film-archive; hit"
    assert second.content == first.content
    assert second["Content-Type"] == "application/json"
    assert second["Access-Control-Allow-Origin"] == "*"
    assert "public" in second["Cache-Control"]


def test_publishing_invalidates_the_cached_answers(api, film):
    draft = make_article(films=[film], title="Fresh review", status=Article.Status.DRAFT)
    for url in (FILM, f"{API}/articles/"):
        assert "Fresh review" not in api(url).content.decode()
        assert status(api(url)) == "film-archive; hit"
    draft.status = Article.Status.PUBLISHED
    draft.published_at = timezone.now()
    draft.save()
    for url in (FILM, f"{API}/articles/"):
        response = api(url)
        assert status(response) == "film-archive; fwd=miss; stored"
        assert "Fresh review" in response.content.decode()


def test_a_scheduled_piece_appears_at_its_time(api, film):
    make_article(
        films=[film],
        title="Tomorrow's review",
        published_at=timezone.now() + dt.timedelta(hours=1),
    )
    assert "Tomorrow's review" not in api(FILM).content.decode()
    with time_machine.travel(timezone.now() + dt.timedelta(hours=1, minutes=1)):
        assert "Tomorrow's review" in api(FILM).content.decode()


def test_if_none_match_gets_304_fresh_and_cached(api, film):
    for page_cache in (False, True):
        with override_settings(PAGE_CACHE=page_cache):
            etag = api(FILM)["ETag"]
            response = api(FILM, If_None_Match=etag)
            assert response.status_code == 304
            assert response["Access-Control-Allow-Origin"] == "*"
            assert response.content == b""
            assert api(f"{API}/films/", If_None_Match=etag).status_code == 200


def test_errors_are_never_cached(api, film):
    for url in (f"{API}/films/?year=abc", f"{API}/films/nothing/", f"{API}/unknown/"):
        for _ in range(2):
            response = api(url)
            assert response.status_code in (400, 404)
            assert "stored" not in status(response) and "hit" not in status(response)
            assert response["Cache-Control"] == "no-store"


def test_searches_are_not_stored(api, film):
    for _ in range(2):
        assert status(api(f"{API}/films/?q=aleppo")) == "film-archive; fwd=miss"


def test_signed_in_editors_get_the_same_answers_never_stored(client, film, address):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_user("editor", is_staff=True))
    for _ in range(2):
        response = client.get(FILM, REMOTE_ADDR=address)
        assert response.status_code == 200
        assert status(response) == 'film-archive; fwd=bypass; detail="signed-in"'
    assert json.loads(response.content)["slug"] == "last-men-in-aleppo"
    assert client.get("/films/last-men-in-aleppo/").status_code == 200


def test_pages_after_the_first_are_stored_as_their_links_name_them(api, film):
    """A list's `next` link names a position the site signed: the page it leads to is stored
    like the first; a position made up by a client is answered, never stored, so that a
    stream of them cannot fill the cache."""
    from .factories import make_film

    for _ in range(20):
        make_film()
    following = json.loads(api(f"{API}/films/").content)["next"]
    assert status(api(following)) == "film-archive; fwd=miss; stored"
    second = api(following)
    assert status(second) == "film-archive; hit"
    assert [item["slug"] for item in json.loads(second.content)["results"]]
    signed = following.partition("after=")[2]
    for made_up in (signed.partition(".")[0], signed[:-1] + ("A" if signed[-1] != "A" else "B")):
        for _ in range(2):
            response = api(f"{API}/films/?after={made_up}")
            assert response.status_code == 200
            assert status(response) == "film-archive; fwd=miss"
            assert json.loads(response.content)["results"] == json.loads(second.content)["results"]


def test_junk_parameters_share_the_cached_answer(api, film):
    api(f"{API}/films/")
    assert status(api(f"{API}/films/?utm_source=x&format=xml")) == "film-archive; hit"


@override_settings(API_RATE="3/min")
def test_rate_limit_counts_cached_answers(client, film):
    """The fourth request in a minute from one address is refused, though the cache answered
    the second and third; another address is not; a minute later the first may ask again."""

    def get(address, url=FILM):
        return client.get(url, REMOTE_ADDR=address)

    statuses = [status(get("198.51.100.7")) for _ in range(3)]
    assert statuses[1:] == ["film-archive; hit", "film-archive; hit"]
    refused = get("198.51.100.7")
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    assert refused["Access-Control-Allow-Origin"] == "*"
    assert 1 <= int(refused["Retry-After"]) <= 61
    problem = json.loads(refused.content)
    assert (problem["status"], problem["title"]) == (429, "Too Many Requests")
    assert get("198.51.100.7", f"{API}/nothing/").status_code == 429
    assert get("198.51.100.8").status_code == 200
    # The site's pages are not counted.
    assert get("198.51.100.7", "/films/last-men-in-aleppo/").status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61)):
        assert get("198.51.100.7").status_code == 200


@override_settings(API_RATE="1/min")
def test_a_refused_request_carries_the_site_policy(client, film, address):
    """The 429 is answered before Django's CSP middleware runs (the rate is counted above the
    page cache), and went out with no Content-Security-Policy, while README promises one on
    every page, feed and API answer; it now carries the site's, as the 200 before it did."""
    answered = client.get(FILM, REMOTE_ADDR=address)
    refused = client.get(FILM, REMOTE_ADDR=address)
    assert refused.status_code == 429
    assert refused["Content-Security-Policy"] == answered["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in refused["Content-Security-Policy"]


@override_settings(API_RATE="20/min")
def test_rate_limit_holds_under_concurrent_requests():
    """Requests arriving together are each counted: six clients asking eight times at once
    from one address get twenty answers between them, as one client would (a count read,
    increased and written back by each lets several requests take the same place)."""
    from django.core.cache import cache
    from django.test import Client

    cache.delete("throttle_api_198.51.100.9")
    cache.delete("throttle_api_198.51.100.9_ends")
    answered = []

    def ask():
        client = Client(REMOTE_ADDR="198.51.100.9")
        for _ in range(8):
            answered.append(client.get(f"{API}/nothing/").status_code != 429)

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answered) == 48
    assert answered.count(True) == 20


@override_settings(API_RATE="2/min", PROXY_COUNT=1)
def test_rate_limit_behind_a_proxy_is_per_client(client, film):
    def get(forwarded_for):
        return client.get(FILM, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded_for)

    assert [get("203.0.113.5").status_code for _ in range(3)] == [200, 200, 429]
    assert get("203.0.113.6").status_code == 200


def test_rate_is_read_from_the_environment():
    result = run_django(
        "from django.conf import settings; print(settings.API_RATE)", DJANGO_API_RATE="10/s"
    )
    assert result.stdout.strip() == "10/s", result.stderr
    assert run_django("print(1)", DJANGO_API_RATE="lots").returncode != 0
    result = run_django("from django.conf import settings; print(settings.API_RATE)")
    assert result.stdout.strip() == "120/min", result.stderr
