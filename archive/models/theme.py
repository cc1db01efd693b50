from django.db import models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from taggit.models import GenericTaggedItemBase, NaturalKeyManager, TagBase


class ThemeQuerySet(models.QuerySet):
    def with_public_counts(self):
        """Each theme with how many films, public articles and public quotes carry it.

        Articles and quotes count only through their own `published()` rule, so a theme used
        only by drafts counts zero and stays out of public lists.
        """
        from .article import Article
        from .quote import Quote

        def tagged(model_name, public=None):
            items = ThemedItem.objects.filter(
                tag=OuterRef("pk"),
                content_type__app_label="archive",
                content_type__model=model_name,
            )
            if public is not None:
                items = items.filter(object_id__in=public.values("pk"))
            count = items.order_by().values("tag").annotate(count=Count("pk")).values("count")
            return Coalesce(Subquery(count), 0)

        return self.annotate(
            film_count=tagged("film"),
            article_count=tagged("article", Article.objects.published()),
            quote_count=tagged("quote", Quote.objects.published()),
        )

    def public(self):
        """Themes that something a reader may see carries."""
        return (
            self.with_public_counts()
            .annotate(
                total=models.F("film_count") + models.F("article_count") + models.F("quote_count")
            )
            .filter(total__gt=0)
            .order_by(Lower("name"))
        )


class Theme(TagBase):
    """A theme that films, articles and quotes are tagged with ("civil defence", "Syria")."""

    objects = NaturalKeyManager.from_queryset(ThemeQuerySet)()

    class Meta:
        verbose_name = "theme"
        verbose_name_plural = "themes"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="theme_name_unique_ignoring_case"),
        ]

    def get_absolute_url(self):
        return reverse("archive:theme_detail", kwargs={"slug": self.slug})


class ThemedItem(GenericTaggedItemBase):
    """Links a theme to a film, an article or a quote."""

    tag = models.ForeignKey(
        Theme, on_delete=models.CASCADE, related_name="themed_items", verbose_name="theme"
    )

    class Meta:
        verbose_name = "themed item"
        verbose_name_plural = "themed items"
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "tag"], name="theme_once_per_item"
            ),
        ]
