"""
Searching the archive: one index table (SearchDocument) kept up to date as things are saved,
ranked full-text search on PostgreSQL and on SQLite, read the same way on both.

A query is read by `parse_query` (several words, "quoted phrases", -exclusions, or); whole
words match, and the last word also matches as the beginning of a word (at least
PREFIX_LENGTH letters: "Sor" finds Søren). Accents and letters of their own are folded on
both databases ("Soren" finds Søren, "strasse" finds Straße); other scripts are found in their
own script ("حلب" finds آخر الرجال في حلب), Arabic without its vowel marks and with one
form of each of its letters that are written several ways (`ARABIC_FOLDING`).

PostgreSQL: weighted vectors (titles and names "A", summaries "B", bodies "C") with GIN
indexes, in the `archive_search` text-search configuration (English stemming after
`unaccent`, created by migration 0009), ts_rank and ts_headline. Ranking costs grow with the
number of matches, so only a bounded set of candidates is ranked: matches on a title or a
name, and other matches, up to CANDIDATES of each.

SQLite: an FTS5 table, `archive_searchtext` (migration 0009), holds each document's title,
names, summary and body folded by `folded()` (rowid = the document's id; a trigger deletes its
row with the document), its English words stemmed by Porter's stemmer (`stemmed`, migration
0020: "wars" finds "war", as on PostgreSQL); bm25 weighs the columns as ts_rank weighs A, B
and C. Results show the stored text, excerpted on word boundaries one field at a time by
`excerpt()`.
"""

import contextlib
import functools
import itertools
import re
import threading
import unicodedata
from dataclasses import dataclass

import snowballstemmer
from django.contrib.postgres.search import (
    CombinedSearchQuery,
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorCombinable,
    SearchVectorField,
)
from django.core.exceptions import ObjectDoesNotExist
from django.db import OperationalError, connection, connections, transaction
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .markup import plain_text
from .models import Article, ArticleAuthor, Award, Exchange, Film, Person, Quote, ThemedItem
from .models.article import public_condition, unlisted_people
from .models.search import SearchDocument
from .text import fold

CONFIG = "archive_search"
CANDIDATES = 500
PREFIX_LENGTH = 3
# ts_rank's default weights for A, B and C; bm25 gives the FTS5 columns the same.
FIELD_WEIGHTS = {"title": 1.0, "names": 1.0, "summary": 0.4, "body": 0.2}
TEXT_TABLE = "archive_searchtext"
MAX_QUERY_LENGTH = 200
MARK_START, MARK_END = "\x02", "\x03"

# Arabic as readers type it: mostly without its short-vowel marks (harakat, shadda, sukun,
# the dagger alef) or the tatweel that stretches a word, often with a bare alef for آ, أ, إ
# and ٱ, ي for a final ى and ه for ة; and sometimes vowelled, pasted from a vowelled text.
# Both the text and the query are read with these folded, as Arabic search engines read them
# (Lucene's ArabicNormalizer folds the same), on SQLite in `folded` and on PostgreSQL by the
# function `archive_search_fold` (migration 0026, which holds the same table).
ARABIC_FOLDING = str.maketrans(
    {
        **dict.fromkeys("\u0622\u0623\u0625\u0671", "\u0627"),
        "\u0649": "\u064a",
        "\u0629": "\u0647",
        **dict.fromkeys(["\u0640", "\u0670", *map(chr, range(0x064B, 0x0660))]),
    }
)


# Greek letters with accents or breathings, and Ё: PostgreSQL's `unaccent` reads them without
# their marks ("Αλέξης" as "Αλεξης", "Пётр" as "Петр"), as Greek and Russian are often typed;
# FTS5's `remove_diacritics` folds Latin letters only.
MARKED_GREEK_OR_YO = re.compile(r"[\u0386-\u03ce\u1f00-\u1ffcЁё]")


def unmarked(match):
    letters = unicodedata.normalize("NFD", match.group())
    return "".join(letter for letter in letters if not unicodedata.combining(letter))


def folded(text):
    """`text` folded as the index reads it: Latin letters spelt in ASCII (`fold`), Greek and
    Ё without their marks (`MARKED_GREEK_OR_YO`), Arabic without its vowel marks and with one
    form of each letter (`ARABIC_FOLDING`)."""
    text = fold(text)
    if text.isascii():
        return text
    return MARKED_GREEK_OR_YO.sub(unmarked, text).translate(ARABIC_FOLDING)


# Keeping the index up to date -------------------------------------------------------------


def arabic_folded(field):
    """A field as PostgreSQL's vectors read it: Arabic folded (`ARABIC_FOLDING`) and the
    characters PostgreSQL's parser joins words with ("Al-Hattar", "9/11", "F.W.") read as
    spaces, as FTS5 splits words (migration 0028); the `archive_search` configuration folds
    Latin letters."""
    return Func(F(field), function="archive_search_fold", output_field=TextField())


class FieldBreak(SearchVectorCombinable, Func):
    """A word between two fields of a vector, that no query asks for ("¶" is no word of any
    query: `tsquery` reads only letters and digits). Joined with `||`, a vector's positions
    go on from the one before: without it, the last word of a title and the first of the
    original title were next to each other, and a quoted phrase matched across them, as it
    does not on SQLite, whose FTS5 table keeps each field in a column of its own."""

    template = "'¶:1'::tsvector"
    output_field = SearchVectorField()
    config = None


# Titles and names weigh most, then summaries (standfirsts), then bodies.
WEIGHTED_VECTOR = (
    SearchVector(arabic_folded("title"), weight="A", config=CONFIG)
    + FieldBreak()
    + SearchVector(arabic_folded("names"), weight="A", config=CONFIG)
    + FieldBreak()
    + SearchVector(arabic_folded("summary"), weight="B", config=CONFIG)
    + FieldBreak()
    + SearchVector(arabic_folded("body"), weight="C", config=CONFIG)
)
TITLE_VECTOR = (
    SearchVector(arabic_folded("title"), config=CONFIG)
    + FieldBreak()
    + SearchVector(arabic_folded("names"), config=CONFIG)
)


def award_line(award):
    edition = f"{award.edition} " if award.edition else ""
    return f"{award.get_outcome_display()}: {edition}{award.body} {award.year}, {award.category}"


