"""Pages travel compressed to clients that accept gzip; the page cache keeps one uncompressed
copy and compresses it per client; forms that carry a CSRF token are never compressed (BREACH)."""

import gzip

import pytest
from django.conf import settings
from django.test import override_settings

from .factories import make_article
from .test_page_cache import FILM_PAGE

pytestmark = pytest.mark.django_db(transaction=True)


def test_html_is_compressed_for_clients_that_accept_it(client, film):
    compressed = client.get(FILM_PAGE, headers={"accept-encoding": "gzip, deflate, br"})
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    plain = client.get(FILM_PAGE)
    assert not plain.has_header("Content-Encoding")
    assert "Accept-Encoding" in plain["Vary"]
    assert gzip.decompress(compressed.content) == plain.content
    assert b"An unforgettable portrait" in plain.content


@pytest.mark.parametrize(
    "refusing", ["gzip;q=0", "gzip; q=0.0, deflate", "br, gzip;q=0", "gzip;q=0, *", "*;q=0"]
)
def test_a_client_that_refuses_gzip_gets_the_page_uncompressed(client, film, refusing):
    """A quality of 0 says "not acceptable" (RFC 9110): a client sending "gzip;q=0", such as
    a proxy that cannot decompress, got a gzip body it could not read. It gets the page as
    it is, and its 304s name that copy's ETag."""
    plain = client.get(FILM_PAGE)
    response = client.get(FILM_PAGE, headers={"accept-encoding": refusing})
    assert not response.has_header("Content-Encoding")
    assert response.content == plain.content
    assert "Accept-Encoding" in response["Vary"]
    assert response["ETag"] == plain["ETag"]
    revalidated = client.get(
        FILM_PAGE, headers={"if-none-match": plain["ETag"], "accept-encoding": refusing}
    )
    assert revalidated.status_code == 304
    assert revalidated["ETag"] == plain["ETag"]
    accepting = client.get(FILM_PAGE, headers={"accept-encoding": "gzip;q=0.5, br;q=0"})
    assert accepting["Content-Encoding"] == "gzip"


def test_the_cache_stores_one_uncompressed_copy_and_compresses_per_client(client, film):
    if not settings.PAGE_CACHE:
        pytest.skip("the page cache is off")
    first = client.get(FILM_PAGE, headers={"accept-encoding": "gzip"})
    assert first["Cache-Status"].endswith("stored")
    plain = client.get(FILM_PAGE)
    assert plain["Cache-Status"].endswith("hit")
    assert not plain.has_header("Content-Encoding")
    again = client.get(FILM_PAGE, headers={"accept-encoding": "gzip"})
    assert again["Cache-Status"].endswith("hit")
    assert gzip.decompress(again.content) == plain.content


def test_etags_stay_correct(client, film):
    """A compressed copy's ETag is the same validator, made weak; either form answers 304."""
    plain = client.get(FILM_PAGE)
    compressed = client.get(FILM_PAGE, headers={"accept-encoding": "gzip"})
    assert compressed["ETag"] == f"W/{plain['ETag']}"
    for etag in (plain["ETag"], compressed["ETag"]):
        for encoding in ("gzip", "identity"):
            response = client.get(
                FILM_PAGE, headers={"if-none-match": etag, "accept-encoding": encoding}
            )
            assert response.status_code == 304, (etag, encoding)
    make_article(films=[film], title="A second look")  # the page changes: its ETag too
    response = client.get(
        FILM_PAGE, headers={"if-none-match": compressed["ETag"], "accept-encoding": "gzip"}
    )
    assert response.status_code == 200


def test_a_304_carries_the_vary_and_etag_of_the_answer_it_stands_for(client, film):
    """A cache revalidating its compressed copy learns from the 304 that the copy still holds:
    the 304 says it varies by Accept-Encoding and gives the ETag as the compressed copy has it
    (weak), rendered afresh and from the page cache alike."""
    for page_cache in (False, True):
        with override_settings(PAGE_CACHE=page_cache):
            for encoding in ("gzip", "identity"):
                answer = client.get(FILM_PAGE, headers={"accept-encoding": encoding})
                response = client.get(
                    FILM_PAGE,
                    headers={"if-none-match": answer["ETag"], "accept-encoding": encoding},
                )
                assert response.status_code == 304
                assert response["ETag"] == answer["ETag"], (page_cache, encoding)
                assert "Accept-Encoding" in response["Vary"], (page_cache, encoding)


def test_a_page_with_a_csrf_token_is_not_compressed(client):
    response = client.get(f"/{settings.ADMIN_URL}login/", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content
    assert not response.has_header("Content-Encoding")


def test_public_pages_carry_no_csrf_token(client, film):
    for url in ("/", "/films/", "/people/", FILM_PAGE, "/search/?q=aleppo"):
        response = client.get(url)
        assert b"csrfmiddlewaretoken" not in response.content, url
        assert settings.CSRF_COOKIE_NAME not in response.cookies, url
