"""
The editors' history, kept by django-reversion: what a version holds, and how two versions differ.

Reversion stores every saved version of a film, person, article or quote as serialized data.
Themes are not columns of those models (django-taggit links them through ThemedItem), so
Django's JSON serializer leaves them out. The format defined here, "history-json" (registered in
settings.SERIALIZATION_MODULES), adds the names of an object's themes to each version: comparing
two versions shows a change of themes, and reverting or recovering gives an object its themes
back, finding each by name (a theme renamed or merged since, by the name of the theme it
became: RestoredObject) or creating it again if it has since been removed. Names, not ids,
because a theme may be renamed or merged after the version was kept.

Reversion has no comparison of versions; `compare()` lists what changed between two, field by
field, with the words added and removed in longer texts, and the rows that follow the object
(an article's exchanges, quotes, byline and links) added, removed or changed.
"""

import difflib
import re
from dataclasses import dataclass, field
from datetime import datetime
from json import loads

import reversion
from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist
from django.core.serializers import base, json
from django.db import IntegrityError, models, transaction
from django.db.models import Value
from django.db.models.deletion import Collector
from django.db.models.functions import Cast, Concat
from django.utils import formats, timezone
from django.utils.text import capfirst
from reversion.errors import RevertError
from reversion.models import Version
from taggit.managers import TaggableManager

from .models import Article, EarlierSlug, Exchange, Quote
from .models.slugs import KeepsEarlierSlugs

FORMAT = "history-json"

# Columns that change with every save or never mean anything to an editor.
UNCOMPARED = {"id", "created_at", "updated_at"}


def theme_fields(model):
    return [f for f in model._meta.get_fields() if isinstance(f, TaggableManager)]


# The rows each kept model follows into its versions, by accessor name.
FOLLOWED = {}


def keep(model, follow=()):
    """Keep a version of `model` at every save in the admin, and of the rows in `follow`."""
    FOLLOWED[model] = list(follow)
    # Themes are added by the serializer below, as names; as a field reversion would store the
    # manager itself.
    exclude = [f.name for f in theme_fields(model)]
    reversion.register(model, follow=follow, format=FORMAT, exclude=exclude)


class Serializer(json.Serializer):
    """Django's JSON, plus each object's themes as a list of names."""

    def get_dump_object(self, obj):
        data = super().get_dump_object(obj)
        for themes in theme_fields(type(obj)):
            data["fields"][themes.name] = sorted(
                (theme.name for theme in getattr(obj, themes.name).all()), key=str.casefold
            )
        return data


class Deserializer(json.Deserializer):
    """Reads themes back as names: taggit's `set()` finds or creates each theme by its name."""

    def _handle_m2m_field_node(self, field, field_value):
        if isinstance(field, TaggableManager):
            return list(field_value)
        return super()._handle_m2m_field_node(field, field_value)

    def _handle_object(self, obj):
        for read in super()._handle_object(obj):
            yield RestoredObject(read.object, read.m2m_data, read.deferred_fields)