def film_document(film):
    awards = [award_line(award) for award in film.awards.all()]
    return {
        "title": film.title,
        "names": film.original_title,
        "summary": " · ".join([f"{film.get_kind_display()}, {film.year}", *awards]),
        "body": plain_text(film.synopsis),
        "year": film.year,
        "url": film.get_absolute_url(),
        "label": "Film",
    }


def person_document(person):
    return {
        "title": person.name,
        "names": "\n".join([*person.alternative_name_list, person.native_name]).strip(),
        "summary": "",
        "body": plain_text(person.biography),
        "year": None,
        "url": person.get_absolute_url(),
        "label": "Person",
    }


def article_document(article):
    exchanges = [
        f"{plain_text(exchange.question)}\n{plain_text(exchange.answer)}"
        for exchange in article.exchanges.all()
    ]
    # Its kind leads the summary: "aleppo review" finds the review, not only its quotes.
    kind = article.get_kind_display()
    return {
        "title": article.title,
        "names": "",
        "summary": f"{kind}: {article.standfirst}" if article.standfirst else kind,
        "body": "\n".join([plain_text(article.body), *exchanges]),
        "year": article.published_at.year if article.published_at else None,
        "url": article.get_absolute_url(),
        "label": article.get_kind_display(),
        "article_id": article.pk,
    }


def quote_document(quote):
    return {
        "title": quote.text,
        "names": "",
        "summary": f"{quote.attribution}, {quote.article.title}",
        "body": "",
        "year": quote.article.published_at.year if quote.article.published_at else None,
        "url": quote.passage_url,
        "label": "Quote",
        "article_id": quote.article_id,
    }


DOCUMENTS = {
    Film: (SearchDocument.Kind.FILM, film_document),
    Person: (SearchDocument.Kind.PERSON, person_document),
    Article: (SearchDocument.Kind.ARTICLE, article_document),
    Quote: (SearchDocument.Kind.QUOTE, quote_document),
}


# What each document shows, and so depends on ---------------------------------------------------
#
# A document is rewritten whenever its own object is saved (fixtures and backups included: the
# signals below also see `loaddata`'s raw saves). A document also shows text from other rows;
# when one of those changes, every document showing it is rewritten. In full:
#
#   film     its own title, original title, kind, year and synopsis; its awards' outcome,
#            edition, body, year and category                             (Award, any change)
#            (credits and themes are not indexed)
#   person   its own name, other spellings, native name and biography; nothing from other rows
#   article  its own title, standfirst, body, kind, slug and publication year; the questions
#            and answers of its exchanges                                (Exchange, any change)
#   quote    its own text; its speaker's name                             (Person.name)
#            or, with no speaker, its article's byline                    (ArticleAuthor, any
#            change, and Person.name of each author) or kind;
#            its article's title, slug, kind and publication year        (Article fields below)
#
# Films' titles are in no other document, and themes are in none: the theme filter reads the
# theme links when searching, so a film retitled or a theme renamed or merged rewrites nothing
# else. QuerySet.update(), bulk_create() and raw SQL send no signals: after changing indexed
# text that way, run `manage.py update_search_index`.


@dataclass(frozen=True)
class Dependency:
    """Documents of `target` objects show `fields` of a `source` row (None: the row's very
    presence, as for a byline); `dependents(row)` finds the objects whose documents do."""

    source: type
    fields: tuple | None
    target: type
    dependents: object


def bylined_quotes(article_ids):
    """Quotes attributed to their article's byline (they have no speaker of their own)."""
    return Quote.objects.filter(article_id__in=article_ids, speaker__isnull=True)


DEPENDENCIES = [
    Dependency(Award, None, Film, lambda award: Film.objects.filter(pk=award.film_id)),
    Dependency(
        Exchange, None, Article, lambda exchange: Article.objects.filter(pk=exchange.article_id)
    ),
    Dependency(
        Article,
        ("title", "slug", "kind", "published_at"),
        Quote,
        lambda article: Quote.objects.filter(article_id=article.pk),
    ),
    Dependency(
        Person,
        ("name",),
        Quote,
        lambda person: Quote.objects.filter(
            Q(speaker_id=person.pk)
            | Q(
                speaker__isnull=True,
                article_id__in=ArticleAuthor.objects.filter(person_id=person.pk).values(
                    "article_id"
                ),
            )
        ),
    ),
    Dependency(ArticleAuthor, None, Quote, lambda byline: bylined_quotes([byline.article_id])),
]


def loading(model, queryset):
    """`queryset` with what the documents of `model` read, in a few queries.

    Quotes whose speaker is not there yet (a fixture loading the speaker after the quote) are
    left out: the speaker's own save indexes them once it arrives.
    """
    if model is Film:
        return queryset.prefetch_related("awards")
    if model is Article:
        return queryset.prefetch_related("exchanges")
    if model is Quote:
        speaker_present = Exists(Person.objects.filter(pk=OuterRef("speaker_id")))
        return (
            queryset.filter(Q(speaker__isnull=True) | speaker_present)
            .select_related("article", "speaker")
            .prefetch_related(Article.author_list.prefetch(through="article"))
        )
    return queryset


# Stems ---------------------------------------------------------------------------------------

_stemmers = threading.local()
ENGLISH_WORD = re.compile(r"\b[A-Za-z]+\b")


@functools.lru_cache(maxsize=65536)
def stem(word):
    """Porter's stem of a word in lower case ("wars" → "war", "documentary" → "documentari"),
    as FTS5's own `porter` tokenizer makes it: words of under three letters or over 64 stay
    as they are. One stemmer per thread, as markup.py has one Markdown converter per thread: a
    stemmer works on the word it holds, and threads (the development server's, ASGI's)
    sharing one got each other's stems, or an IndexError."""
    if not 3 <= len(word) <= 64:
        return word
    porter = getattr(_stemmers, "porter", None)
    if porter is None:
        porter = _stemmers.porter = snowballstemmer.stemmer("porter")
    return porter.stemWord(word)


