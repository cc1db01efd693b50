from django.urls import path, re_path

from .. import converters  # noqa: F401 (`<unicode_slug:>`)
from ..pagination import PAGE_PARAMETERS as PAGES
from . import views
from .views import public_endpoint as public

app_name = "api"

urlpatterns = [
    path("", public(views.reference), name="reference"),
    path("schema/", public(views.Schema.as_view()), name="schema"),
    path(
        "films/",
        public(views.FilmList.as_view(), params=("year", "kind", "theme", "q", *PAGES)),
        name="film_list",
    ),
    path("films/<unicode_slug:slug>/", public(views.FilmDetail.as_view()), name="film_detail"),
    path(
        "people/",
        public(views.PersonList.as_view(), params=("role", "letter", "q", *PAGES)),
        name="person_list",
    ),
    path("people/<unicode_slug:slug>/", public(views.PersonDetail.as_view()), name="person_detail"),
    path(
        "articles/",
        public(
            views.ArticleList.as_view(),
            params=("kind", "year", "theme", "film", "person", "q", *PAGES),
        ),
        name="article_list",
    ),
    path(
        "articles/<unicode_slug:slug>/",
        public(views.ArticleDetail.as_view()),
        name="article_detail",
    ),
    path(
        "quotes/",
        public(views.QuoteList.as_view(), params=("film", "person", "theme", "q", *PAGES)),
        name="quote_list",
    ),
    path("quotes/<int:pk>/", public(views.QuoteDetail.as_view()), name="quote_detail"),
    path("themes/", public(views.ThemeList.as_view(), params=PAGES), name="theme_list"),
    path("themes/<unicode_slug:slug>/", public(views.ThemeDetail.as_view()), name="theme_detail"),
    re_path(r"^(?P<path>[\s\S]*)$", views.not_found_endpoint),
]
