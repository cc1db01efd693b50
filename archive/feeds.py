from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .models import Film, Theme
from .views import earlier_slug_redirect, public_articles

FEED_LENGTH = 30


class LatestArticlesFeed(Feed):
    """The latest public reviews, interviews and features (RSS)."""

    title = "Film Archive: latest articles"
    description = "New reviews, interviews and features from the Film Archive."

    def link(self):
        return reverse("archive:home")

    def items(self):
        return public_articles()[:FEED_LENGTH]

    def item_title(self, item):
        return f"{item.get_kind_display()}: {item.title}"

    def item_description(self, item):
        return item.standfirst

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return ", ".join(person.name for person in item.authors.all()) or None

    def item_categories(self, item):
        return [theme.name for theme in item.themes.all()]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description


class FollowsEarlierSlugs:
    """The feed of one film or theme, found by slug among `objects()`: an earlier slug of one
    of them redirects to its feed's current address, as its page does."""

    def objects(self):
        raise NotImplementedError

    def get_object(self, request, slug):
        return get_object_or_404(self.objects(), slug=slug)

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except Http404:
            moved = earlier_slug_redirect(request, self.objects())
            if moved is None:
                raise
            return moved


class ThemeArticlesFeed(FollowsEarlierSlugs, LatestArticlesFeed):
    """Public articles carrying one theme."""

    def objects(self):
        return Theme.objects.public()

    def title(self, obj):
        return f"Film Archive: {obj.name}"

    def description(self, obj):
        return f"Reviews, interviews and features on {obj.name}."

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        return public_articles().filter(themes=obj)[:FEED_LENGTH]


class ThemeArticlesAtomFeed(ThemeArticlesFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)


class FilmArticlesFeed(FollowsEarlierSlugs, LatestArticlesFeed):
    """Public articles about one film."""

    def objects(self):
        return Film.objects.all()

    def title(self, obj):
        return f"Film Archive: {obj.title} ({obj.year})"

    def description(self, obj):
        return f"Reviews, interviews and features about {obj.title}."

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        return public_articles().filter(films=obj)[:FEED_LENGTH]


class FilmArticlesAtomFeed(FilmArticlesFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)