# The endings Porter's stemmer takes off a word (its steps 1 to 5), as they are written.
ENDINGS = (
    "s", "es", "ies", "sses", "ed", "eed", "ing", "ly", "y", "e", "al", "ance", "ence", "er",
    "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion", "ou", "ism", "ate", "iti", "ity",
    "ous", "ive", "ize", "ise", "ful", "ness", "ation", "ational", "tional", "ator", "ative",
    "alize", "alism", "aliti", "ical", "icate", "iciti", "iviti", "biliti", "bility", "enci",
    "anci", "izer", "abli", "alli", "entli", "eli", "ousli", "fulness", "iveness", "ousness",
)  # fmt: skip


def shorter_stems(typed):
    """The stems of the words a word still being typed may begin: its beginnings of more than
    PREFIX_LENGTH letters, down to five letters shorter, where what it has beyond them can
    begin an ending the stemmer takes off. "nominated" is kept as "nomin", so "nomina" (an
    "a" that begins "-ated") finds it as a stored "nomin"; "helm" is no stem of "helmets"
    ("ets" begins no ending). Taken whole, a stem finds the word's other forms too ("bombi"
    finds "bombs" beside "bombing")."""
    return [
        typed[:end]
        for end in range(len(typed) - 1, max(PREFIX_LENGTH, len(typed) - 6), -1)
        if any(ending.startswith(typed[end:]) for ending in ENDINGS)
    ]


def typed_word(term):
    """The last word of `term` as typed (folded, in lower case): a query's last word, which
    may be the beginning of one."""
    return WORD.findall(folded(term))[-1].lower()


def stemmed(text):
    """`text` as SQLite's search table holds it and queries read it: folded (`folded`), each
    English word (ASCII letters) in lower case and stemmed, everything else as it was. Stemmed
    here rather than by FTS5's `porter` tokenizer so that a query's last word, still being
    typed, can be matched as the beginning of a word as typed ("Fay" finds Fayyad; `porter`
    would look for words beginning "fai")."""
    return ENGLISH_WORD.sub(lambda word: stem(word.group().lower()), folded(text))


# Writing documents, and following what they show ------------------------------------------


def write_text(documents):
    """On SQLite, (re)write the folded and stemmed text of `documents` in the FTS5 table."""
    if connection.vendor != "sqlite" or not documents:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT OR REPLACE INTO {TEXT_TABLE} (rowid, title, names, summary, body) "
            "VALUES (%s, %s, %s, %s, %s)",
            [
                (document.pk, *(stemmed(getattr(document, field)) for field in FIELD_WEIGHTS))
                for document in documents
            ],
        )


def index(obj):
    """Write (or rewrite) the search document of a film, person, article or quote."""
    kind, describe = DOCUMENTS[type(obj)]
    document, _ = SearchDocument.objects.update_or_create(
        kind=kind, object_id=obj.pk, defaults=describe(obj)
    )
    write_text([document])
    if connection.vendor == "postgresql":
        SearchDocument.objects.filter(pk=document.pk).update(
            vector=WEIGHTED_VECTOR, title_vector=TITLE_VECTOR
        )


_deferred = threading.local()


@contextlib.contextmanager
def reindexed_once():
    """Documents to rewrite while this lasts are rewritten once, at its end: adding the 300
    exchanges of an interview rewrote its whole document after each of them (minutes for a
    text of 1 MB, growing with the square of its length)."""
    if getattr(_deferred, "ids", None) is not None:  # within another: that one rewrites
        yield
        return
    _deferred.ids = {}
    try:
        yield
        pending = _deferred.ids
    finally:
        _deferred.ids = None
    for model, ids in pending.items():
        reindex(model, model._default_manager.filter(pk__in=ids))


def reindex(model, queryset):
    """Rewrite the documents of the `model` objects in `queryset`, in a few queries."""
    kind, describe = DOCUMENTS[model]
    ids = list(queryset.values_list("pk", flat=True))
    if not ids:
        return
    if getattr(_deferred, "ids", None) is not None:
        _deferred.ids.setdefault(model, set()).update(ids)
        return
    objects = loading(model, model._default_manager.filter(pk__in=ids))
    with transaction.atomic():
        SearchDocument.objects.filter(kind=kind, object_id__in=ids).delete()
        write_text(
            SearchDocument.objects.bulk_create(
                SearchDocument(kind=kind, object_id=obj.pk, **describe(obj)) for obj in objects
            )
        )
        if connection.vendor == "postgresql":
            SearchDocument.objects.filter(kind=kind, object_id__in=ids).update(
                vector=WEIGHTED_VECTOR, title_vector=TITLE_VECTOR
            )


def unindex(obj):
    kind, _ = DOCUMENTS[type(obj)]
    SearchDocument.objects.filter(kind=kind, object_id=obj.pk).delete()


def rebuild(chunk_size=1000):
    """Index everything again, in bulk (after a bulk import or an upgrade). Returns the count.

    Objects are taken in order of their keys, `chunk_size` at a time, and each run of keys is
    rewritten in one transaction: its documents (and any left by objects no longer there) are
    replaced by complete new ones, text and vectors together. Searching goes on meanwhile and
    finds everything at every moment, old documents until their run is done, and editors'
    saves are held up by one run at most, not the whole rebuild.
    """
    count = 0
    for model in DOCUMENTS:
        after = None
        while written := rewrite_run(model, after, chunk_size):
            after, length = written
            count += length
    optimize_text()
    return count


