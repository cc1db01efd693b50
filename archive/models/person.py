from django.db import models
from django.db.models import F, Q

from ..addresses import page_path
from ..text import NormalisedCharField, NormalisedTextField, SortKeyField
from .identifiers import imdb_name, language_tag, wikidata_item
from .slugs import SluggedModel, SlugManager, TransliteratedSlugField


class PersonQuerySet(models.QuerySet):
    def public(self):
        """People a reader may see: all but those whom only drafts and scheduled pieces name
        (see `named_only_by_hidden_pieces`). Someone nothing names yet, just entered, is
        public, as a film is."""
        from .article import unlisted_people

        return self.exclude(pk__in=unlisted_people())

    def with_credits(self):
        """With their credits and each credit's film, the latest film first: what a person's
        page and the API's person show."""
        from .film import Credit

        credits = Credit.objects.select_related("film").order_by("-film__year", "film__sort_title")
        return self.prefetch_related(models.Prefetch("credits", queryset=credits))


class Person(SluggedModel):
    """Anyone the archive names: filmmakers, people on screen, writers, interviewees."""

    name = NormalisedCharField("name", max_length=200, help_text="The name readers know them by.")
    sort_name = SortKeyField("sort name", source="name")
    slug = TransliteratedSlugField(
        "slug",
        max_length=80,
        unique=True,
        blank=True,
        help_text="Used in the page address. Left empty, it is made from the name.",
        error_messages={"unique": "Another person already uses this slug. Choose another."},
    )
    alternative_names = NormalisedTextField(
        "alternative spellings",
        blank=True,
        help_text="One per line: other spellings and transliterations found in sources "
        "(for example “Umar Harah”). Search finds the person by any of them.",
    )
    native_name = NormalisedCharField(
        "name in native script", max_length=200, blank=True, help_text="For example in Arabic."
    )
    native_name_language = models.CharField(
        "language of native name",
        max_length=20,
        blank=True,
        validators=[language_tag],
        help_text="Language code of the native-script name, such as ar for Arabic.",
    )
    biography = NormalisedTextField(
        "short biography", blank=True, help_text="A few sentences. Markdown is allowed."
    )
    birth_date = models.DateField("date of birth", null=True, blank=True)
    death_date = models.DateField("date of death", null=True, blank=True)
    wikidata_id = models.CharField(
        "Wikidata ID", max_length=20, blank=True, validators=[wikidata_item]
    )
    imdb_id = models.CharField("IMDb ID", max_length=20, blank=True, validators=[imdb_name])
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("last changed", auto_now=True)

    slug_source = "name"

    objects = SlugManager.from_queryset(PersonQuerySet)()

    class Meta:
        verbose_name = "person"
        verbose_name_plural = "people"
        ordering = ["sort_name", "name"]
        indexes = [
            models.Index(fields=["updated_at"], name="person_updated_idx"),
            # The A–Z index pages through people by name, folded (see SortKeyField).
            models.Index(fields=["sort_name", "id"], name="person_sort_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_date__isnull=True)
                | Q(death_date__isnull=True)
                | Q(death_date__gte=F("birth_date")),
                name="person_dies_after_birth",
                violation_error_message="The date of death is before the date of birth.",
            ),
            models.UniqueConstraint(
                fields=["wikidata_id"],
                condition=~Q(wikidata_id=""),
                name="person_wikidata_id_unique",
                violation_error_message="Another person already has this Wikidata ID.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self, path=page_path):
        return path("archive:person_detail", slug=self.slug)

    @property
    def alternative_name_list(self):
        return [line.strip() for line in self.alternative_names.splitlines() if line.strip()]
