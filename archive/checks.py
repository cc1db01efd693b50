"""System checks of what the settings alone cannot tell: how they meet the site's addresses,
whether the Redis server REDIS_URL names has its database, and (at start) whether the static
files are collected."""

import re

import redis
from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import storages
from django.urls import Resolver404, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern


def literal_prefixes(patterns, prefix=""):
    """The fixed beginning of every address the patterns answer ("films/", "api/v1/", …)."""
    for pattern in patterns:
        text = prefix + str(pattern.pattern).lstrip("^")
        literal = re.split(r"[<^$(\[\\.*+?]", text, maxsplit=1)[0]
        if isinstance(pattern, URLResolver):
            yield from literal_prefixes(pattern.url_patterns, literal)
        elif literal:
            yield literal


@checks.register(checks.Tags.urls)
def admin_address_is_its_own(app_configs=None, **kwargs):
    """DJANGO_ADMIN_URL must not be an address of the site's own pages, nor lie above them: the
    admin's patterns come first and end with one that takes every address below it, so `films/`
    put every film page behind the admin's sign-in, and `api/v1/` or `api/` the whole API."""
    admin = settings.ADMIN_URL
    others = [
        pattern
        for pattern in get_resolver().url_patterns
        if getattr(pattern, "namespace", None) != "admin"
    ]
    site = URLResolver(RegexPattern(r"^/"), others)
    taken = [literal for literal in literal_prefixes(others) if literal.startswith(admin)]
    for path in (f"{admin}login/", admin):
        try:
            site.resolve(f"/{path}")
        except Resolver404:
            continue
        taken.insert(0, path)
    if not taken:
        return []
    return [
        checks.Error(
            f"DJANGO_ADMIN_URL is {admin!r}, an address of the site's own pages: /{taken[0]} "
            "would be the admin's, and readers sent to its sign-in.",
            hint="Choose an address of its own, such as desk/.",
            id="archive.E001",
        )
    ]


@checks.register(checks.Tags.caches)
def redis_has_the_database(app_configs=None, **kwargs):
    """REDIS_URL must name a database its server has: redis://…/99, on a server of Redis's
    default 16, is refused by the server at every connection, and the site ran without its
    cache, every page rendered, with only a warning that the cache "cannot be reached". How
    many databases a server has only the server knows, so it is asked once, as the cache asks
    (half a second at most); one that does not answer is an outage the site rides out, not a
    mistake in the settings, and is not reported here."""
    errors = []
    for location in filter(None, (part.strip() for part in settings.REDIS_URL.split(","))):
        client = redis.Redis.from_url(location, socket_connect_timeout=0.5, socket_timeout=0.5)
        try:
            client.ping()
        except redis.ResponseError as error:
            database = client.connection_pool.connection_kwargs.get("db", 0)
            errors.append(
                checks.Error(
                    f"REDIS_URL names database {database}, which its Redis server refuses "
                    f"({error}).",
                    hint="A Redis server has 16 databases, 0 to 15, unless its `databases` "
                    "setting says otherwise: name one of those, such as redis://host:6379/0.",
                    id="archive.E002",
                )
            )
        except (redis.RedisError, OSError):
            pass
        finally:
            client.close()
    return errors


def static_files_collected():
    """Refuse to serve without the static files `collectstatic` gathers (DEBUG off).

    Pages name each static file by its hashed name, read from the manifest `collectstatic`
    writes into STATIC_ROOT. Without it (collectstatic not run, or DJANGO_STATIC_ROOT naming
    another directory), or with one from before a file was added, every page naming a missing
    file, the error pages included, was a bare "Internal Server Error" while /healthz answered
    "ok". Called by the WSGI and ASGI entry points, once per process.
    """
    storage = storages["staticfiles"]
    if not isinstance(storage, ManifestFilesMixin):
        return
    collected = storage.hashed_files  # read from the manifest as the storage is made
    ignored = apps.get_app_config("staticfiles").ignore_patterns
    found = {path for finder in get_finders() for path, _ in finder.list(ignored)}
    missing = sorted(found - set(collected))
    if not missing:
        return
    if collected:
        more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        what = f"{', '.join(missing[:3])}{more} {'is' if len(missing) == 1 else 'are'} missing"
    else:
        what = "none of them is there"
    raise ImproperlyConfigured(
        f"The static files are not collected in DJANGO_STATIC_ROOT ({settings.STATIC_ROOT}): "
        f"{what}, and every page naming one would fail. Run `python manage.py collectstatic "
        "--no-input` with the same settings before starting the site."
    )