def optimize_text():
    """On SQLite, merge the FTS5 table's index into one b-tree. Rewriting every row leaves it
    in many pieces, each holding deleted entries, that FTS5 merges only gradually: on the
    340,000-document archive, searches took twice as long until merged (about 4 s)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {TEXT_TABLE}({TEXT_TABLE}) VALUES ('optimize')")


def rewrite_run(model, after, size):
    """Rewrite the documents of the next `size` objects of `model` after the key `after`
    (None: from the first), and drop those of objects no longer there in that run of keys (or,
    past the last object, after it). Returns (the run's last key, its length), or None when no
    object is left.

    An editor's save during the rebuild is never undone by it: the run reads its objects in
    the transaction that writes their documents, which on SQLite holds the write lock from its
    start, and on PostgreSQL sees one snapshot (repeatable read): a document changed by a save
    committed meanwhile makes the run fail and start again, reading the saved object.
    """
    kind, describe = DOCUMENTS[model]
    documents = SearchDocument.objects.filter(kind=kind)
    objects = loading(model, model._default_manager.order_by("pk"))
    if after is not None:
        objects, documents = objects.filter(pk__gt=after), documents.filter(object_id__gt=after)
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    for attempt in itertools.count(1):
        try:
            with transaction.atomic():
                if snapshot:
                    with connection.cursor() as cursor:
                        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                run = list(objects[:size])
                fresh = [SearchDocument(kind=kind, object_id=o.pk, **describe(o)) for o in run]
                if not run:
                    documents.delete()
                    return None
                documents.filter(object_id__lte=run[-1].pk).delete()
                written = SearchDocument.objects.bulk_create(fresh)
                write_text(written)
                if connection.vendor == "postgresql":
                    SearchDocument.objects.filter(pk__in=[d.pk for d in written]).update(
                        vector=WEIGHTED_VECTOR, title_vector=TITLE_VECTOR
                    )
                return run[-1].pk, len(run)
        except OperationalError as error:
            # A serialization failure, or a deadlock with a save (PostgreSQL's codes).
            retry = getattr(error.__cause__, "pgcode", None) in ("40001", "40P01")
            if not retry or attempt == 5:
                raise


def saved(sender, instance, **kwargs):
    """Keep an object's own document in step with every save, fixtures and backups included."""
    try:
        index(instance)
    except ObjectDoesNotExist:
        pass  # loading a fixture: a related row comes later and indexes this one then


def deleted(sender, instance, **kwargs):
    unindex(instance)


def shown_before(sender, instance, **kwargs):
    """Before a save: the values of `instance`'s fields that other documents show, as stored."""
    fields = WATCHED[sender]
    stored = None
    if instance.pk is not None:
        stored = sender._default_manager.filter(pk=instance.pk).values(*fields).first()
    instance._search_shown = stored


def dependency_saved(sender, instance, created=False, update_fields=None, **kwargs):
    stored = instance.__dict__.pop("_search_shown", None)
    for dependency in DEPENDENCIES_OF[sender]:
        fields = dependency.fields
        if fields and not created and stored is not None:
            if update_fields is not None and not set(fields) & set(update_fields):
                continue
            if all(stored[field] == getattr(instance, field) for field in fields):
                continue
        reindex(dependency.target, dependency.dependents(instance))


def dependency_deleted(sender, instance, origin=None, **kwargs):
    # Deleting an article (a film) deletes its parts, its quotes (its awards) and their
    # documents with it: rewriting documents that are deleted a moment later would be wasted.
    if isinstance(origin, (Article, Film)) or getattr(origin, "model", None) in (Article, Film):
        return
    for dependency in DEPENDENCIES_OF[sender]:
        reindex(dependency.target, dependency.dependents(instance))


def bylines_added(sender, instance, action, reverse, pk_set, **kwargs):
    """`article.authors.add(person)` makes bylines without saving them one by one."""
    if action == "post_add" and pk_set:
        reindex(Quote, bylined_quotes(pk_set if reverse else [instance.pk]))


WATCHED = {}
DEPENDENCIES_OF = {}
for _dependency in DEPENDENCIES:
    DEPENDENCIES_OF.setdefault(_dependency.source, []).append(_dependency)
    if _dependency.fields:
        WATCHED.setdefault(_dependency.source, set()).update(_dependency.fields)


def connect():
    for model in DOCUMENTS:
        post_save.connect(saved, sender=model, dispatch_uid=f"search-save-{model.__name__}")
        post_delete.connect(deleted, sender=model, dispatch_uid=f"search-del-{model.__name__}")
    for model in DEPENDENCIES_OF:
        name = model.__name__
        if model in WATCHED:
            pre_save.connect(shown_before, sender=model, dispatch_uid=f"search-shown-{name}")
        post_save.connect(dependency_saved, sender=model, dispatch_uid=f"search-dep-save-{name}")
        post_delete.connect(dependency_deleted, sender=model, dispatch_uid=f"search-dep-del-{name}")
    m2m_changed.connect(
        bylines_added, sender=Article.authors.through, dispatch_uid="search-bylines-added"
    )


# Reading a query -----------------------------------------------------------------------------

TOKEN = re.compile(r'(-?)"([^"]*)"|(-?)([^\s"]+)')


@dataclass
class ParsedQuery:
    words: list
    phrases: list
    excluded: list
    alternatives: list  # groups of terms joined by "or": any one of a group will do
    prefix: bool = False  # the query ends with a word: it may be the beginning of a word

    @property
    def is_empty(self):
        return not (self.words or self.phrases)

    @property
    def required(self):
        """What a match needs: one term of each group (most groups hold a single term)."""
        return self.alternatives


def parse_query(text):
    """Words, "quoted phrases", -excluded terms and `or`, as a web search engine reads them."""
    words, phrases, excluded, groups = [], [], [], []
    joining = prefix = False
    # Arabic folded first: its vowel marks are no letters of a word (`\w`), and would split one.
    for minus_phrase, phrase, minus_word, word in TOKEN.findall(text.translate(ARABIC_FOLDING)):
        term = " ".join(re.findall(r"\w+(?:['’]\w+)*", phrase or word))
        if not term:
            continue
        prefix = False
        if word and term.lower() == "or":
            joining = bool(groups)
            continue
        if minus_phrase or minus_word:
            excluded.append(term)
            continue
        # A word of letters folding to nothing ("ƸƸƸ", "ʔʔʔ") begins no stored word.
        prefix = (
            bool(word)
            and len(re.findall(r"\w+", term)[-1]) >= PREFIX_LENGTH
            and bool(WORD.findall(folded(term)))
        )
        terms = [term] if phrase else term.split()
        (phrases if phrase and " " in term else words).extend(terms)
        for index, single in enumerate(terms):
            if joining and index == 0:
                groups[-1].append(single)
            else:
                groups.append([single])
        joining = False
    return ParsedQuery(words, phrases, excluded, groups, prefix)


# Searching ------------------------------------------------------------------------------------


@dataclass
class Result:
    kind: str
    label: str
    title: str
    url: str
    snippet: str
    year: int | None


def visible_documents(kind=None, theme=None, year=None):
    """Documents of things readers may see, with the filters."""
    # Articles and quotes are public when their article is: the articles' own rule, applied
    # through a join, so that each candidate is checked by key however large the archive is.
    # People are, but for those whom only hidden pieces name (a few, read once).
    documents = SearchDocument.objects.filter(
        Q(kind=SearchDocument.Kind.FILM)
        | Q(kind=SearchDocument.Kind.PERSON) & ~Q(object_id__in=unlisted_people())
        | public_condition("article__")
    )
    if kind in Article.Kind.values:
        documents = documents.filter(kind=SearchDocument.Kind.ARTICLE, article__kind=kind)
    elif kind:
        documents = documents.filter(kind=kind)
    if year:
        documents = documents.filter(year=year)
    if theme:
        tagged = Q()
        for model_kind in ("film", "article", "quote"):
            items = ThemedItem.objects.filter(
                tag=theme, content_type__app_label="archive", content_type__model=model_kind
            ).values("object_id")
            tagged |= Q(kind=model_kind, object_id__in=items)
        documents = documents.filter(tagged)
    return documents


class Ranked(list):
    """Result ids, best first. `more` is true when the query matched more documents than are
    ranked (CANDIDATES of titles or names, CANDIDATES of the rest): its length is then how
    many were ranked, not how many matched."""

    def __init__(self, ids=(), more=False):
        super().__init__(ids)
        self.more = more


def search(text, kind=None, theme=None, year=None):
    """Ranked result ids for a query, best first (at most 2 × CANDIDATES)."""
    parsed = parse_query(text)
    if parsed.is_empty:
        return Ranked()
    documents = visible_documents(kind, theme, year)
    if connection.vendor == "postgresql":
        return postgres_search(text, documents)
    document_kind = SearchDocument.Kind.ARTICLE if kind in Article.Kind.values else kind
    return sqlite_search(parsed, documents, kind_span(document_kind) if document_kind else None)


def kind_span(kind):
    """The first and last id of the documents of `kind`, between which the text table's rows
    of that kind lie (SQLite; migration 0023 indexes them): FTS5 reads a word's matches in row
    order, and the index is written kind by kind, so a search of the last kind, quotes, read
    every other kind's matches first (100 → 2 ms for "the" at 340,000 documents). None if there
    are none."""
    table = SearchDocument._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT min(id) FROM {table} WHERE kind = %s), "
            f"(SELECT max(id) FROM {table} WHERE kind = %s)",
            [kind, kind],
        )
        first, last = cursor.fetchone()
    return None if first is None else (first, last)


