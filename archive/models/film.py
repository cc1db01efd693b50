from dataclasses import dataclass

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django_countries.fields import CountryField
from taggit.managers import TaggableManager

from ..addresses import page_path
from ..text import NormalisedCharField, NormalisedTextField, SortKeyField, sort_key
from .identifiers import imdb_title, language_tag, wikidata_item
from .images import Illustrated
from .person import Person
from .related import RelatedList
from .slugs import SluggedModel, TransliteratedSlugField
from .theme import GIVEN_ORDER, ThemedItem


class CodeManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Language(models.Model):
    """A spoken language of a film."""

    code = models.CharField(
        "code",
        max_length=20,
        unique=True,
        validators=[language_tag],
        help_text="Language code (BCP 47), such as ar or en.",
    )
    name = NormalisedCharField("name", max_length=100, help_text="In English, such as Arabic.")

    objects = CodeManager()

    class Meta:
        verbose_name = "language"
        verbose_name_plural = "languages"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class Film(Illustrated, SluggedModel):
    card_url_name = "archive:film_card"

    class Kind(models.TextChoices):
        FEATURE = "feature", "Feature film"
        DOCUMENTARY = "documentary", "Documentary"
        SHORT = "short", "Short film"
        SHORT_DOCUMENTARY = "short-documentary", "Short documentary"
        ANIMATION = "animation", "Animation"
        SERIES = "series", "Series"

    title = NormalisedCharField("title", max_length=200, help_text="The title readers know it by.")
    sort_title = SortKeyField("sort title", source="title")
    original_title = NormalisedCharField(
        "original title",
        max_length=200,
        blank=True,
        help_text="In its own language and script, if different from the title.",
    )
    original_title_language = models.CharField(
        "language of original title",
        max_length=20,
        blank=True,
        validators=[language_tag],
        help_text="Language code of the original title, such as ar for Arabic.",
    )
    slug = TransliteratedSlugField(
        "slug",
        max_length=80,
        unique=True,
        blank=True,
        help_text="Used in the page address. Left empty, it is made from the title.",
        error_messages={"unique": "Another film already uses this slug. Choose another."},
    )
    year = models.PositiveSmallIntegerField(
        "year",
        validators=[MinValueValidator(1870), MaxValueValidator(2100)],
        help_text="Year of first release or premiere.",
    )
    runtime_minutes = models.PositiveSmallIntegerField(
        "runtime (minutes)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Where sources disagree, use the festival or release cut's listing.",
    )
    countries = CountryField("countries of production", multiple=True, blank=True)
    languages = models.ManyToManyField(
        Language, verbose_name="languages", blank=True, related_name="films"
    )
    kind = models.CharField("kind", max_length=20, choices=Kind.choices, default=Kind.FEATURE)
    synopsis = NormalisedTextField("synopsis", blank=True, help_text="Markdown is allowed.")
    image = models.ImageField("poster or still", upload_to="films/", blank=True)
    image_alt = NormalisedCharField(
        "image description",
        max_length=300,
        blank=True,
        help_text="What the image shows, for readers who cannot see it. Required with an image.",
    )
    image_credit = NormalisedCharField("image credit", max_length=200, blank=True)
    wikidata_id = models.CharField(
        "Wikidata ID", max_length=20, blank=True, validators=[wikidata_item]
    )
    imdb_id = models.CharField("IMDb ID", max_length=20, blank=True, validators=[imdb_title])
    themes = TaggableManager(
        verbose_name="themes",
        through=ThemedItem,
        ordering=GIVEN_ORDER,
        blank=True,
        help_text="Separate themes with commas; a theme may have several words.",
    )
    theme_list = RelatedList("themes")
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("last changed", auto_now=True)

    class Meta:
        verbose_name = "film"
        verbose_name_plural = "films"
        ordering = ["sort_title", "year"]
        indexes = [
            models.Index(fields=["year"], name="film_year_idx"),
            # The film list's order (titles folded, see SortKeyField), read page by page from
            # where the last page ended.
            models.Index(fields=["sort_title", "year", "id"], name="film_sort_title_idx"),
            # The kinds films have (one probe per kind), and the list of one kind in its order.
            models.Index(fields=["kind", "sort_title", "year", "id"], name="film_kind_sort_idx"),
            models.Index(fields=["updated_at"], name="film_updated_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(image="") | ~Q(image_alt=""),
                name="film_image_has_description",
                violation_error_message="Describe the image for readers who cannot see it.",
            ),
            models.UniqueConstraint(
                fields=["wikidata_id"],
                condition=~Q(wikidata_id=""),
                name="film_wikidata_id_unique",
                violation_error_message="Another film already has this Wikidata ID.",
            ),
            models.UniqueConstraint(
                fields=["imdb_id"],
                condition=~Q(imdb_id=""),
                name="film_imdb_id_unique",
                violation_error_message="Another film already has this IMDb ID.",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.year})"

    def get_absolute_url(self, path=page_path):
        return path("archive:film_detail", slug=self.slug)

    def related_films(self, limit=6):
        """Other films sharing people or themes with this one, closest first (among equals, the
        films entered last), with what they share.

        A shared person weighs twice a shared theme. Reads this film's credits and themes
        through their prefetches when the caller made them, then makes one query that scores
        the candidates in the database and returns only the closest, with what each shares.
        """
        own_people = {credit.person_id: credit.person for credit in self.credits.all()}
        own_themes = {theme.pk: theme for theme in self.themes.all()}
        if not own_people and not own_themes:
            return []
        shared = {}  # film id -> (film, people, themes)
        for film in Film.objects.raw(
            RELATED_FILMS_SQL.format(
                people=", ".join(["%s"] * len(own_people)) or "NULL",
                themes=", ".join(["%s"] * len(own_themes)) or "NULL",
            ),
            [*own_people, self.pk, *own_themes, self.pk, limit],
        ):
            _, people, themes = shared.setdefault(film.pk, (film, [], []))
            if film.weight == 2:  # a person
                people.append(own_people[film.shared_id])
            else:
                themes.append(own_themes[film.shared_id])
        return [
            RelatedFilm(film, sorted(people, key=by_name), sorted(themes, key=by_name))
            for film, people, themes in shared.values()
        ]


