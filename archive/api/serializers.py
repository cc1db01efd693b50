"""What the API says about each thing: a short summary where another object links to it, the
whole of it at its own address. Every object carries its public page's address (`url`) and its
own in the API (`api_url`), both absolute."""

from django.urls import reverse
from django.utils.http import urlencode
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..markup import plain_text, render_markdown
from ..models import Article, Award, Credit, Exchange, Film, Language, Person, Quote, Theme

# Named for the OpenAPI description (settings.SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]).
FilmKind = Film.Kind
ArticleKind = Article.Kind
CreditRole = Credit.Role
AwardOutcome = Award.Outcome


@extend_schema_field(OpenApiTypes.URI)
class PageURL(serializers.Field):
    """The absolute address of the object's page on the site (`get_absolute_url`)."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        return self.context["request"].build_absolute_uri(obj.get_absolute_url())


@extend_schema_field(OpenApiTypes.URI)
class ListURL(serializers.Field):
    """The absolute address of an API list filtered by this object: `films/?theme=syria`."""

    def __init__(self, list_name, parameter, **kwargs):
        self.list_name, self.parameter = list_name, parameter
        super().__init__(source="slug", read_only=True, **kwargs)

    def to_representation(self, slug):
        url = f"{reverse(f'api:{self.list_name}')}?{urlencode({self.parameter: slug})}"
        return self.context["request"].build_absolute_uri(url)


@extend_schema_field(OpenApiTypes.STR)
class MarkdownHTML(serializers.CharField):
    """Editor Markdown as sanitised HTML (archive.markup), the HTML the site shows."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return str(render_markdown(value))


@extend_schema_field(OpenApiTypes.STR)
class MarkdownText(serializers.CharField):
    """Editor Markdown as the plain words a reader sees."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return plain_text(value)


def api_url(view_name, lookup="slug"):
    return serializers.HyperlinkedIdentityField(
        view_name=f"api:{view_name}", lookup_field=lookup, lookup_url_kwarg=lookup
    )


# --- Summaries: an object as another one links to it -------------------------------------------


class FilmSummary(serializers.ModelSerializer):
    url = PageURL()
    api_url = api_url("film_detail")

    class Meta:
        model = Film
        fields = ["slug", "title", "year", "url", "api_url"]


class PersonSummary(serializers.ModelSerializer):
    url = PageURL()
    api_url = api_url("person_detail")

    class Meta:
        model = Person
        fields = ["slug", "name", "url", "api_url"]


class ThemeSummary(serializers.ModelSerializer):
    url = PageURL()
    api_url = api_url("theme_detail")

    class Meta:
        model = Theme
        fields = ["slug", "name", "url", "api_url"]


class ArticleSummary(serializers.ModelSerializer):
    url = PageURL()
    api_url = api_url("article_detail")

    class Meta:
        model = Article
        fields = ["slug", "kind", "title", "published_at", "url", "api_url"]


class Image(serializers.Serializer):
    """An editor's image: its address, its description for readers who cannot see it, its
    credit. Null where there is none."""

    url = serializers.SerializerMethodField()
    alt = serializers.CharField(source="image_alt")
    credit = serializers.CharField(source="image_credit")

    def get_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(obj.image.url)

    def to_representation(self, obj):
        return super().to_representation(obj) if obj.image else None


class Country(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class LanguageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Language
        fields = ["code", "name"]


# --- Films --------------------------------------------------------------------------------------


class FilmListItem(serializers.ModelSerializer):
    url = PageURL()
    api_url = api_url("film_detail")
    kind_label = serializers.CharField(source="get_kind_display")

    class Meta:
        model = Film
        fields = [
            "slug", "title", "original_title", "original_title_language", "year",
            "runtime_minutes", "kind", "kind_label", "url", "api_url",
        ]  # fmt: skip


class CreditSerializer(serializers.ModelSerializer):
    """A person's role on a film, with the property that says it in Wikidata and schema.org."""

    person = PersonSummary()
    role_label = serializers.CharField(source="get_role_display")
    wikidata_property = serializers.CharField(help_text="Such as P57 (director).")
    schema_org_property = serializers.CharField(help_text="A Movie's property, such as director.")

    class Meta:
        model = Credit
        fields = [
            "person", "role", "role_label", "wikidata_property", "schema_org_property",
            "credited_as", "note",
        ]  # fmt: skip


