"""
The server-side page cache: public pages rendered once, shared by every worker and app server.

A cached page is exact. Its key holds the **content generation**, a number kept in the shared
cache and moved after every committed write to a table readers see, by any path — the admin, a
command, `loaddata`, a queryset `update()`, a theme merge — because the write is noticed where
all of them meet: the database connection (`watch_writes`, a Django execute wrapper). A cached
page also never outlives the next scheduled publication: it expires at that moment. The key
holds a fingerprint of the code and templates too, so a deployment never serves pages rendered
by the code it replaced.

What is cached: anonymous GET and HEAD requests answered 200, without cookies, by a view
marked with `public_page()`; `PageCacheMiddleware` serves and stores them. Signed-in users,
previews, the admin and errors are never served from nor stored in it. Each public view names
the query parameters it reads; the others (`?utm_source=…`) are dropped before the view runs
and are not part of the key, so junk parameters neither create entries nor bypass the cache. A
used parameter must be in its canonical form (`page=2`, not `page=02`) and accepted by the view
(`do_not_store()` otherwise) for its page to be stored, and its path spelled as the site's own
links spell it (`canonical_path`).

Every public response carries an ETag, and a matching `If-None-Match` is answered 304, from
the cache as from a fresh render. `Cache-Status` (RFC 9211) says what the cache did.
`DJANGO_PAGE_CACHE=false` turns the server-side cache off; ETags and CDN headers stay.

When the shared cache cannot be reached (Redis down), pages are rendered for every request,
neither served from it nor stored, and a write still succeeds: its move of the generation is
made by the first request of the process that could not make it once the cache answers again,
as by every process that found the cache unreachable meanwhile (pages stored before the outage
may predate a change made during it).
"""

import functools
import hashlib
import logging
import re
import time
from importlib import import_module
from urllib.parse import unquote

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.dispatch import receiver
from django.http import HttpResponse, QueryDict
from django.http.request import split_domain_port
from django.urls import NoReverseMatch, Resolver404, get_urlconf, resolve, reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, quote_etag
from django.utils.http import parse_http_date_safe
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from . import pagination
from .middleware import unreachable_database
from .models import Article

try:
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover - redis is a dependency, but only REDIS_URL uses it
    RedisError = OSError

logger = logging.getLogger(__name__)

CACHE_NAME = "film-archive"
GENERATION_KEY = "pages:generation"
# What the shared cache raises when it cannot be reached: Redis's errors, or the file system's.
CACHE_ERRORS = (RedisError, OSError)

# The canonical form of each query parameter a public page may read. A page whose parameters
# are not canonical is rendered but not stored: `?page=02` and `?page=2` are one page, and a
# stream of such variants must not fill the cache.
PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,5}")
CANONICAL = {
    "page": re.compile(r"[1-9][0-9]{0,5}|last"),
    "p": PAGE_NUMBER,  # the sitemap's sections
    "year": re.compile(r"[12][0-9]{3}"),
}
SLUG_LIKE = re.compile(r"[-\w]{1,100}")


class Position:
    """Where a list's page starts (`after`, `before`): an item's key, as the site's lists name
    it, or a position token the site's own links gave (the API's, `pagination.issued`)."""

    @staticmethod
    def fullmatch(value):
        return SLUG_LIKE.fullmatch(value) or pagination.issued(value)


CANONICAL["after"] = CANONICAL["before"] = Position


# --- The content generation -------------------------------------------------------------------


_unreachable = False  # this process found the shared cache unreachable since it last answered
_unreachable_at = 0.0  # when it last did (time.time())

# How long a process that found the shared cache unreachable goes without asking it again. A
# Redis that stops answering (rather than refusing) costs each question its timeout, half a
# second: asked for the generation, then for each value a list shares, a list page waited two
# seconds on every request.
ASK_AGAIN_AFTER = 5


class CacheUnreachable(ConnectionError):
    """The shared cache was found unreachable moments ago: it is not asked again yet."""


def unreachable():
    """Note that the shared cache could not be reached: it is not asked again for
    ASK_AGAIN_AFTER seconds, and the generation is moved on once it answers again, since a
    change made meanwhile could not move it."""
    global _unreachable, _unreachable_at
    if not _unreachable:
        logger.warning(
            "The shared cache cannot be reached: pages are rendered, not stored, until it is "
            "back (`manage.py clear_page_cache` then clears what a change made meanwhile left)."
        )
    if not waiting_for_cache():  # a question really asked, not one skipped
        _unreachable_at = time.time()
    _unreachable = True