# Films sharing people (credits) or themes with a film, scored (a person weighs twice a theme),
# the closest few with what each shares, one row per shared thing (weight 2, a person;
# 1, a theme); among equals, the films
# entered last. Raw SQL because the query is fixed and compiling its ORM form cost more than
# running it. It reads the credit and themed-item indexes by person and theme, scores the
# candidates by id alone (a theme on a fifth of the archive's films makes thousands), and reads
# only the chosen films' rows.
RELATED_FILMS_SQL = """
WITH shared AS (
    SELECT DISTINCT film_id, 2 AS weight, person_id AS shared_id
    FROM archive_credit WHERE person_id IN ({people}) AND film_id <> %s
    UNION ALL
    SELECT DISTINCT item.object_id, 1, item.tag_id
    FROM archive_themeditem item
    JOIN django_content_type type ON type.id = item.content_type_id
        AND type.app_label = 'archive' AND type.model = 'film'
    WHERE item.tag_id IN ({themes}) AND item.object_id <> %s
), closest AS (
    SELECT film_id, SUM(weight) AS score
    FROM shared GROUP BY film_id
    ORDER BY score DESC, film_id DESC LIMIT %s
)
SELECT film.id, film.title, film.slug, film.year, shared.weight, shared.shared_id
FROM closest
JOIN archive_film film ON film.id = closest.film_id
JOIN shared ON shared.film_id = closest.film_id
ORDER BY closest.score DESC, closest.film_id DESC
"""


def by_name(thing):
    """A to Z as the archive's lists go (`sort_key`): "Égypte" among the Es, not after "Zoo"."""
    return sort_key(thing.name)


@dataclass
class RelatedFilm:
    film: Film
    people: list
    themes: list