def matching(text, kind):
    """The ids of the objects of `kind` whose documents match `text`, every one of them, as a
    subquery (None if the query has no words to look for).

    For a list narrowed by a query in its own order (the API's `q`): the search page ranks a
    bounded set of candidates (`search`), which for a common word is a sample of its matches.
    Visibility is the list's own queryset's to apply.
    """
    parsed = parse_query(text)
    if parsed.is_empty:
        return None
    if connection.vendor == "postgresql":
        documents = SearchDocument.objects.filter(kind=kind, vector=tsquery(parsed))
        return documents.order_by().values("object_id")
    expression = fts_query(parsed)
    if expression is None:
        return None
    span = kind_span(kind) or (1, 0)  # none of the kind: nothing matches
    # The matching rows of the kind read once (`kind_span`), then looked up by id: as a join,
    # SQLite may read the documents of the kind first and run the match once for each (134 s
    # for "war" at 100,000 articles, against 20 ms).
    return RawSQL(
        f"SELECT document.object_id FROM {SearchDocument._meta.db_table} document "
        f"WHERE document.kind = %s AND document.id IN "
        f"(SELECT rowid FROM {TEXT_TABLE} WHERE {TEXT_TABLE} MATCH %s "
        f"AND rowid BETWEEN %s AND %s)",
        [kind, expression, *span],
    )


KINDS_FIRST_TO_LAST = ["film", "person", "article", "quote"]
KIND_ORDER = Case(
    *[When(kind=kind, then=Value(order)) for order, kind in enumerate(KINDS_FIRST_TO_LAST)],
    output_field=IntegerField(),
)


def tsquery(parsed):
    """The parsed query for to_tsquery, read with CONFIG (stemmed, accents folded), its words
    spelt as the stored text is (`folded`: "ə" as "e", migration 0028). The last word, when it
    may be the beginning of one, is also matched as a whole word, as the beginning of a stored
    word as typed, or by a stem it begins with (`shorter_stems`), as on SQLite. As typed:
    read with the `simple` configuration, folded as the index is, not stemmed: stemmed first,
    "doing" looked for words beginning "do" ("documentary", "DOX"), "witnessing" for words
    beginning "wit" ("with")."""

    def spelt(term):
        """The words of `term` as stored; as written where they spell nothing ("ƸƸƸ")."""
        return re.findall(r"\w+", folded(term)) or re.findall(r"\w+", term)

    def phrase(term):
        return "(" + " <-> ".join(f"'{word}'" for word in spelt(term)) + ")"

    def raw(text):
        return SearchQuery(text, search_type="raw", config=CONFIG)

    *groups, last = [[phrase(term) for term in group] for group in parsed.required] or [[]]
    groups = [f"({' | '.join(group)})" for group in groups]
    groups += [f"!{phrase(term)}" for term in parsed.excluded]
    if not (parsed.prefix and parsed.required):
        query = " & ".join([*groups, f"({' | '.join(last)})"] if last else groups)
        return raw(query)
    # The term being typed: its other words and its last word as a whole word or a shorter
    # stem (CONFIG), or as the beginning of a word (`simple`, after the same folding).
    term = parsed.required[-1][-1]
    words = spelt(term)
    typed = typed_word(term)
    before = " <-> ".join(f"'{word}'" for word in words[:-1])
    forms = [*last[:-1]] + [
        "(" + " <-> ".join([*filter(None, [before]), f"'{word}'"]) + ")"
        for word in dict.fromkeys([words[-1], *shorter_stems(typed)])
    ]
    beginning = SearchQuery(f"'{typed}':*", search_type="raw", config="simple")
    if before:
        beginning = CombinedSearchQuery(raw(before), "<->", beginning, CONFIG)
    typing = raw(" | ".join(forms)) | beginning
    return raw(" & ".join(groups)) & typing if groups else typing


