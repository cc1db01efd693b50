import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import Truncator, slugify
from taggit.managers import TaggableManager

from ..addresses import page_path
from ..markup import plain_text
from ..text import NormalisedCharField, NormalisedTextField
from .aggregates import distinct_years
from .film import Film
from .images import Illustrated
from .person import Person
from .related import RelatedList
from .slugs import SluggedModel, SlugManager, TransliteratedSlugField, unique_slug
from .theme import GIVEN_ORDER, ThemedItem


def public_condition(prefix=""):
    """The rule for what the public may see: published, with a publication time that has come.

    A piece whose publication time is in the future is scheduled: it appears by itself when
    the time comes, with no job to run. `prefix` applies the rule through a relation (such as
    "article__" from a quote), so that related rows are filtered by a join on the same rule.
    """
    return Q(
        **{
            f"{prefix}status": Article.Status.PUBLISHED,
            f"{prefix}published_at__lte": timezone.now(),
        }
    )


def hidden_condition(prefix=""):
    """What the public may not see: `public_condition()`'s exact complement — any status but
    published (below or above it, so that a value outside today's choices counts too), or
    published with a time that has not come (a published piece always has a time, by a
    constraint) — written as ranges of the article's status and time index, so that the few
    hidden pieces are found without reading the rest. `prefix` as in `public_condition()`."""
    published = Article.Status.PUBLISHED
    return (
        Q(**{f"{prefix}status__lt": published})
        | Q(**{f"{prefix}status__gt": published})
        | Q(**{f"{prefix}status": published, f"{prefix}published_at__gt": timezone.now()})
    )


def writing(person=None, public=False, ids="article"):
    """What makes someone a piece's writer: a byline, an interview they conduct, a question of
    one they ask; as three querysets of the pieces' ids (or with `ids="person"`, the writers'),
    each read through its person index. `person` (a person, or an OuterRef to one) narrows
    them to that person, else to rows naming anyone; `public` to public pieces."""
    rows = []
    for queryset, field, article in (
        (ArticleAuthor.objects, "person", "article"),
        (Article.objects, "interviewer", ""),
        (Exchange.objects, "interviewer", "article"),
    ):
        found = queryset.filter(
            **({field: person} if person is not None else {f"{field}__isnull": False})
        )
        if public:
            found = found.filter(public_condition(f"{article}__" if article else ""))
        if ids == "person":
            rows.append(found.order_by().values(field))
        else:
            rows.append(found.order_by().values(f"{article}_id" if article else "pk"))
    return rows


def named_only_by_hidden_pieces():
    """The ids of the people whom drafts and scheduled pieces name (in a byline, as interviewer,
    asking or answering a question, as a subject, as a quote's speaker) and nothing public does:
    no credit, award, public piece or quote of one. Until a piece is public, the people it
    alone names are not either (`Person.objects.public()`).

    The people the hidden pieces name are found from the hidden pieces (a few, through the
    article's status and time index); whether something public names one of them, from that
    person's links (through each link's person index), each link's piece checked by its
    primary key. With the piece joined to the link instead, SQLite read every public piece
    for each person the drafts name: six minutes at 100,000 articles, against 40 ms.
    """
    from .film import Award, Credit
    from .quote import Quote

    hidden = Article.objects.filter(hidden_condition()).order_by().values("pk")
    links = [
        (ArticleAuthor.objects, "person", "article"),
        (Article.objects, "interviewer", "pk"),
        (Exchange.objects, "interviewer", "article"),
        (Exchange.objects, "interviewee", "article"),
        (ArticlePerson.objects, "person", "article"),
        (Quote.objects, "speaker", "article"),
    ]
    in_hidden = [
        queryset.filter(**{f"{article}__in": hidden, f"{field}__isnull": False})
        .order_by()
        .values(field)
        for queryset, field, article in links
    ]

    def public_piece(article):
        # Correlated to the link row by the piece's primary key: each of a person's links is
        # checked by one probe, the person's own links read through their index, where a join
        # let SQLite read every public piece for each person instead.
        return models.Exists(
            Article.objects.filter(public_condition(), pk=models.OuterRef(article))
        )

    public = Q()
    for model in (Credit, Award.recipients.through):
        public |= models.Exists(model.objects.filter(person=models.OuterRef("pk")))
    for queryset, field, article in links:
        public |= models.Exists(
            queryset.filter(public_piece(article), **{field: models.OuterRef("pk")})
        )
    return sorted(
        Person.objects.filter(pk__in=in_hidden[0].union(*in_hidden[1:], all=True))
        .exclude(public)
        .order_by()
        .values_list("pk", flat=True)
    )


