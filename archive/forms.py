"""
The forms of the editors' admin: themes chosen with autocomplete, edit conflicts, the rules of
publication, quotes checked against their article, and managing themes.
"""

import reversion
from django import forms
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.forms.formsets import DEFAULT_MAX_NUM
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from reversion.models import Version

from . import publishing
from .models import Article, EarlierSlug, Theme, ThemedItem
from .models.slugs import TransliteratedSlugFormField
from .text import shows
from .themes import parse_themes, spaced, split_names

THEME_NAME_MAX_LENGTH = Theme._meta.get_field("name").max_length
THEME_SLUG_MAX_LENGTH = Theme._meta.get_field("slug").max_length


# Themes ---------------------------------------------------------------------------------------


class ThemesWidget(AutocompleteSelectMultiple):
    """The admin's own autocomplete (Select2, shipped with Django) in its "tags" mode.

    Existing themes are suggested as the editor types (from ThemeAdmin's autocomplete view);
    Enter chooses the highlighted one, and an existing theme differing only in capitals is the
    only suggestion for it. A theme that does not exist yet is typed whole ("civil defence"
    stays one theme) and created by choosing the last suggestion, "Create new theme “…”",
    never by a comma or by Enter on a half-typed name. Commas and semicolons typed separate
    themes, as saving reads them: "war, peace" is offered, and chosen, as two new themes.
    Values are theme names, not ids.
    static/archive/admin/themes.js sets Select2 up (a script file: the admin runs under a
    Content Security Policy without inline scripts).
    """

    @property
    def media(self):
        # After jquery.init.js (and so after Select2): merged media keep only declared orders.
        return super().media + forms.Media(
            js=["admin/js/jquery.init.js", "archive/admin/themes.js"],
            css={"screen": ["archive/admin/themes.css"]},
        )

    def get_url(self):
        return reverse(f"{self.admin_site.name}:archive_theme_autocomplete")

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs=extra_attrs)
        # Set up by themes.js, not by the admin's autocomplete.js.
        attrs["class"] = attrs["class"].replace("admin-autocomplete", "archive-themes")
        attrs["data-tags"] = "true"
        return attrs

    def optgroups(self, name, value, attrs=None):
        """The chosen themes, as they were typed or stored: they need not exist yet."""
        options = [
            self.create_option(name, theme, theme, True, index)
            for index, theme in enumerate(value)
            if theme
        ]
        return [(None, options, 0)]


class ThemesField(forms.Field):
    """A list of theme names; each is the existing theme's name when one differs only in case.

    Each value the widget sends is one theme, as typed (`split_names`), but for commas or
    semicolons in it (from a form posted without the autocomplete), which separate themes. A
    single string (typed, not chosen) is read as the rest of the archive reads theme text
    (`parse_themes`, with taggit's quoting).
    """

    widget = forms.SelectMultiple

    def prepare_value(self, value):
        return [getattr(theme, "name", theme) for theme in value or []]

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            names = parse_themes(value)
        else:
            names = [name for text in value for name in split_names(getattr(text, "name", text))]
        first_spelling = {}
        for name in names:
            first_spelling.setdefault(name.casefold(), name)
        return list(first_spelling.values())

    def validate(self, value):
        super().validate(value)
        for name in value:
            if "\x00" in name:
                raise ValidationError("A theme cannot contain null characters.")
            if len(name) > THEME_NAME_MAX_LENGTH:
                raise ValidationError(
                    f"“{name[:40]}…” is too long for a theme: "
                    f"{THEME_NAME_MAX_LENGTH} characters at most."
                )

    def clean(self, value):
        names = super().clean(value)
        existing = {}
        for name in names:
            theme = Theme.objects.filter(name__iexact=name).first()
            existing[name] = theme.name if theme else name
        return [existing[name] for name in names]

    def has_changed(self, initial, data):
        def key(values):
            return sorted(name.casefold() for name in self.to_python(values))

        return key(self.prepare_value(initial)) != key(data)