def waiting_for_cache():
    """Whether this process found the shared cache unreachable less than ASK_AGAIN_AFTER
    seconds ago, and goes without it until then."""
    return _unreachable and time.time() - _unreachable_at < ASK_AGAIN_AFTER


@receiver(setting_changed)
def ask_another_cache(*, setting, **kwargs):
    """Another cache configured is asked at once: the one found unreachable is no longer it."""
    global _unreachable_at
    if setting == "CACHES":
        _unreachable_at = 0.0


def generation():
    """The current content generation; made (never reused) if the cache has lost it."""
    global _unreachable
    if _unreachable:
        if waiting_for_cache():
            raise CacheUnreachable("The shared cache was unreachable moments ago.")
        move_generation()  # raises while the cache still cannot be reached
        _unreachable = False
    return current_or_new_generation()


def current_or_new_generation():
    value = cache.get(GENERATION_KEY)
    if value is None:
        # Nanoseconds since the epoch: larger than any generation handed out before, so
        # pages stored under an earlier number can never be served again.
        if cache.add(GENERATION_KEY, time.time_ns(), timeout=None):
            record_position(cache.get(GENERATION_KEY))
        value = cache.get(GENERATION_KEY)
    return value


def move_generation():
    try:
        record_position(cache.incr(GENERATION_KEY))
    except ValueError:
        current_or_new_generation()


def invalidate():
    """Move the content generation on: every page is rendered afresh on its next request.
    A write must not fail for the cache: when it cannot be reached, the move is made later
    (`unreachable`)."""
    global _unreachable
    try:
        if waiting_for_cache():
            raise CacheUnreachable("The shared cache was unreachable moments ago.")
        move_generation()
        _unreachable = False  # this move covers any change the cache could not be told of
    except CACHE_ERRORS:
        unreachable()


# With a read replica, a page rendered just after a change may have been read from a replica
# that has not yet replayed it. The primary's write-ahead log position is noted with each
# generation, and a page read from the replica is stored only once the replica has replayed
# that far; until then it is served, not stored.


def replica_configured():
    return "replica" in settings.DATABASES


def record_position(current_generation):
    """Note the primary's log position as this generation's (the first note stands)."""
    if not replica_configured():
        return None
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            position = cursor.fetchone()[0]
    except DatabaseError:  # noted later, by the first page stored under this generation
        return None
    key = f"pages:wal:{current_generation}"
    cache.add(key, position, timeout=settings.PAGE_CACHE_SECONDS)
    return cache.get(key, position)


def replica_is_current(current_generation):
    """Whether this request read nothing from a replica that lags behind the generation.

    A generation whose position nobody noted (moved by a process without the replica in its
    settings) gets the primary's position now: read after the move, it is past the change.
    """
    from .replicas import REPLICA, request_reads

    if not replica_configured() or request_reads.get() != REPLICA:
        return True
    try:
        position = cache.get(f"pages:wal:{current_generation}") or record_position(
            current_generation
        )
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [position])
            return bool(cursor.fetchone()[0])
    except CACHE_ERRORS:
        unreachable()
        return False
    except DatabaseError:
        return False


def content_tables():
    """The database tables whose rows readers see: the archive's own and the themes'."""
    from django.apps import apps

    tables = set()
    for label in ("archive", "taggit"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            tables.add(model._meta.db_table)
    return frozenset(tables)


# A statement that writes: its table (a schema before it and quotes around either allowed),
# or, for TRUNCATE or a write inside a WITH, any table (the generation moves on regardless).
# Comments may come first.
WRITE_STATEMENT = re.compile(
    r"(?:\s|/\*.*?\*/|--[^\n]*(?:\n|$))*"
    r"(?:(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE(?:\s+ONLY)?|DELETE\s+FROM(?:\s+ONLY)?"
    r"|REPLACE\s+INTO|MERGE\s+INTO)\s+(?:[\"`]?\w+[\"`]?\s*\.\s*)?[\"`]?(\w+)"
    r"|(TRUNCATE|WITH\b(?=.*\b(?:INSERT|UPDATE|DELETE|MERGE)\b)))",
    re.IGNORECASE | re.DOTALL,
)


class WriteWatcher:
    """A database execute wrapper that moves the generation on after a write to content.

    Installed on every connection (`install`). Inside a transaction the move waits for the
    commit (a rolled-back write changes nothing); until then the writer's own connection sees
    rows no one else does, so its requests neither read nor fill the page cache
    (`uncommitted_writes`). A page another worker renders between the write and the commit is
    stored under the generation the commit leaves behind, and never served.
    """

    tables = None

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        match = WRITE_STATEMENT.match(sql)
        if match:
            if self.tables is None:
                self.tables = content_tables()
            if match.group(2) or match.group(1) in self.tables:
                self.written(context["connection"])
        return result

    @staticmethod
    def written(connection):
        if not connection.in_atomic_block:
            invalidate()
        elif not waiting_for_commit(connection):
            transaction.on_commit(invalidate, using=connection.alias)


def waiting_for_commit(connection):
    """Whether this connection has written content in a transaction not yet committed."""
    return any(callback is invalidate for _, callback, _ in connection.run_on_commit)


def uncommitted_writes():
    return any(waiting_for_commit(c) for c in connections.all(initialized_only=True))


watch_writes = WriteWatcher()


def install(connection, **kwargs):
    """Watch a database connection's writes (connected to `connection_created`)."""
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)


