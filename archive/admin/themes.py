"""The themes editors tag films, articles and quotes with: their use, renaming and merging."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce, Lower
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import capfirst

from ..forms import (
    MergeThemesForm,
    RenameThemeForm,
    ThemeAdminForm,
    mark_carriers_changed,
    posted_id,
    usage,
)
from ..models import Article, EarlierSlug, Film, Quote, Theme, ThemedItem
from ..themes import spaced
from .articles import outcome
from .history import SLUG_SCRIPT, UNSAVED_SCRIPT
from .lists import ArchiveChangeList, WrittenCheckboxes
from .search import FoldedSearchMixin
from .usage import WhereUsedMixin, theme_uses


class ThemeUseFilter(admin.SimpleListFilter):
    title = "use"
    parameter_name = "used"

    def lookups(self, request, model_admin):
        return [("yes", "In use"), ("no", "Unused")]

    def queryset(self, request, queryset):
        used = Exists(ThemedItem.objects.filter(tag=OuterRef("pk")))
        if self.value() == "yes":
            return queryset.filter(used)
        if self.value() == "no":
            return queryset.filter(~used)
        return queryset


def merged_into(data):
    """The theme that a theme renamed on the posted form (`data`) was merged into since the
    page was shown, or None: the merge handed its slug over (EarlierSlug.hand_over). The slug
    is the one the form carried, or else the one its name makes."""
    name = spaced(data.get("renaming", ""))
    for slug in (data.get("address"), Theme().slugify(name) if name else None):
        if slug and (current := EarlierSlug.objects.current_slug(Theme.objects.all(), slug)):
            return Theme.objects.get(slug=current)
    return None


@admin.register(Theme)
class ThemeAdmin(WhereUsedMixin, WrittenCheckboxes, FoldedSearchMixin, admin.ModelAdmin):
    """Themes with how much each is used, and the screens to rename, merge and remove them.

    Themes are created by tagging; here editors keep them tidy. Each change is shown on a
    confirmation page first, with what it will change.
    """

    form = ThemeAdminForm
    list_display = ["name", "film_count", "article_count", "quote_count", "total"]

    class Media:
        js = [SLUG_SCRIPT, UNSAVED_SCRIPT]

    list_filter = [ThemeUseFilter]
    search_fields = ["name"]
    ordering = [Lower("name")]
    actions = ["merge_themes"]
    # Django's own list of changes (renames, merges): the archive's history template, found
    # first by the app's name, lists the versions of films, articles and quotes.
    object_history_template = "admin/object_history.html"

    def get_changelist(self, request, **kwargs):
        return ArchiveChangeList

    def get_queryset(self, request):
        """The themes with how many films, articles and quotes carry each: subqueries, counted
        for the rows shown. As a join grouped by theme, the list's count read every link of
        every theme, twice (0.25 s of 0.5 at 2,000 themes on 340,000 items)."""
        types = ContentType.objects.get_for_models(Film, Article, Quote)

        def used_by(model=None):
            items = ThemedItem.objects.filter(tag=OuterRef("pk")).order_by()
            if model is not None:
                items = items.filter(content_type=types[model])
            return Coalesce(Subquery(items.values("tag").annotate(n=Count("pk")).values("n")), 0)

        return (
            super()
            .get_queryset(request)
            .annotate(
                film_count=used_by(Film),
                article_count=used_by(Article),
                quote_count=used_by(Quote),
                total=used_by(),
            )
        )

    def get_fields(self, request, obj=None):
        return ["name", "slug", "usage"] if obj else ["name", "slug"]

    def get_readonly_fields(self, request, obj=None):
        # A theme is renamed on its own screen, which shows what the change touches.
        return ["name", "slug", "usage"] if obj else []

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else {"slug": ["name"]}

    def where_used(self, theme):
        return theme_uses(theme)

    def get_view_on_site_url(self, obj=None):
        if obj is None or not Theme.objects.public().filter(pk=obj.pk).exists():
            return None
        return super().get_view_on_site_url(obj)

    def get_deleted_objects(self, objs, request):
        """Each theme with what carries it counted, not listed: Django's list names every
        themed item, reading its film, article or quote one at a time (5,262 queries for a
        theme on 5,256 items). Only the links go; what carries the theme stays."""
        themes = list(objs)
        deleted = []
        for theme in themes:
            deleted.append(
                format_html(
                    '{}: <a href="{}">{}</a>',
                    capfirst(self.opts.verbose_name),
                    reverse("admin:archive_theme_change", args=[theme.pk]),
                    theme,
                )
            )
            if carriers := usage(theme.themed_items.all()):
                deleted.append([f"Its links to {carriers}, which keep everything else"])
        links = ThemedItem.objects.filter(tag__in=themes).count()
        counts = {self.opts.verbose_name_plural: len(themes)}
        if links:
            counts[ThemedItem._meta.verbose_name_plural] = links
        needed = set()
        if not all(self.has_delete_permission(request, theme) for theme in themes):
            needed.add(self.opts.verbose_name)
        return deleted, counts, needed, []

    # What carried a theme deleted has changed: whoever has one of them open is told so,
    # rather than their save making the theme again and tagging the item with it.

    def delete_model(self, request, obj):
        mark_carriers_changed(obj.themed_items.all())
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        mark_carriers_changed(ThemedItem.objects.filter(tag__in=queryset))
        super().delete_queryset(request, queryset)

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
        # As a theme's name is read when saved: "é" typed as "e" and an accent is "é".
        term = spaced(request.GET.get("term", "").replace("\x00", ""))[:100]
        themes = Theme.objects.all()
        if term:
            # The theme itself (in any capitals) first: Enter chooses the first suggestion.
            themes = themes.filter(name__icontains=term).annotate(
                starts=Case(
                    When(name__iexact=term, then=Value(0)),
                    When(name__istartswith=term, then=Value(1)),
                    default=Value(2),
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
            pk
            for pk in map(posted_id, request.GET.get("ids", "").split(",")[:1000])
            if pk is not None
        ]
        themes = self.get_queryset(request).filter(pk__in=ids).order_by(Lower("name"))
        if request.method == "POST" and len(set(ids)) > 1 and len(themes) < 2:
            return self.merged_since(request, themes)
        form = MergeThemesForm(request.POST or None, themes=themes)
        plan = None
        if request.method == "POST" and form.is_valid():
            if "confirm" in request.POST:
                names = ", ".join(f"“{theme}”" for theme in form.merged)
                into = form.save()
                self.log_change(request, into, f"Merged {names} into this theme.")
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

    def merged_since(self, request, left):
        """The answer to a merge sent for themes of which one or none is left: the first sending
        of a form sent twice merged them (its answer, saying so, was not read), or another
        editor merged or removed them meanwhile. Nothing is changed, and the list says so."""
        since = "since (the form sent twice, or another editor)"
        if left:
            message = (
                f"Of the themes this page was shown for, only “{left[0]}” is left: the others "
                f"were merged or removed {since}. Nothing more has been changed."
            )
        else:
            message = (
                f"None of the themes this page was shown for is left: they were merged or "
                f"removed {since}. Nothing has been changed."
            )
        self.message_user(request, message, messages.WARNING)
        return redirect("admin:archive_theme_changelist")

    def rename_view(self, request, object_id):
        theme = self.get_object(request, unquote(object_id))
        if theme is None:
            if request.method == "POST" and (into := merged_into(request.POST)) is not None:
                seen = request.POST.get("renaming") or "The theme"
                self.message_user(
                    request,
                    f"“{seen}” was merged into “{into}” after you opened its page: nothing was "
                    f"renamed. Here is “{into}”, which carries what “{seen}” did.",
                    messages.WARNING,
                )
                return redirect("admin:archive_theme_change", into.pk)
            raise Http404("No such theme.")
        if not self.has_change_permission(request, theme):
            raise PermissionDenied
        form = RenameThemeForm(request.POST or None, theme=theme)
        confirming = False
        if request.method == "POST" and form.is_valid():
            old = theme.name
            if "confirm" in request.POST:
                form.save()
                self.log_change(request, theme, f"Renamed “{old}” to “{theme.name}”.")
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
            # Only the themes the confirmation listed, if still unused: not one made, or left
            # by its last item, while the editor read the list.
            listed = [
                pk
                for pk in map(posted_id, request.POST.getlist("theme")[:10_000])
                if pk is not None
            ]
            unused = unused.filter(pk__in=listed)
            names = [theme.name for theme in unused]
            self.log_deletions(request, unused)  # as Django's own deletions are
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