def themes_field(taggable_field, admin_site, **kwargs):
    """The form field for a model's themes in the admin."""
    kwargs.setdefault("label", "Themes")
    kwargs.setdefault(
        "help_text",
        "Start typing and press Enter to choose the highlighted existing theme. For a new one, "
        "type it whole (a theme may have several words) and choose “Create new theme”.",
    )
    return ThemesField(
        required=not taggable_field.blank,
        widget=ThemesWidget(taggable_field, admin_site),
        **kwargs,
    )


# Edit conflicts --------------------------------------------------------------------------------


def version_token(instance):
    """What identifies the version of an object an editor opened: its last change time."""
    return instance.updated_at.isoformat() if instance.updated_at else ""


class OwnRowsFormSet(BaseInlineFormSet):
    """The rows of a film's or an article's inline (credits, exchanges, quotes…). A row posted
    with the id of a row that is not one of this object's (deleted since the form was opened,
    moved to another article, another film's credit in a crafted form, no row at all) is
    shown again as a new row, with what the form holds and a message, and nothing is saved:
    saving again adds it, knowingly. Django's formsets take such an id for a new row: an added
    row was saved as a copy, here, of another film's credit; an existing one was left out of
    the save without a word, or, kept as an existing row, failed on a field the editor cannot
    see on every save."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reopened = []
        if self.is_bound:
            self.data, self.reopened = reopen_foreign_rows(
                self.data, self.prefix, self.model, self.get_queryset()
            )

    def save(self, commit=True):
        if commit:
            self.set_aside_rows_whose_values_move()
        return super().save(commit)

    def set_aside_rows_whose_values_move(self):
        """Rows whose values, unique among the object's rows, another row of this save takes
        (two credits whose people are swapped, a film link given the film of the one below
        it, or of one deleted in the same save) are deleted first: saved one by one, a row
        would take values another row, saved or deleted after it, still holds (a server error
        where the form had checked the rows as they will be). Each row kept is then saved
        again under its own id, by the formset's save, with its many-to-many links."""
        unique = {
            name
            for constraint in self.model._meta.constraints
            if isinstance(constraint, models.UniqueConstraint) and not constraint.condition
            for name in constraint.fields
            if name != self.fk.name
        }
        kept = [
            form
            for form in self.forms
            if form.is_valid() and form.has_changed() and not self._should_delete_form(form)
        ]
        leaving = [
            form.instance.pk
            for form in self.initial_forms
            if form.instance.pk
            and (self._should_delete_form(form) or unique & set(form.changed_data))
        ]
        if not unique or not kept or not leaving:
            return
        names = sorted(unique)

        def value(form, name):
            value = form.cleaned_data.get(name)
            return getattr(value, "pk", value)

        taken = {tuple(value(form, name) for name in names): form.instance.pk for form in kept}
        stored = self.model._default_manager.filter(pk__in=leaving).values_list("pk", *names)
        in_the_way = [
            pk
            for pk, *values in stored
            if taken.get(tuple(getattr(v, "pk", v) for v in values), pk) != pk
        ]
        self.model._default_manager.filter(pk__in=in_the_way).delete()

    def clean(self):
        super().clean()
        noun = self.instance._meta.verbose_name
        for index in self.reopened:
            form = self.forms[index]
            if not self._should_delete_form(form):
                form.add_error(
                    None,
                    f"This row is not one of this {noun}’s: it was deleted after you opened "
                    "the page, or belongs elsewhere. Nothing has been saved. It is shown here "
                    "as a new row: save again to add it, or remove it.",
                )


