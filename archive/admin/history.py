"""
What every model with a history shares: which rows a version keeps, and ArchiveAdmin, the
admin of films, people, articles and quotes, with its screens for comparing versions.
"""

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.admin.templatetags.admin_urls import admin_urlname
from django.contrib.admin.utils import NestedObjects, quote, unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, router
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from reversion.admin import VersionAdmin
from reversion.errors import RevertError
from reversion.models import Version
from taggit.managers import TaggableManager

from .. import history, publishing
from ..forms import (
    EditConflictForm,
    OwnRowsFormSet,
    record_history,
    rows_made_new,
    themes_field,
)
from ..models import (
    Article,
    ArticleAuthor,
    ArticleFilm,
    ArticlePerson,
    Award,
    Credit,
    Exchange,
    Film,
    Person,
    Quote,
)
from .lists import ArchiveChangeList, DeepPagePaginator, WrittenCheckboxes
from .search import FoldedSearchMixin
from .widgets import ReadableAutocompletes

# What the history keeps: each of these, with the rows it follows, at every save. Declared here,
# before any ArchiveAdmin is registered: VersionAdmin registers a model it finds unregistered
# with reversion's defaults.
history.keep(Person)
history.keep(Film, follow=["credits", "awards"])
history.keep(Credit)
history.keep(Award)
history.keep(Article, follow=["bylines", "film_links", "person_links", "exchanges", "quotes"])
for part in (ArticleAuthor, ArticleFilm, ArticlePerson, Exchange, Quote):
    history.keep(part)


class NothingReverted(Exception):
    """A revert that left the item as it was: its transaction and revision are undone, and
    `response` answers the editor."""

    def __init__(self, response):
        self.response = response


def work_of(row):
    """The film, article or quote an editor opens to remove what `row` records."""
    if isinstance(row, Quote):
        return row
    if isinstance(row, Credit):
        return row.film
    return getattr(row, "article", row)


# The slug filled in as an editor types a title or a name is the one that will be saved.
SLUG_SCRIPT = "archive/admin/slugs.js"
# Leaving a form with changes not saved is asked about first.
UNSAVED_SCRIPT = "archive/admin/unsaved.js"


def work_link(admin_site, work):
    """ "Film: <a href="its admin page">Title</a>", for a list of what stands in a deletion's
    way."""
    opts = work._meta
    return format_html(
        '{}: <a href="{}">{}</a>',
        capfirst(opts.verbose_name),
        reverse(
            f"{admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=[quote(work.pk)]
        ),
        work,
    )


class ArchiveInline(ReadableAutocompletes):
    """For every inline of an ArchiveAdmin (credits, awards, an article's parts): rows that are
    not the object's own are refused (OwnRowsFormSet), and autocompletes show what was posted."""

    formset = OwnRowsFormSet


