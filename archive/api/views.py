"""The API's views: REST framework's generic list and detail views over the published rule.

What the public may see is decided where the site decides it: `Article.objects.published()`
(and `Quote.objects.published()`, its rule through the quote's article, and
`Theme.objects.public()`, themes something public carries). Films and people are all public, as
on the site; the pieces a film or person links to are their published ones only.

Each view is a public page (archive.pagecache): served from the shared page cache, invalidated
with the site's pages, with an ETag and 304. Its errors are problems (archive.api.problems).
"""

from functools import wraps

from django.conf import settings
from django.db.models import F, Prefetch, Window
from django.db.models.functions import Lower, RowNumber
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.encoding import iri_to_uri
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework import generics
from rest_framework.response import Response

from .. import pagecache
from ..models import Article, Award, Credit, Exchange, Film, Person, Quote, Theme
from ..pagination import KeysetPaginator
from ..views import FollowsEarlierSlugs, public_articles, public_quotes
from . import filters, serializers
from .pagination import KeysetPagination
from .problems import problem_response
from .reference import described

ALLOWED_METHODS = "GET, HEAD, OPTIONS"
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": ALLOWED_METHODS,
    "Access-Control-Allow-Headers": "If-None-Match",
    "Access-Control-Max-Age": "86400",
}


def preflight(response):
    """`response` (an empty 204) as the answer to a CORS preflight, or to a client asking what
    the address allows."""
    for name, value in PREFLIGHT_HEADERS.items():
        response[name] = value
    return response


def public_endpoint(view, params=()):
    """An API view as a public page, cached and invalidated like the site's (`public_page`),
    whose errors no cache keeps. DRF answers every method (a problem, or CORS's preflight)."""
    page = pagecache.public_page(view, params=params, read_only=False)

    @wraps(page)
    def endpoint(request, *args, **kwargs):
        response = page(request, *args, **kwargs)
        if response.status_code >= 400:
            response["Cache-Control"] = "no-store"
        return response

    return endpoint


class ReadOnly:
    """What every API view does: read-only (a write method is 405), errors as problems. (Every
    answer's CORS headers are given by archive.api.middleware.)"""

    http_method_names = ["get", "head", "options"]

    def options(self, request, *args, **kwargs):
        """A CORS preflight, or a client asking what the address allows."""
        return preflight(Response(status=204))


class PublicList(ReadOnly, generics.ListAPIView):
    """A long list, filtered by `filter_class` and paged by `keyset` (see .pagination)."""

    pagination_class = KeysetPagination
    page_size = 20
    filter_class = None
    keyset = None

    def get(self, request, *args, **kwargs):
        """The list, or 301 to it with each filter naming its object by its current slug."""
        self.filtering = self.filter_class.read(request.query_params)
        current = self.filtering.current_query(request.query_params)
        if current is not None:
            return HttpResponsePermanentRedirect(f"{request.path}?{current.urlencode()}")
        return super().get(request, *args, **kwargs)

    def filter_queryset(self, queryset):
        filtering = self.filtering
        if filtering.validated_data.get("q"):
            # Searches are answered afresh, as the site's are: they must not fill the cache.
            pagecache.do_not_store(self.request._request)
        return filtering.apply(queryset)


class PublicDetail(ReadOnly, FollowsEarlierSlugs, generics.RetrieveAPIView):
    """One object by its slug; an earlier slug of it answers 301 with the current address."""

    lookup_field = "slug"


# --- Films --------------------------------------------------------------------------------------


@extend_schema_view(get=extend_schema(summary="Films", parameters=[filters.FilmFilters]))
class FilmList(PublicList):
    """Every film, by title, filtered as the site's film list is."""

    serializer_class = serializers.FilmListItem
    filter_class = filters.FilmFilters
    keyset = KeysetPaginator(["sort_title", "year", "pk"], positions=True)
    queryset = Film.objects.all()


@extend_schema_view(get=extend_schema(summary="A film"))
class FilmDetail(PublicDetail):
    """A film, its credits, awards, themes and latest public reviews, interviews and features."""

    serializer_class = serializers.FilmDetail
    articles_per_kind = 20
    queryset = Film.objects.prefetch_related(
        "languages",
        "themes",
        Prefetch("credits", queryset=Credit.objects.select_related("person")),
        Prefetch("awards", queryset=Award.objects.prefetch_related("recipients")),
    )

    def get_object(self):
        film = super().get_object()
        latest = Window(
            RowNumber(), partition_by=F("kind"), order_by=[F("published_at").desc(), F("pk").desc()]
        )
        articles = list(
            Article.objects.published()
            .filter(films=film)
            .annotate(latest=latest)
            .filter(latest__lte=self.articles_per_kind)
            .order_by("-published_at", "-pk")
        )
        film.latest_reviews, film.latest_interviews, film.latest_features = (
            [article for article in articles if article.kind == kind]
            for kind in (Article.Kind.REVIEW, Article.Kind.INTERVIEW, Article.Kind.FEATURE)
        )
        return film


# --- People -------------------------------------------------------------------------------------


@extend_schema_view(get=extend_schema(summary="People", parameters=[filters.PersonFilters]))
class PersonList(PublicList):
    """Everyone the archive names, A to Z, filtered as the site's list of people is."""

    serializer_class = serializers.PersonListItem
    filter_class = filters.PersonFilters
    keyset = KeysetPaginator(["sort_name", "pk"], positions=True)

    def get_queryset(self):
        return Person.objects.public()


