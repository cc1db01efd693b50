from django.db.models import Prefetch
from django.shortcuts import redirect
from django.views.generic import DetailView, ListView

from .models import Article, Award, Credit, Exchange, Film, Person, Quote, Theme


def public_articles():
    """Published articles with what a list of them shows: byline, films and themes."""
    return Article.objects.published().prefetch_related("authors", "films", "themes")


def public_quotes():
    return (
        Quote.objects.published()
        .select_related("speaker", "article", "exchange", "film")
        .prefetch_related("article__authors")
    )


class HomeView(ListView):
    template_name = "archive/home.html"
    context_object_name = "articles"

    def get_queryset(self):
        return public_articles()[:12]


class FilmListView(ListView):
    model = Film
    paginate_by = 24

    def get_queryset(self):
        return Film.objects.prefetch_related("themes")


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
        return super().get_context_data(
            reviews=[a for a in articles if a.kind == Article.Kind.REVIEW],
            interviews=[a for a in articles if a.kind == Article.Kind.INTERVIEW],
            other_articles=[
                a for a in articles if a.kind not in (Article.Kind.REVIEW, Article.Kind.INTERVIEW)
            ],
            featured_quotes=public_quotes().filter(film=film, featured=True),
            **kwargs,
        )


class ArticleDetailView(DetailView):
    def get_queryset(self):
        return Article.objects.published().prefetch_related(
            "authors",
            "films",
            "people",
            "themes",
            Prefetch(
                "exchanges",
                queryset=Exchange.objects.select_related("interviewer", "interviewee"),
            ),
        )


class PersonDetailView(DetailView):
    queryset = Person.objects.prefetch_related(
        Prefetch("credits", queryset=Credit.objects.select_related("film"))
    )

    def get_context_data(self, **kwargs):
        person = self.object
        return super().get_context_data(
            articles_written=public_articles().filter(authors=person),
            articles_about=public_articles().filter(people=person),
            quotes=public_quotes().filter(speaker=person),
            **kwargs,
        )


class ThemeDetailView(DetailView):
    model = Theme

    def get_context_data(self, **kwargs):
        theme = self.object
        return super().get_context_data(
            films=Film.objects.filter(themes=theme),
            articles=public_articles().filter(themes=theme),
            quotes=public_quotes().filter(themes=theme),
            **kwargs,
        )


class QuoteDetailView(DetailView):
    """A quote's own address leads to its passage in the source."""

    def get_queryset(self):
        return public_quotes()

    def get(self, request, *args, **kwargs):
        return redirect(self.get_object().passage_url)
