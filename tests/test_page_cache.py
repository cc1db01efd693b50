"""The page cache: readers never wait for a page that has not changed, and never see one that has.

These tests commit their writes (`transactional_db`), as a site does: the cache's generation
moves when a write to what readers see is committed, by any path.
"""

import datetime as dt
import json
from pathlib import Path

import pytest
import time_machine
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date, parse_http_date

from archive.forms import MergeThemesForm, RenameThemeForm
from archive.models import Article, Credit, Film, Language, Theme

from .factories import make_article, make_film, make_person, make_quote

pytestmark = pytest.mark.django_db(transaction=True)

FILM_PAGE = "/films/last-men-in-aleppo/"


def status(response):
    return response.get("Cache-Status", "")


def fetch(client, url, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code in (200, 304), (url, response.status_code)
    return response


def test_a_page_is_rendered_once_then_served_from_the_cache(client, film):
    first = fetch(client, FILM_PAGE)
    assert status(first) == "film-archive; fwd=miss; stored"
    second = fetch(client, FILM_PAGE)
    assert status(second) == "film-archive; hit"
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Content-Type"] == "text/html; charset=utf-8"
    # The CDN headers and the security headers come with the cached copy too.
    assert "public" in second["Cache-Control"] and "max-age=120" in second["Cache-Control"]
    assert "Content-Security-Policy" in second
    assert "Cookie" not in second.get("Vary", "")


def test_head_is_served_from_the_cache(client, film):
    fetch(client, FILM_PAGE)
    response = client.head(FILM_PAGE)
    assert status(response) == "film-archive; hit"


def test_if_none_match_gets_304_without_a_body_fresh_and_cached(client, film):
    with override_settings(PAGE_CACHE=False):
        etag = fetch(client, FILM_PAGE)["ETag"]
        uncached = client.get(FILM_PAGE, headers={"If-None-Match": etag})
    assert uncached.status_code == 304 and uncached.content == b""

    stored = client.get(FILM_PAGE, headers={"If-None-Match": etag})
    assert stored.status_code == 304 and stored.content == b""
    assert status(stored) == "film-archive; fwd=miss; stored"
    cached = client.get(FILM_PAGE, headers={"If-None-Match": etag})
    assert cached.status_code == 304 and cached.content == b""
    assert status(cached) == "film-archive; hit"
    assert cached["ETag"] == etag

    assert client.get(FILM_PAGE, headers={"If-None-Match": '"other"'}).status_code == 200


def test_if_unmodified_since_is_ignored_by_a_page_without_a_date(client, film):
    """Pages carry an ETag and no Last-Modified: a reader's If-Unmodified-Since is ignored
    (RFC 9110, 13.1.4), as it is no precondition they can fail. Django's check took the missing
    date for a later one and answered every such request 412, from the cache too. If-Match is
    still a precondition."""
    old = {"If-Unmodified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}
    for url in [FILM_PAGE, FILM_PAGE, "/api/v1/films/"]:
        response = client.get(url, headers=old)
        assert response.status_code == 200, url
    assert client.get(FILM_PAGE, headers={"If-Match": '"other"'}).status_code == 412


def test_preconditions_on_feeds_and_sitemaps_are_those_of_the_response(client, film):
    """Feeds and sitemaps carry their real modification date: a feed reader's or crawler's
    If-Unmodified-Since on or after it, or If-Match naming its ETag, is met and answered 200,
    an earlier date or another ETag 412; If-Modified-Since on or after it is answered 304. The
    same from a fresh render as from the cache (every such request was a 412, and no
    If-Modified-Since a 304)."""
    for url in ["/feeds/articles/", "/feeds/articles/atom/", "/sitemap.xml", "/sitemap-films.xml"]:
        page = fetch(client, url)
        modified = parse_http_date(page["Last-Modified"])
        same, later, earlier = (http_date(modified + days * 86400) for days in (0, 1, -1))
        for headers, expected in (
            ({"If-Unmodified-Since": same}, 200),
            ({"If-Unmodified-Since": later}, 200),
            ({"If-Unmodified-Since": earlier}, 412),
            ({"If-Match": page["ETag"]}, 200),
            ({"If-Match": "*"}, 200),
            ({"If-Match": '"other"'}, 412),
            ({"If-Match": page["ETag"], "If-Unmodified-Since": earlier}, 200),
            ({"If-Modified-Since": same}, 304),
            ({"If-Modified-Since": earlier}, 200),
        ):
            for served in ("fwd=miss", "hit"):
                if served == "fwd=miss":
                    call_command("clear_page_cache", verbosity=0)
                response = client.get(url, headers=headers)
                assert response.status_code == expected, (url, headers, served)
                assert status(response).startswith(f"film-archive; {served}")


def test_every_cacheable_response_has_an_etag(client, film):
    urls = ["/", "/films/", FILM_PAGE, "/themes/", "/quotes/", "/feeds/articles/",
            "/feeds/articles/atom/", "/sitemap.xml", "/robots.txt", "/search/?q=war"]  # fmt: skip
    for url in urls:
        response = fetch(client, url)
        assert response["ETag"].startswith('"'), url
        assert client.get(url, headers={"If-None-Match": response["ETag"]}).status_code == 304


def test_search_results_are_not_stored(client, film):
    """Every query is new: a stream of them must not push the real pages out."""
    for _ in range(2):
        response = fetch(client, "/search/?q=aleppo")
        assert status(response) == 'film-archive; fwd=bypass; detail="never-stored"'


# Exact: each way of changing what readers see shows on the very next request. -----------------


def shows(client, url, text):
    response = fetch(client, url)
    assert status(response).startswith("film-archive; fwd=miss"), status(response)
    return text in response.content.decode()


def cached(client, url=FILM_PAGE):
    fetch(client, url)
    assert status(fetch(client, url)) == "film-archive; hit"


def test_a_save_shows_at_once(client, film):
    cached(client)
    film.synopsis = "Rescuers in besieged Aleppo."
    film.save()
    assert shows(client, FILM_PAGE, "Rescuers in besieged Aleppo.")


def test_a_delete_shows_at_once(client, film):
    cached(client)
    Article.objects.get(title="An unforgettable portrait").delete()
    assert not shows(client, FILM_PAGE, "An unforgettable portrait")


def test_many_to_many_changes_show_at_once(client, film):
    cached(client)
    film.themes.add("civil defence")
    assert shows(client, FILM_PAGE, "civil defence")
    cached(client)
    film.languages.add(Language.objects.create(code="ar", name="Arabic"))
    assert shows(client, FILM_PAGE, "Arabic")
    cached(client)
    film.themes.clear()
    assert not shows(client, FILM_PAGE, "civil defence")


def test_queryset_updates_and_bulk_inserts_show_at_once(client, film):
    """Writes that send no signals: update() and bulk_create()."""
    cached(client)
    Film.objects.filter(pk=film.pk).update(runtime_minutes=104)
    assert shows(client, FILM_PAGE, "104 minutes")
    cached(client)
    Credit.objects.bulk_create(
        [Credit(film=film, person=make_person(name="Søren Steen Jespersen"), role="producer")]
    )
    assert shows(client, FILM_PAGE, "Søren Steen Jespersen")


def test_loaddata_shows_at_once(client, film, tmp_path):
    cached(client)
    fixture = tmp_path / "change.json"
    moment = "2026-11-01T00:00:00Z"
    fields = {"title": "Last Men in Aleppo", "slug": film.slug, "year": 2017,
              "synopsis": "Loaded from a fixture.", "kind": "documentary",
              "created_at": moment, "updated_at": moment}  # fmt: skip
    fixture.write_text(json.dumps([{"model": "archive.film", "pk": film.pk, "fields": fields}]))
    call_command("loaddata", str(fixture), verbosity=0)
    assert shows(client, FILM_PAGE, "Loaded from a fixture.")


def test_a_management_command_shows_at_once(client):
    """The demo command. Its editor joins a group that a migration makes, which the flush
    after an earlier transactional test may have removed."""
    Group.objects.get_or_create(name="Editors")
    cached(client, "/")
    call_command("demo", "--no-serve", verbosity=0)
    assert shows(client, "/", "Feras Fayyad")


def test_an_admin_publication_shows_at_once(client, film):
    draft = make_article(films=[film], title="Fayyad on filming", status=Article.Status.DRAFT)
    cached(client)
    editor = User.objects.create_superuser("ed", "ed@example.org", "x")
    client.force_login(editor)
    response = client.post(
        reverse("admin:archive_article_changelist"),
        {"action": "publish_now", ACTION_CHECKBOX_NAME: [str(draft.pk)]},
    )
    assert response.status_code == 302
    client.logout()
    assert shows(client, FILM_PAGE, "Fayyad on filming")


def test_theme_rename_and_merge_show_at_once(client, film):
    film.themes.add("Syria", "Syrian war")
    cached(client)
    theme = Theme.objects.get(name="Syria")
    form = RenameThemeForm({"name": "Syrian Arab Republic"}, theme=theme)
    assert form.is_valid()
    form.save()
    assert shows(client, FILM_PAGE, "Syrian Arab Republic")

    cached(client)
    themes = Theme.objects.filter(name__in=["Syrian Arab Republic", "Syrian war"])
    into = Theme.objects.get(name="Syrian war")
    form = MergeThemesForm({"into": into.pk}, themes=themes)
    assert form.is_valid()
    form.save()
    assert not shows(client, FILM_PAGE, "Syrian Arab Republic")


def test_a_scheduled_piece_appears_at_its_time(client, film):
    moment = timezone.now()
    with time_machine.travel(moment, tick=False):
        make_article(films=[film], title="Scheduled interview",
                     published_at=moment + dt.timedelta(hours=1))  # fmt: skip
        assert not shows(client, FILM_PAGE, "Scheduled interview")
        assert status(fetch(client, FILM_PAGE)) == "film-archive; hit"
    with time_machine.travel(moment + dt.timedelta(minutes=59), tick=False):
        assert status(fetch(client, FILM_PAGE)) == "film-archive; hit"
    with time_machine.travel(moment + dt.timedelta(hours=1, seconds=1), tick=False):
        assert shows(client, FILM_PAGE, "Scheduled interview")
        assert status(fetch(client, FILM_PAGE)) == "film-archive; hit"


def test_a_rolled_back_write_changes_nothing(client, film):
    from django.db import transaction

    cached(client)
    with pytest.raises(RuntimeError), transaction.atomic():
        Film.objects.filter(pk=film.pk).update(synopsis="Never committed.")
        raise RuntimeError
    assert status(fetch(client, FILM_PAGE)) == "film-archive; hit"


# Never for signed-in users, previews, the admin, or errors. ------------------------------------


def test_signed_in_users_are_never_served_nor_fill_the_cache(client, film):
    client.force_login(User.objects.create_superuser("ed", "ed@example.org", "x"))
    assert status(fetch(client, FILM_PAGE)) == 'film-archive; fwd=bypass; detail="signed-in"'
    assert status(fetch(client, FILM_PAGE)) == 'film-archive; fwd=bypass; detail="signed-in"'
    client.logout()
    # Nothing the editor saw was stored: the first anonymous request renders the page.
    assert status(fetch(client, FILM_PAGE)) == "film-archive; fwd=miss; stored"
    client.force_login(User.objects.get(username="ed"))
    assert status(fetch(client, FILM_PAGE)) == 'film-archive; fwd=bypass; detail="signed-in"'


def test_a_stale_session_cookie_is_served_like_anyone(client, film):
    fetch(client, FILM_PAGE)
    client.cookies["sessionid"] = "not-a-session"
    assert status(fetch(client, FILM_PAGE)) == "film-archive; hit"


def test_previews_and_the_admin_are_never_cached(client, film):
    draft = make_article(films=[film], title="A draft", status=Article.Status.DRAFT)
    client.force_login(User.objects.create_superuser("ed", "ed@example.org", "x"))
    for url in [reverse("archive:article_preview", args=[draft.pk]), "/admin/"]:
        response = client.get(url)
        assert response.status_code == 200
        assert "Cache-Status" not in response
        assert "no-store" in response["Cache-Control"] or "private" in response["Cache-Control"]


def test_errors_are_not_stored(client, film):
    for _ in range(2):
        response = client.get("/films/no-such-film/")
        assert response.status_code == 404
        assert status(response) == "film-archive; fwd=miss"
    assert client.get("/films/?page=999").status_code == 404


# Floods of addresses neither fill nor bypass the cache. -----------------------------------


def cache_files(store):
    return sum(1 for path in store.rglob("*.djcache"))


def test_unused_parameters_neither_make_entries_nor_bypass(client, film, page_cache_store):
    fetch(client, "/films/")
    fetch(client, FILM_PAGE)
    entries = cache_files(page_cache_store)
    for number in range(30):
        response = fetch(client, f"/films/?utm_source=feed{number}&junk={number}")
        assert status(response) == "film-archive; hit"
        assert f"feed{number}" not in response.content.decode()
        assert status(fetch(client, f"{FILM_PAGE}?x={number}")) == "film-archive; hit"
    assert cache_files(page_cache_store) == entries


def test_other_spellings_of_an_address_are_answered_not_stored(client, film, page_cache_store):
    """An address spelled otherwise than the site's own links spell it (an id with leading
    zeros, a slug in capitals or full-width letters) is answered, redirected or as its page,
    but a stream of such spellings cannot fill the cache: only the page's own address has an
    entry."""
    quote = make_quote(Article.objects.get(), film, "unforgettable")
    api_quote = f"/api/v1/quotes/{quote.pk}/"
    cached(client, api_quote)
    cached(client)
    entries = cache_files(page_cache_store)
    for zeros in range(1, 20):
        response = fetch(client, f"/api/v1/quotes/{'0' * zeros}{quote.pk}/")
        assert status(response) == "film-archive; fwd=miss"
        assert "unforgettable" in response.content.decode()
    for spelling in ("/films/Last-Men-in-Aleppo/", "/films/ｌａｓｔ-men-in-aleppo/"):
        response = client.get(spelling)
        assert response.status_code == 301 and response["Location"] == FILM_PAGE
    assert cache_files(page_cache_store) == entries
    assert status(fetch(client, api_quote)) == "film-archive; hit"


def test_used_parameters_are_stored_only_in_their_canonical_form(client, film):
    assert status(fetch(client, "/films/?year=2017")) == "film-archive; fwd=miss; stored"
    assert status(fetch(client, "/films/?year=2017")) == "film-archive; hit"
    for variant in ["/films/?year=02017", "/films/?year=+2017", "/films/?year=nonsense",
                    "/films/?theme=no-such-theme", "/films/?page=1"]:  # fmt: skip
        assert status(fetch(client, variant)) == "film-archive; fwd=miss", variant
        assert status(fetch(client, variant)) == "film-archive; fwd=miss", variant


def test_pages_at_slugs_in_other_scripts_are_stored_each_under_its_own_key(client, film):
    """A page at a slug in another script, and a list filtered by one, are stored; the
    address percent-encoded or not is one page, another slug another one."""
    bayt, bayt_2 = "%D8%A8%D9%8A%D8%AA", "%D8%A8%D9%8A%D8%AA-2"  # بيت, بيت-2
    for title, slug in (("بيت", "بيت"), ("بيت 2", "بيت-2")):
        make_article(films=[make_film(title=title, slug=slug)], title=f"On {title}")
    assert status(fetch(client, f"/films/{bayt}/")) == "film-archive; fwd=miss; stored"
    assert status(fetch(client, f"/films/{bayt}/")) == "film-archive; hit"
    assert status(fetch(client, "/films/بيت/")) == "film-archive; hit"
    response = fetch(client, f"/films/{bayt_2}/")
    assert status(response) == "film-archive; fwd=miss; stored"
    assert "<cite>بيت 2</cite>" in response.content.decode()
    for url, title in (
        (f"/articles/?film={bayt}", "On بيت"),
        (f"/articles/?film={bayt_2}", "On بيت 2"),
    ):
        response = fetch(client, url)
        assert status(response) == "film-archive; fwd=miss; stored", url
        assert status(fetch(client, url)) == "film-archive; hit", url
        assert f"{title}</a>" in response.content.decode()
    assert "On بيت 2</a>" not in fetch(client, f"/articles/?film={bayt}").content.decode()


def test_the_cache_can_be_turned_off(client, film):
    with override_settings(PAGE_CACHE=False):
        for _ in range(2):
            response = fetch(client, FILM_PAGE)
            assert "Cache-Status" not in response
            assert response["ETag"]


def test_raw_sql_shows_at_once_and_the_cache_can_be_cleared_by_hand(client, film):
    """Raw SQL on Django's connection is noticed like the ORM's writes. A database changed
    outside Django (psql, pg_restore) is not: `clear_page_cache` is the command for that."""
    from django.db import connection

    cached(client)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE archive_film SET runtime_minutes = 95 WHERE id = %s", [film.pk])
    assert shows(client, FILM_PAGE, "95 minutes")
    cached(client)
    call_command("clear_page_cache", verbosity=0)
    assert status(fetch(client, FILM_PAGE)) == "film-archive; fwd=miss; stored"


def test_raw_sql_is_noticed_however_it_is_written(client, film):
    """Comments first, the table named with its schema, the write inside a WITH."""
    from django.db import connection

    schema = "public" if connection.vendor == "postgresql" else "main"
    for minutes, statement in (
        (96, "/* a fix */ UPDATE archive_film SET runtime_minutes = 96 WHERE id = %s"),
        (97, f'UPDATE "{schema}"."archive_film" SET runtime_minutes = 97 WHERE id = %s'),
        (
            98,
            "WITH chosen AS (SELECT %s AS id) UPDATE archive_film SET runtime_minutes = 98 "
            "WHERE id IN (SELECT id FROM chosen)",
        ),
    ):
        cached(client)
        with connection.cursor() as cursor:
            cursor.execute(statement, [film.pk])
        assert shows(client, FILM_PAGE, f"{minutes} minutes"), statement


def test_another_spelling_of_the_host_is_answered_not_stored(client, film, page_cache_store):
    """A stream of Host spellings (ports, capitals) cannot fill the cache: each page has one
    entry, made for the site's own spelling."""
    cached(client)
    entries = cache_files(page_cache_store)
    with override_settings(ALLOWED_HOSTS=["testserver", "films.example.org"]):
        for host in ("testserver:1005", "TESTSERVER", "films.example.org:8080"):
            response = client.get(FILM_PAGE, HTTP_HOST=host)
            assert response.status_code == 200
            assert status(response) == "film-archive; fwd=miss", host
        assert status(client.get(FILM_PAGE, HTTP_HOST="films.example.org")).endswith("stored")
    assert cache_files(page_cache_store) == entries + 1


def test_a_change_of_configuration_is_a_change_of_page(client, film):
    """Restarted with another time zone, the site does not serve the pages of the old one."""
    cached(client)
    with override_settings(TIME_ZONE="Pacific/Kiritimati"):
        assert status(fetch(client, FILM_PAGE)) == "film-archive; fwd=miss; stored"
    assert status(fetch(client, FILM_PAGE)) == "film-archive; hit"


def test_a_change_of_the_api_rate_shows_on_the_api_reference(client, film):
    """Restarted with another DJANGO_API_RATE, the API's reference page states the new rate,
    not the one a stored page was rendered with."""
    cached(client, "/api/v1/")
    with override_settings(API_RATE="10/s"):
        assert shows(client, "/api/v1/", "<code>10/s</code>")


def test_the_cache_of_a_database_is_found_however_its_address_is_spelled():
    """A command run with `localhost` for `127.0.0.1`, or without the default port, moves the
    generation the site reads; another database has a cache of its own."""
    from site_config.settings import database_identity

    def identity(url):
        import dj_database_url

        return database_identity(dj_database_url.parse(url))

    same = {
        identity("postgres://postgres@127.0.0.1:5432/archive"),
        identity("postgres://postgres@localhost/archive"),
        identity("postgres://postgres@LOCALHOST:5432/archive"),
    }
    assert len(same) == 1
    assert identity("postgres://postgres@127.0.0.1:5433/archive") not in same
    assert identity("postgres://postgres@127.0.0.1/other") not in same
    assert identity("sqlite:///db.sqlite3") == identity(f"sqlite:///{Path.cwd()}/db.sqlite3")


# What every page of a list shares: its filters' options, read once per change. ---------------


def theme_options(client, url="/articles/"):
    html = fetch(client, url).content.decode()
    select = html.split('<select name="theme">', 1)[1].split("</select>", 1)[0]
    return select


def queries_of(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fetch(client, url)
    return [query["sql"] for query in captured.captured_queries]


@override_settings(PAGE_CACHE=False)
def test_list_filters_are_read_once_per_change_and_follow_every_change(client, film):
    """With the page cache off too, a list's theme and year options are read once for all its
    pages, and any change to what readers see shows in them on the next request."""
    review = Article.objects.get(title="An unforgettable portrait")
    review.themes.add("civil defence")
    assert "civil defence" in theme_options(client)
    for url in ["/articles/", "/articles/?kind=review", "/films/", "/quotes/"]:
        fetch(client, url)
        assert not any("archive_themeditem" in sql for sql in queries_of(client, url)), url

    review.themes.add("White Helmets")
    assert "White Helmets" in theme_options(client)
    make_article(title="A draft", status=Article.Status.DRAFT).themes.add("unpublished")
    assert "unpublished" not in theme_options(client)
    review.themes.remove("civil defence")
    assert "civil defence" not in theme_options(client)
    film.themes.add("Syria")
    assert "Syria" in theme_options(client, "/films/")
    assert "Syria" not in theme_options(client, "/articles/")


@override_settings(PAGE_CACHE=False)
def test_list_filters_follow_a_scheduled_publication(client, film):
    """A piece scheduled for the first hour of a new year brings its theme and its year to the
    article list's filters at its time, not before."""
    moment = dt.datetime(timezone.now().year + 2, 12, 31, 23, 30, tzinfo=dt.UTC)
    new_year = str(moment.year + 1)
    with time_machine.travel(moment, tick=False):
        later = make_article(title="Scheduled", published_at=moment + dt.timedelta(hours=1))
        later.themes.add("siege")
        assert "siege" not in theme_options(client)
        assert f'<option value="{new_year}"' not in fetch(client, "/articles/").content.decode()
    with time_machine.travel(moment + dt.timedelta(hours=1, seconds=1), tick=False):
        assert "siege" in theme_options(client)
        assert f'<option value="{new_year}"' in fetch(client, "/articles/").content.decode()


@override_settings(PAGE_CACHE=False)
def test_list_filters_read_beside_uncommitted_writes_are_not_kept(client, film):
    from django.db import transaction

    review = Article.objects.get(title="An unforgettable portrait")
    with pytest.raises(RuntimeError), transaction.atomic():
        review.themes.add("never committed")
        assert "never committed" in theme_options(client)
        raise RuntimeError
    assert "never committed" not in theme_options(client)


@override_settings(PAGE_CACHE=False)
def test_people_list_filters_follow_every_change(client, film):
    """The people list's roles and initials are read once per change for all its pages."""
    from archive.models import ArticleAuthor

    page = fetch(client, "/people/").content.decode()
    assert 'value="critic"' not in page and "letter=z" not in page
    review = Article.objects.get(title="An unforgettable portrait")
    ArticleAuthor.objects.create(article=review, person=make_person(name="Zoë Critic"), order=0)
    page = fetch(client, "/people/").content.decode()
    assert 'value="critic"' in page and "letter=z" in page
    critics = fetch(client, "/people/?role=critic").content.decode()
    assert "letter=z" in critics and "Zoë Critic" in critics
    review.status = Article.Status.DRAFT
    review.save()
    assert 'value="critic"' not in fetch(client, "/people/").content.decode()
    # No one is a critic any more: the role is refused, not offered with stale initials.
    assert (
        "No one in the archive is listed under"
        in fetch(client, "/people/?role=critic").content.decode()
    )
