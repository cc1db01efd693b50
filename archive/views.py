from django import forms
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import DatabaseError, connection
from django.db.models import Max, Prefetch, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import cache_control, never_cache
from django.views.generic import DetailView, ListView, TemplateView

from . import search, structured_data
from .markup import mark_passages, render_markdown
from .models import Article, Award, Credit, Exchange, Film, Person, Quote, SearchDocument, Theme


def public_articles():
    """Published articles with what a list of them shows: byline, films and themes."""
    return Article.objects.published().prefetch_related("authors", "films", "themes")


def public_quotes():
    """Published quotes with their speaker, source and film, as lists of quotes show them."""
    return (
        Quote.objects.published()
        .select_related("speaker", "article", "exchange", "film")
        .prefetch_related("article__authors")
    )


def grouped_credits(credits):
    """Credits grouped by role, in the order roles are listed in `Credit.Role`."""
    groups = {role: [] for role in Credit.Role}
    for credit in credits:
        groups[Credit.Role(credit.role)].append(credit)
    return [(role.label, members) for role, members in groups.items() if members]


def query_without_page(request):
    """The list's filters as a query string, for links to its other pages."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


class HomeView(TemplateView):
    template_name = "archive/home.html"

    def get_context_data(self, **kwargs):
        articles = list(public_articles()[:10])
        # Featured: the films with the most recent public coverage.
        latest_coverage = Max(
            "article_links__article__published_at",
            filter=Q(article_links__article__in=Article.objects.published()),
        )
        featured_films = (
            Film.objects.annotate(latest=latest_coverage)
            .filter(latest__isnull=False)
            .order_by("-latest")
            .prefetch_related("themes")[:6]
        )
        return super().get_context_data(
            articles=articles,
            featured_films=featured_films,
            themes=Theme.objects.public(),
            **kwargs,
        )


class FilmFilterForm(forms.Form):
    """The film list's filters; a value that makes no sense is reported and ignored."""

    year = forms.IntegerField(required=False, min_value=1870, max_value=2100)
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *Film.Kind.choices])
    theme = forms.ModelChoiceField(
        required=False,
        queryset=Theme.objects.public(),
        to_field_name="slug",
        empty_label="Any theme",
    )


class FilmListView(ListView):
    model = Film
    paginate_by = 24

    def get_queryset(self):
        self.filters = FilmFilterForm(self.request.GET)
        self.filters.is_valid()
        cleaned = self.filters.cleaned_data
        films = Film.objects.all()
        if cleaned.get("year"):
            films = films.filter(year=cleaned["year"])
        if cleaned.get("kind"):
            films = films.filter(kind=cleaned["kind"])
        if cleaned.get("theme"):
            films = films.filter(themes=cleaned["theme"])
        return films

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filters=self.filters,
            years=Film.objects.order_by("-year").values_list("year", flat=True).distinct(),
            query=query_without_page(self.request),
            **kwargs,
        )


class FilmDetailView(DetailView):
    queryset = Film.objects.prefetch_related(
        "languages",
        "themes",
        Prefetch("credits", queryset=Credit.objects.select_related("person")),
        Prefetch("awards", queryset=Award.objects.prefetch_related("recipients")),
    )

    def get_context_data(self, **kwargs):
        film = self.object
        articles = list(public_articles().filter(films=film))
        reviews = [a for a in articles if a.kind == Article.Kind.REVIEW]
        return super().get_context_data(
            credit_groups=grouped_credits(film.credits.all()),
            reviews=reviews,
            interviews=[a for a in articles if a.kind == Article.Kind.INTERVIEW],
            other_articles=[a for a in articles if a.kind == Article.Kind.FEATURE],
            featured_quotes=public_quotes().filter(film=film, featured=True),
            related_films=film.related_films(),
            structured_data=structured_data.movie(self.request, film, reviews),
            **kwargs,
        )


class ArticleDetailView(DetailView):
    preview = False

    def get_queryset(self):
        articles = Article.objects.all() if self.preview else Article.objects.published()
        return articles.prefetch_related(
            "authors",
            "people",
            "themes",
            Prefetch(
                "films",
                queryset=Film.objects.prefetch_related(
                    Prefetch("credits", queryset=Credit.objects.select_related("person"))
                ),
            ),
            Prefetch(
                "exchanges",
                queryset=Exchange.objects.select_related("interviewer", "interviewee"),
            ),
            Prefetch("quotes", queryset=Quote.objects.order_by("pk")),
        )

    def get_context_data(self, **kwargs):
        """The article's text with each quote's passage marked (its `#quote-N` target)."""
        article = self.object
        quotes = list(article.quotes.all())
        placed = set()

        def marked(text, passages):
            html, ids = mark_passages(
                render_markdown(text), [p for p in passages if p[0] not in placed]
            )
            placed.update(ids)
            return html

        def unplaced(passages):
            return [element_id for element_id, _ in passages if element_id not in placed]

        body_quotes = [(f"quote-{q.pk}", q.text) for q in quotes if not q.exchange_id]
        body_html = marked(article.body, body_quotes)
        exchanges = list(article.exchanges.all())
        for exchange in exchanges:
            own = [(f"quote-{q.pk}", q.text) for q in quotes if q.exchange_id == exchange.pk]
            exchange.answer_html = marked(exchange.answer, own)
            exchange.question_html = marked(exchange.question, own)
            exchange.unmarked_quotes = unplaced(own)
        return super().get_context_data(
            body_html=body_html,
            unmarked_quotes=unplaced(body_quotes),
            exchanges=exchanges,
            preview=self.preview,
            structured_data=None
            if self.preview
            else structured_data.article(self.request, article),
            **kwargs,
        )