class RestoredObject(base.DeserializedObject):
    """An object read from a version. Saved (a revert, a recovery), it is given its themes as
    they are called now: a theme renamed since, or merged into another, is the theme it became
    (`ThemeQuerySet.current_names`), not the old one created again. Read, it shows the names
    the version kept.

    A film, person or article given back an earlier slug keeps the address it leaves as an
    earlier one, as an editor's change of slug does (KeepsEarlierSlugs.save): reversion saves
    the row itself (save_base), past the model's save, and links to the address the item had
    until the revert led nowhere.

    An exchange given back an anchor that another exchange of its article holds now (the two
    swapped them since) first sets the other's aside: saved one by one, each would wait for
    the other to let go of its anchor, and the revert failed. The other, in the same
    revision, is given its own anchor back in turn (an exchange that is not was deleted by the
    revert before anything was saved).

    A quote given back an article it has left since (moved on its own page) changes the one it
    leaves now: its last change time moves on, as a quote's own save does, so that an editor
    who has that article open is told."""

    def save(self, save_m2m=True, using=None, **kwargs):
        obj = self.object
        if self.m2m_data and save_m2m:
            self.m2m_data = {
                **self.m2m_data,
                **{
                    themes.name: current_names(themes, self.m2m_data[themes.name])
                    for themes in theme_fields(type(obj))
                    if themes.name in self.m2m_data
                },
            }
        leaving = None
        if isinstance(obj, KeepsEarlierSlugs) and obj.pk is not None:
            stored = type(obj)._base_manager.using(using).filter(pk=obj.pk)
            leaving = stored.values_list("slug", flat=True).first()
        if isinstance(obj, Exchange) and obj.pk is not None:
            holders = Exchange._base_manager.using(using).filter(
                article_id=obj.article_id, anchor=obj.anchor
            )
            holders.exclude(pk=obj.pk).update(
                anchor=Concat(Value("moving-"), Cast("pk", models.CharField()))
            )
        left = None
        if isinstance(obj, Quote) and obj.pk is not None:
            stored = Quote._base_manager.using(using).filter(pk=obj.pk)
            left = stored.exclude(article_id=obj.article_id).values_list("article", flat=True)
            left = left.first()
        super().save(save_m2m=save_m2m, using=using, **kwargs)
        if leaving and leaving != obj.slug:
            EarlierSlug.objects.remember(obj, leaving)
        if left is not None:
            Article._base_manager.using(using).filter(pk=left).update(updated_at=timezone.now())


def restored_versions(version):
    """`version` and the versions of the rows its object follows, kept in the same revision:
    what reverting to it, or recovering from it, restores. The revision may hold other items
    (every film "delete selected" deleted, every article a list action changed, an article
    saved with its quotes): they are not restored with this one."""
    return [version, *followed_versions(version).values()]


def restore(version):
    """Give `version`'s object, and the rows it follows, what the version kept, deleting the
    rows it follows now that the version did not have (a credit added since): reversion's
    Revision.revert(delete=True), for this object alone (restored_versions)."""
    versions = restored_versions(version)
    model = version._model
    current = model._default_manager.using(version.db).filter(pk=version.object_id).first()
    if current is not None:
        kept = {(v._model, v.object_id) for v in versions}
        added_since = [
            row
            for name in FOLLOWED.get(model, [])
            for row in getattr(current, name).all()
            if (type(row), str(row.pk)) not in kept
        ]
        if added_since:
            collector = Collector(using=version.db)
            collector.collect(added_since)
            collector.delete()
    # Saved in turn, a row may wait for another (a credit for the film it is part of): those
    # that fail are tried again once the others are saved, as reversion does.
    while versions:
        waiting = []
        for saved in versions:
            try:
                with transaction.atomic(using=saved.db):
                    saved.revert()
            except (IntegrityError, ObjectDoesNotExist):
                waiting.append(saved)
        if len(waiting) == len(versions):
            raise RevertError(
                f"Could not save {waiting[0].object_repr} version - missing dependency"
            )
        versions = waiting


def state(obj):
    """`obj` and the rows it follows as a version keeps them, but for the times they were
    made and last changed, and with other times to the second, as the admin's form shows and
    saves them: two states alike are the same item to an editor. (A publication time stored
    with microseconds, outside the form, is the same time once the form has saved it.)"""
    rows = [obj, *(row for name in FOLLOWED.get(type(obj), []) for row in getattr(obj, name).all())]
    kept = loads(serializers.serialize(FORMAT, rows))
    for row, saved in zip(kept, rows, strict=True):
        for name in UNCOMPARED:
            row["fields"].pop(name, None)
        for model_field in saved._meta.concrete_fields:
            when = getattr(saved, model_field.attname)
            if model_field.name in row["fields"] and isinstance(when, datetime):
                row["fields"][model_field.name] = when.replace(microsecond=0).isoformat()
    return sorted(kept, key=lambda row: (row["model"], str(row["pk"])))