# PostgreSQL's planner costs reading a page at random four times reading the next one, as on a
# spinning disk (`random_page_cost` 4). The search index is read from memory, where the two
# cost alike: costed as on a disk, a search narrowed to one kind read the table in order until
# it had CANDIDATES matches, through every document of the kinds stored before it (the index
# is written kind by kind): quotes, the last, took 0.5 to 0.7 s for any word at 340,000
# documents, against 5 to 40 ms through the indexes. 1.1 is the value usually given for
# storage without seeks; it holds for the search's queries alone.
SEARCH_PLANNER_SETTINGS = "SET LOCAL random_page_cost = 1.1"


def postgres_search(text, documents):
    """Rank title or name matches and other matches, up to CANDIDATES of each.

    Candidates are read in no particular order, so that PostgreSQL stops reading as soon as it
    has enough of them when a word is everywhere, and reads only the GIN index's matches when
    it is rare. Only a query matching more than CANDIDATES documents leaves some unranked.
    """
    with transaction.atomic(using=documents.db, savepoint=False):
        with connections[documents.db].cursor() as cursor:
            cursor.execute(SEARCH_PLANNER_SETTINGS)
        return ranked_candidates(text, documents)


def ranked_candidates(text, documents):
    parsed = parse_query(text)
    query = tsquery(parsed)
    matches = documents.filter(vector=query).order_by().values_list("pk", flat=True)
    # A document whose title or names match matches as a whole (its vector holds them), unless
    # a word left out is elsewhere in it. Asked of both indexes, PostgreSQL would read every
    # match of a common word in the larger one (58 ms against 8 at 340,000 documents).
    on_titles = matches if parsed.excluded else documents.order_by().values_list("pk", flat=True)
    on_titles = list(on_titles.filter(title_vector=query)[:CANDIDATES])
    others = list(matches[:CANDIDATES])
    more = CANDIDATES in (len(on_titles), len(others))
    candidates = list(dict.fromkeys(on_titles + others))
    # Matches on a title or a name come first — films and people before articles before
    # quotes, as a title or a name most often means the film's or the person's own page —
    # then everything else by weighted rank.
    ranked = (
        SearchDocument.objects.filter(pk__in=candidates)
        .annotate(
            on_title=ExpressionWrapper(Q(title_vector=query), output_field=BooleanField()),
            title_rank=SearchRank(F("title_vector"), query),
            kind_order=KIND_ORDER,
            rank=SearchRank(F("vector"), query, normalization=Value(1)),
        )
        .order_by(
            "-on_title",
            "kind_order",
            "-title_rank",
            "-rank",
            F("year").desc(nulls_last=True),
            "-pk",
        )
        .values_list("pk", flat=True)
    )
    return Ranked(ranked, more)


def fts_query(parsed):
    """The parsed query in FTS5's syntax, over the stored text (`stemmed`; None: nothing to
    match). The last word, when it may be the beginning of one, matches as typed at the
    beginning of a stored word, as a whole word by its stem ("helmets", stored "helmet"), or
    by a stem it begins with (`shorter_stems`: "nomina", of "nominated", stored "nomin")."""

    def phrase(term, last=False):
        words = re.findall(r"\w+", stemmed(term))
        if not words:
            return None
        whole = '"' + " ".join(words) + '"'
        if not (last and parsed.prefix):
            return whole
        typed = typed_word(term)
        forms = [" ".join([*words[:-1], typed]) + '"*']
        if typed != words[-1]:
            forms.append(" ".join(words) + '"')
        forms += [" ".join([*words[:-1], stem]) + '"' for stem in shorter_stems(typed)]
        return "(" + " OR ".join('"' + form for form in dict.fromkeys(forms)) + ")"

    groups = []
    for number, group in enumerate(parsed.required, start=1):
        last = number == len(parsed.required)
        alternatives = [
            phrase(term, last and position == len(group))
            for position, term in enumerate(group, start=1)
        ]
        alternatives = [alternative for alternative in alternatives if alternative]
        if not alternatives:
            return None
        groups.append("(" + " OR ".join(alternatives) + ")")
    expression = "(" + " AND ".join(groups) + ")"
    for term in parsed.excluded:
        if excluded := phrase(term):
            expression = f"({expression} NOT {excluded})"
    return expression


def text_matching(documents, expression, **extra):
    """The documents whose folded text in the FTS5 table matches `expression` (SQLite), with
    `extra` columns read from that table's row (bm25)."""
    return documents.extra(
        tables=[TEXT_TABLE],
        where=[f"{TEXT_TABLE}.rowid = archive_searchdocument.id", f"{TEXT_TABLE} MATCH %s"],
        params=[expression],
        **extra,
    )


def sqlite_search(parsed, documents, span=None):
    """Rank as postgres_search does: title or name matches first, then by kind, bm25 over the
    title and name columns alone, bm25 over every weighted column, year; and, as there, only a
    bounded set of candidates (up to CANDIDATES title or name matches and CANDIDATES others,
    read in the index's order), so that a word in most documents costs what a rarer one does
    (ranking all of them took a second for a word in every document of a large archive)."""
    expression = fts_query(parsed)
    if expression is None:
        return Ranked()
    title_names = "{title names} : " + expression

    def matching(fts_expression):
        found = text_matching(documents, fts_expression).order_by()
        if span:
            found = found.extra(where=[f"{TEXT_TABLE}.rowid BETWEEN %s AND %s"], params=span)
        return list(found.values_list("pk", flat=True)[:CANDIDATES])

    on_titles, others = matching(title_names), matching(expression)
    more = CANDIDATES in (len(on_titles), len(others))
    candidates = list(dict.fromkeys(on_titles + others))
    if not candidates:
        return Ranked()
    weights = ", ".join(str(weight) for weight in FIELD_WEIGHTS.values())
    # FTS5 is asked for the rows between the first and the last candidate only (read in the
    # index's order, they lie close together), not every match of the query (a word in nearly
    # every document was matched in full to rank a thousand: 600 → 35 ms at 340,000 documents).
    # bm25 weighs each word by how many documents of the whole table hold it, either way.
    span = f"{TEXT_TABLE}.rowid BETWEEN %s AND %s"
    ends = [min(candidates), max(candidates)]
    ranked = (
        text_matching(
            SearchDocument.objects.filter(pk__in=candidates).extra(where=[span], params=ends),
            expression,
            select={
                "on_title": f"{TEXT_TABLE}.rowid IN "
                f"(SELECT rowid FROM {TEXT_TABLE}(%s) WHERE rowid BETWEEN %s AND %s)",
                "title_rank": f"bm25({TEXT_TABLE}, 1.0, 1.0, 0.0, 0.0)",
                "rank": f"bm25({TEXT_TABLE}, {weights})",
            },
            select_params=[title_names, *ends],
        )
        .annotate(kind_order=KIND_ORDER)
        # bm25 is lower for a better match, ts_rank higher.
        .order_by(
            "-on_title",
            "kind_order",
            "title_rank",
            "rank",
            F("year").desc(nulls_last=True),
            "-pk",
        )
        .values_list("pk", flat=True)
    )
    return Ranked(ranked[: CANDIDATES * 2], more)


