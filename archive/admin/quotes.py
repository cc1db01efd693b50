"""Quotes on their own pages: each is part of its article, and as locked as the article."""

from django.contrib import admin
from django.contrib.admin.utils import unquote

from ..forms import QuoteAdminForm, mark_changed
from ..models import Article, Exchange, Quote, SearchDocument
from .articles import locked, not_saved
from .history import ArchiveAdmin
from .lists import QuoteYearFilter, ThemeFilter, theme_names
from .usage import WhereUsedMixin, quote_uses


@admin.register(Quote)
class QuoteAdmin(WhereUsedMixin, ArchiveAdmin):
    form = QuoteAdminForm
    list_display = ["__str__", "speaker", "article", "film", "featured", theme_names]
    list_filter = ["featured", QuoteYearFilter, ThemeFilter]
    list_select_related = ["speaker", "article", "film"]
    # The latest chosen first, as on the site, read along the primary key: in the quotes' own
    # order (their place in their article) the list sorted every quote with its article, film
    # and speaker for each page (0.4 s at 200,000 quotes).
    ordering = ["-pk"]
    search_fields = ["text", "speaker__name", "article__title", "film__title"]
    search_kind = SearchDocument.Kind.QUOTE  # all but the film's title, in the index
    search_also = ["film__title"]
    autocomplete_fields = ["speaker", "article", "film"]
    fieldsets = [
        (None, {"fields": ["text", "speaker", "article", "exchange", "film"]}),
        ("On the site", {"fields": ["featured", "order", "themes"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("themes")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        if "exchange" in form.base_fields:
            # Only the exchanges of its article; found by itself when left empty.
            exchanges = obj.article.exchanges.all() if obj else Exchange.objects.none()
            form.base_fields["exchange"].queryset = exchanges
        return form

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """A contributor's save of a quote whose article an editor published or scheduled
        after they opened it (their form carries the version they saw, which only a form they
        may save has) gives their words back to copy: it was a bare "not open to you"."""
        if request.method == "POST" and "seen_version" in request.POST:
            quote = self.get_object(request, unquote(object_id))
            if quote is not None and locked(request, quote.article):
                state = "scheduled" if quote.article.is_scheduled else "published"
                return not_saved(
                    self,
                    request,
                    quote,
                    f"An editor {state} its article, “{quote.article}”, after you opened it",
                    [("Quote", request.POST.get("text", "").strip())],
                )
        return super().change_view(request, object_id, form_url, extra_context)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (
            obj is not None and locked(request, obj.article)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (
            obj is not None and locked(request, obj.article)
        )

    def where_used(self, quote):
        return quote_uses(quote)

    def get_view_on_site_url(self, obj=None):
        if obj is None or not obj.article.is_public:
            return None
        return super().get_view_on_site_url(obj)

    # A quote is part of its article: whoever has the article open is told it changed, rather
    # than saving the quote's old words back over these (or failing on a quote that is gone).
    # A quote moved to another article changes both: the form of the one it left still holds
    # it, and saved unwarned it made a copy of the quote there again.
    def save_model(self, request, obj, form, change):
        left = Quote.objects.filter(pk=obj.pk).values_list("article_id", flat=True).first()
        super().save_model(request, obj, form, change)
        if not self.saves_nothing(request, obj):
            mark_changed(Article(pk=pk) for pk in {obj.article_id, left} if pk is not None)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        mark_changed([Article(pk=obj.article_id)])

    def delete_queryset(self, request, queryset):
        article_ids = list(queryset.values_list("article_id", flat=True))
        super().delete_queryset(request, queryset)
        mark_changed(Article(pk=pk) for pk in article_ids)