def unlisted_people():
    """`named_only_by_hidden_pieces()`, read once per change (and scheduled publication) for
    every worker and kept in the shared cache (`pagecache.shared_value`): every people list,
    person page, search and API read of people leaves them out."""
    from ..pagecache import shared_value

    return shared_value("people-named-only-by-hidden-pieces", named_only_by_hidden_pieces)


def written_by(person):
    """The ids of the articles `person` wrote (ArticleQuerySet.by), one union of indexed reads."""
    bylines, conducted, asked = writing(person)
    return bylines.union(conducted, asked)


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """What the public may see. Every public page, feed, sitemap and search uses it."""
        return self.filter(public_condition())

    def hidden(self):
        """What the public may not see: drafts and scheduled pieces (see `hidden_condition`)."""
        return self.filter(hidden_condition())

    def involving(self, person):
        """Articles by `person` (see `by`), about them, or interviewing them.

        One set of ids, the union of the links, read through each link's person index: the
        database then fetches just those articles, however many others there are.
        """
        about, interviews = (
            links.filter(**{field: person}).order_by().values("article_id")
            for links, field in (
                (ArticlePerson.objects, "person"),
                (Exchange.objects, "interviewee"),
            )
        )
        return self.filter(pk__in=written_by(person).union(about, interviews))

    def by(self, person):
        """Articles `person` wrote: in their byline, or interviews they conducted (as the
        interview's interviewer, or asking one of its questions)."""
        return self.filter(pk__in=written_by(person))

    def years(self):
        """The years these articles were published in, newest first (see `distinct_years`)."""
        return distinct_years(self, "published_at")