@method_decorator([never_cache, staff_member_required], name="dispatch")
class ArticlePreviewView(ArticleDetailView):
    """An article as readers will see it, for staff only, whatever its status or time."""

    preview = True
    pk_url_kwarg = "pk"

    def get_object(self, queryset=None):
        if not self.request.user.has_perm("archive.view_article"):
            raise Http404("No article found.")
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


class PersonDetailView(DetailView):
    queryset = Person.objects.prefetch_related(
        Prefetch(
            "credits",
            queryset=Credit.objects.select_related("film").order_by("-film__year", "film__title"),
        )
    )

    def get_context_data(self, **kwargs):
        person = self.object
        return super().get_context_data(
            credit_groups=grouped_credits(person.credits.all()),
            articles_written=public_articles().filter(authors=person),
            interviews_given=public_articles().filter(exchanges__interviewee=person).distinct(),
            articles_about=public_articles().filter(people=person),
            quotes=public_quotes().filter(speaker=person),
            structured_data=structured_data.person(self.request, person),
            **kwargs,
        )


class ThemeListView(ListView):
    template_name = "archive/theme_list.html"
    context_object_name = "themes"

    def get_queryset(self):
        return Theme.objects.public()


class ThemeDetailView(DetailView):
    def get_queryset(self):
        return Theme.objects.public()

    def get_context_data(self, **kwargs):
        theme = self.object
        articles = list(public_articles().filter(themes=theme))
        return super().get_context_data(
            films=Film.objects.filter(themes=theme).prefetch_related("themes"),
            article_groups=[
                (kind.label, [a for a in articles if a.kind == kind])
                for kind in Article.Kind
                if any(a.kind == kind for a in articles)
            ],
            quotes=public_quotes().filter(themes=theme),
            **kwargs,
        )


class QuoteFilterForm(forms.Form):
    film = forms.ModelChoiceField(
        required=False, queryset=Film.objects.all(), to_field_name="slug", empty_label="Any film"
    )
    person = forms.ModelChoiceField(
        required=False,
        queryset=Person.objects.filter(quotes__isnull=False).distinct(),
        to_field_name="slug",
        empty_label="Anyone",
    )
    theme = forms.ModelChoiceField(
        required=False,
        queryset=Theme.objects.public(),
        to_field_name="slug",
        empty_label="Any theme",
    )


class QuoteListView(ListView):
    template_name = "archive/quote_list.html"
    context_object_name = "quotes"
    paginate_by = 30

    def get_queryset(self):
        self.filters = QuoteFilterForm(self.request.GET)
        self.filters.is_valid()
        cleaned = self.filters.cleaned_data
        quotes = public_quotes()
        if cleaned.get("film"):
            quotes = quotes.filter(film=cleaned["film"])
        if cleaned.get("person"):
            quotes = quotes.filter(speaker=cleaned["person"])
        if cleaned.get("theme"):
            quotes = quotes.filter(themes=cleaned["theme"])
        return quotes

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filters=self.filters, query=query_without_page(self.request), **kwargs
        )


class QuoteDetailView(DetailView):
    """A quote's own address leads to its passage in the source."""

    def get_queryset(self):
        return public_quotes()

    def get(self, request, *args, **kwargs):
        return redirect(self.get_object().passage_url)


def robots_txt(request):
    lines = [
        "User-agent: *",
        # The admin is not named: its address may be kept private (DJANGO_ADMIN_URL), and its
        # pages carry their own noindex.
        "Disallow: /preview/",
        "Disallow: /search/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@never_cache
def healthz(request):
    """For load balancers and monitoring: 200 when the database answers, 503 when it doesn't."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        connection.close()
        return JsonResponse({"status": "unavailable", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search the archive",
        required=False,
        max_length=search.MAX_QUERY_LENGTH,
        error_messages={
            "max_length": "Searches are limited to %(limit_value)d characters; "
            "this one has %(show_value)d. Try a few distinctive words."
        },
    )
    kind = forms.ChoiceField(
        label="Kind",
        required=False,
        choices=[
            ("", "Everything"),
            (SearchDocument.Kind.FILM, "Films"),
            (SearchDocument.Kind.PERSON, "People"),
            (SearchDocument.Kind.ARTICLE, "All articles"),
            (Article.Kind.REVIEW, "Reviews"),
            (Article.Kind.INTERVIEW, "Interviews"),
            (Article.Kind.FEATURE, "Features"),
            (SearchDocument.Kind.QUOTE, "Quotes"),
        ],
    )
    theme = forms.ModelChoiceField(
        label="Theme",
        required=False,
        queryset=Theme.objects.public(),
        to_field_name="slug",
        empty_label="Any theme",
    )
    year = forms.IntegerField(label="Year", required=False, min_value=1870, max_value=2100)


@cache_control(public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
def search_view(request):
    """Ranked search over films, people, public articles and quotes (see archive.search)."""
    form = SearchForm(request.GET)
    form.is_valid()
    cleaned = form.cleaned_data
    text = cleaned.get("q", "").strip()
    ids = []
    if text:
        ids = search.search(
            text, kind=cleaned.get("kind"), theme=cleaned.get("theme"), year=cleaned.get("year")
        )
    paginator = Paginator(ids, 20)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except (EmptyPage, PageNotAnInteger):
        page = paginator.page(1) if not ids else None
        if page is None:
            raise Http404("No such page of results.") from None
    response = render(
        request,
        "archive/search.html",
        {
            "form": form,
            "text": text,
            "understood": text and not search.parse_query(text).is_empty,
            "results": search.results(text, list(page.object_list)) if ids else [],
            "page_obj": page,
            "paginator": paginator,
            "query": query_without_page(request),
            "themes": Theme.objects.public()[:12] if not ids else [],
            "noindex": True,
        },
    )
    response["X-Robots-Tag"] = "noindex"
    return response
