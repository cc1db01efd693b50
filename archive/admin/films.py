"""Films with their credits and awards, and the people and languages they refer to."""

from django.contrib import admin
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce

from ..models import ArticleFilm, Award, Credit, Film, Language, Person
from .history import UNSAVED_SCRIPT, ArchiveAdmin, ArchiveInline, work_link
from .lists import ArchiveChangeList, ThemeFilter, WrittenCheckboxes, theme_names
from .usage import WhereUsedMixin, film_uses, person_uses
from .widgets import SearchableSelectMultiple


class CreditInline(ArchiveInline, admin.TabularInline):
    model = Credit
    extra = 1
    autocomplete_fields = ["person"]
    fields = ["person", "role", "order", "credited_as", "note"]


class AwardInline(ArchiveInline, admin.StackedInline):
    model = Award
    extra = 0
    autocomplete_fields = ["recipients"]


@admin.register(Film)
class FilmAdmin(WhereUsedMixin, ArchiveAdmin):
    list_display = ["title", "year", "kind", "directors", theme_names, "article_count"]
    list_filter = ["kind", "year", ThemeFilter]
    search_fields = ["title", "original_title", "wikidata_id", "imdb_id"]
    ordering = ["sort_title", "year"]  # A–Z as on the site: "À bout de souffle" among the As
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

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "countries":
            # About 250 countries: typed and chosen, not scrolled through.
            kwargs["widget"] = SearchableSelectMultiple
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request):
        """The films with their directors, themes and number of articles. The number is a
        subquery, counted for the rows shown: as a join grouped by film, every film's links
        were counted for each page, for the count above it and for the years it can be
        filtered by (0.9 s of the list's 1.7 at 10,000 films and 100,000 articles)."""
        directors = Credit.objects.filter(
            role__in=[Credit.Role.DIRECTOR, Credit.Role.CO_DIRECTOR]
        ).select_related("person")
        links = ArticleFilm.objects.filter(film=OuterRef("pk")).order_by()
        counted = links.values("film").annotate(count=Count("pk")).values("count")
        return (
            super()
            .get_queryset(request)
            .annotate(article_count=Coalesce(Subquery(counted), 0))
            .prefetch_related(
                "themes", Prefetch("credits", queryset=directors, to_attr="director_credits")
            )
        )

    def where_used(self, film):
        return film_uses(film)

    @admin.display(description="directed by")
    def directors(self, film):
        return ", ".join(credit.person.name for credit in film.director_credits)

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, film):
        return film.article_count


@admin.register(Person)
class PersonAdmin(WhereUsedMixin, ArchiveAdmin):
    list_display = ["name", "native_name", "birth_date", "death_date", "updated_at"]
    search_fields = ["name", "alternative_names", "native_name"]
    ordering = ["sort_name", "name"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "alternative_names"]}),
        ("Name in native script", {"fields": ["native_name", "native_name_language"]}),
        (None, {"fields": ["biography", "birth_date", "death_date"]}),
        ("Identifiers", {"fields": ["wikidata_id", "imdb_id"]}),
    ]

    def where_used(self, person):
        return person_uses(person)

    def get_deleted_objects(self, objs, request):
        """A person an award names is not deleted: Django would take them off the award (its
        confirmation naming the link "Award_recipients object (1)"), a change no film's
        history records, and recovering the person would not name them there again. The
        films whose awards name them are listed instead, to change first."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        films = (
            Film.objects.filter(awards__recipients__in=list(objs)).distinct().order_by("sort_title")
        )
        # Once each: a film may be named already, for the person's credit in it.
        protected = list(
            dict.fromkeys([*protected, *(work_link(self.admin_site, film) for film in films)])
        )
        return deleted, counts, perms_needed, protected


@admin.register(Language)
class LanguageAdmin(WrittenCheckboxes, admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]

    class Media:
        js = [UNSAVED_SCRIPT]

    def get_changelist(self, request, **kwargs):
        return ArchiveChangeList

    def get_deleted_objects(self, objs, request):
        """A language that films are in is not deleted: Django would take it off each film
        (its confirmation naming each link "Film_languages object (1)"), a change no film's
        history records. The films are listed instead, to change first."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        films = Film.objects.filter(languages__in=list(objs)).distinct().order_by("sort_title")
        protected = [*protected, *(work_link(self.admin_site, film) for film in films)]
        return deleted, counts, perms_needed, protected