class Credit(models.Model):
    """A person's role on a film."""

    class Role(models.TextChoices):
        DIRECTOR = "director", "Director"
        CO_DIRECTOR = "co-director", "Co-director"
        WRITER = "writer", "Writer"
        PRODUCER = "producer", "Producer"
        CINEMATOGRAPHER = "cinematographer", "Director of photography"
        EDITOR = "editor", "Editor"
        COMPOSER = "composer", "Composer"
        CAST = "cast", "Cast"
        SELF = "self", "Appears as self"

    film = models.ForeignKey(
        Film, on_delete=models.CASCADE, related_name="credits", verbose_name="film"
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="credits", verbose_name="person"
    )
    role = models.CharField("role", max_length=20, choices=Role.choices)
    order = models.PositiveSmallIntegerField(
        "order", default=0, help_text="Lower numbers are listed first within a role."
    )
    credited_as = NormalisedCharField(
        "credited as",
        max_length=200,
        blank=True,
        help_text="The name in the film's credits, if it differs from the person's name.",
    )
    note = NormalisedCharField(
        "note", max_length=200, blank=True, help_text="For example the production company."
    )

    class Meta:
        verbose_name = "credit"
        verbose_name_plural = "credits"
        ordering = ["film", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["film", "person", "role"],
                name="credit_once_per_person_role",
                violation_error_message="This person already has this role on this film.",
            ),
        ]

    def __str__(self):
        return f"{self.person} — {self.get_role_display()} — {self.film}"

    @property
    def wikidata_property(self):
        return WIKIDATA_PROPERTY_BY_ROLE[self.role]

    @property
    def schema_org_property(self):
        return SCHEMA_ORG_PROPERTY_BY_ROLE[self.role]


# How each role is said in the shared vocabularies (Wikidata, and schema.org on a Movie).
WIKIDATA_PROPERTY_BY_ROLE = {
    Credit.Role.DIRECTOR: "P57",
    Credit.Role.CO_DIRECTOR: "P57",
    Credit.Role.WRITER: "P58",
    Credit.Role.PRODUCER: "P162",
    Credit.Role.CINEMATOGRAPHER: "P344",
    Credit.Role.EDITOR: "P1040",
    Credit.Role.COMPOSER: "P86",
    Credit.Role.CAST: "P161",
    Credit.Role.SELF: "P161",
}
SCHEMA_ORG_PROPERTY_BY_ROLE = {
    Credit.Role.DIRECTOR: "director",
    Credit.Role.CO_DIRECTOR: "director",
    Credit.Role.WRITER: "author",
    Credit.Role.PRODUCER: "producer",
    Credit.Role.CINEMATOGRAPHER: "contributor",
    Credit.Role.EDITOR: "contributor",
    Credit.Role.COMPOSER: "musicBy",
    Credit.Role.CAST: "actor",
    Credit.Role.SELF: "actor",
}


class Award(models.Model):
    """An award or a nomination a film received, at a festival or from an academy."""

    class Outcome(models.TextChoices):
        WON = "won", "Won"
        NOMINATED = "nominated", "Nominated"

    film = models.ForeignKey(
        Film, on_delete=models.CASCADE, related_name="awards", verbose_name="film"
    )
    body = NormalisedCharField(
        "awarding body or festival", max_length=200, help_text="Such as Sundance Film Festival."
    )
    edition = NormalisedCharField(
        "edition", max_length=100, blank=True, help_text="Such as 90th, if the body numbers them."
    )
    year = models.PositiveSmallIntegerField(
        "year", validators=[MinValueValidator(1870), MaxValueValidator(2100)]
    )
    category = NormalisedCharField("category", max_length=200)
    outcome = models.CharField("outcome", max_length=20, choices=Outcome.choices)
    recipients = models.ManyToManyField(
        Person,
        verbose_name="named recipients",
        blank=True,
        related_name="awards",
        help_text="The people the award or nomination names, if it names any.",
    )

    class Meta:
        verbose_name = "award or nomination"
        verbose_name_plural = "awards and nominations"
        ordering = ["film", "year", "body", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["film", "body", "year", "category"],
                name="award_once_per_film_category",
                violation_error_message="This film already has this award or nomination.",
            ),
        ]

    def __str__(self):
        return f"{self.event}: {self.category} ({self.get_outcome_display()})"

    @property
    def event(self):
        """The ceremony or festival edition, as readers name it: “90th Academy Awards, 2018”."""
        edition = f"{self.edition} " if self.edition else ""
        return f"{edition}{self.body}, {self.year}"
