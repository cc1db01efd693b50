"""The lists' filters, as the site's lists have them, read from the query string.

A value the API cannot use — a film or theme that is not public, `year=abc`, an unknown kind —
is answered 400 with what is wrong (archive.api.problems), never ignored: a program asking for a
film by a wrong slug would otherwise take the whole list for the filtered one.
"""

from rest_framework import serializers

from .. import search
from ..models import Article, EarlierSlug, Film, Person, Quote, SearchDocument, Theme
from ..models.theme import carrying
from ..pagecache import SLUG_LIKE
from ..views import PERSON_ROLES, role_condition
from .problems import BadParameters


class PublicSlugField(serializers.SlugRelatedField):
    """An object named by its slug, among those `public()` returns (every one of `model` by
    default), asked per request: what is public depends on the time (scheduled pieces)."""

    def __init__(self, model, public=None, **kwargs):
        self.public = public or model.objects.all
        super().__init__(slug_field="slug", queryset=model.objects.none(), required=False, **kwargs)

    def get_queryset(self):
        return self.public()

    def to_internal_value(self, data):
        """An earlier slug of one of them names it too (a link kept from before a rename or
        a merge), and so does either spelt with capitals or Latin letters outside ASCII
        ("Syria", "Égypte"), as the site's pages and lists read them (EarlierSlug.objects.named)."""
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError:
            found = None
            if isinstance(data, str) and SLUG_LIKE.fullmatch(data):
                found = EarlierSlug.objects.named(self.get_queryset(), data)
            if found is None:
                raise
            return found


class Filters(serializers.Serializer):
    """A list's filters. `search_kind` is what `q` searches for (archive.search)."""

    search_kind = None
    q = serializers.CharField(
        required=False,
        allow_blank=True,  # spaces only: no search, as an empty `q`
        max_length=search.MAX_QUERY_LENGTH,
        help_text="Words to search for, as the site's search reads them (phrases in quotes, "
        "-exclusions, or); the matches in the list's order.",
    )

    @classmethod
    def read(cls, params):
        """The filters in `params` (the query string), checked; BadParameters if one is wrong."""
        filters = cls(data=params)
        if not filters.is_valid():
            raise BadParameters(filters.errors)
        return filters

    def current_query(self, params):
        """`params` (the query string) with each object named by its current slug, or None
        if each already is. An earlier slug, or one spelt with capitals or accents, names the
        object as its own address spelt so does; like that address the list then answers 301
        with this query, so that each of its pages has one address, which its `next` and
        `previous` links name."""
        query, moved = params.copy(), False
        for name, field in self.fields.items():
            found = self.validated_data.get(name)
            if isinstance(field, PublicSlugField) and found is not None:
                if found.slug != params.get(name):
                    query[name], moved = found.slug, True
        return query if moved else None

    def apply(self, queryset):
        """`queryset` filtered as the query string asks."""
        return self.filtered(queryset, self.validated_data)

    def filtered(self, queryset, data):
        """Narrowed by `q` to every match (search.matching), in the list's own order."""
        text = data.get("q", "").strip()
        if text:
            matches = search.matching(text, self.search_kind)
            queryset = queryset.filter(pk__in=matches) if matches is not None else queryset.none()
        return queryset


class FilmFilters(Filters):
    search_kind = SearchDocument.Kind.FILM
    year = serializers.IntegerField(required=False, min_value=1870, max_value=2100)
    kind = serializers.ChoiceField(required=False, choices=Film.Kind.choices)
    theme = PublicSlugField(Theme, Theme.objects.public, help_text="A theme's slug.")

    def filtered(self, films, data):
        if "year" in data:
            films = films.filter(year=data["year"])
        if "kind" in data:
            films = films.filter(kind=data["kind"])
        if "theme" in data:
            films = films.filter(themes=data["theme"])
        return super().filtered(films, data)


class ArticleFilters(Filters):
    search_kind = SearchDocument.Kind.ARTICLE
    kind = serializers.ChoiceField(required=False, choices=Article.Kind.choices)
    year = serializers.IntegerField(
        required=False, min_value=1870, max_value=2100, help_text="The year of publication."
    )
    theme = PublicSlugField(Theme, Theme.objects.public, help_text="A theme's slug.")
    film = PublicSlugField(Film, help_text="Pieces about this film (its slug).")
    person = PublicSlugField(
        Person,
        Person.objects.public,
        help_text="Pieces by, about or interviewing this person (their slug).",
    )

    def filtered(self, articles, data):
        if "kind" in data:
            articles = articles.filter(kind=data["kind"])
        if "year" in data:
            articles = articles.filter(published_at__year=data["year"])
        if "theme" in data:
            articles = articles.filter(themes=data["theme"])
        if "film" in data:
            articles = articles.filter(films=data["film"])
        if "person" in data:
            articles = articles.involving(data["person"])
        return super().filtered(articles, data)


class PersonFilters(Filters):
    search_kind = SearchDocument.Kind.PERSON
    role = serializers.ChoiceField(
        required=False,
        choices=list(PERSON_ROLES.items()),
        help_text="A credit's role; `critic`: a byline on a public piece, or an interview "
        "conducted; `subject`: someone a public piece is about or interviews.",
    )
    letter = serializers.RegexField(
        r"^[a-z]$", required=False, help_text="An initial, a to z (of the slug: Søren is s)."
    )

    def filtered(self, people, data):
        if "role" in data:
            people = people.filter(role_condition(data["role"]))
        if "letter" in data:
            people = people.filter(slug__startswith=data["letter"])
        return super().filtered(people, data)


class QuoteFilters(Filters):
    search_kind = SearchDocument.Kind.QUOTE
    film = PublicSlugField(Film, help_text="Quotes about this film (its slug).")
    person = PublicSlugField(
        Person,
        Person.objects.public,
        help_text="Quotes by this person (their slug): those they said, and the words of "
        "pieces they signed that name no speaker.",
    )
    theme = PublicSlugField(Theme, Theme.objects.public, help_text="A theme's slug.")

    def filtered(self, quotes, data):
        if "film" in data:
            quotes = quotes.filter(film=data["film"])
        if "person" in data:
            quotes = quotes.by(data["person"])
        if "theme" in data:
            quotes = quotes.filter(pk__in=carrying(data["theme"], Quote))
        return super().filtered(quotes, data)


class ThemeFilters(Filters):
    """Themes have no filter; `q` is not offered (themes are not in the search index)."""

    q = None
