from django.urls import path

from . import cards, converters, feeds, views  # noqa: F401 (converters: `<unicode_slug:>`)
from .pagecache import public_page as public

app_name = "archive"

urlpatterns = [
    path("", public(views.HomeView.as_view()), name="home"),
    path(
        "films/",
        public(
            views.FilmListView.as_view(),
            params=("year", "kind", "theme", "after", "before", "page"),
        ),
        name="film_list",
    ),
    path("films/<unicode_slug:slug>/", public(views.FilmDetailView.as_view()), name="film_detail"),
    path("films/<unicode_slug:slug>/card.png", public(cards.film_card), name="film_card"),
    path(
        "articles/",
        public(
            views.ArticleListView.as_view(),
            params=("kind", "year", "theme", "film", "person", "after", "before", "page"),
        ),
        name="article_list",
    ),
    path(
        "articles/<unicode_slug:slug>/",
        public(views.ArticleDetailView.as_view()),
        name="article_detail",
    ),
    path("articles/<unicode_slug:slug>/card.png", public(cards.article_card), name="article_card"),
    path(
        "people/",
        public(
            views.PersonListView.as_view(), params=("role", "letter", "after", "before", "page")
        ),
        name="person_list",
    ),
    path(
        "people/<unicode_slug:slug>/",
        public(views.PersonDetailView.as_view()),
        name="person_detail",
    ),
    path("themes/", public(views.ThemeListView.as_view()), name="theme_list"),
    path(
        "themes/<unicode_slug:slug>/", public(views.ThemeDetailView.as_view()), name="theme_detail"
    ),
    path(
        "search/",
        public(views.search_view, params=("q", "kind", "theme", "year", "page"), store=False),
        name="search",
    ),
    path(
        "quotes/",
        public(
            views.QuoteListView.as_view(),
            params=("film", "person", "theme", "after", "before", "page"),
        ),
        name="quote_list",
    ),
    path("quotes/<int:pk>/", public(views.QuoteDetailView.as_view()), name="quote_detail"),
    path("preview/articles/<int:pk>/", views.ArticlePreviewView.as_view(), name="article_preview"),
    path("feeds/articles/", public(feeds.LatestArticlesFeed()), name="article_feed"),
    path("feeds/articles/atom/", public(feeds.LatestArticlesAtomFeed()), name="article_feed_atom"),
    path("feeds/themes/<unicode_slug:slug>/", public(feeds.ThemeArticlesFeed()), name="theme_feed"),
    path(
        "feeds/themes/<unicode_slug:slug>/atom/",
        public(feeds.ThemeArticlesAtomFeed()),
        name="theme_feed_atom",
    ),
    path("feeds/films/<unicode_slug:slug>/", public(feeds.FilmArticlesFeed()), name="film_feed"),
    path(
        "feeds/films/<unicode_slug:slug>/atom/",
        public(feeds.FilmArticlesAtomFeed()),
        name="film_feed_atom",
    ),
]