@extend_schema_view(get=extend_schema(summary="A person"))
class PersonDetail(PublicDetail):
    """A person, their credits and the latest public pieces by, about or interviewing them."""

    serializer_class = serializers.PersonDetail
    articles_shown = 20

    def get_queryset(self):
        return Person.objects.public().with_credits()

    def get_object(self):
        person = super().get_object()
        person.latest_articles = list(
            Article.objects.published()
            .involving(person)
            .order_by("-published_at", "-pk")[: self.articles_shown]
        )
        return person


# --- Articles -----------------------------------------------------------------------------------


@extend_schema_view(get=extend_schema(summary="Articles", parameters=[filters.ArticleFilters]))
class ArticleList(PublicList):
    """Every public review, interview and feature, newest first."""

    serializer_class = serializers.ArticleListItem
    filter_class = filters.ArticleFilters
    keyset = KeysetPaginator(["-published_at", "-pk"], positions=True)

    def get_queryset(self):
        return public_articles()


@extend_schema_view(get=extend_schema(summary="An article"))
class ArticleDetail(PublicDetail):
    """A public review, interview or feature, with an interview's exchanges in order."""

    serializer_class = serializers.ArticleDetail

    def get_queryset(self):
        return (
            Article.objects.published()
            .select_related("interviewer")
            .prefetch_related(
                Article.author_list.prefetch(),
                Article.film_list.prefetch(),
                Article.people_list.prefetch(),
                "themes",
                Prefetch(
                    "exchanges",
                    queryset=Exchange.objects.select_related("interviewer", "interviewee"),
                ),
                Prefetch("quotes", queryset=Quote.objects.order_by("pk")),
            )
        )


# --- Quotes -------------------------------------------------------------------------------------


def listed_quotes():
    """Public quotes with their speaker, film, source and its byline (for the attribution), and
    the exchange they come from."""
    return public_quotes().select_related("exchange").prefetch_related(Quote.theme_list.prefetch())


@extend_schema_view(get=extend_schema(summary="Quotes", parameters=[filters.QuoteFilters]))
class QuoteList(PublicList):
    """Quotes from public articles, the latest chosen first."""

    serializer_class = serializers.QuoteSerializer
    filter_class = filters.QuoteFilters
    keyset = KeysetPaginator(["-pk"], key="pk", positions=True)

    def get_queryset(self):
        return listed_quotes()


@extend_schema_view(get=extend_schema(summary="A quote"))
class QuoteDetail(PublicDetail):
    """A quote from a public article, with the address of its passage."""

    serializer_class = serializers.QuoteSerializer
    lookup_field = "pk"

    def get_queryset(self):
        return listed_quotes()


# --- Themes -------------------------------------------------------------------------------------


@extend_schema_view(get=extend_schema(summary="Themes"))
class ThemeList(PublicList):
    """Themes something public carries, by name, with their counts."""

    serializer_class = serializers.ThemeSerializer
    filter_class = filters.ThemeFilters
    # In the site's order: by name whatever its capitals ("children in war" before "Syria").
    keyset = KeysetPaginator(["folded_name", "pk"], positions=True)

    def get_queryset(self):
        return Theme.objects.public().with_public_counts().annotate(folded_name=Lower("name"))


@extend_schema_view(get=extend_schema(summary="A theme"))
class ThemeDetail(PublicDetail):
    """A theme something public carries, with its counts and the lists of what carries it."""

    serializer_class = serializers.ThemeSerializer

    def get_queryset(self):
        return Theme.objects.public().with_public_counts()


# --- The description, the reference page and unknown addresses ---------------------------------


class Schema(ReadOnly, SpectacularJSONAPIView):
    """The OpenAPI 3 description of the API, generated from the views and serializers."""


def without_word_patterns(result, generator, request, public):
    """A drf-spectacular postprocessing hook: the description's slugs without the pattern
    Django checks them with, `^[-\\w]+$`. JSON Schema reads a pattern as ECMA-262 does, where
    `\\w` is an ASCII letter, digit or underscore: a client checking answers against it (a
    JavaScript validator) refused every slug in another script ("بيت"), which Python's `\\w`
    takes. No pattern the two read alike says "letters of any script"; the length stays."""

    def drop(node):
        if isinstance(node, dict):
            pattern = node.get("pattern")
            if isinstance(pattern, str) and "\\w" in pattern:
                del node["pattern"]
            for value in node.values():
                drop(value)
        elif isinstance(node, list):
            for value in node:
                drop(value)

    drop(result)
    return result


@csrf_exempt
def reference(request):
    """The API's reference, for people: the OpenAPI description written out as a page of the
    site (no script, nothing fetched from elsewhere). OPTIONS is answered as at every other
    address of the API."""
    if request.method == "OPTIONS":
        response = HttpResponse(status=204, headers={"Allow": ALLOWED_METHODS})
        del response["Content-Type"]
        return preflight(response)
    if request.method not in ("GET", "HEAD"):
        detail = "The API is read-only: GET, HEAD and OPTIONS only."
        return problem_response(request, 405, detail, headers={"Allow": ALLOWED_METHODS})
    return render(request, "api/reference.html", {"api": described(), "rate": settings.API_RATE})


def not_found(request, path=""):
    """Any other address under the API: a problem, not the site's HTML page. An address that
    lacks only its final slash is redirected to it, as the site's pages are."""
    if request.method in ("GET", "HEAD") and not request.path_info.endswith("/"):
        try:
            match = resolve(f"{request.path_info}/")
        except Resolver404:
            match = None
        if match is not None and match.func is not not_found_endpoint:
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(
                f"{request.path}/" + (f"?{iri_to_uri(query)}" if query else "")
            )
    response = problem_response(request, 404, "There is nothing at this address in the API.")
    response["Cache-Control"] = "no-store"
    return response


not_found_endpoint = csrf_exempt(not_found)
