"""Slugs for URLs, unique per model, and the earlier slugs that keep old addresses working.

A slug keeps the letters of scripts other than Latin, for films, people, articles and themes
alike: a film titled "بيت" is at `/films/بيت/` (percent-encoded on the wire), an Arabic theme
has an Arabic slug, a mixed title keeps both. A Latin letter is always written in ASCII:
"Søren" is `soren`, where Django's slugify alone would drop the "ø", which does not decompose,
and make `sren` (or keep it, `søren`, when it keeps Unicode). The same holds for a slug an
editor types (`TransliteratedSlugField`). Addresses match such slugs with the
`unicode_slug` path converter (archive.converters); Django's `<slug:>` is ASCII only.
"""

import unicodedata

from anyascii import anyascii
from django import forms
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


def transliterated(value):
    """A slug as given (by an editor, a fixture, a version), its Latin letters in ASCII
    ("søren-x" → "soren-x"); None or "" as they are."""
    return transliterate_latin(value) if value else value


class TransliteratedSlugFormField(forms.SlugField):
    """A form's slug field that cleans to the slug as it will be saved, and has changed only
    if that differs: "søren-x", which Django's prepopulated-field script makes of "Søren X"
    when the field allows Unicode, is `soren-x`."""

    def to_python(self, value):
        return transliterated(super().to_python(value))

    def clean(self, value):
        """A slug that fits as typed but not once its Latin letters are written in ASCII ("ß"
        × 50 is "ss" × 50) is refused for the address it makes: Django's message counted
        characters the editor never typed ("at most 80 characters (it has 100)")."""
        try:
            return super().clean(value)
        except forms.ValidationError as error:
            typed = super().to_python(value)
            slug = self.to_python(value)
            if not (
                self.max_length is not None
                and len(typed) <= self.max_length < len(slug)
                and any(e.code == "max_length" for e in error.error_list)
            ):
                raise
            raise forms.ValidationError(
                f"The address made from this slug is too long: written in plain letters "
                f"(“ß” as “ss”, “æ” as “ae”) it has {len(slug)} characters, and at most "
                f"{self.max_length} fit. Shorten the slug.",
                code="max_length",
            ) from None

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        return (self.to_python(initial) or "") != (self.to_python(data) or "")


class TransliteratedSlugField(models.SlugField):
    """A slug for an address: the letters of other scripts kept (`allow_unicode`), Latin
    letters written in ASCII wherever the value comes from. `to_python` transliterates, so
    that a model's `full_clean` (the admin's forms) checks uniqueness against the value that
    will be saved; `pre_save` transliterates too, for saves that skip validation."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allow_unicode", True)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        return transliterated(super().to_python(value))

    def pre_save(self, model_instance, add):
        value = transliterated(super().pre_save(model_instance, add))
        setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": TransliteratedSlugFormField, **kwargs})


class SlugManager(models.Manager):
    """Finds rows by slug, their natural key, so that fixtures stay portable between databases."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


def unique_slug(instance, source, field="slug", max_length=80, queryset=None, taken=()):
    """A slug made from `source` that no other row of `queryset` (default: the model's) uses,
    nor any of `taken` (slugs others are about to be saved with): the letters of other scripts
    kept, Latin ones in ASCII ("بيت", "soren-steen-jespersen")."""
    base = slugify(source, allow_unicode=True)[:max_length].strip("-") or instance._meta.model_name
    queryset = queryset if queryset is not None else type(instance)._default_manager.all()
    if instance.pk:
        queryset = queryset.exclude(pk=instance.pk)
    slug, number = base, 2
    while slug in taken or queryset.filter(**{field: slug}).exists():
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

    def named(self, queryset, slug):
        """The object of `queryset` that `slug` names as a public address reads it (see
        archive.views.earlier_slug_redirect): its current slug, an earlier one, or either
        spelled with capitals or Latin letters outside ASCII ("Søren-X" for "soren-x"); None
        if it names none of them."""
        for spelled in dict.fromkeys([slug, transliterated(slug).lower()]):
            found = queryset.filter(slug=spelled).first()
            current = None if found else self.current_slug(queryset, spelled)
            if current:
                found = queryset.filter(slug=current).first()
            if found:
                return found
        return None

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