def install_everywhere():
    for connection in connections.all(initialized_only=True):
        install(connection)


# --- Code fingerprint ---------------------------------------------------------------------


_fingerprint = None
SOURCE_SUFFIXES = {".py", ".html", ".css", ".js", ".svg", ".txt"}


# Settings read from the environment that shape what a stored page says or the headers it is
# stored with: a restart with another time zone or cache lifetime must not serve pages made
# under the old one.
PAGE_SETTINGS = (
    "TIME_ZONE",
    "LANGUAGE_CODE",
    "DEBUG",
    "PUBLIC_CACHE_SECONDS",
    "STATIC_URL",
    "MEDIA_URL",
    "ADMIN_URL",
    "CONTENT_SECURITY_POLICY",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
    "API_RATE",  # stated on the API's reference page
)


def code_fingerprint():
    """A hash of the code, templates and static files that shape a page, and of the settings
    that do (PAGE_SETTINGS), read once per process."""
    global _fingerprint
    if _fingerprint is None:
        digest = hashlib.blake2b(digest_size=8)
        base = settings.BASE_DIR
        for folder in ("archive", "site_config", "templates", "static"):
            for path in sorted((base / folder).rglob("*")):
                if path.is_file() and path.suffix in SOURCE_SUFFIXES:
                    digest.update(str(path.relative_to(base)).encode())
                    digest.update(path.read_bytes())
        for name in PAGE_SETTINGS:
            digest.update(f"{name}={getattr(settings, name, None)!r}".encode())
        _fingerprint = digest.hexdigest()
    return _fingerprint


@receiver(setting_changed)
def forget_fingerprint(*, setting, **kwargs):
    global _fingerprint
    if setting in PAGE_SETTINGS:
        _fingerprint = None


# --- Scheduled publications ---------------------------------------------------------------


