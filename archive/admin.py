"""
The editors' admin: films, people, articles, quotes and themes.

Two groups (made by a migration) decide who may do what: Editors may do everything, including
publishing and managing themes; Contributors write drafts. What a contributor may not do to a
particular article (publish, schedule, unpublish, change or delete a published piece) is
refused here, in the permission methods and forms, not only by hiding buttons.

Every save of a film, person, article or quote is kept by django-reversion (archive/history.py
says what a version holds): editors see who changed what and when, compare two versions, revert
to one, and recover deleted items.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import NestedObjects, quote, unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models, router
from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, Value, When
from django.db.models.functions import Lower
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from reversion.admin import VersionAdmin
from reversion.models import Version
from taggit.managers import TaggableManager
from taggit.models import Tag

from . import history
from .forms import (
    AddThemesForm,
    ArticleAdminForm,
    ArticleQuoteForm,
    ArticleQuoteFormSet,
    EditConflictForm,
    ExchangeForm,
    ExchangeFormSet,
    MergeThemesForm,
    QuoteAdminForm,
    QuotesRefused,
    RenameThemeForm,
    ThemeAdminForm,
    record_history,
    themes_field,
    usage,
)
from .models import (
    Article,
    ArticleAuthor,
    ArticleFilm,
    ArticlePerson,
    Award,
    Credit,
    Exchange,
    Film,
    Language,
    Person,
    Quote,
    Theme,
)

# The archive's themes live in Theme; taggit's own tag model is unused.
admin.site.unregister(Tag)
admin.site.site_header = "Film Archive"
admin.site.site_title = "Film Archive"
admin.site.index_title = "Editing the archive"

# What the history keeps: each of these, with the rows it follows, at every save.
history.keep(Person)
history.keep(Film, follow=["credits", "awards"])
history.keep(Credit)
history.keep(Award)
history.keep(Article, follow=["bylines", "film_links", "person_links", "exchanges", "quotes"])
for part in (ArticleAuthor, ArticleFilm, ArticlePerson, Exchange, Quote):
    history.keep(part)


def may_publish(request):
    return request.user.has_perm("archive.publish_article")


def locked(request, article):
    """Whether `article` is published (or scheduled) and the user may not publish.

    A contributor may look at such an article but not change or delete it, nor its parts:
    whatever they did would be public at once.
    """
    return (
        article is not None
        and article.status == Article.Status.PUBLISHED
        and not may_publish(request)
    )


def work_of(row):
    """The film, article or quote an editor opens to remove what `row` records."""
    if isinstance(row, Quote):
        return row
    if isinstance(row, Credit):
        return row.film
    return getattr(row, "article", row)


# Filters and columns ---------------------------------------------------------------------------


class ThemeFilter(admin.SimpleListFilter):
    title = "theme"
    parameter_name = "theme"

    def lookups(self, request, model_admin):
        content_type = ContentType.objects.get_for_model(model_admin.model)
        return (
            Theme.objects.filter(themed_items__content_type=content_type)
            .distinct()
            .order_by(Lower("name"))
            .values_list("slug", "name")
        )

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(themes__slug=self.value()).distinct()
        return queryset


class PublicationFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return [("draft", "Draft"), ("scheduled", "Scheduled"), ("public", "Published")]

    def queryset(self, request, queryset):
        now = timezone.now()
        published = queryset.filter(status=Article.Status.PUBLISHED)
        return {
            "draft": queryset.filter(status=Article.Status.DRAFT),
            "scheduled": published.filter(published_at__gt=now),
            "public": queryset.published(),
        }.get(self.value())


@admin.display(description="themes")
def theme_names(obj):
    """Read from the prefetch (taggit's .names() would query again for each row)."""
    return ", ".join(theme.name for theme in obj.themes.all())


# What every model with a history shares ----------------------------------------------------------


class ArchiveChangeList(ChangeList):
    def get_filters(self, request):
        """Django's, with an impossible date in the date hierarchy (year 99999) treated like
        any other bad filter: the list is shown again without it, not a server error."""
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error


class ArchiveAdmin(VersionAdmin):
    """History with comparison, themes chosen with autocomplete, edit conflicts detected, and
    deletions that explain what stands in their way."""

    form = EditConflictForm
    # Addresses typed without a scheme are taken as https (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    object_history_template = "admin/archive/object_history.html"
    history_latest_first = True

    def get_changelist(self, request, **kwargs):
        return ArchiveChangeList

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, TaggableManager):
            return themes_field(db_field, self.admin_site)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

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

    def history_view(self, request, object_id, extra_context=None):
        """Reversion's history, with the two versions to compare chosen in each row."""
        opts = self.model._meta
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
                opts = work._meta
                links.setdefault(
                    work,
                    format_html(
                        '{}: <a href="{}">{}</a>',
                        capfirst(opts.verbose_name),
                        reverse(
                            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change",
                            args=[quote(work.pk)],
                        ),
                        work,
                    ),
                )
            protected = list(links.values())
        return deleted, counts, perms_needed, protected

    def changelist_view(self, request, extra_context=None):
        """Reversion keeps what a bulk action changes as one revision, saved when the action
        ends. The last version of what "delete selected" deletes must be saved before the rows
        go (see delete_queryset), so that action runs outside it."""
        if request.method == "POST" and request.POST.get("action") == "delete_selected":
            return admin.ModelAdmin.changelist_view(self, request, extra_context)
        return super().changelist_view(request, extra_context)

    def delete_model(self, request, obj):
        record_history([obj], request.user, "Deleted (this version can be recovered).")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        record_history(queryset, request.user, "Deleted (this version can be recovered).")
        super().delete_queryset(request, queryset)


