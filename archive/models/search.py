from django.contrib.postgres.search import SearchVectorField
from django.db import models


class SearchDocument(models.Model):
    """One searchable thing — a film, a person, an article or a quote — as plain text.

    The archive's search reads this table alone: titles and names in `title` and `names`
    (every spelling), a short `summary`, and the `body` text. On PostgreSQL, `vector` holds
    their weighted full-text vector (titles and names above the summary, above the body) and
    `title_vector` the titles and names alone, both GIN-indexed; SQLite leaves them empty and
    searches the text. Rows are rewritten by `archive.search.index()` whenever their object
    (or a part of it, such as an interview's exchange) is saved. Whether a reader may see a
    row's article or quote is decided at query time, by the articles' own rule applied through
    `article` (a join), so a scheduled piece becomes searchable by itself when its time comes.
    """

    class Kind(models.TextChoices):
        FILM = "film", "Film"
        PERSON = "person", "Person"
        ARTICLE = "article", "Article"
        QUOTE = "quote", "Quote"

    kind = models.CharField("kind", max_length=10, choices=Kind.choices)
    object_id = models.BigIntegerField("object id")
    title = models.TextField("title")
    names = models.TextField("other names", blank=True)
    summary = models.TextField("summary", blank=True)
    body = models.TextField("body", blank=True)
    year = models.PositiveSmallIntegerField("year", null=True, blank=True)
    url = models.CharField("address", max_length=300)
    article = models.ForeignKey(
        "archive.Article",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="For an article or a quote: the article whose publication makes it public.",
    )
    label = models.CharField("label", max_length=40, help_text="Such as Review, Interview, Film.")
    vector = SearchVectorField(null=True, editable=False)
    title_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = "search document"
        verbose_name_plural = "search documents"
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_once"),
        ]
        indexes = [models.Index(fields=["kind", "year"], name="search_kind_year_idx")]

    def __str__(self):
        return f"{self.label}: {self.title}"