class AwardSerializer(serializers.ModelSerializer):
    event = serializers.CharField(help_text="The ceremony or festival edition, as readers say it.")
    recipients = PersonSummary(many=True)

    class Meta:
        model = Award
        fields = ["event", "body", "edition", "year", "category", "outcome", "recipients"]


class FilmDetail(FilmListItem):
    """A film, with its credits, awards, themes and the latest public pieces of each kind
    (`articles_api_url` lists them all)."""

    countries = Country(many=True)
    languages = LanguageSerializer(many=True)
    synopsis_html = MarkdownHTML(source="synopsis")
    synopsis_text = MarkdownText(source="synopsis")
    image = Image(source="*", allow_null=True)
    credits = CreditSerializer(many=True)
    awards = AwardSerializer(many=True)
    themes = ThemeSummary(source="theme_list", many=True)
    reviews = ArticleSummary(many=True, source="latest_reviews")
    interviews = ArticleSummary(many=True, source="latest_interviews")
    features = ArticleSummary(many=True, source="latest_features")
    articles_api_url = ListURL("article_list", "film")
    quotes_api_url = ListURL("quote_list", "film")

    class Meta(FilmListItem.Meta):
        fields = [
            *FilmListItem.Meta.fields, "countries", "languages", "synopsis_html",
            "synopsis_text", "image", "wikidata_id", "imdb_id", "credits", "awards", "themes",
            "reviews", "interviews", "features", "articles_api_url", "quotes_api_url",
        ]  # fmt: skip


# --- People -------------------------------------------------------------------------------------


class PersonListItem(serializers.ModelSerializer):
    url = PageURL()
    api_url = api_url("person_detail")

    class Meta:
        model = Person
        fields = ["slug", "name", "native_name", "native_name_language", "url", "api_url"]


class PersonCredit(serializers.ModelSerializer):
    film = FilmSummary()
    role_label = serializers.CharField(source="get_role_display")
    wikidata_property = serializers.CharField()
    schema_org_property = serializers.CharField()

    class Meta:
        model = Credit
        fields = [
            "film", "role", "role_label", "wikidata_property", "schema_org_property",
            "credited_as", "note",
        ]  # fmt: skip


class PersonDetail(PersonListItem):
    """A person, their credits and the latest public pieces by, about or interviewing them
    (`articles_api_url` lists them all)."""

    alternative_names = serializers.ListField(
        source="alternative_name_list", child=serializers.CharField()
    )
    biography_html = MarkdownHTML(source="biography")
    biography_text = MarkdownText(source="biography")
    credits = PersonCredit(many=True)
    articles = ArticleSummary(many=True, source="latest_articles")
    articles_api_url = ListURL("article_list", "person")
    quotes_api_url = ListURL("quote_list", "person")

    class Meta(PersonListItem.Meta):
        fields = [
            *PersonListItem.Meta.fields, "alternative_names", "biography_html",
            "biography_text", "birth_date", "death_date", "wikidata_id", "imdb_id", "credits",
            "articles", "articles_api_url", "quotes_api_url",
        ]  # fmt: skip


# --- Articles -----------------------------------------------------------------------------------


class ArticleListItem(ArticleSummary):
    byline = PersonSummary(source="author_list", many=True)
    films = FilmSummary(source="film_list", many=True)
    themes = ThemeSummary(source="theme_list", many=True)

    class Meta(ArticleSummary.Meta):
        fields = [*ArticleSummary.Meta.fields, "standfirst", "byline", "films", "themes"]


class ExchangeSerializer(serializers.ModelSerializer):
    """One question and its answer in an interview, in order, with who asks and who answers."""

    url = PageURL(help_text="The exchange's place in the article's page (its anchor).")
    question_html = MarkdownHTML(source="question")
    question_text = MarkdownText(source="question")
    asked_by = PersonSummary(
        source="question_speaker",
        allow_null=True,
        help_text="Who asks; null when the interviewer is not named.",
    )
    asked_by_name = serializers.CharField(source="question_speaker_name")
    answer_html = MarkdownHTML(source="answer")
    answer_text = MarkdownText(source="answer")
    answered_by = PersonSummary(source="interviewee")

    class Meta:
        model = Exchange
        fields = [
            "anchor", "url", "question_html", "question_text", "asked_by", "asked_by_name",
            "answer_html", "answer_text", "answered_by",
        ]  # fmt: skip