# Films and people ------------------------------------------------------------------------------


class CreditInline(admin.TabularInline):
    model = Credit
    extra = 1
    autocomplete_fields = ["person"]
    fields = ["person", "role", "order", "credited_as", "note"]


class AwardInline(admin.StackedInline):
    model = Award
    extra = 0
    autocomplete_fields = ["recipients"]


@admin.register(Film)
class FilmAdmin(ArchiveAdmin):
    list_display = ["title", "year", "kind", "directors", theme_names, "article_count"]
    list_filter = ["kind", "year", ThemeFilter]
    search_fields = ["title", "original_title", "wikidata_id", "imdb_id"]
    ordering = ["title", "year"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["languages"]
    inlines = [CreditInline, AwardInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "year", "kind", "runtime_minutes"]}),
        ("Original title", {"fields": ["original_title", "original_title_language"]}),
        ("Production", {"fields": ["countries", "languages"]}),
        ("About the film", {"fields": ["synopsis", "themes"]}),
        ("Image", {"fields": ["image", "image_alt", "image_credit"]}),
        ("Identifiers", {"fields": ["wikidata_id", "imdb_id"]}),
    ]

    def get_queryset(self, request):
        directors = Credit.objects.filter(
            role__in=[Credit.Role.DIRECTOR, Credit.Role.CO_DIRECTOR]
        ).select_related("person")
        return (
            super()
            .get_queryset(request)
            .annotate(article_count=Count("article_links", distinct=True))
            .prefetch_related(
                "themes", Prefetch("credits", queryset=directors, to_attr="director_credits")
            )
        )

    @admin.display(description="directed by")
    def directors(self, film):
        return ", ".join(credit.person.name for credit in film.director_credits)

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, film):
        return film.article_count


@admin.register(Person)
class PersonAdmin(ArchiveAdmin):
    list_display = ["name", "native_name", "birth_date", "death_date", "updated_at"]
    search_fields = ["name", "alternative_names", "native_name"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "alternative_names"]}),
        ("Name in native script", {"fields": ["native_name", "native_name_language"]}),
        (None, {"fields": ["biography", "birth_date", "death_date"]}),
        ("Identifiers", {"fields": ["wikidata_id", "imdb_id"]}),
    ]


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


# Articles --------------------------------------------------------------------------------------