def quotes_taken_back(versions):
    """The ids of the articles that quotes kept in `versions` belong to now, having been moved
    there since: restoring those versions takes the quotes from them."""
    kept = {
        int(version.object_id): version.field_dict.get("article_id")
        for version in versions
        if version._model is Quote
    }
    now = Quote.objects.filter(pk__in=kept).values_list("pk", "article_id")
    return {article for pk, article in now if article != kept[pk]}


def current_names(themes, names):
    """`names`, kept in a version for the theme field `themes`, as those themes are called now."""
    return themes.remote_field.model._default_manager.current_names(names)


def version_themes(version):
    return version._object_version.m2m_data.get("themes", [])


@dataclass
class FieldChange:
    label: str
    before: str
    after: str
    words: list = None  # for longer texts: (kind, text) pieces, kind "same", "removed", "added"


@dataclass
class RowChange:
    label: str  # such as "Exchange “What did you want to show?”"
    kind: str  # "added", "removed" or "changed"
    fields: list = field(default_factory=list)


def compare(older, newer):
    """What changed from version `older` to version `newer` of the same object.

    Returns (field changes, row changes): the object's own fields, then the rows it follows.
    """
    rows = []
    older_rows, newer_rows = followed_versions(older), followed_versions(newer)
    for key in sorted(older_rows.keys() | newer_rows.keys()):
        before, after = older_rows.get(key), newer_rows.get(key)
        version = after or before
        label = f"{capfirst(version._model._meta.verbose_name)} “{version.object_repr}”"
        if before is None:
            rows.append(RowChange(label, "added"))
        elif after is None:
            rows.append(RowChange(label, "removed"))
        elif changes := field_changes(before, after):
            rows.append(RowChange(label, "changed", changes))
    return field_changes(older, newer), rows


def followed_versions(version):
    """The versions of the rows `version`'s object follows, kept in the same revision."""
    model = version._model
    found = {}
    for name in FOLLOWED.get(model, []):
        relation = model._meta.get_field(name)
        related = Version.objects.get_for_model(relation.related_model).filter(
            revision_id=version.revision_id
        )
        for candidate in related:
            if str(candidate.field_dict.get(relation.field.attname)) == version.object_id:
                found[(relation.related_model._meta.model_name, candidate.object_id)] = candidate
    return found


def missing_references(versions):
    """The rows that `versions` point to and that are gone, as (model, pk): a film or person
    deleted since (an article's film, a credit's person, an award's recipient). Rows kept in
    `versions` themselves come back with them and are not missing."""
    restored = {(version._model, version.object_id) for version in versions}
    wanted = {}
    for version in versions:
        fields = version.field_dict
        for model_field in version._model._meta.concrete_fields + version._model._meta.many_to_many:
            if not model_field.is_relation or isinstance(model_field, TaggableManager):
                continue
            value = fields.get(model_field.attname)
            values = value if isinstance(value, list | tuple | set) else [value]
            target = model_field.related_model
            for pk in values:
                if pk is not None and (target, str(pk)) not in restored:
                    wanted.setdefault(target, set()).add(pk)
    missing = []
    for target, pks in wanted.items():
        present = set(target._default_manager.filter(pk__in=pks).values_list("pk", flat=True))
        missing += [(target, pk) for pk in sorted(pks - present)]
    return missing


def field_changes(older, newer):
    model = newer._model
    before, after = older.field_dict, newer.field_dict
    changes = []
    for model_field in model._meta.concrete_fields + model._meta.many_to_many:
        if model_field.name in UNCOMPARED or not isinstance(model_field, models.Field):
            continue
        if isinstance(model_field, TaggableManager):
            continue
        old, new = before.get(model_field.attname), after.get(model_field.attname)
        if old == new:
            continue
        words = None
        if isinstance(model_field, models.TextField) and old and new:
            words = word_diff(old, new)
        changes.append(
            FieldChange(
                capfirst(model_field.verbose_name),
                describe(model_field, old),
                describe(model_field, new),
                words,
            )
        )
    for themes in theme_fields(model):
        old, new = version_themes(older), version_themes(newer)
        if not same_themes(themes, old, new):
            changes.append(
                FieldChange(capfirst(themes.verbose_name), ", ".join(old), ", ".join(new))
            )
    return changes


