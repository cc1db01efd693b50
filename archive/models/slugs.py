"""Slugs for URLs, unique per model, and the earlier slugs that keep old addresses working.

Films, people and articles have ASCII slugs (Django's `<slug:>` converter matches nothing
else); themes keep the letters of other scripts (an Arabic theme has an Arabic slug). Either
way a Latin letter is written in ASCII: "Søren" is `soren`, where Django's slugify alone would
drop the "ø", which does not decompose, and make `sren`.
"""

import unicodedata

from anyascii import anyascii
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import text


def transliterate_latin(value):
    """`value` with each Latin letter written in ASCII ("Søren Århus" → "Soren Arhus"); the
    letters of other scripts, and everything else, as they are."""
    return "".join(
        anyascii(character)
        if not character.isascii() and unicodedata.name(character, "").startswith("LATIN ")
        else character
        for character in unicodedata.normalize("NFKC", str(value))
    )


def slugify(value, allow_unicode=False):
    """Django's slugify, after writing Latin letters in ASCII (see `transliterate_latin`)."""
    return text.slugify(transliterate_latin(value), allow_unicode=allow_unicode)


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


class EarlierSlugQuerySet(models.QuerySet):
    def current_slug(self, queryset, slug):
        """The slug now used by the object of `queryset` that once had `slug`, or None.

        Only an object of `queryset` is found, so that an earlier address of a draft leads
        nowhere, as its current one does.
        """
        content_type = ContentType.objects.get_for_model(queryset.model)
        objects = self.filter(content_type=content_type, slug=slug).values("object_id")
        return queryset.filter(pk__in=objects).values_list("slug", flat=True).first()

    def remember(self, obj, slug):
        """`obj` had `slug`: its address now leads to `obj`'s own, which is nobody's earlier one."""
        content_type = ContentType.objects.get_for_model(obj)
        self.filter(content_type=content_type, slug=obj.slug).delete()
        self.update_or_create(content_type=content_type, slug=slug, defaults={"object_id": obj.pk})

    def hand_over(self, old, new):
        """The addresses of `old`, its current and earlier ones, lead to `new` (a merge)."""
        content_type = ContentType.objects.get_for_model(old)
        self.filter(content_type=content_type, object_id=old.pk).update(object_id=new.pk)
        self.remember(new, old.slug)


class EarlierSlug(models.Model):
    """A slug a film, person, article or theme had: its old address redirects to the current one.

    One table for every model whose address is its slug (found by content type, as a theme's
    links are), so that remembering, handing over and following an earlier address are written
    once. A slug is an earlier one of at most one object per model: the last one to leave it.
    """

    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name="content type"
    )
    object_id = models.BigIntegerField("object ID")
    slug = models.CharField("earlier slug", max_length=255)
    changed_at = models.DateTimeField("slug changed", auto_now=True)

    objects = EarlierSlugQuerySet.as_manager()

    class Meta:
        verbose_name = "earlier slug"
        verbose_name_plural = "earlier slugs"
        ordering = ["content_type", "slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "slug"], name="earlier_slug_once_per_model"
            ),
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="earlier_slug_by_object_idx")
        ]

    def __str__(self):
        return f"{self.content_type.name} {self.slug} → {self.object_id}"


class KeepsEarlierSlugs(models.Model):
    """A model whose page address is its slug: a save that changes the slug remembers the old
    one (EarlierSlug), so that links to the old address still lead to the page."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        saved, self._saved_slug = getattr(self, "_saved_slug", None), self.slug
        if saved and saved != self.slug:
            EarlierSlug.objects.remember(self, saved)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._saved_slug = instance.__dict__.get("slug")
        return instance


class SluggedModel(KeepsEarlierSlugs):
    """A film, person or article: its slug, made from `slug_source` when an editor leaves it
    empty, is its address and its natural key."""

    slug_source = "title"

    objects = SlugManager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, getattr(self, self.slug_source))
        super().save(*args, **kwargs)

    def natural_key(self):
        return (self.slug,)