class Article(Illustrated, SluggedModel):
    """A review, an interview or a feature."""

    card_url_name = "archive:article_card"

    class Kind(models.TextChoices):
        REVIEW = "review", "Review"
        INTERVIEW = "interview", "Interview"
        FEATURE = "feature", "Feature"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    kind = models.CharField("kind", max_length=20, choices=Kind.choices, default=Kind.REVIEW)
    title = NormalisedCharField("title", max_length=250)
    slug = TransliteratedSlugField(
        "slug",
        max_length=80,
        unique=True,
        blank=True,
        help_text="Used in the page address. Left empty, it is made from the title.",
        error_messages={"unique": "Another article already uses this slug. Choose another."},
    )
    standfirst = NormalisedTextField(
        "standfirst", blank=True, help_text="One or two sentences introducing the piece."
    )
    body = NormalisedTextField(
        "body",
        blank=True,
        help_text="Markdown. For an interview, the introduction; the questions and answers "
        "are entered as exchanges below.",
    )
    authors = models.ManyToManyField(
        Person,
        through="ArticleAuthor",
        related_name="articles_written",
        verbose_name="byline",
        blank=True,
    )
    films = models.ManyToManyField(
        Film, through="ArticleFilm", related_name="articles", verbose_name="films", blank=True
    )
    people = models.ManyToManyField(
        Person,
        through="ArticlePerson",
        related_name="articles_about",
        verbose_name="people it is about",
        blank=True,
    )
    interviewer = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interviews_conducted",
        verbose_name="interviewer",
        help_text="For an interview: who asks the questions. Leave empty when the interviewer "
        "is not named; readers then see “Interviewer”. An exchange asked by someone else "
        "names them in its own “asked by someone else”.",
    )
    themes = TaggableManager(
        verbose_name="themes",
        through=ThemedItem,
        ordering=GIVEN_ORDER,
        blank=True,
        help_text="Separate themes with commas; a theme may have several words.",
    )
    author_list = RelatedList("authors", order_by=("bylines__order", "bylines__id"))
    film_list = RelatedList("films", order_by=("article_links__order", "article_links__id"))
    people_list = RelatedList("people", order_by=("article_links__order", "article_links__id"))
    theme_list = RelatedList("themes")
    exchange_list = RelatedList("exchanges")
    status = models.CharField("status", max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "publication time",
        null=True,
        blank=True,
        db_index=True,
        help_text="A future time schedules the piece: it becomes public by itself then. "
        "Left empty when publishing, it is set to now.",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("last changed", auto_now=True)
    source_name = NormalisedCharField(
        "first published in",
        max_length=200,
        blank=True,
        help_text="For a piece first published elsewhere: the publication's name.",
    )
    source_url = models.URLField(
        "original address", blank=True, help_text="Where the piece was first published."
    )
    image = models.ImageField(
        "lead image",
        upload_to="articles/",
        blank=True,
        help_text="Shown at the top of the piece and when it is shared. Without one, shared "
        "links show a title card.",
    )
    image_alt = NormalisedCharField(
        "image description",
        max_length=300,
        blank=True,
        help_text="What the image shows, for readers who cannot see it. Required with an image.",
    )
    image_credit = NormalisedCharField("image credit", max_length=200, blank=True)

    objects = SlugManager.from_queryset(ArticleQuerySet)()

    class Meta:
        verbose_name = "article"
        verbose_name_plural = "articles"
        ordering = ["-published_at", "-created_at"]
        permissions = [("publish_article", "Can publish, schedule and unpublish articles")]
        indexes = [
            models.Index(fields=["status", "published_at"], name="article_public_idx"),
            models.Index(fields=["updated_at"], name="article_updated_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_article_has_time",
                violation_error_message="A published article needs a publication time.",
            ),
            models.CheckConstraint(
                condition=Q(image="") | ~Q(image_alt=""),
                name="article_image_has_description",
                violation_error_message="Describe the image for readers who cannot see it.",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self, path=page_path):
        return path("archive:article_detail", slug=self.slug)

    def clean(self):
        if self.source_url and not self.source_name:
            raise ValidationError(
                {"source_name": "Name the publication the piece first appeared in."}
            )

    @property
    def source_link(self):
        """The original address, if it is a web address a reader can safely follow."""
        scheme = self.source_url.split(":", 1)[0].lower()
        return self.source_url if scheme in ("http", "https") else ""

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def modified_at(self):
        """When the piece last changed for readers: its last edit, or its publication if that
        came later (a piece scheduled ahead appears at its time, after its last edit)."""
        if self.published_at is None:
            return self.updated_at
        return max(self.updated_at, self.published_at)

    @property
    def is_scheduled(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def description(self):
        """What the page's description, and a link to it shared elsewhere, say of the piece:
        its standfirst; without one, what it is and what films it is of (a review) or on;
        without films either, the first words of its body.

        Reads `film_list`: prefetch the films (the article page does)."""
        if self.standfirst:
            return self.standfirst
        kind = self.get_kind_display()
        if films := self.film_list:
            about = "of" if self.kind == self.Kind.REVIEW else "on"
            return f"{kind} {about} {', '.join(film.title for film in films)}."
        if words := plain_text(self.body):
            return Truncator(" ".join(words.split())).words(30)
        return f"{kind}."

    WORDS_PER_MINUTE = 230

    @property
    def reading_minutes(self):
        """Minutes a reader needs for the body and the exchanges: at least one, if there are
        any words at all (none for a piece without them).

        Reads `exchanges.all()`: prefetch an interview's exchanges (the article page does).
        """
        texts = [self.body]
        for exchange in self.exchanges.all():
            texts += [exchange.question, exchange.answer]
        words = sum(len(text.split()) for text in texts)
        return max(1, round(words / self.WORDS_PER_MINUTE)) if words else 0


class ArticleAuthor(models.Model):
    """A name in an article's byline. Deleting a person who wrote for us is refused."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="bylines", verbose_name="author"
    )
    order = models.PositiveSmallIntegerField("order", default=0)

    class Meta:
        verbose_name = "byline"
        verbose_name_plural = "byline"
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "person"], name="author_once_per_article")
        ]

    def __str__(self):
        return str(self.person)


class ArticleFilm(models.Model):
    """A film an article is about. Deleting a film that articles are about is refused."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="film_links")
    film = models.ForeignKey(
        Film, on_delete=models.PROTECT, related_name="article_links", verbose_name="film"
    )
    order = models.PositiveSmallIntegerField("order", default=0)

    class Meta:
        verbose_name = "film it is about"
        verbose_name_plural = "films it is about"
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "film"], name="film_once_per_article")
        ]

    def __str__(self):
        return str(self.film)


