"""Slugs for URLs: ASCII (Django's `<slug:>` converter matches nothing else), unique per model."""

from django.db import models
from django.utils.text import slugify


class SlugManager(models.Manager):
    """Finds rows by slug, their natural key, so that fixtures stay portable between databases."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


def unique_slug(instance, source, field="slug", max_length=80, queryset=None):
    """A slug made from `source` that no other row of `queryset` (default: the model's) uses."""
    base = slugify(source)[:max_length].strip("-") or instance._meta.model_name
    queryset = queryset if queryset is not None else type(instance)._default_manager.all()
    if instance.pk:
        queryset = queryset.exclude(pk=instance.pk)
    slug, number = base, 2
    while queryset.filter(**{field: slug}).exists():
        suffix = f"-{number}"
        slug = f"{base[: max_length - len(suffix)]}{suffix}"
        number += 1
    return slug