class ArticleQuote(serializers.ModelSerializer):
    url = PageURL(help_text="The quote's address on the site; it leads to the passage.")
    api_url = api_url("quote_detail", lookup="pk")
    passage_url = serializers.SerializerMethodField()

    class Meta:
        model = Quote
        fields = ["id", "text", "url", "passage_url", "api_url"]

    def get_passage_url(self, quote) -> str:
        return self.context["request"].build_absolute_uri(quote.passage_url)


class ArticleDetail(ArticleListItem):
    """A review, interview or feature: its text as sanitised HTML and as plain text, an
    interview's exchanges in order, and the quotes picked from it."""

    kind_label = serializers.CharField(source="get_kind_display")
    interviewer = PersonSummary(allow_null=True)
    people = PersonSummary(source="people_list", many=True)
    image = Image(source="*", allow_null=True)
    body_html = MarkdownHTML(source="body")
    body_text = MarkdownText(source="body")
    exchanges = ExchangeSerializer(source="exchanges.all", many=True)
    quotes = ArticleQuote(source="quotes.all", many=True)
    source_url = serializers.CharField(source="source_link")

    class Meta(ArticleListItem.Meta):
        fields = [
            *ArticleListItem.Meta.fields, "kind_label", "interviewer", "people", "image",
            "body_html", "body_text", "exchanges", "quotes", "source_name", "source_url",
        ]  # fmt: skip


# --- Quotes -------------------------------------------------------------------------------------


class QuoteExchange(serializers.Serializer):
    """The exchange of an interview a quote comes from: its anchor and its place in the page.
    Null for words from an article's body."""

    anchor = serializers.CharField(source="exchange.anchor")
    url = serializers.SerializerMethodField()

    def get_url(self, quote) -> str:
        # Through the quote's article, which the quote lists select with it.
        page = f"{quote.article.get_absolute_url()}#{quote.exchange.anchor}"
        return self.context["request"].build_absolute_uri(page)

    def to_representation(self, quote):
        return super().to_representation(quote) if quote.exchange_id else None


class QuoteSerializer(serializers.ModelSerializer):
    """Words picked from a public article, with the address of their exact passage in it."""

    url = PageURL(help_text="The quote's address on the site; it leads to the passage.")
    api_url = api_url("quote_detail", lookup="pk")
    passage_url = serializers.SerializerMethodField()
    speaker = PersonSummary(allow_null=True)
    attribution = serializers.CharField(help_text="Who the words are by, as a reader sees it.")
    film = FilmSummary()
    article = ArticleSummary()
    exchange = QuoteExchange(source="*", allow_null=True)
    themes = ThemeSummary(source="theme_list", many=True)

    class Meta:
        model = Quote
        fields = [
            "id", "text", "url", "passage_url", "api_url", "speaker", "attribution", "film",
            "article", "exchange", "featured", "themes",
        ]  # fmt: skip

    def get_passage_url(self, quote) -> str:
        return self.context["request"].build_absolute_uri(quote.passage_url)


# --- Themes -------------------------------------------------------------------------------------


class ThemeSerializer(ThemeSummary):
    """A theme, with how many films, public articles and public quotes carry it and the lists
    of them."""

    film_count = serializers.IntegerField()
    article_count = serializers.IntegerField()
    quote_count = serializers.IntegerField()
    films_api_url = ListURL("film_list", "theme")
    articles_api_url = ListURL("article_list", "theme")
    quotes_api_url = ListURL("quote_list", "theme")

    class Meta(ThemeSummary.Meta):
        fields = [
            *ThemeSummary.Meta.fields, "film_count", "article_count", "quote_count",
            "films_api_url", "articles_api_url", "quotes_api_url",
        ]  # fmt: skip
