from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Article, Film, Person, Theme


class SectionSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return ["archive:home", "archive:film_list", "archive:theme_list", "archive:quote_list"]

    def location(self, item):
        return reverse(item)


class FilmSitemap(Sitemap):
    def items(self):
        return Film.objects.order_by("pk")

    def lastmod(self, film):
        return film.updated_at


class ArticleSitemap(Sitemap):
    def items(self):
        return Article.objects.published().order_by("pk")

    def lastmod(self, article):
        return article.updated_at


class PersonSitemap(Sitemap):
    def items(self):
        return Person.objects.order_by("pk")

    def lastmod(self, person):
        return person.updated_at


class ThemeSitemap(Sitemap):
    def items(self):
        return Theme.objects.public().order_by("pk")


sitemaps = {
    "sections": SectionSitemap,
    "films": FilmSitemap,
    "articles": ArticleSitemap,
    "people": PersonSitemap,
    "themes": ThemeSitemap,
}
