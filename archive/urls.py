from django.urls import path

from . import feeds, views

app_name = "archive"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("films/", views.FilmListView.as_view(), name="film_list"),
    path("films/<slug:slug>/", views.FilmDetailView.as_view(), name="film_detail"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="article_detail"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("themes/", views.ThemeListView.as_view(), name="theme_list"),
    path("themes/<str:slug>/", views.ThemeDetailView.as_view(), name="theme_detail"),
    path("quotes/", views.QuoteListView.as_view(), name="quote_list"),
    path("quotes/<int:pk>/", views.QuoteDetailView.as_view(), name="quote_detail"),
    path("preview/articles/<int:pk>/", views.ArticlePreviewView.as_view(), name="article_preview"),
    path("feeds/articles/", feeds.LatestArticlesFeed(), name="article_feed"),
    path("feeds/articles/atom/", feeds.LatestArticlesAtomFeed(), name="article_feed_atom"),
    path("feeds/themes/<str:slug>/", feeds.ThemeArticlesFeed(), name="theme_feed"),
    path("feeds/themes/<str:slug>/atom/", feeds.ThemeArticlesAtomFeed(), name="theme_feed_atom"),
    path("feeds/films/<slug:slug>/", feeds.FilmArticlesFeed(), name="film_feed"),
    path("feeds/films/<slug:slug>/atom/", feeds.FilmArticlesAtomFeed(), name="film_feed_atom"),
]
