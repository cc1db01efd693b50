import unicodedata

from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import Exists, F, OuterRef
from taggit.managers import TaggableManager

from ..addresses import page_path
from ..markup import plain_text
from ..text import NormalisedTextField
from .article import Article, ArticleAuthor, Exchange, public_condition
from .film import Film
from .person import Person
from .related import RelatedList
from .theme import GIVEN_ORDER, ThemedItem

TYPOGRAPHIC_MARKS = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00a0": " ", "\u202f": " ",
    }
)  # fmt: skip


def normalise_for_matching(text):
    """Text as compared for a verbatim check: spacing and curly or straight quotes don't count."""
    text = unicodedata.normalize("NFC", text).translate(TYPOGRAPHIC_MARKS)
    return " ".join(text.split())


class QuoteQuerySet(models.QuerySet):
    def published(self):
        """Quotes whose source article the public may see (the articles' own rule).

        On SQLite each quote's article is checked by its key, so that a list of quotes in their
        own order reads only as many quotes as it shows: as a join on the rule, SQLite reads
        every public article first (0.8 s for the latest of 200,000 quotes, against 16 ms).
        PostgreSQL plans the join well and the keyed check less well (4 ms more).
        """
        if connections[self.db].vendor == "sqlite":
            public = Article.objects.published().filter(pk=OuterRef("article_id"))
            return self.filter(Exists(public))
        return self.filter(public_condition("article__"))

    def by(self, person):
        """Quotes a reader sees credited to `person` (`Quote.attribution`): those they are the
        speaker of, and those without a speaker from pieces in whose byline they are.

        Their ids are read first, in one query (a union, each part through an index: the
        speaker's; the byline's person, then the quotes' article), and the quotes then by id.
        Given the union as a subquery, PostgreSQL took a byline's average for everyone's (179
        pieces, for someone with none) and read the latest quotes one by one to merge them
        with the few it would find (28 ms for six quotes at 200,000); as an OR, likewise.
        """
        bylines = ArticleAuthor.objects.filter(person=person).values("article_id")
        spoken = self.model.objects.filter(speaker=person).order_by().values("pk")
        unsigned = self.model.objects.filter(article__in=bylines)
        if connections[self.db].vendor == "sqlite":
            # "No speaker" tested on a sum, which no index holds: through the speaker's index,
            # SQLite read every quote without one (its statistics count a few quotes per
            # value, NULL too) rather than the byline's pieces' few (41 ms against 0.2 for a
            # critic at 200,000 quotes). PostgreSQL plans the plain test better (0.5 ms, 2.2).
            unsigned = unsigned.alias(speaker_or_none=F("speaker_id") + 0).filter(
                speaker_or_none__isnull=True
            )
        else:
            unsigned = unsigned.filter(speaker__isnull=True)
        ids = [row["pk"] for row in spoken.union(unsigned.order_by().values("pk"))]
        return self.filter(pk__in=ids)


class Quote(models.Model):
    """Words picked from an article: a critic's line from a review, an answer in an interview."""

    text = NormalisedTextField(
        "text",
        help_text="Copied word for word from the source article; it is checked against it.",
    )
    speaker = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quotes",
        verbose_name="speaker",
        help_text="Who said or wrote these words. Leave empty when they are the article's own "
        "words and its writer is not named.",
    )
    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="quotes",
        verbose_name="source article",
        help_text="Deleting the article deletes its quotes with it (the admin lists them first, "
        "and both can be recovered together).",
    )
    # RESTRICT, not PROTECT: an exchange quoted from is not deleted on its own, but its
    # interview is, with its exchanges and quotes together.
    exchange = models.ForeignKey(
        Exchange,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="quotes",
        verbose_name="source exchange",
        help_text="For an interview: the question and answer the words come from. Found by "
        "itself when left empty.",
    )
    film = models.ForeignKey(
        Film,
        on_delete=models.PROTECT,
        related_name="quotes",
        verbose_name="film",
        help_text="The film the words are about; one of the films the article is about.",
    )
    featured = models.BooleanField(
        "featured", default=False, help_text="Shown as a pull quote on the film's page."
    )
    order = models.PositiveSmallIntegerField("order", default=0)
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

    objects = QuoteQuerySet.as_manager()

    class Meta:
        verbose_name = "quote"
        verbose_name_plural = "quotes"
        ordering = ["order", "id"]
        indexes = [models.Index(fields=["film", "featured"], name="quote_film_featured_idx")]

    def __str__(self):
        text = " ".join(self.text.split())
        return f"“{text[:77]}…”" if len(text) > 80 else f"“{text}”"

    def get_absolute_url(self, path=page_path):
        return path("archive:quote_detail", pk=self.pk)

    @property
    def passage_url(self):
        """Where the words stand in their source: the marked passage (inside its exchange)."""
        return self.passage_path()

    def passage_path(self, path=page_path):
        return f"{self.article.get_absolute_url(path)}#quote-{self.pk}"

    def clean(self):
        if not self.article_id:
            return
        errors = {}
        if self.film_id and not self.article.film_links.filter(film_id=self.film_id).exists():
            errors["film"] = (
                f"“{self.article}” is not about this film. Choose one of the films the article "
                "is about, or add this film to the article first."
            )
        if self.exchange_id and self.exchange.article_id != self.article_id:
            errors["exchange"] = "This exchange belongs to another article."
        elif self.text.strip():
            errors.update(self._check_verbatim())
        if errors:
            raise ValidationError(errors)

    def _check_verbatim(self):
        wanted = normalise_for_matching(self.text)
        if self.exchange_id:
            exchanges = [self.exchange]
            in_article = False
        else:
            exchanges = list(self.article.exchanges.select_related("interviewee", "interviewer"))
            in_article = any(
                wanted in normalise_for_matching(plain_text(source))
                for source in (self.article.standfirst, self.article.body)
            )
        found_in = [
            (exchange, part)
            for exchange in exchanges
            for part in ("question", "answer")
            if wanted in normalise_for_matching(plain_text(getattr(exchange, part)))
        ]
        if not in_article and not found_in:
            where = f"“{self.article}”"
            if self.exchange_id:
                where = f"this exchange of {where}"
            return {
                "text": f"These words do not appear word for word in {where}. Copy them exactly "
                "from the source; differences in spacing and in curly or straight quotation "
                "marks are ignored."
            }
        if in_article or len(found_in) != 1:
            return {}
        exchange, part = found_in[0]
        self.exchange = exchange
        said_by = exchange.interviewee if part == "answer" else exchange.question_speaker
        if self.speaker_id != (said_by.pk if said_by else None):
            name = said_by.name if said_by else "the unnamed interviewer"
            return {"speaker": f"In the source these words are {name}’s. Choose {name}."}
        return {}

    @property
    def attribution(self):
        """Who the words are by, as a reader sees it; an unsigned piece is named by its kind."""
        if self.speaker_id:
            return self.speaker.name
        authors = [author.name for author in self.article.author_list]
        return ", ".join(authors) if authors else self.article.get_kind_display()
