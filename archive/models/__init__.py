from .article import Article, ArticleAuthor, ArticleFilm, ArticlePerson, Exchange
from .film import Award, Credit, Film, Language
from .person import Person
from .quote import Quote
from .search import SearchDocument
from .slugs import EarlierSlug
from .theme import Theme, ThemedItem

__all__ = [
    "Article",
    "ArticleAuthor",
    "ArticleFilm",
    "ArticlePerson",
    "Award",
    "Credit",
    "EarlierSlug",
    "Exchange",
    "Film",
    "Language",
    "Person",
    "Quote",
    "SearchDocument",
    "Theme",
    "ThemedItem",
]