EXCERPTED_FIELDS = ("names", "summary", "body")
FRAGMENT_DELIMITER = " … "
MARKS = MARK_START + MARK_END


def shown(text):
    """A field's text as an excerpt shows it: on one line, without the characters that mark
    matched words (pasted into a text, one became a stray <mark> or </mark>)."""
    return " ".join(text.translate({ord(mark): None for mark in MARKS}).split())


def without_marks(name):
    """The field `name` without the characters that mark matched words (PostgreSQL)."""
    return Func(F(name), Value(MARKS), Value(""), function="translate")


def results(text, ids):
    """The result rows for one page of ids, in that order, with highlighted snippets.

    A snippet is an excerpt of one field — the other names, the summary or the body, whichever
    first holds the whole query (a phrase as its words in a row), else first has a word of
    it — cut at word boundaries, "…" where it starts or ends inside
    its field. On PostgreSQL, ts_headline writes each field's (it marks the words the query
    matched as stemmed: "bombs" marks "bomb"); elsewhere, and for a match on the title alone,
    `excerpt` does. A quoted phrase is marked only where its words are in a row
    (`phrases_marked_whole`).
    """
    documents = SearchDocument.objects.filter(pk__in=ids)
    parsed = parse_query(text)
    if connection.vendor == "postgresql":
        query = tsquery(parsed)
        options = {
            "config": CONFIG,
            "start_sel": MARK_START,
            "stop_sel": MARK_END,
            "max_words": 30,
            "min_words": 12,
            "max_fragments": 2,
            "fragment_delimiter": FRAGMENT_DELIMITER,
            # Short words at either end are text like any other ("A volunteer…" began
            # "… volunteer").
            "short_word": 0,
        }
        documents = documents.annotate(
            **{
                f"{name}_headline": SearchHeadline(without_marks(name), query, **options)
                for name in EXCERPTED_FIELDS
            }
        )
    by_pk = {document.pk: document for document in documents}
    rows = []
    for pk in ids:
        document = by_pk.get(pk)
        if document is None:
            continue
        snippet = headline(document, parsed)
        if snippet is None or not shows_a_phrase(snippet, parsed):
            # ts_headline's fragments can cut a phrase, or leave it out for the words around
            # it: the excerpt written here then holds it whole, when its field does.
            written = excerpt(document, parsed)
            if snippet is None or shows_a_phrase(written, parsed):
                snippet = written
        snippet = phrases_marked_whole(snippet, parsed)
        rows.append(
            Result(
                kind=document.kind,
                label=document.label,
                title=document.title,
                url=document.url,
                snippet=highlighted(snippet),
                year=document.year,
            )
        )
    return rows


def headline(document, parsed):
    """The headline (PostgreSQL) of the first field that holds the whole query (`passage`),
    else of the first it marks a word in; "…" where it is cut. None when ts_headline marked
    nothing there (it can miss a phrase with a word being typed): `excerpt` then writes it.
    None too when a field holds Arabic that the index reads folded (`ARABIC_FOLDING`):
    ts_headline reads the text as written, and left "آخر" plain where "اخر" had found it."""
    texts = [getattr(document, name) or "" for name in EXCERPTED_FIELDS]
    if any(text.translate(ARABIC_FOLDING) != text for text in texts):
        return None
    whole = next(
        (name for name in EXCERPTED_FIELDS if passage(getattr(document, name), parsed)), None
    )
    for name in [whole] if whole else EXCERPTED_FIELDS:
        marked = getattr(document, f"{name}_headline", None)
        if not marked or MARK_START not in marked:
            continue
        field = shown(getattr(document, name))
        fragments = marked.split(FRAGMENT_DELIMITER)
        words = [" ".join(fragment.replace(MARK_START, "").replace(MARK_END, "").split())
                 for fragment in (fragments[0], fragments[-1])]  # fmt: skip
        snippet = " ".join(marked.split())
        # ts_headline ends a fragment on a word: the punctuation around a field's first or
        # last word is given back rather than taken for more text ("rubble." was "rubble …").
        start, end = field.find(words[0]), field.rfind(words[1])
        if start < 0 or WORD.search(field[:start]):
            snippet = "… " + snippet
        else:
            snippet = field[:start] + snippet
        end = end + len(words[1]) if end >= 0 else -1
        if end < 0 or WORD.search(field[end:]):
            snippet += " …"
        else:
            snippet += field[end:]
        return snippet
    return None


# A word of stored text, Arabic vowel marks and tatweel within it included (they are no `\w`):
# "فَيّاض" is one word to mark, as the index reads it (`folded`), not four pieces.
WORD = re.compile(r"\w[\w\u0640\u064B-\u065F\u0670]*")


@functools.lru_cache(maxsize=65536)
def stored_word(word):
    """One word of a text as the search table holds it (excerpts look at every word of a
    body in turn: remembered, as most are common ones)."""
    return "".join(WORD.findall(stemmed(word)))


def matching_words(parsed, phrases=True):
    """Whether a word of the stored text is one the query asks for, as the database reads it:
    whole words, folded and stemmed ("wars" for "war"), the last one also as the beginning of
    a word, as typed, or by a stem it begins with (see `fts_query`). Without `phrases`, the
    words asked for by themselves only."""
    terms = parsed.words + (parsed.phrases if phrases else [])
    wanted = {word for term in terms for word in WORD.findall(stemmed(term))}
    beginning = None
    if parsed.prefix and parsed.required:
        beginning = typed_word(parsed.required[-1][-1])
        wanted.update(shorter_stems(beginning))

    def matches(word):
        stored = stored_word(word)
        return stored in wanted or bool(beginning and stored.startswith(beginning))

    return matches


