"""
Articles with their byline, links, exchanges and quotes; who may publish them, the bulk actions
that publish, unpublish and add themes, and the preview link.
"""

from types import SimpleNamespace

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminTextareaWidget
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.views.decorators.csrf import csrf_exempt
from reversion.models import Version

from .. import publishing
from ..forms import (
    AddThemesForm,
    ArticleAdminForm,
    ArticleQuoteForm,
    ArticleQuoteFormSet,
    ExchangeForm,
    ExchangeFormSet,
    QuotesRefused,
    mark_changed,
    posted_id,
)
from ..models import (
    Article,
    ArticleAuthor,
    ArticleFilm,
    ArticlePerson,
    Exchange,
    Quote,
    SearchDocument,
)
from . import imports
from .history import ArchiveAdmin, ArchiveInline
from .lists import PublicationYearFilter, ThemeFilter, theme_names


def may_publish(request):
    return publishing.may_publish(request.user)


def locked(request, article):
    """Whether `article` is published (or scheduled) and the user may not publish.

    A contributor may look at such an article but not change or delete it, nor its parts:
    whatever they did would be public at once.
    """
    return not publishing.may_change(request.user, article)


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


class ArticlePartInline(ArchiveInline):
    """A part of an article (byline, links, exchanges, quotes): as locked as the article."""

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not locked(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not locked(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not locked(request, obj)

    def get_formset(self, request, obj=None, **kwargs):
        self.parent_article = obj
        return super().get_formset(request, obj, **kwargs)

    def get_view_on_site_url(self, obj=None):
        """A quote's or an exchange's "View on site" only once readers can open its article
        (a draft's would be a 404)."""
        article = getattr(self, "parent_article", None)
        if article is None or not article.is_public:
            return None
        return super().get_view_on_site_url(obj)


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
    fields = ["question", "answer", ("interviewee", "interviewer"), "anchor", "order"]
    # Each exchange folds to its question's first words; exchanges.js turns the order number
    # into ↑/↓ buttons and dragging (without scripts the number stays editable).
    template = "admin/archive/article/exchange_inline.html"
    formfield_overrides = {models.TextField: {"widget": AdminTextareaWidget(attrs={"rows": 3})}}

    class Media:
        js = ["archive/admin/exchanges.js"]
        css = {"screen": ["archive/admin/exchanges.css"]}

    def get_formset(self, request, obj=None, **kwargs):
        """An exchange may be deleted with the quotes from it ticked for deletion in the same
        save: the admin's check that nothing stands in the way of a deletion counts those
        quotes as gone (ArticleAdmin.save_formset deletes them first)."""
        formset = super().get_formset(request, obj, **kwargs)
        leaving = quotes_deleted_with(request)
        if not leaving:
            return formset

        class ExchangeDeletedWithItsQuotes(formset.form):
            def hand_clean_DELETE(self):
                if self.instance.pk and not self.instance.quotes.exclude(pk__in=leaving).exists():
                    return
                super().hand_clean_DELETE()

        formset.form = ExchangeDeletedWithItsQuotes
        return formset


def quotes_deleted_with(request):
    """The ids of the article's quotes the submitted form ticks for deletion. An id no form
    wrote ("²" is a digit to Python, but not to int(); a number past any id) is left out: the
    quote formset says it is no quote of the article."""
    if request.method != "POST":
        return set()
    data = request.POST
    ids = (
        data.get(key[: -len("DELETE")] + "id", "")
        for key in data
        if key.startswith("quotes-") and key.endswith("-DELETE") and data.get(key)
    )
    return {pk for pk in map(posted_id, ids) if pk is not None}


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


def public_when_deleted(version):
    """Whether the deleted article kept by `version` was public when it was deleted: published,
    at a time that had come by then. The admin's log says when it was deleted; without an
    entry (deleted elsewhere), the version's own time, when it was last saved, is taken."""
    fields = version.field_dict
    if fields.get("status") != Article.Status.PUBLISHED or not fields.get("published_at"):
        return False
    deletion = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Article),
            object_id=str(version.object_id),
            action_flag=DELETION,
        )
        .order_by("-action_time")
        .values_list("action_time", flat=True)
        .first()
    )
    return fields["published_at"] <= (deletion or version.revision.date_created)