def next_publication(current_generation):
    """The time (seconds since the epoch) of the next scheduled publication, or None.

    Asked of the database once per generation (scheduling or unscheduling a piece moves the
    generation on), and again once that time has come.
    """
    key = f"pages:next-publication:{current_generation}"
    now = time.time()
    cached = cache.get(key)
    if cached is not None and (cached == 0 or cached > now):
        return cached or None
    upcoming = (
        Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    value = upcoming.timestamp() if upcoming else 0
    timeout = max(1, int(value - now) + 1) if value else settings.PAGE_CACHE_SECONDS
    cache.set(key, value, timeout=timeout)
    return value or None


def valid_until(current_generation):
    """Until when (seconds since the epoch) something read now from the public content holds:
    PAGE_CACHE_SECONDS at most, and never past the next scheduled publication."""
    until = time.time() + settings.PAGE_CACHE_SECONDS
    upcoming = next_publication(current_generation)
    return min(until, upcoming) if upcoming else until


# --- Values many pages share ----------------------------------------------------------------


def shared_value(name, compute):
    """`compute()`, a value read from the public content that many pages show alike — the
    themes and years a list's filters offer, the same on each of its thousands of pages — read
    once per content generation and kept in the shared cache for every worker and app server.

    It follows the page cache's rules, so it is as exact as a cached page: a change by any
    path moves the generation on, the next scheduled publication ends it, and a value read
    beside this connection's uncommitted writes or from a replica behind the generation is used
    but not kept. Unlike pages, it is kept with DJANGO_PAGE_CACHE=false too: a page rendered
    afresh then still reads what every page of its list shares once per change, as a crawler's
    or a first visitor's page does with the cache on.
    """
    if uncommitted_writes():
        return compute()
    try:
        current_generation = generation()
        key = f"shared:{code_fingerprint()}:{current_generation}:{name}"
        entry = cache.get(key)
        if entry is not None and entry[0] > time.time():
            return entry[1]
        until = valid_until(current_generation)  # before reading: a piece may go public now
    except CACHE_ERRORS:
        unreachable()
        return compute()
    value = compute()
    if replica_is_current(current_generation):
        timeout = int(until - time.time())
        if timeout > 0:
            try:
                cache.set(key, (until, value), timeout=timeout)
            except CACHE_ERRORS:
                unreachable()
    return value


# --- Public pages and the middleware --------------------------------------------------------


def public_page(view, params=(), store=True, read_only=True):
    """Mark a view as a page anyone may see: kept here (unless `store` is false) by
    `PageCacheMiddleware`, and by a CDN or browser for PUBLIC_CACHE_SECONDS.

    `params` names the query parameters the view reads; all others are dropped before it runs.
    A page is read, never written to: methods other than GET and HEAD are a 405 (a function
    view, the search page or a feed, answered TRACE or OPTIONS as GET), writes included, which
    the CSRF check would otherwise refuse first, as a form sent without its token (a page that
    takes no write has no token to check). Without `read_only` the view answers every method
    itself (the API's, with its problems and CORS preflight).
    """
    view = csrf_exempt(require_safe(view)) if read_only else view

    @functools.wraps(view)
    def page(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
        return response

    page.page_cache_params = tuple(params)
    page.page_cache_store = store
    return page


def do_not_store(request):
    """Say, from a view, that this response must not be stored (such as a filter it refused)."""
    request.page_cache_refused = True


class PageCacheMiddleware:
    """Serves public pages from the shared cache, and stores them there once rendered.

    It stands before the session, authentication, CSRF and other middleware (after security,
    static files and compression): a page served from the cache skips them, and carries the
    headers they gave it when it was stored (the Content Security Policy among them). Who is
    signed in it reads from the session itself (`signed_in`).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        page = public_page_view(request)
        if page is None:
            return self.get_response(request)
        canonical = keep_parameters(request, page.page_cache_params)
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        if not settings.PAGE_CACHE:
            return answer(request, with_etag(self.get_response(request)), "")
        if not page.page_cache_store:
            return answer(request, with_etag(self.get_response(request)), BYPASS_NEVER_STORED)
        if signed_in(request):
            return answer(request, with_etag(self.get_response(request)), BYPASS_SIGNED_IN)
        if uncommitted_writes():
            return answer(request, with_etag(self.get_response(request)), BYPASS_UNCOMMITTED)

        canonical = canonical and canonical_host(request)
        try:
            current_generation = generation()
            key = cache_key(request, current_generation)
            entry = cache.get(key) if canonical else None
            if entry is not None and entry["until"] > time.time():
                return answer(request, restore(entry), "hit")
            # Before rendering: a scheduled piece may go public while the page is rendered.
            until = valid_until(current_generation)
        except CACHE_ERRORS:
            unreachable()
            return answer(request, with_etag(self.get_response(request)), MISS_UNREACHABLE)
        except DatabaseError as error:
            # The database did not answer when asked for the next scheduled publication: the
            # page is not stored, and DatabaseUnavailableMiddleware (below) answers its 503
            # page without the view asking again.
            unreachable_database(request, error)
            return answer(request, with_etag(self.get_response(request)), "fwd=miss")

        response = with_etag(self.get_response(request))
        if (
            canonical
            and storable(request, response)
            and canonical_path(request)
            and replica_is_current(current_generation)
        ):
            timeout = int(until - time.time())
            if timeout > 0:
                try:
                    cache.set(key, snapshot(response, until), timeout=timeout)
                except CACHE_ERRORS:
                    unreachable()
                    return answer(request, response, MISS_UNREACHABLE)
                return answer(request, response, "fwd=miss; stored")
        return answer(request, response, "fwd=miss")


BYPASS_SIGNED_IN = 'fwd=bypass; detail="signed-in"'
BYPASS_UNCOMMITTED = 'fwd=bypass; detail="uncommitted"'
# A page never stored, whoever asks: the search page, whose every query is an address of its own.
BYPASS_NEVER_STORED = 'fwd=bypass; detail="never-stored"'
MISS_UNREACHABLE = 'fwd=miss; detail="unreachable"'


def public_page_view(request):
    """The public page (a view wrapped by `public_page`) this request's address leads to."""
    return _public_page_view(request.path_info, get_urlconf())


@functools.lru_cache(maxsize=4096)
def _public_page_view(path, urlconf):
    """Remembered per worker: resolving an address costs more than the rest of serving its
    page from the cache. A stream of made-up addresses only pushes out others' entries."""
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    return match.func if hasattr(match.func, "page_cache_params") else None


@receiver(setting_changed)
def forget_views(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _public_page_view.cache_clear()


def signed_in(request):
    """Whether the request comes from someone signed in: whether the session its cookie names
    holds a user. Asked only of a request with a session cookie, before the session and
    authentication middleware have run; a session whose user is gone or whose password has
    changed still counts as signed in here, so such a reader is served a fresh page, never a
    stored one. A key holding a NUL (a crafted cookie, `sessionid="…\\000"`) names no session
    and is not looked up: PostgreSQL's driver refuses the character, a server error."""
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key or "\x00" in key:
        return False
    try:
        return SESSION_KEY in import_module(settings.SESSION_ENGINE).SessionStore(key)
    except DatabaseError as error:
        # Counted as signed in: the request goes on to the middleware that answers 503 while
        # the database cannot be reached.
        unreachable_database(request, error)
        return True


def keep_parameters(request, params):
    """Drop the query parameters the view does not read (and repeated values); say if canonical."""
    kept = QueryDict(mutable=True)
    canonical = True
    for name in params:
        value = request.GET.get(name, "")
        if value == "":
            continue
        kept[name] = value
        pattern = CANONICAL.get(name, SLUG_LIKE)
        if not pattern.fullmatch(value) or (name in ("page", "p") and value == "1"):
            canonical = False
    kept._mutable = False
    request.GET = kept
    return canonical


def canonical_host(request):
    """Whether the request names the site's host as its own pages do: in lower case, with no
    port or the server's own. A page's absolute addresses follow the Host header, so each
    spelling would be a page of its own; a stream of them (`Host: films.example.org:1005`,
    `FILMS.example.org`) is rendered, never stored."""
    host = request.get_host()
    _, port = split_domain_port(host)
    return host == host.lower() and (not port or port == request.META.get("SERVER_PORT"))


def canonical_path(request):
    """Whether the request's path is its page's own, as `reverse()` spells it. Another spelling
    the view answers as the page itself (`/api/v1/quotes/007/` for `/api/v1/quotes/7/`) is
    rendered, never stored: a stream of them would push real pages out of the cache."""
    match = request.resolver_match
    if match is None:
        return False
    try:
        path = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
    except NoReverseMatch:
        return False
    return unquote(path) == request.path


def cache_key(request, current_generation):
    address = f"{request.scheme}://{request.get_host()}{request.path}?{request.GET.urlencode()}"
    digest = hashlib.blake2b(address.encode(), digest_size=16).hexdigest()
    return f"pages:{code_fingerprint()}:{current_generation}:{digest}"


def with_etag(response):
    if response.status_code == 200 and not response.streaming and not response.has_header("ETag"):
        response["ETag"] = quote_etag(hashlib.blake2b(response.content, digest_size=16).hexdigest())
    return response


def answer(request, response, status):
    """The response, or 304 if the client has it already; with the cache's status.

    A public page that sets a cookie after all (the session or CSRF middleware removing an
    ended session's cookie or replacing a malformed one) is for this client only: no CDN or
    shared cache may keep it and hand its cookie to others.
    """
    if response.cookies:
        patch_cache_control(response, private=True)
    if response.has_header("ETag"):
        # The preconditions are those of the response's own ETag and date (a feed's or a
        # sitemap's): Django's check, not given the date, failed every If-Unmodified-Since.
        last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
        if last_modified is None:
            # A page with no modification date ignores If-Unmodified-Since (RFC 9110, 13.1.4);
            # Django's check takes the missing date for a later one and answers 412.
            request.META.pop("HTTP_IF_UNMODIFIED_SINCE", None)
        response = get_conditional_response(
            request, etag=response["ETag"], last_modified=last_modified, response=response
        )
    if status:
        response["Cache-Status"] = f"{CACHE_NAME}; {status}"
    return response


def storable(request, response):
    return (
        response.status_code == 200
        and not response.cookies
        and not response.streaming
        and not getattr(request, "page_cache_refused", False)
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


def snapshot(response, until):
    return {
        "status": response.status_code,
        "headers": list(response.items()),
        "content": response.content,
        "until": until,
    }


def restore(entry):
    response = HttpResponse(entry["content"], status=entry["status"])
    for name, value in entry["headers"]:
        response[name] = value
    return response