class ArticlePartInline:
    """A part of an article (byline, links, exchanges, quotes): as locked as the article."""

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not locked(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not locked(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not locked(request, obj)


class ArticleAuthorInline(ArticlePartInline, admin.TabularInline):
    model = ArticleAuthor
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["person", "order"]


class ArticleFilmInline(ArticlePartInline, admin.TabularInline):
    model = ArticleFilm
    extra = 1
    autocomplete_fields = ["film"]
    fields = ["film", "order"]


class ArticlePersonInline(ArticlePartInline, admin.TabularInline):
    model = ArticlePerson
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["person", "order"]


class ExchangeInline(ArticlePartInline, admin.StackedInline):
    model = Exchange
    form = ExchangeForm
    formset = ExchangeFormSet
    extra = 0
    autocomplete_fields = ["interviewer", "interviewee"]
    fields = ["order", "question", "interviewer", "answer", "interviewee", "anchor"]


class QuoteInline(ArticlePartInline, admin.StackedInline):
    model = Quote
    form = ArticleQuoteForm
    formset = ArticleQuoteFormSet
    extra = 0
    autocomplete_fields = ["speaker", "film"]
    fields = ["text", "speaker", "film", "exchange", "featured"]
    show_change_link = True

    def get_formset(self, request, obj=None, **kwargs):
        self.parent_article = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "exchange":
            article = getattr(self, "parent_article", None)
            kwargs["queryset"] = (
                article.exchanges.all() if article is not None else Exchange.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Article)
class ArticleAdmin(ArchiveAdmin):
    form = ArticleAdminForm
    list_display = [
        "title",
        "kind",
        "publication",
        "published_at",
        "film_titles",
        theme_names,
        "updated_at",
        "preview",
    ]
    list_filter = ["kind", PublicationFilter, ThemeFilter]
    search_fields = ["title", "standfirst", "films__title"]
    date_hierarchy = "published_at"
    # Drafts first (what editors are working on), then the latest publications.
    ordering = [F("published_at").desc(nulls_first=True), "-created_at"]
    prepopulated_fields = {"slug": ["title"]}
    actions = ["publish_now", "unpublish", "add_themes"]
    inlines = [
        ArticleAuthorInline,
        ArticleFilmInline,
        ArticlePersonInline,
        ExchangeInline,
        # Last: quotes are checked against the films and exchanges saved before them.
        QuoteInline,
    ]
    fieldsets = [
        (None, {"fields": ["kind", "title", "slug", "standfirst", "body", "themes"]}),
        ("Publication", {"fields": ["status", "published_at", "publication_state"]}),
        ("First published elsewhere", {"fields": ["source_name", "source_url"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("films", "themes")

    def get_readonly_fields(self, request, obj=None):
        if may_publish(request):
            return ["publication_state"]
        return ["status", "published_at", "publication_state"]

    def has_publish_permission(self, request):
        return may_publish(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not locked(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not locked(request, obj)

    def get_view_on_site_url(self, obj=None):
        return super().get_view_on_site_url(obj) if obj is not None and obj.is_public else None

    def save_model(self, request, obj, form, change):
        if obj.status != Article.Status.DRAFT and not may_publish(request):
            raise PermissionDenied("Only editors may publish or schedule articles.")
        super().save_model(request, obj, form, change)

    # Columns.

    @admin.display(description="status", ordering="status")
    def publication(self, article):
        if article.is_scheduled:
            return f"Scheduled for {localized(article.published_at)}"
        return "Published" if article.is_public else "Draft"

    @admin.display(description="now")
    def publication_state(self, article):
        if article.pk is None or article.status == Article.Status.DRAFT:
            return "A draft: only staff can see it, through the preview."
        if article.is_scheduled:
            return f"Scheduled: it becomes public by itself on {localized(article.published_at)}."
        return f"Public since {localized(article.published_at)}."

    @admin.display(description="films")
    def film_titles(self, article):
        return ", ".join(film.title for film in article.films.all())

    @admin.display(description="preview")
    def preview(self, article):
        return format_html(
            '<a href="{}">Preview</a>', reverse("archive:article_preview", args=[article.pk])
        )

    # Quotes are checked once the article and its other parts are saved.

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, QuoteInline):
            kwargs["refused"] = getattr(request, "refused_quotes", None)
        return kwargs

    def save_formset(self, request, form, formset, change):
        """Save the quotes only if each is found, word for word, in the article as saved.

        The article, its films and its exchanges are saved by now (the quote inline comes
        last), so Quote.full_clean() checks each quote, new or old, against them. A refusal
        raises QuotesRefused, which undoes the whole save (see `_checking_quotes`).
        """
        if formset.model is not Quote:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        for deleted in formset.deleted_objects:
            deleted.delete()
        kept = [
            quote_form
            for quote_form in formset.forms
            if (quote_form.instance.pk or quote_form.has_changed())
            and quote_form not in formset.deleted_forms
        ]
        refused = {}
        for quote_form in kept:
            quote, exchange_id = quote_form.instance, quote_form.instance.exchange_id
            try:
                quote.full_clean()
            except ValidationError as error:
                refused[quote_form.prefix] = quote_form.refusal_from(error)
                continue
            if quote_form.has_changed() or quote.exchange_id != exchange_id:
                quote.save()
        if refused:
            raise QuotesRefused(refused)
        formset.save_m2m()

    def _checking_quotes(self, view, request, *args, **kwargs):
        """Run an admin view that saves the article; if a quote is refused once saved, undo
        everything (the exception leaves the view's transaction and revision) and run the view
        again on the same submission, showing each refused quote its errors."""
        try:
            return view(request, *args, **kwargs)
        except QuotesRefused as refused:
            request.refused_quotes = refused.errors
            return view(request, *args, **kwargs)

    def add_view(self, request, form_url="", extra_context=None):
        return self._checking_quotes(super().add_view, request, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self._checking_quotes(
            super().change_view, request, object_id, form_url, extra_context
        )

    def revision_view(self, request, object_id, version_id, extra_context=None):
        return self._checking_quotes(
            super().revision_view, request, object_id, version_id, extra_context
        )

    def recover_view(self, request, version_id, extra_context=None):
        return self._checking_quotes(super().recover_view, request, version_id, extra_context)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if Article._meta.verbose_name in perms_needed and not may_publish(request):
            perms_needed.discard(Article._meta.verbose_name)
            perms_needed.add("published or scheduled articles (only editors may delete them)")
        return deleted, counts, perms_needed, protected

    # Actions.

    @admin.action(description="Publish selected articles now", permissions=["publish"])
    def publish_now(self, request, queryset):
        now = timezone.now()
        published = []
        for article in queryset:
            if article.is_public:
                continue
            article.status, article.published_at = Article.Status.PUBLISHED, now
            article.save()
            self.log_change(request, article, "Published now.")
            published.append(article)
        self.message_user(request, outcome("Published", published, "article"))

    @admin.action(description="Unpublish selected articles", permissions=["publish"])
    def unpublish(self, request, queryset):
        unpublished = []
        for article in queryset.filter(status=Article.Status.PUBLISHED):
            article.status, article.published_at = Article.Status.DRAFT, None
            article.save()
            self.log_change(request, article, "Unpublished: back to draft.")
            unpublished.append(article)
        self.message_user(request, outcome("Unpublished", unpublished, "article"))

    @admin.action(description="Add themes to selected articles…", permissions=["change"])
    def add_themes(self, request, queryset):
        form = AddThemesForm(
            request.POST if "apply" in request.POST else None, admin_site=self.admin_site
        )
        if form.is_valid():
            names = form.cleaned_data["themes"]
            changed, skipped = [], []
            for article in queryset:
                if not self.has_change_permission(request, article):
                    skipped.append(article)
                    continue
                article.themes.add(*names)
                self.log_change(request, article, f"Added themes: {', '.join(names)}.")
                changed.append(article)
            self.message_user(request, outcome("Added the themes to", changed, "article"))
            if skipped:
                self.message_user(
                    request,
                    outcome("Left unchanged", skipped, "published article")
                    + " Only editors may change published articles.",
                    messages.WARNING,
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Add themes to articles",
            "opts": self.opts,
            "form": form,
            "articles": queryset,
            "media": self.media + form.media,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/archive/article/add_themes.html", context)


def localized(moment):
    return formats.localize(timezone.template_localtime(moment))


def outcome(verb, objects, noun):
    """“Published 2 articles: “A”, “B”.” for a bulk action's message."""
    if not objects:
        return f"{verb} no {noun}s: none of the selected needed it."
    names = ", ".join(f"“{obj}”" for obj in objects[:10])
    more = f" and {len(objects) - 10} more" if len(objects) > 10 else ""
    plural = noun if len(objects) == 1 else f"{noun}s"
    return f"{verb} {len(objects)} {plural}: {names}{more}."


# Quotes ----------------------------------------------------------------------------------------


@admin.register(Quote)
class QuoteAdmin(ArchiveAdmin):
    form = QuoteAdminForm
    list_display = ["__str__", "speaker", "article", "film", "featured", theme_names]
    list_filter = ["featured", ThemeFilter]
    list_select_related = ["speaker", "article", "film"]
    search_fields = ["text", "speaker__name", "article__title", "film__title"]
    autocomplete_fields = ["speaker", "article", "film"]
    fieldsets = [
        (None, {"fields": ["text", "speaker", "article", "exchange", "film"]}),
        ("On the site", {"fields": ["featured", "order", "themes"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("themes")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.may_publish = may_publish(request)
        if "exchange" in form.base_fields:
            # Only the exchanges of its article; found by itself when left empty.
            exchanges = obj.article.exchanges.all() if obj else Exchange.objects.none()
            form.base_fields["exchange"].queryset = exchanges
        return form

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (
            obj is not None and locked(request, obj.article)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (
            obj is not None and locked(request, obj.article)
        )

    def get_view_on_site_url(self, obj=None):
        if obj is None or not obj.article.is_public:
            return None
        return super().get_view_on_site_url(obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A quote is part of its article: whoever has the article open is told it changed,
        # rather than saving the quote's old words back over these.
        Article.objects.filter(pk=obj.article_id).update(updated_at=timezone.now())


# Themes ----------------------------------------------------------------------------------------


class ThemeUseFilter(admin.SimpleListFilter):
    title = "use"
    parameter_name = "used"

    def lookups(self, request, model_admin):
        return [("yes", "In use"), ("no", "Unused")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(total__gt=0)
        if self.value() == "no":
            return queryset.filter(total=0)
        return queryset


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    """Themes with how much each is used, and the screens to rename, merge and remove them.

    Themes are created by tagging; here editors keep them tidy. Each change is shown on a
    confirmation page first, with what it will change.
    """

    form = ThemeAdminForm
    list_display = ["name", "film_count", "article_count", "quote_count", "total"]
    list_filter = [ThemeUseFilter]
    search_fields = ["name"]
    ordering = [Lower("name")]
    actions = ["merge_themes"]

    def get_queryset(self, request):
        types = ContentType.objects.get_for_models(Film, Article, Quote)

        def used_by(model):
            return Count("themed_items", filter=Q(themed_items__content_type=types[model]))

        return (
            super()
            .get_queryset(request)
            .annotate(
                film_count=used_by(Film),
                article_count=used_by(Article),
                quote_count=used_by(Quote),
                total=Count("themed_items"),
            )
        )

    def get_fields(self, request, obj=None):
        return ["name", "slug", "usage"] if obj else ["name", "slug"]

    def get_readonly_fields(self, request, obj=None):
        # A theme is renamed on its own screen, which shows what the change touches.
        return ["name", "slug", "usage"] if obj else []

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else {"slug": ["name"]}

    def get_view_on_site_url(self, obj=None):
        if obj is None or not Theme.objects.public().filter(pk=obj.pk).exists():
            return None
        return super().get_view_on_site_url(obj)

    @admin.display(description="films", ordering="film_count")
    def film_count(self, theme):
        return theme.film_count

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, theme):
        return theme.article_count

    @admin.display(description="quotes", ordering="quote_count")
    def quote_count(self, theme):
        return theme.quote_count

    @admin.display(description="total", ordering="total")
    def total(self, theme):
        return theme.total

    @admin.display(description="used by")
    def usage(self, theme):
        parts = []
        for model, count in [
            (Film, theme.film_count),
            (Article, theme.article_count),
            (Quote, theme.quote_count),
        ]:
            opts = model._meta
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            noun = opts.verbose_name if count == 1 else opts.verbose_name_plural
            parts.append(
                format_html('<a href="{}?theme={}">{} {}</a>', url, theme.slug, count, noun)
            )
        return format_html(", ".join(["{}"] * len(parts)), *parts)

    def may_manage(self, request):
        return self.has_change_permission(request) and self.has_delete_permission(request)

    def has_merge_permission(self, request):
        return self.may_manage(request)

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path("autocomplete/", view(self.autocomplete_view), name=f"{prefix}_autocomplete"),
            path("merge/", view(self.merge_view), name=f"{prefix}_merge"),
            path("remove-unused/", view(self.remove_unused_view), name=f"{prefix}_remove_unused"),
            path("<path:object_id>/rename/", view(self.rename_view), name=f"{prefix}_rename"),
            *super().get_urls(),
        ]

    def autocomplete_view(self, request):
        """Existing themes matching what the editor types, for ThemesWidget (names as ids)."""
        user = request.user
        may_tag = user.has_perm("archive.view_theme") or any(
            user.has_perm(f"archive.{action}_{model}")
            for action in ("add", "change")
            for model in ("film", "article", "quote")
        )
        if not may_tag:
            raise PermissionDenied
        term = " ".join(request.GET.get("term", "").replace("\x00", "").split())[:100]
        themes = Theme.objects.all()
        if term:
            themes = themes.filter(name__icontains=term).annotate(
                starts=Case(
                    When(name__istartswith=term, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
            themes = themes.order_by("starts", Lower("name"))
        else:
            themes = themes.order_by(Lower("name"))
        page = Paginator(themes.values_list("name", flat=True), 20).get_page(
            request.GET.get("page")
        )
        return JsonResponse(
            {
                "results": [{"id": name, "text": name} for name in page],
                "pagination": {"more": page.has_next()},
            }
        )

    @admin.action(description="Merge selected themes…", permissions=["merge"])
    def merge_themes(self, request, queryset):
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        return HttpResponseRedirect(f"{reverse('admin:archive_theme_merge')}?ids={ids}")

    def merge_view(self, request):
        if not self.may_manage(request):
            raise PermissionDenied
        ids = [
            int(part)
            for part in request.GET.get("ids", "").split(",")[:1000]
            if part.isascii() and part.isdigit() and len(part) < 19
        ]
        themes = self.get_queryset(request).filter(pk__in=ids).order_by(Lower("name"))
        form = MergeThemesForm(request.POST or None, themes=themes)
        plan = None
        if request.method == "POST" and form.is_valid():
            if "confirm" in request.POST:
                into = form.save(request.user)
                self.message_user(request, f"Merged the themes into “{into}”.", messages.SUCCESS)
                return redirect("admin:archive_theme_changelist")
            plan = form.plan()
        return self.render_theme_screen(
            request,
            "admin/archive/theme/merge.html",
            title="Merge themes",
            form=form,
            rows=list(zip(form["into"], themes, strict=True)),
            plan=plan,
        )

    def rename_view(self, request, object_id):
        theme = self.get_object(request, unquote(object_id))
        if theme is None:
            raise Http404("No such theme.")
        if not self.has_change_permission(request, theme):
            raise PermissionDenied
        form = RenameThemeForm(request.POST or None, theme=theme)
        confirming = False
        if request.method == "POST" and form.is_valid():
            old = theme.name
            if "confirm" in request.POST:
                form.save(request.user)
                self.message_user(request, f"Renamed “{old}” to “{theme.name}”.", messages.SUCCESS)
                return redirect("admin:archive_theme_change", theme.pk)
            confirming = True
        return self.render_theme_screen(
            request,
            "admin/archive/theme/rename.html",
            title=f"Rename the theme “{theme.name}”",
            theme=theme,
            form=form,
            confirming=confirming,
            usage=usage(theme.themed_items.all()),
        )

    def remove_unused_view(self, request):
        if not self.has_delete_permission(request):
            raise PermissionDenied
        unused = Theme.objects.filter(themed_items__isnull=True).order_by(Lower("name"))
        if request.method == "POST":
            names = [theme.name for theme in unused]
            unused.delete()
            self.message_user(request, outcome("Removed", names, "unused theme"), messages.SUCCESS)
            return redirect("admin:archive_theme_changelist")
        return self.render_theme_screen(
            request,
            "admin/archive/theme/remove_unused.html",
            title="Remove unused themes",
            unused=unused,
        )

    def render_theme_screen(self, request, template, **context):
        context = {**self.admin_site.each_context(request), "opts": self.opts, **context}
        if "form" in context:
            context["media"] = self.media + context["form"].media
        return TemplateResponse(request, template, context)
