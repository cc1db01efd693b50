from django.contrib import admin
from taggit.models import Tag

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


def theme_names(obj):
    return ", ".join(theme.name for theme in obj.themes.all())


theme_names.short_description = "themes"


class CreditInline(admin.TabularInline):
    model = Credit
    extra = 1
    autocomplete_fields = ["person"]


class AwardInline(admin.StackedInline):
    model = Award
    extra = 0
    autocomplete_fields = ["recipients"]


@admin.register(Film)
class FilmAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "kind", theme_names]
    list_filter = ["kind", "year"]
    search_fields = ["title", "original_title"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["languages"]
    inlines = [CreditInline, AwardInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("themes")


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "birth_date", "death_date"]
    search_fields = ["name", "alternative_names", "native_name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


class ArticleAuthorInline(admin.TabularInline):
    model = ArticleAuthor
    extra = 0
    autocomplete_fields = ["person"]


class ArticleFilmInline(admin.TabularInline):
    model = ArticleFilm
    extra = 1
    autocomplete_fields = ["film"]


class ArticlePersonInline(admin.TabularInline):
    model = ArticlePerson
    extra = 0
    autocomplete_fields = ["person"]


class ExchangeInline(admin.StackedInline):
    model = Exchange
    extra = 0
    autocomplete_fields = ["interviewer", "interviewee"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "published_at", theme_names]
    list_filter = ["kind", "status"]
    search_fields = ["title", "standfirst"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ArticleAuthorInline, ArticleFilmInline, ArticlePersonInline, ExchangeInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("themes")


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    list_display = ["__str__", "speaker", "article", "film", "featured"]
    list_filter = ["featured"]
    list_select_related = ["speaker", "article", "film"]
    search_fields = ["text"]
    autocomplete_fields = ["speaker", "article", "film"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