def passage(text, parsed):
    """Where `text`, one field, holds the whole of a query with a phrase — a term of each
    group, the phrase as its words in a row ("the dilemma", not a "the" anywhere) — : the
    first word of the first such term, or None. The last word may be the beginning of one, as
    `matching_words` reads it. A query of words alone is shown where one of them is (None
    here): reading every word of each field for it cost a millisecond or more a body."""
    if not parsed.phrases:
        return None
    words = list(WORD.finditer(text))
    stored = [stored_word(word.group()) for word in words]
    at = {}  # each stored word's places, so that a term is looked for only where it may begin
    for place, word in enumerate(stored):
        at.setdefault(word, []).append(place)
    beginning = typed_word(parsed.required[-1][-1]) if parsed.prefix and parsed.required else ""
    shorter = shorter_stems(beginning) if beginning else []

    def typed(word, wanted):
        return word == wanted or word.startswith(beginning) or word in shorter

    first = None
    for number, group in enumerate(parsed.required, start=1):
        starts = []
        for position, term in enumerate(group, start=1):
            wanted = WORD.findall(stemmed(term))
            if not wanted:
                continue
            typing = beginning and number == len(parsed.required) and position == len(group)
            size = len(wanted)
            if typing and size == 1:
                places = sorted(
                    p for word, found in at.items() if typed(word, wanted[0]) for p in found
                )
            else:
                places = at.get(wanted[0], [])
            for start in places:
                last = stored[start + size - 1] if start + size <= len(stored) else None
                if (
                    last is not None
                    and stored[start : start + size - 1] == wanted[:-1]
                    and (last == wanted[-1] or (typing and typed(last, wanted[-1])))
                ):
                    starts.append(start)
                    break
        if not starts:
            return None
        first = min(starts) if first is None else min(first, *starts)
    return words[first] if first is not None else None


def excerpt(document, parsed, width=220):
    """An excerpt of one field — the other names, the summary or the body, whichever first
    holds the whole query (`passage`), else first has a word of it — cut at word boundaries,
    with the matched words marked."""
    matches = matching_words(parsed)
    fields = [shown(text) for text in (document.names, document.summary, document.body)]
    chosen, found = None, None
    for text in fields:
        found = passage(text, parsed)
        if found:
            chosen = text
            break
    for text in fields if chosen is None else []:
        found = next((word for word in WORD.finditer(text) if matches(word.group())), None)
        if found:
            chosen = text
            break
    if chosen is None:  # a match on the title alone: the text that describes it best
        described = [document.summary, document.body, document.names, document.title]
        chosen = next((shown(text) for text in described if shown(text)), "")
    start = 0
    if found and found.start() > width // 3:
        start = chosen.rfind(" ", 0, found.start() - width // 3) + 1
    phrase = phrase_span(chosen, parsed) if found else None
    if phrase and phrase[1] > start + width:  # cut by the excerpt's end: the excerpt ends on it
        start = min(chosen.find(" ", phrase[1] - width) + 1 or phrase[0], phrase[0])
    end = len(chosen)
    if end - start > width:
        end = chosen.rfind(" ", start, start + width + 1)
        end = end if end > start else start + width
        end = max(end, phrase[1]) if phrase else end
    marked = WORD.sub(
        lambda word: (
            f"{MARK_START}{word.group()}{MARK_END}" if matches(word.group()) else word.group()
        ),
        chosen[start:end],
    )
    # "…" a word of its own, as ts_headline's read ("cinema. …", not "cinema.…").
    return ("… " if start else "") + marked + (" …" if end < len(chosen) else "")


def phrase_span(text, parsed):
    """Where `text` holds a quoted phrase of the query as its words in a row: (start, end) of
    the first such phrase in it, or None."""
    if not parsed.phrases:
        return None
    words = list(WORD.finditer(text))
    stored = [stored_word(word.group()) for word in words]
    spans = []
    for phrase in parsed.phrases:
        wanted = WORD.findall(stemmed(phrase))
        for start in range(len(stored) - len(wanted) + 1) if wanted else []:
            if stored[start : start + len(wanted)] == wanted:
                spans.append((words[start].start(), words[start + len(wanted) - 1].end()))
                break
    return min(spans, default=None)


def shows_a_phrase(snippet, parsed):
    """Whether an excerpt shows a quoted phrase of the query whole, within one of its fragments
    (a query without one needs none)."""
    return not parsed.phrases or any(phrase_span(part, parsed) for part in snippet.split("…"))


def phrases_marked_whole(snippet, parsed):
    """`snippet` with the marks taken off a quoted phrase's words where they stand alone:
    ts_headline and `excerpt` mark each word of the query wherever it is, so a search for
    "last men" marked every "men" and "last" in the excerpt, as if each had been found. The
    phrase keeps its marks where its words are in a row, as does a word the query also asks
    for by itself; a word marked that is not one of the phrase's keeps its mark."""
    if not parsed.phrases or MARK_START not in snippet:
        return snippet
    words = list(WORD.finditer(snippet))
    stored = [stored_word(word.group()) for word in words]
    phrase_words, in_a_row = set(), set()
    for phrase in parsed.phrases:
        wanted = WORD.findall(stemmed(phrase))
        phrase_words.update(wanted)
        for start in range(len(stored) - len(wanted) + 1):
            if stored[start : start + len(wanted)] == wanted:
                in_a_row.update(range(start, start + len(wanted)))
    asked_alone = matching_words(parsed, phrases=False)
    kept, end = [], 0
    for place, word in enumerate(words):
        marked = (
            snippet[word.start() - 1 : word.start()] == MARK_START
            and snippet[word.end() : word.end() + 1] == MARK_END
        )
        if (
            marked
            and place not in in_a_row
            and stored[place] in phrase_words
            and not asked_alone(word.group())
        ):
            kept += [snippet[end : word.start() - 1], word.group()]
            end = word.end() + 1
    return "".join(kept) + snippet[end:]


def highlighted(snippet):
    """Escape a snippet, then turn the match markers into <mark> elements."""
    escaped = str(escape(snippet))
    return mark_safe(escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))  # noqa: S308