def posted_id(value):
    """An id as a form or an address sends it ("17"), or None for anything else: not "²" or
    "٣", which Python counts as digits (int() refuses the one, reads the other), nor a number
    of 19 digits or more, past any id, which SQLite's driver cannot even send."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 19:
        return int(value)
    return None


# The rows of a formset read at most: as many as Django's formsets read by default (max_num and
# DEFAULT_MAX_NUM more). A form claiming 10**20 rows (a crafted TOTAL_FORMS) held its worker
# for good, each row looked for in turn; the formset itself refuses it, saying so.
ROWS_READ_AT_MOST = 2 * DEFAULT_MAX_NUM


def reopen_foreign_rows(data, prefix, model, own_rows):
    """A formset's submitted `data` in which the rows posted with an id that is not among
    `own_rows` are new rows (their id emptied, an existing row's moved after the existing ones),
    and the indexes those rows now have."""
    try:
        initial = int(data[f"{prefix}-INITIAL_FORMS"])
        total = min(int(data[f"{prefix}-TOTAL_FORMS"]), ROWS_READ_AT_MOST)
    except (KeyError, ValueError):
        return data, []
    initial = min(initial, total)
    pk_name = model._meta.pk.name
    posted = {index: data.get(f"{prefix}-{index}-{pk_name}", "") for index in range(total)}
    ids = [pk for pk in posted.values() if posted_id(pk) is not None]
    own = {str(pk) for pk in own_rows.filter(pk__in=ids).values_list("pk", flat=True)}
    # An id of no row of this object's, or one that does not read as an id (a damaged form).
    foreign = [index for index, pk in posted.items() if pk and pk not in own]
    if not foreign:
        return data, []
    kept = [index for index in range(initial) if index not in foreign]
    order = [*kept, *(index for index in range(initial) if index in foreign)]
    order += range(initial, total)
    rows = {index: f"{prefix}-{index}-" for index in range(total)}
    reopened = data.copy()
    for key in list(reopened):
        if any(key.startswith(start) for start in rows.values()):
            del reopened[key]
    for new_index, old_index in enumerate(order):
        for key, values in data.lists():
            if key.startswith(rows[old_index]):
                name = key[len(rows[old_index]) :]
                reopened.setlist(f"{prefix}-{new_index}-{name}", values)
        if old_index in foreign:
            reopened.setlist(f"{prefix}-{new_index}-{pk_name}", [""])
    reopened[f"{prefix}-INITIAL_FORMS"] = str(len(kept))
    return reopened, [new_index for new_index, old in enumerate(order) if old in foreign]


def rows_made_new(data, prefix, parent_model, model):
    """A formset's submitted `data` with every row a new one, belonging to no object yet: for
    the form of an object deleted since it was opened, shown again as a new one (ArchiveAdmin.
    changeform_view). Its rows' objects went with it, and the link each row keeps to it would
    be refused ("The inline value did not match the parent instance")."""
    try:
        total = min(int(data[f"{prefix}-TOTAL_FORMS"]), ROWS_READ_AT_MOST)
    except (KeyError, ValueError):
        return data
    links = [
        field.name
        for field in model._meta.fields
        if field.is_relation and field.related_model is parent_model
    ]
    made_new = data.copy()
    for index in range(total):
        for name in [model._meta.pk.name, *links]:
            if f"{prefix}-{index}-{name}" in made_new:
                made_new[f"{prefix}-{index}-{name}"] = ""
    made_new[f"{prefix}-INITIAL_FORMS"] = "0"
    return made_new


def mark_changed(objects):
    """Move on the last change time of `objects` (films, articles, quotes), as their own save
    would: a change made to them from elsewhere (a theme renamed or merged, themes added from
    the list) is then one that an editor who has one of them open is told about
    (EditConflictForm), rather than undone by their next save."""
    by_model = {}
    for obj in objects:
        by_model.setdefault(type(obj), []).append(obj.pk)
    now = timezone.now()
    for model, pks in by_model.items():
        if any(field.name == "updated_at" for field in model._meta.concrete_fields):
            model._default_manager.filter(pk__in=pks).update(updated_at=now)


class EditConflictForm(forms.ModelForm):
    """Refuses to save over changes made by someone else since the form was opened.

    The form carries the time of the last change it was opened on. If the object has changed
    since, saving is refused and the form is shown again with everything the editor entered,
    saying who changed it and when; saving again then keeps the editor's version.
    """

    seen_version = forms.CharField(widget=forms.HiddenInput, required=False)

    # A revert or a recovery (set by ArchiveAdmin): the form shows the version reverted to,
    # written into the item's row for the form, and carries the last change time of the item
    # as it stood before that (`before_revert`, None if it was not there), which another
    # editor's change moves on.
    reverting = False
    before_revert = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.standing_version()

    def standing_version(self):
        if not self.reverting:
            return version_token(self.instance)
        return "" if self.before_revert is None else version_token(self.before_revert)

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None:
            return cleaned_data
        current = self.standing_version()
        if cleaned_data.get("seen_version") != current:
            # The next save is a decision taken knowing about the other change.
            self.data = self.data.copy()
            self.data[self.add_prefix("seen_version")] = current
            raise ValidationError(self.conflict_message(), code="edit_conflict")
        return cleaned_data

    def conflict_message(self):
        opts = self.instance._meta
        if self.reverting and self.before_revert is None:
            return (
                f"Someone deleted this {opts.verbose_name} after you opened it. Nothing you "
                "entered has been saved yet: it is all still below; saving again brings it "
                "back as it is in this form."
            )
        when = (self.before_revert if self.reverting else self.instance).updated_at
        who = "Someone else"
        latest = (
            Version.objects.get_for_object(self.instance).select_related("revision__user").first()
        )
        # The latest version names who saved it, if it is that change (a quote changed on its
        # own page changes its article without a version of the article).
        if (
            latest
            and latest.revision.user
            and abs(latest.revision.date_created - when).total_seconds() < 5
        ):
            user = latest.revision.user
            who = user.get_full_name() or user.get_username()
        history = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_history", args=[self.instance.pk]
        )
        return format_html(
            "{} changed this {} at {}, after you opened it. Nothing you entered has been saved "
            'yet: it is all still below. See their change in <a href="{}" target="_blank">the '
            "history</a>; saving again saves every field as it is in this form.",
            who,
            opts.verbose_name,
            formats.localize(timezone.template_localtime(when)),
            history,
        )


# Articles and their parts ------------------------------------------------------------------------


class ArticleAdminForm(EditConflictForm):
    """The rules of publication (archive/publishing.py), where an editor can set them
    (contributors cannot: the status and time are read-only to them)."""

    # The article as it stood before a revert put a version's values in the form (set by
    # ArticleAdmin): reverting to a version scheduled for a time that has passed since is
    # publishing at a past time, refused as in the form. None: the form's own instance.
    standing = None

    def clean(self):
        cleaned_data = super().clean()
        if "status" not in self.fields or "published_at" not in self.fields:
            return cleaned_data
        standing = self.instance if self.standing is None else self.standing
        time_changed = "published_at" in self.changed_data
        if self.standing is not None:
            # To the second, as the form shows it.
            was, now = self.standing.published_at, cleaned_data.get("published_at")
            time_changed = time_changed or (was and was.replace(microsecond=0)) != now
        try:
            cleaned_data["published_at"] = publishing.publication_time(
                cleaned_data.get("status"),
                cleaned_data.get("published_at"),
                time_changed=time_changed,
                was_public=standing.is_public,
                first_published_elsewhere=bool(cleaned_data.get("source_name")),
            )
        except ValidationError as error:
            self.add_error(None, error)
        # A time stored with microseconds (published outside this form) is shown to the
        # second: left as shown, it is kept as stored, not cut to the second, which the
        # history recorded as a change of the time.
        stored = self.instance.published_at
        if stored and cleaned_data.get("published_at") == stored.replace(microsecond=0):
            cleaned_data["published_at"] = stored
        return cleaned_data


class QuoteAdminForm(EditConflictForm):
    # Set per request by QuoteAdmin: who is editing.
    user = None

    def clean_article(self):
        article = self.cleaned_data.get("article")
        publishing.check_quote_source(article, by=self.user)
        return article


class ExchangeForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        messages = {
            "question": "Write the question.",
            "answer": "Write the answer.",
            "interviewee": "Choose who gives this answer: every answer has a named speaker.",
        }
        for name, message in messages.items():
            if name in self.fields:
                self.fields[name].error_messages["required"] = message

    def clean_anchor(self):
        """An anchor left empty is made from the question when the exchange is saved, unique
        then (ExchangeFormSet.save): None, which the formset's check of anchors used twice
        passes over, as it is no anchor yet for two empty ones to share."""
        return self.cleaned_data["anchor"] or None

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        if not (getattr(self, "cleaned_data", None) or {}).get("anchor"):
            exclude.add("anchor")  # not made yet (clean_anchor)
        return exclude


class ExchangeFormSet(OwnRowsFormSet):
    """An interview's exchanges, numbered in order: a new one goes after the last."""

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if index is None or index >= self.initial_form_count():
            kwargs["initial"] = {"order": self.next_order}
        return kwargs

    def save(self, commit=True):
        """Anchors handed from one exchange to another (two swapped, or one deleted in the
        same save, its anchor given to the one kept) are first set aside: saved one by one, an
        exchange would take an anchor that another, saved or deleted after it, still holds.
        An anchor left empty is then made, clear of those typed on the other exchanges: made
        as each is saved, it could take one that an exchange saved after it was given."""
        if commit:
            moving = [
                form.instance.pk
                for form in self.initial_forms
                if form.instance.pk
                and ("anchor" in form.changed_data or self._should_delete_form(form))
            ]
            self.model._default_manager.filter(pk__in=moving).update(
                anchor=Concat(Value("moving-"), Cast("pk", models.CharField()))
            )
            kept = [form for form in self.forms if form.is_valid() and self._kept(form)]
            taken = {form.cleaned_data["anchor"] for form in kept if form.cleaned_data["anchor"]}
            for form in kept:
                if not form.cleaned_data["anchor"]:
                    form.instance.article = self.instance
                    form.instance.anchor = form.instance.anchor_from_question(taken)
                    taken.add(form.instance.anchor)
        return super().save(commit)

    def _kept(self, form):
        """Whether `form` is an exchange the save keeps: one of those saved, not deleted."""
        return (form.instance.pk or form.has_changed()) and not self._should_delete_form(form)

    @property
    def next_order(self):
        if not hasattr(self, "_next_order"):
            orders = [exchange.order for exchange in self.get_queryset()]
            self._next_order = max(orders, default=0) + 1
        return self._next_order

    def clean(self):
        super().clean()
        kept = [form for form in self.forms if self._kept(form)]
        if kept and self.instance.kind != Article.Kind.INTERVIEW:
            raise ValidationError(
                "Only an interview has questions and answers. Choose the kind “Interview”, "
                "or remove these exchanges."
            )


class ArticleQuoteForm(forms.ModelForm):
    """A quote edited on its article's page.

    Quote.clean() checks a quote against its article as saved: its films and exchanges. Here
    those may be in the same submission, not saved yet (a new article, a film added in the
    row above), so the check is made after they are saved (ArticleAdmin.save_formset) and, if
    it fails, everything is undone and the form shown again with `refusal`, the errors found.
    """

    def __init__(self, *args, refusal=None, **kwargs):
        self.refusal = refusal
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned_data = super().clean()
        if self.refusal is not None:
            raise self.refusal
        return cleaned_data

    def _post_clean(self):
        # Quote.clean() checks nothing until the quote has an article: leave that to the check
        # after saving, against the article as submitted. The inline's own field for the
        # article would give the quote its article again before the check (construct_instance):
        # it is set aside meanwhile.
        article_id, self.instance.article_id = self.instance.article_id, None
        article = self.cleaned_data.pop("article", None)
        try:
            super()._post_clean()
        finally:
            self.instance.article_id = article_id
            if article is not None:
                self.cleaned_data["article"] = article

    def refusal_from(self, error):
        """`error` from Quote.full_clean(), with its messages on fields this form shows."""
        messages = {}
        for name, errors in error.message_dict.items():
            key = name if name in self.fields else NON_FIELD_ERRORS
            messages.setdefault(key, []).extend(errors)
        return ValidationError(messages)


class ArticleQuoteFormSet(OwnRowsFormSet):
    def __init__(self, *args, refused=None, **kwargs):
        self.refused = refused or {}
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if index is not None:
            kwargs["refusal"] = self.refused.get(self.add_prefix(index))
        return kwargs


class QuotesRefused(Exception):
    """Quotes that failed their check once the article was saved: {form prefix: error}."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


# Managing themes -----------------------------------------------------------------------------


def usage(items):
    """What the ThemedItem rows `items` tag, as an editor reads it: “1 film, 2 articles”."""
    counts = items.order_by().values_list("content_type").annotate(count=models.Count("pk"))
    parts = {}
    for pk, count in counts:
        opts = ContentType.objects.get_for_id(pk).model_class()._meta
        noun = opts.verbose_name if count == 1 else opts.verbose_name_plural
        parts[opts.model_name] = f"{count} {noun}"
    return ", ".join(parts[name] for name in ("film", "article", "quote") if name in parts)


def mark_carriers_changed(items):
    """mark_changed() for the films, articles and quotes that the ThemedItem rows `items` tag, in
    one update per kind of object: a theme renamed or merged may tag thousands."""
    now = timezone.now()
    for content_type_id in items.order_by().values_list("content_type", flat=True).distinct():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if any(field.name == "updated_at" for field in model._meta.concrete_fields):
            carriers = items.filter(content_type_id=content_type_id).values("object_id")
            model._default_manager.filter(pk__in=carriers).update(updated_at=now)


def record_history(objects, user, comment):
    """Keep a version of each object, as it now is, in one revision."""
    with reversion.create_revision(atomic=False):
        reversion.set_user(user)
        reversion.set_comment(comment)
        for obj in objects:
            if reversion.is_registered(type(obj)):
                reversion.add_to_revision(obj)


def clean_theme_name(value, theme_pk, clash_message):
    """A theme name as stored (spacing tidied), refused if it would be several themes or if
    another theme (`clash_message` says what to do) has it in any capitals."""
    name = spaced(value)
    if not shows(name):
        raise ValidationError(
            "This field is required: what was typed has only characters that do not show, "
            "such as zero-width spaces."
        )
    if len(split_names(name)) != 1:
        raise ValidationError("A theme's name cannot contain commas or semicolons.")
    clash = Theme.objects.filter(name__iexact=name).exclude(pk=theme_pk).first()
    if clash:
        raise ValidationError(f"There is already a theme “{clash.name}”{clash_message}")
    return name


class ThemeAdminForm(forms.ModelForm):
    # As Theme.slugify makes the slugs of themes added by tagging: Latin letters in ASCII
    # ("århus" → arhus), other scripts kept; its uniqueness checked as it will be saved.
    slug = TransliteratedSlugFormField(
        max_length=Theme._meta.get_field("slug").max_length,
        allow_unicode=True,
        help_text="Used in the theme's address; Latin letters are written without accents.",
    )

    class Meta:
        model = Theme
        fields = ["name", "slug"]

    def clean_name(self):
        return clean_theme_name(
            self.cleaned_data["name"],
            self.instance.pk,
            ": themes that differ only in capitals are one theme.",
        )


class RenameThemeForm(forms.Form):
    """Renames a theme everywhere it is used, and moves its page to a matching address (the
    old one redirects to it: Theme.save() remembers the earlier slug).

    The films, articles and quotes carrying the theme keep their history as it is: they carry
    the same theme, under its new name, and no version of each is kept for it (that read and
    wrote every one of them with its parts: 21 s for a theme on 2,742 items). A version from
    before keeps the old name, which reverting to it finds as this theme
    (`ThemeQuerySet.current_names`).
    """

    name = forms.CharField(
        label="new name",
        max_length=THEME_NAME_MAX_LENGTH,
        help_text="Every film, article and quote with this theme will show the new name.",
    )
    # The name the editor saw when they opened the page: if someone renamed the theme since,
    # their name is not overwritten unseen.
    renaming = forms.CharField(widget=forms.HiddenInput, required=False)
    # Its slug then: if someone merged it into another theme since, its earlier slugs lead
    # the editor to that theme (ThemeAdmin.rename_view).
    address = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, theme, **kwargs):
        self.theme = theme
        super().__init__(*args, **kwargs)
        self.fields["renaming"].initial = theme.name
        self.fields["address"].initial = theme.slug

    def clean(self):
        cleaned_data = super().clean()
        seen = cleaned_data.get("renaming")
        if seen and seen != self.theme.name and "name" in cleaned_data:
            # The next submission is a decision taken knowing the theme's name now.
            self.data = self.data.copy()
            self.data[self.add_prefix("renaming")] = self.theme.name
            self.add_error(
                "name",
                f"Someone renamed “{seen}” to “{self.theme.name}” after you opened this page. "
                f"Nothing has been renamed: to rename “{self.theme.name}” as you typed, show "
                "what will change again.",
            )
        return cleaned_data

    def clean_name(self):
        if spaced(self.cleaned_data["name"]) == self.theme.name:
            raise ValidationError("This is already the theme's name.")
        return clean_theme_name(
            self.cleaned_data["name"],
            self.theme.pk,
            ". To make the two themes one, select both in the list of themes and merge them.",
        )

    @property
    def new_slug(self):
        name = self.cleaned_data["name"]
        if name.casefold() == self.theme.name.casefold():
            return self.theme.slug
        base = slug = self.theme.slugify(name)
        number = 2
        while Theme.objects.filter(slug=slug).exclude(pk=self.theme.pk).exists():
            suffix = f"-{number}"
            slug = base[: THEME_SLUG_MAX_LENGTH - len(suffix)] + suffix
            number += 1
        return slug

    def save(self):
        with transaction.atomic():
            self.theme.name, self.theme.slug = self.cleaned_data["name"], self.new_slug
            self.theme.save()
            mark_carriers_changed(self.theme.themed_items.all())
        return self.theme


class MergeThemesForm(forms.Form):
    """Makes several themes one: everything tagged with any of them is tagged with the one kept.

    An object that already carries the kept theme, or several of the merged ones, keeps a
    single link to it (ThemedItem allows one per object and theme). The merged themes are then
    deleted, their addresses redirecting to the kept theme's page.

    As for a rename (RenameThemeForm), the objects' history is left as it is: a version that
    names a merged theme gives the kept one when reverted to.
    """

    into = forms.ModelChoiceField(
        queryset=Theme.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        label="theme to keep",
        help_text="The others are merged into it and removed.",
    )

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.themes = themes
        self.fields["into"].queryset = themes

    def clean(self):
        cleaned_data = super().clean()
        if len(self.themes) < 2:
            raise ValidationError("Choose at least two themes to merge.")
        return cleaned_data

    @property
    def merged(self):
        return [theme for theme in self.themes if theme != self.cleaned_data["into"]]

    def plan(self):
        """For each merged theme: what moves to the kept theme, and what it already carries."""
        into = self.cleaned_data["into"]
        carries_into = ThemedItem.objects.filter(
            tag=into, content_type=OuterRef("content_type"), object_id=OuterRef("object_id")
        )
        return [
            {
                "theme": theme,
                "moving": usage(theme.themed_items.exclude(Exists(carries_into))),
                "already": usage(theme.themed_items.filter(Exists(carries_into))),
            }
            for theme in self.merged
        ]

    def save(self):
        into = self.cleaned_data["into"]
        merged = self.merged
        items = ThemedItem.objects.filter(tag__in=merged)
        with transaction.atomic():
            mark_carriers_changed(items)
            same_object = {
                "content_type": OuterRef("content_type"),
                "object_id": OuterRef("object_id"),
            }
            # Links that would be duplicates once moved: the object carries the kept theme, or
            # another merged theme's link (with a lower id) moves with it.
            items.filter(Exists(ThemedItem.objects.filter(tag=into, **same_object))).delete()
            items.filter(Exists(items.filter(pk__lt=OuterRef("pk"), **same_object))).delete()
            items.update(tag=into)
            for theme in merged:
                EarlierSlug.objects.hand_over(theme, into)
                theme.delete()
        return into


class AddThemesForm(forms.Form):
    """The themes to add to the articles chosen in the list (the "Add themes…" action)."""

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"] = themes_field(
            Article._meta.get_field("themes"),
            admin_site,
            help_text="Added to every selected article; themes they already have are kept.",
        )
        self.fields["themes"].required = True
