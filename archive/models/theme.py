from django.db import models
from django.db.models.functions import Lower
from taggit.models import GenericTaggedItemBase, TagBase


class Theme(TagBase):
    """A theme that films, articles and quotes are tagged with ("civil defence", "Syria")."""

    class Meta:
        verbose_name = "theme"
        verbose_name_plural = "themes"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="theme_name_unique_ignoring_case"),
        ]

    def get_absolute_url(self):
        from django.urls import reverse

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