class ArchiveAdmin(WrittenCheckboxes, ReadableAutocompletes, FoldedSearchMixin, VersionAdmin):
    """History with comparison, themes chosen with autocomplete, edit conflicts detected,
    deletions that explain what stands in their way, and search that folds accents."""

    form = EditConflictForm
    paginator = DeepPagePaginator
    # Addresses typed without a scheme are taken as https (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    object_history_template = "admin/archive/object_history.html"
    history_latest_first = True

    class Media:
        js = [SLUG_SCRIPT, UNSAVED_SCRIPT]

    def get_changelist(self, request, **kwargs):
        return ArchiveChangeList

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if "data" not in kwargs:
            return kwargs
        if getattr(request, "deleted_since_opened", None) is not None:
            kwargs["data"] = rows_made_new(kwargs["data"], prefix, self.model, inline.model)
        return kwargs

    # Saving what was deleted meanwhile.

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A film, person, article or quote saved after someone deleted it is shown again as
        a new one, with everything the editor entered, and saying who deleted it and when: an
        editor decides whether to add it again (saving posts to the add page) or to recover the
        one deleted. Django sent the editor to the admin's index ("Perhaps it was deleted?"),
        and what the form held was lost. Only for those who may add one."""
        if (
            request.method == "POST"
            and object_id is not None
            and self.get_object(request, unquote(object_id)) is None
            and self.has_add_permission(request)
        ):
            request.deleted_since_opened = self.deleted_message(unquote(object_id))
            add_url = reverse(admin_urlname(self.opts, "add"))
            return super().changeform_view(request, None, add_url, extra_context)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if hasattr(request, "before_revert"):
            attributes = {"reverting": True, "before_revert": request.before_revert}
            form = type(form.__name__, (form,), attributes)
        message = getattr(request, "deleted_since_opened", None)
        if message is None:
            return form

        class Reopened(form):
            """Shown, not saved: the editor saves it from the add page, knowing."""

            def clean(self):
                super().clean()
                raise ValidationError(message, code="deleted")

        return Reopened

    def deleted_message(self, object_id):
        noun = self.opts.verbose_name
        deletion = (
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(self.model),
                object_id=str(object_id),
                action_flag=DELETION,
            )
            .select_related("user")
            .order_by("-action_time")
            .first()
        )
        who, when = "Someone", ""
        if deletion is not None:
            who = deletion.user.get_full_name() or deletion.user.get_username()
            when = " at " + formats.localize(timezone.template_localtime(deletion.action_time))
        return format_html(
            "{} deleted this {}{}, after you opened it. Nothing you entered has been saved or "
            "lost: it is all below, as a new {}. Save it to add it again, or recover the one "
            'deleted, as it was, from <a href="{}">the deleted {}</a>.',
            who,
            noun,
            when,
            noun,
            reverse(admin_urlname(self.opts, "recoverlist")),
            self.opts.verbose_name_plural,
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, TaggableManager):
            return themes_field(db_field, self.admin_site)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        """A form shown again after an error has lost the image the editor chose (a browser
        cannot put a file back in a file field): its field says so, rather than the next save
        going without the image, or keeping the old one, without a word."""
        form = context["adminform"].form
        if request.method == "POST" and form.is_bound:
            for name in request.FILES:
                field = form.fields.get(name)
                if isinstance(field, forms.FileField) and name not in form.errors:
                    form.add_error(
                        name,
                        "The file you chose was not kept, as the form had errors: choose it "
                        "again before saving.",
                    )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_fieldsets(self, request, obj=None):
        """The declared fieldsets, carrying the version seen where the editor may save."""
        fieldsets = [(name, dict(options)) for name, options in super().get_fieldsets(request, obj)]
        first = fieldsets[0][1]
        first["fields"] = [name for name in first["fields"] if name != "seen_version"]
        if obj is not None and self.has_change_permission(request, obj):
            first["fields"].append("seen_version")
        return fieldsets

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.compare_view),
                name=f"{opts.app_label}_{opts.model_name}_compare",
            ),
            *super().get_urls(),
        ]

    def versions(self, request, object_id):
        return (
            Version.objects.get_for_object_reference(self.model, object_id)
            .select_related("revision__user")
            .order_by(*self.get_version_ordering(request))
        )

    def change_refused(self, request, obj):
        """Why the user may not change `obj`, or None if they may: a contributor may change
        others of its kind, but not what readers see (a published piece, its quotes)."""
        if self.has_change_permission(request, obj):
            return None
        if self.has_change_permission(request):
            return publishing.ONLY_EDITORS_CHANGE
        return f"Your account may not change {self.opts.verbose_name_plural}."

    def history_view(self, request, object_id, extra_context=None):
        """Reversion's history, with the two versions to compare chosen in each row, and each
        version opened to revert to it by those who may change the item. To others (a
        contributor on a published piece) the versions are not offered: each led to a page
        refusing them, which told them to ask for a permission their group is not given."""
        opts = self.model._meta
        current = self.get_object(request, unquote(object_id))
        revert_refused = None if current is None else self.change_refused(request, current)
        action_list = [
            {
                "version": version,
                "revision": version.revision,
                "url": reverse(
                    f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_revision",
                    args=[quote(version.object_id), version.pk],
                ),
            }
            for version in self.versions(request, unquote(object_id))
        ]
        context = {
            "action_list": action_list,
            "compare_url": reverse(
                f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_compare",
                args=[object_id],
            ),
            "revert_refused": revert_refused,
            **(extra_context or {}),
        }
        return super().history_view(request, object_id, context)

    def compare_view(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("This item no longer exists; recover it from the list to compare.")
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        versions = self.versions(request, unquote(object_id))
        history_url = reverse(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_history",
            args=[object_id],
        )
        try:
            older = versions.get(pk=request.GET.get("older"))
            newer = versions.get(pk=request.GET.get("newer"))
        except (Version.DoesNotExist, ValueError, TypeError, OverflowError, ValidationError):
            messages.warning(request, "Choose two versions of this item to compare.")
            return redirect(history_url)
        if older.pk == newer.pk:
            messages.warning(request, "Choose two different versions to compare.")
            return redirect(history_url)
        if older.revision.date_created > newer.revision.date_created:
            older, newer = newer, older
        fields, rows = history.compare(older, newer)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": obj,
            "title": f"What changed in “{obj}”",
            "older": older,
            "newer": newer,
            "fields": fields,
            "rows": rows,
            "history_url": history_url,
        }
        return TemplateResponse(request, "admin/archive/compare.html", context)

    def get_deleted_objects(self, objs, request):
        """Django's list of what a deletion takes along; what prevents it named by the work
        an editor would open (an article, not the article's link to a film)."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            collector = NestedObjects(using=router.db_for_write(self.model))
            collector.collect(objs)
            links = {}
            for work in map(work_of, collector.protected):
                links.setdefault(work, work_link(self.admin_site, work))
            protected = list(links.values())
        return deleted, counts, perms_needed, protected

    def changelist_view(self, request, extra_context=None):
        """Reversion keeps what a bulk action changes as one revision, saved when the action
        ends. The last version of what "delete selected" deletes must be saved before the rows
        go (see delete_queryset), so that action runs outside it."""
        if request.method == "POST" and request.POST.get("action") == "delete_selected":
            return admin.ModelAdmin.changelist_view(self, request, extra_context)
        return super().changelist_view(request, extra_context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """A revert changes the item as it stands, so only those who may change it now may
        revert it: reversion checks the permission on the item once reverted, and a
        contributor could take a published piece off the site by reverting it to a version
        from when it was a draft (or a quote to one in a draft article).

        The version must be one of this item's: reversion looked a version up by its number
        and the item's, whatever its kind, and a person's version at a film's address (the
        person with the film's number) reverted the person.

        A version of an item deleted since is a recovery, with a recovery's checks (among
        them the permission to add): reverted at this address, the item came back for anyone
        who may change its kind, past the recover page that refused them. Opened, the address
        leads to the recover page; a form sent to it (opened before the deletion) is a
        recovery, keeping what the editor entered.

        A version that names a film or person deleted since, or whose address (or Wikidata or
        IMDb ID) another item has now, cannot be restored: say so."""
        current = self.get_object(request, unquote(object_id))
        if current is not None and not self.has_change_permission(request, current):
            raise PermissionDenied(self.change_refused(request, current))
        version = self.versions(request, unquote(object_id)).filter(pk=version_id).first()
        if version is None:
            raise Http404("No such version of this item.")
        if self.is_deleted(version):
            if request.method == "POST":
                return self.recover_view(request, version_id, extra_context)
            return redirect(admin_urlname(self.opts, "recover"), version.pk)
        # Nor may they take back a quote moved since to an article they may not change.
        taken_back = history.quotes_taken_back(history.restored_versions(version))
        taken_from = Article.objects.filter(pk__in=taken_back)
        if not all(publishing.may_change(request.user, article) for article in taken_from):
            raise PermissionDenied(publishing.ONLY_EDITORS_CHANGE)
        if self.refuse_missing_references(request, version) or self.refuse_values_taken(
            request, version, "restored", "revert to this version"
        ):
            return redirect(admin_urlname(self.opts, "history"), quote(version.object_id))
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        """A version of an item of another kind is not found (reversion recovered any
        version). One of an item that is there (recovered since, or never deleted) is a
        revert of that item, with a revert's checks: recovered again, it was written over
        the item as it stands.

        A deleted item whose address (or Wikidata or IMDb ID) another item has taken since
        cannot come back with it: say so, and which item has it, rather than fail to save.
        Nor can one that names a film or person deleted since (refuse_missing_references)."""
        version = Version.objects.get_for_model(self.model).filter(pk=version_id).first()
        if version is None:
            raise Http404("No such version of a deleted item.")
        if not self.is_deleted(version):
            if request.method == "POST":
                return self.revision_view(
                    request, quote(version.object_id), version_id, extra_context
                )
            return redirect(
                admin_urlname(self.opts, "revision"), quote(version.object_id), version.pk
            )
        if self.refuse_missing_references(request, version) or self.refuse_values_taken(
            request, version, "recovered", "recover this one"
        ):
            return redirect(admin_urlname(self.opts, "recoverlist"))
        return super().recover_view(request, version_id, extra_context)

    def is_deleted(self, version):
        """Whether `version`'s item is gone: restoring it is a recovery, not a revert."""
        return not self.model._default_manager.filter(pk=version.object_id).exists()

    def _reversion_revisionform_view(self, request, version, template_name, extra_context=None):
        """Reversion's page for a version to revert to or recover from, restoring the item
        and the rows it follows alone (history.restore). Reversion reverts the whole revision
        the version is in, which other items may share: reverting one of the articles a list
        action changed rolled the others back, and recovering one of the films deleted
        together brought them all back. The view calls `version.revision.revert()`: this
        version's revision restores its own item.

        The form carries the item's last change time as it stands, before the revert writes
        the version into its row (EditConflictForm): another editor's change made while the
        form was open is not reverted unseen."""
        request.before_revert = (
            self.model._default_manager.using(version.db).filter(pk=version.object_id).first()
        )
        if request.method == "POST" and request.before_revert is not None:
            request.state_before_revert = history.state(request.before_revert)
        version.revision.revert = lambda delete=False: history.restore(version)
        try:
            return super()._reversion_revisionform_view(
                request, version, template_name, extra_context
            )
        except NothingReverted as nothing:
            return nothing.response

    def response_change(self, request, obj):
        """A revert that changed nothing (to the version the item is at, or its form changed
        back) records nothing: the history keeps no "Reverted" version saying nothing, and
        the item's last change time stays, so that an editor who has it open is not told it
        changed.

        A revert or a recovery made is answered as from the item's own page: Django links its
        "… was changed successfully" to the address the form was sent to, and "Save and
        continue editing" goes back there, which is the revert or recover address, showing
        the version's form again."""
        before = getattr(request, "state_before_revert", None)
        if before is not None and before == history.state(obj):
            self.message_user(
                request, f"“{obj}” is already as in this version: nothing was changed."
            )
            raise NothingReverted(self.response_post_save_change(request, obj))
        if hasattr(request, "before_revert"):
            request.path = reverse(admin_urlname(self.opts, "change"), args=[quote(obj.pk)])
        return super().response_change(request, obj)

    def refuse_missing_references(self, request, version):
        """Whether restoring `version` is refused, with a message, because its revision (the
        item with its parts) points to something deleted since: an article about a film
        deleted once the article was, a credit of a person deleted since. Restored, such a
        row would name a film or person that is not there (a server error), so the editor is
        told which, to recover it first."""
        try:
            missing = history.missing_references(history.restored_versions(version))
        except RevertError:
            return False  # a version that cannot be read: reversion's view says so
        if not missing:
            return False
        items = []
        for model, pk in missing:
            opts = model._meta
            deleted = (
                Version.objects.get_deleted(model).filter(object_id=str(pk)).first()
                if reversion.is_registered(model)
                else None
            )
            name = f"“{deleted.object_repr}”" if deleted else f"number {pk}"
            if deleted and self.admin_site.is_registered(model):
                items.append(
                    format_html(
                        '{} {} (<a href="{}">recover it</a>)',
                        opts.verbose_name,
                        name,
                        reverse(admin_urlname(opts, "recover"), args=[deleted.pk]),
                    )
                )
            elif deleted and (whole := self.whole_of(deleted)) is not None:
                # A part (an interview's exchange) has no page of its own to recover it from:
                # it comes back with what it is part of, reverted to a version that has it.
                items.append(
                    format_html(
                        '{} {} (it comes back when <a href="{}">“{}”</a> is reverted to a '
                        "version with it)",
                        opts.verbose_name,
                        name,
                        reverse(admin_urlname(whole._meta, "history"), args=[whole.pk]),
                        whole,
                    )
                )
            else:
                items.append(format_html("{} {}", opts.verbose_name, name))
        messages.error(
            request,
            format_html(
                "“{}” cannot be restored as it was: it names {}, deleted since. Bring {} back "
                "first.",
                version.object_repr,
                format_html_join(", ", "{}", ((item,) for item in items)),
                "it" if len(items) == 1 else "them",
            ),
        )
        return True

    def whole_of(self, deleted):
        """The article a deleted part of one (its `deleted` version) belonged to, if it is
        still there."""
        article_id = deleted.field_dict.get("article_id")
        if article_id is None:
            return None
        return Article.objects.filter(pk=article_id).first()

    def refuse_values_taken(self, request, version, done, then):
        """Whether restoring `version` is refused, with a message, because a value it keeps
        that no two items may share (the slug, which is the item's address, a Wikidata or
        IMDb ID) is another item's now: saved, it failed with reversion's "Could not save …
        version - missing dependency". The message names the item that has it, to change
        first; `done` and `then` say what the editor was doing ("recovered", "recover this
        one")."""
        taken = self.value_taken(version)
        if taken is None:
            return False
        field, value, holder = taken
        noun = holder._meta.verbose_name
        if field.name == "slug":
            held, change = format_html("its address (slug “{}”)", value), "another slug"
        else:
            held = format_html("its {} “{}”", field.verbose_name, value)
            change = f"another {field.verbose_name}"
        messages.error(
            request,
            format_html(
                '“{}” cannot be {} as it was: {} is now that of <a href="{}">“{}”</a>. Give '
                "that {} {}, then {}.",
                version.object_repr,
                done,
                held,
                reverse(admin_urlname(holder._meta, "change"), args=[holder.pk]),
                holder,
                noun,
                change,
                then,
            ),
        )
        return True

    def value_taken(self, version):
        """(field, value, item) for a value of `version` that no two items may share and that
        another item has now, if there is one."""
        opts = self.model._meta
        names = [field.name for field in opts.concrete_fields if field.unique]
        names += [
            constraint.fields[0]
            for constraint in opts.constraints
            if isinstance(constraint, models.UniqueConstraint) and len(constraint.fields) == 1
        ]
        for name in dict.fromkeys(names):
            field = opts.get_field(name)
            value = version.field_dict.get(field.attname)
            if field.primary_key or value in (None, ""):
                continue
            holder = (
                self.model._default_manager.filter(**{field.attname: value})
                .exclude(pk=version.object_id)
                .first()
            )
            if holder is not None:
                return field, value, holder
        return None

    # A save that changes nothing writes nothing but its version.

    def saves_nothing(self, request, obj):
        """Whether the form just saved on `obj`'s own page changed nothing, in the item or in
        any of its inlines. Then its row is not written: the history keeps a version saying
        "No fields changed." (who saved, and when), but the item's last change time stays, so
        that another editor who has it open is not told it changed (EditConflictForm) and
        their real change is not refused. A revert or a recovery always writes."""
        return getattr(request, "unchanged_item", None) is obj

    def save_model(self, request, obj, form, change):
        match = request.resolver_match
        own_page = match is not None and match.url_name == (
            f"{self.opts.app_label}_{self.opts.model_name}_change"
        )
        if change and own_page and not form.has_changed():
            request.unchanged_item = obj  # written by save_related if an inline changed
            reversion.add_to_revision(obj)
            return
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if self.saves_nothing(request, form.instance):
            if not any(formset.has_changed() for formset in formsets):
                return
            request.unchanged_item = None
            super().save_model(request, form.instance, form, change)
        super().save_related(request, form, formsets, change)

    def construct_change_message(self, request, form, formsets, add=False):
        if self.saves_nothing(request, form.instance):
            return []  # "No fields changed."; the formsets, not saved, list nothing saved
        return super().construct_change_message(request, form, formsets, add)

    def delete_model(self, request, obj):
        record_history([obj], request.user, "Deleted (this version can be recovered).")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        record_history(queryset, request.user, "Deleted (this version can be recovered).")
        super().delete_queryset(request, queryset)
