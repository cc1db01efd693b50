from django.conf import settings
from django.urls import path, register_converter
from django.views.decorators.cache import cache_control

from . import feeds, views
from .converters import ThemeSlugConverter

register_converter(ThemeSlugConverter, "theme")


def public(view):
    """A page anyone may see: a CDN or browser may keep it for PUBLIC_CACHE_SECONDS."""
    return cache_control(public=True, max_age=settings.PUBLIC_CACHE_SECONDS)(view)


app_name = "archive"

urlpatterns = [
    path("", public(views.HomeView.as_view()), name="home"),
    path("films/", public(views.FilmListView.as_view()), name="film_list"),
    path("films/<slug:slug>/", public(views.FilmDetailView.as_view()), name="film_detail"),
    path("articles/<slug:slug>/", public(views.ArticleDetailView.as_view()), name="article_detail"),
    path("people/<slug:slug>/", public(views.PersonDetailView.as_view()), name="person_detail"),
    path("themes/", public(views.ThemeListView.as_view()), name="theme_list"),
    path("themes/<theme:slug>/", public(views.ThemeDetailView.as_view()), name="theme_detail"),
    path("search/", views.search_view, name="search"),
    path("quotes/", public(views.QuoteListView.as_view()), name="quote_list"),
    path("quotes/<int:pk>/", public(views.QuoteDetailView.as_view()), name="quote_detail"),
    path("preview/articles/<int:pk>/", views.ArticlePreviewView.as_view(), name="article_preview"),
    path("feeds/articles/", public(feeds.LatestArticlesFeed()), name="article_feed"),
    path("feeds/articles/atom/", public(feeds.LatestArticlesAtomFeed()), name="article_feed_atom"),
    path("feeds/themes/<theme:slug>/", public(feeds.ThemeArticlesFeed()), name="theme_feed"),
    path(
        "feeds/themes/<theme:slug>/atom/",
        public(feeds.ThemeArticlesAtomFeed()),
        name="theme_feed_atom",
    ),
    path("feeds/films/<slug:slug>/", public(feeds.FilmArticlesFeed()), name="film_feed"),
    path(
        "feeds/films/<slug:slug>/atom/", public(feeds.FilmArticlesAtomFeed()), name="film_feed_atom"
    ),
]