@admin.register(Article)
class ArticleAdmin(ArchiveAdmin):
    form = ArticleAdminForm
    # Reversion's list (with "Recover deleted articles"), plus "Import text".
    change_list_template = "admin/archive/article/change_list.html"
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
    list_filter = ["kind", PublicationFilter, PublicationYearFilter, ThemeFilter]
    search_fields = [
        "title",
        "standfirst",
        "body",
        "films__title",
        "exchanges__question",
        "exchanges__answer",
    ]
    search_kind = SearchDocument.Kind.ARTICLE  # all but the films' titles, in the index
    search_also = ["films__title"]
    date_hierarchy = "published_at"
    # Drafts first (what editors are working on), then the latest publications.
    ordering = [F("published_at").desc(nulls_first=True), "-created_at"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["interviewer"]
    # A long interview's change page: Save within reach at both ends.
    save_on_top = True
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
        (
            None,
            {"fields": ["kind", "title", "slug", "standfirst", "body", "interviewer", "themes"]},
        ),
        ("Publication", {"fields": ["status", "published_at", "publication_state"]}),
        ("Lead image", {"fields": ["image", "image_alt", "image_credit"]}),
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
        publishing.check_save(obj, by=request.user)
        super().save_model(request, obj, form, change)

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name=f"{prefix}_import"),
            path(
                "<path:object_id>/transcript/",
                view(self.transcript_view),
                name=f"{prefix}_transcript",
            ),
            *super().get_urls(),
        ]

    # Exempt from the CSRF middleware: the import checks the token once it could read the form
    # (a text too long to read gets the form back, not a bare 400).
    @csrf_exempt
    def import_view(self, request):
        return imports.import_view(self, request)

    @csrf_exempt
    def transcript_view(self, request, object_id):
        return imports.transcript_view(self, request, object_id)

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
            return sentence(
                f"Scheduled: it becomes public by itself on {localized(article.published_at)}"
            )
        return sentence(f"Public since {localized(article.published_at)}")

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
        if formset.model is Exchange:
            # Quotes from the exchanges deleted go first (their own formset comes later).
            deleted = [f.instance.pk for f in formset.deleted_forms if f.instance.pk]
            leaving = quotes_deleted_with(request)
            Quote.objects.filter(exchange__in=deleted, pk__in=leaving).delete()
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
        # Each quote is checked against the exchanges as saved just now: the one its form
        # chose was read before, with the words it had then.
        exchanges = {exchange.pk: exchange for exchange in form.instance.exchanges.all()}
        for quote_form in kept:
            quote, exchange_id = quote_form.instance, quote_form.instance.exchange_id
            if exchange_id in exchanges:
                quote.exchange = exchanges[exchange_id]
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
            # The first run read the files chosen (a lead image): read again from the start,
            # they are the editor's image, not an empty or broken one.
            for upload in request.FILES.values():
                upload.seek(0)
            return view(request, *args, **kwargs)

    def add_view(self, request, form_url="", extra_context=None):
        return self._checking_quotes(super().add_view, request, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST" and "seen_version" in request.POST:
            article = self.get_object(request, unquote(object_id))
            if article is not None and locked(request, article):
                return self.locked_since_opened(request, article)
        return self._checking_quotes(
            super().change_view, request, object_id, form_url, extra_context
        )

    def locked_since_opened(self, request, article, texts=None):
        """A contributor's save of a draft that an editor has published or scheduled since
        they opened it (their form carries the version they saw, which only a form they may
        save has): the piece is the editors' now, so nothing is saved, and rather than a bare
        "not open to you" that dropped their words, what they wrote is given back to copy.
        `texts`, (label, text), are those of another form than the article's (a transcript)."""
        if texts is not None:
            state = "scheduled it" if article.is_scheduled else "published it"
            return not_saved(
                self, request, article, f"An editor {state} after you opened it", texts
            )
        data = request.POST
        texts = [
            (label, data.get(name, "").strip())
            for label, name in [("Title", "title"), ("Standfirst", "standfirst"), ("Body", "body")]
        ]
        parts = {
            "exchanges": {"question": "Question", "answer": "Answer"},
            "quotes": {"text": "Quote"},
        }
        for prefix, labels in parts.items():
            for index in range(min(imports.int_or_zero(data.get(f"{prefix}-TOTAL_FORMS")), 1000)):
                for name, label in labels.items():
                    text = data.get(f"{prefix}-{index}-{name}", "").strip()
                    texts.append((f"{label} {index + 1}", text))
        state = "scheduled it" if article.is_scheduled else "published it"
        return not_saved(self, request, article, f"An editor {state} after you opened it", texts)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if getattr(request, "article_before_revert", None) is not None:
            form = type(form.__name__, (form,), {"standing": request.article_before_revert})
        return form

    def revision_view(self, request, object_id, version_id, extra_context=None):
        # As it stands, before reversion writes the version into its row (ArticleAdminForm).
        request.article_before_revert = self.get_object(request, unquote(object_id))
        return self._checking_quotes(
            super().revision_view, request, object_id, version_id, extra_context
        )

    def recover_view(self, request, version_id, extra_context=None):
        # Public again only if it was public when it was deleted: recovering a piece that was
        # scheduled for a time that has passed since is publishing at a past time, refused as
        # in the form (the editor gives it a new time).
        version = Version.objects.get_for_model(Article).filter(pk=version_id).first()
        if (
            version is not None
            and version.field_dict.get("status") != Article.Status.DRAFT
            and not may_publish(request)
        ):
            # Refused before the form, rather than after a contributor saved it, with a page
            # telling them to ask for a permission their group is not given.
            messages.error(
                request,
                f"“{version.object_repr}” was published or scheduled when it was deleted: "
                "only editors may recover it, as readers would see it again.",
            )
            return redirect("admin:archive_article_recoverlist")
        if version is not None:
            request.article_before_revert = SimpleNamespace(
                published_at=None, is_public=public_when_deleted(version)
            )
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
        published = []
        for article in queryset:
            if publishing.publish(article, by=request.user):
                self.log_change(request, article, "Published now.")
                published.append(article)
        self.message_user(request, outcome("Published", published, "article"))

    @admin.action(description="Unpublish selected articles", permissions=["publish"])
    def unpublish(self, request, queryset):
        unpublished = []
        for article in queryset.filter(status=Article.Status.PUBLISHED):
            publishing.unpublish(article, by=request.user)
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
            # Every selected article's themes in one query, not one each.
            for article in queryset.prefetch_related("themes"):
                # Only what an article gains changes it: its history, its last change time
                # (which an editor who has it open is warned by) and the message say so.
                carried = {theme.name.casefold() for theme in article.themes.all()}
                added = [name for name in names if name.casefold() not in carried]
                if not added:
                    continue
                if not self.has_change_permission(request, article):
                    skipped.append(article)
                    continue
                article.themes.add(*added)
                self.log_change(request, article, f"Added themes: {', '.join(added)}.")
                changed.append(article)
            mark_changed(changed)
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


def not_saved(model_admin, request, original, what_happened, texts):
    """The page answering a contributor's save of `original` (an article, or a quote of one)
    that an editor published or scheduled after they opened it (`what_happened`): nothing is
    saved, and `texts`, the (label, text) they wrote, are given back to copy."""
    message = (
        f"{what_happened}, and only editors may change a piece that is published or "
        "scheduled: nothing you entered has been saved. Your text is below: copy what you "
        "changed and send it to an editor."
    )
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"“{original}” was not saved",
        "opts": model_admin.opts,
        "original": original,
        "message": message,
        # Each box as tall as its text (a line for a title, up to 20 for a body).
        "texts": [
            (label, text, min(20, 1 + text.count("\n") + len(text) // 90))
            for label, text in texts
            if text
        ],
    }
    return TemplateResponse(
        request, "admin/archive/article/locked_since_opened.html", context, status=409
    )


def localized(moment):
    return formats.localize(timezone.template_localtime(moment))


def sentence(text):
    """`text` ended with a full stop, unless it ends with one already (a time such as
    "9 a.m.")."""
    return text if text.endswith(".") else f"{text}."


def outcome(verb, objects, noun):
    """“Published 2 articles: “A”, “B”.” for a bulk action's message."""
    if not objects:
        return f"{verb} no {noun}s: none of the selected needed it."
    names = ", ".join(f"“{obj}”" for obj in objects[:10])
    more = f" and {len(objects) - 10} more" if len(objects) > 10 else ""
    plural = noun if len(objects) == 1 else f"{noun}s"
    return f"{verb} {len(objects)} {plural}: {names}{more}."