def same_themes(themes, old, new):
    """Whether two versions' names for the theme field `themes` are the same themes: compared
    as they are called now, too, so that a theme renamed, or merged into one the object also
    carried, between the two versions is no change of the object's themes."""

    def key(names):
        return {name.casefold() for name in names}

    return key(old) == key(new) or key(current_names(themes, old)) == key(
        current_names(themes, new)
    )


def describe(model_field, value):
    """A stored value as an editor reads it."""
    if value in (None, "", []):
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return "yes" if value else "no"
    if isinstance(model_field, models.ForeignKey):
        related = model_field.related_model._base_manager.filter(pk=value).first()
        return str(related) if related else f"#{value} (since deleted)"
    if isinstance(model_field, models.ManyToManyField):
        related = model_field.related_model._base_manager.filter(pk__in=value)
        return ", ".join(str(obj) for obj in related) or "—"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(model_field, models.DateTimeField):
        return formats.localize(timezone.template_localtime(value))
    if isinstance(model_field, models.DateField):
        return formats.localize(value)
    return str(value)


WORDS = re.compile(r"\w+|\s+|[^\w\s]")
PARAGRAPH_BREAKS = re.compile(r"(\n\s*\n)")


def word_changes(old, new):
    """(tag, words before, words after) from `old` to `new`, tag as difflib's ("equal",
    "replace", "delete", "insert"): the paragraphs matched first, then the words of those that
    changed. Matched word by word over the whole text, a long piece took seconds (5.8 s for
    a feature of 6,000 words changed at both ends), growing with the square of its length."""
    old_paragraphs, new_paragraphs = PARAGRAPH_BREAKS.split(old), PARAGRAPH_BREAKS.split(new)
    paragraphs = difflib.SequenceMatcher(None, old_paragraphs, new_paragraphs, autojunk=False)
    for tag, i1, i2, j1, j2 in paragraphs.get_opcodes():
        before = WORDS.findall("".join(old_paragraphs[i1:i2]))
        after = WORDS.findall("".join(new_paragraphs[j1:j2]))
        if tag != "replace":
            yield tag, before, after
            continue
        words = difflib.SequenceMatcher(None, before, after, autojunk=False)
        for word_tag, k1, k2, l1, l2 in words.get_opcodes():
            yield word_tag, before[k1:k2], after[l1:l2]


def word_diff(old, new, context=12):
    """The words removed and added between two texts, with long unchanged runs shortened;
    None when the texts have too little in common for that to be easier to read than both."""
    changes = []
    for tag, before, after in word_changes(old, new):
        if tag == "equal" and changes and changes[-1][0] == "equal":
            changes[-1][1].extend(before)
        else:
            changes.append((tag, list(before), after))
    total = len(WORDS.findall(old)) + len(WORDS.findall(new))
    matched = sum(len(before) for tag, before, after in changes if tag == "equal")
    if total and 2 * matched / total < 0.5:
        return None
    pieces = []

    def add(kind, words):
        if pieces and pieces[-1][0] == kind:  # a paragraph removed beside words removed
            pieces[-1] = (kind, pieces[-1][1] + "".join(words))
        elif words:
            pieces.append((kind, "".join(words)))

    for tag, before, after in changes:
        if tag == "equal":
            if len(before) > 4 * context:
                before = [*before[: 2 * context], " … ", *before[-2 * context :]]
            add("same", before)
            continue
        add("removed", before)
        add("added", after)
    return pieces