class ArticlePerson(models.Model):
    """A person an article is about. Deleting a person that articles are about is refused."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="person_links")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="article_links", verbose_name="person"
    )
    order = models.PositiveSmallIntegerField("order", default=0)

    class Meta:
        verbose_name = "person it is about"
        verbose_name_plural = "people it is about"
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "person"], name="person_once_per_article")
        ]

    def __str__(self):
        return str(self.person)


class Exchange(models.Model):
    """One question and its answer in an interview, addressable by a stable anchor."""

    INTERVIEWER_LABEL = "Interviewer"

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="exchanges", verbose_name="interview"
    )
    order = models.PositiveSmallIntegerField("order", default=0)
    anchor = models.SlugField(
        "anchor",
        max_length=80,
        blank=True,
        help_text="The #address of this exchange within the article. Made from the question "
        "when left empty; changing it breaks links that point here.",
    )
    question = NormalisedTextField("question", help_text="Markdown is allowed.")
    interviewer = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questions_asked",
        verbose_name="asked by someone else",
        help_text="Only when this question is not asked by the interview's interviewer (named "
        "above the exchanges). Left empty, the interviewer asks it.",
    )
    answer = NormalisedTextField(
        "answer", help_text="Markdown; separate paragraphs by a blank line."
    )
    interviewee = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="answers_given",
        verbose_name="answered by",
        error_messages={"null": "Choose who gives this answer."},
    )

    class Meta:
        verbose_name = "exchange"
        verbose_name_plural = "exchanges"
        ordering = ["article", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "anchor"], name="exchange_anchor_unique"),
        ]

    def __str__(self):
        return Truncator(self.question).words(10)

    def save(self, *args, **kwargs):
        if not self.anchor:
            self.anchor = self.anchor_from_question()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#{self.anchor}"

    def anchor_from_question(self, taken=()):
        """An anchor made from the question's first words that no other exchange of the
        interview has, nor any of `taken`: those that exchanges saved with this one will have."""
        # Dashes and quotation marks separate words ("film—\"It's" is not "filmits").
        spaced = re.sub(r"[^\w\s'’-]", " ", self.question)
        words = " ".join(slugify(spaced).split("-")[:6])
        return unique_slug(
            self,
            words or "exchange",
            field="anchor",
            max_length=60,
            queryset=Exchange.objects.filter(article_id=self.article_id),
            taken=taken,
        )

    @property
    def question_speaker(self):
        """Who asks this question: the exchange's own interviewer, else the article's; None
        when the interviewer is not named.

        Read through `article`, which a prefetch of an article's exchanges fills in: select the
        article's interviewer with the article (views, feeds and search do) to avoid a query.
        """
        if self.interviewer_id:
            return self.interviewer
        return self.article.interviewer if self.article.interviewer_id else None

    @property
    def question_speaker_name(self):
        speaker = self.question_speaker
        return speaker.name if speaker else self.INTERVIEWER_LABEL
