"""Admin search that folds accents: "soren" finds "Søren", "khaled" finds "Khāled".

Each word typed is transliterated (anyascii: "Søren" → "soren") and turned into a
case-insensitive regular expression in which every letter also matches the letters that
transliterate to it ("o" matches o, ø, ö, ó…; "ss" matches ß; "ae" matches æ). The same
expression runs on SQLite and PostgreSQL, and needs no folded copy of the text in the database.
A search reads its first MAX_WORDS different words (`search_words`).
"""

import functools
import operator
import string
from collections import defaultdict

from anyascii import anyascii
from django.contrib import messages
from django.db.models import Q, QuerySet
from django.utils.text import smart_split, unescape_string_literal

from .. import search

# Latin letters with diacritics and the Latin letters of their own (ø, æ, ß, đ, ł, þ…).
LATIN_RANGES = [(0x00C0, 0x024F), (0x1E00, 0x1EFF)]


def _letters_by_transliteration():
    single, double = defaultdict(set), defaultdict(set)
    for start, end in LATIN_RANGES:
        for code in range(start, end + 1):
            letter = chr(code).lower()
            ascii_form = anyascii(letter).lower()
            if not ascii_form.isascii() or not ascii_form.isalpha() or ascii_form == letter:
                continue
            if len(ascii_form) == 1:
                single[ascii_form].add(letter)
            elif len(ascii_form) == 2:
                double[ascii_form].add(letter)
    return single, double


SINGLE, DOUBLE = _letters_by_transliteration()


# Each word is a condition of its own on the list: a search of hundreds of words (a page pasted
# into the box, or an address made so) held PostgreSQL for minutes (100 words: 4 to 7 s on the
# film and people lists; 300, past six minutes).
MAX_WORDS = 10


def search_words(search_term):
    """The different words of `search_term` (a word typed again, in any capitals, counts once):
    the first MAX_WORDS, looked for, and those left out."""
    words = {}
    for bit in smart_split(search_term):
        words.setdefault(bit.casefold(), bit)
    words = list(words.values())
    return words[:MAX_WORDS], words[MAX_WORDS:]


def is_latin(character):
    """Latin letters are folded; other scripts (an Arabic or Chinese name) are kept."""
    return any(start <= ord(character) <= end for start, end in LATIN_RANGES)


def _one(character):
    if character in SINGLE:
        return "[" + character + "".join(sorted(SINGLE[character])) + "]"
    if character.isascii() and not character.isalnum():
        # Escaped the way both Python's and PostgreSQL's regular expressions read it.
        return "\\" + character if character in string.punctuation else character
    return character


def folded_pattern(word):
    """A case-insensitive regular expression matching `word` with or without its accents."""
    text = "".join(
        anyascii(character) if is_latin(character) else character for character in word
    ).lower()
    parts, index = [], 0
    while index < len(text):
        pair = text[index : index + 2]
        if pair in DOUBLE:
            alternatives = "".join(sorted(DOUBLE[pair]))
            parts.append(f"(?:{_one(pair[0])}{_one(pair[1])}|[{alternatives}])")
            index += 2
        else:
            parts.append(_one(text[index]))
            index += 1
    return "".join(parts)


class FoldedSearchMixin:
    """search_fields searched word by word, each word matched with its accents folded.

    Every word must be found in one of the fields (as Django's own search does), each word on
    its own: in the title, in one exchange or in another. Each word is a subquery of the
    objects it is found in, so the fields across relations (an article's films, its exchanges)
    are joined once per word: filtering the list itself once per word joined them again for
    each word, and the rows multiplied (six words took minutes on the demo's two articles).
    The lookup prefixes ("^", "=", "@") are not used here.
    """

    # A list long enough to need the site's search index names its documents' kind: each
    # word is then looked for in the index (`indexed_search_results`), and folded in the
    # fields of `search_also` only (what its documents do not hold).
    search_kind = None
    search_also = ()

    def get_search_results(self, request, queryset, search_term):
        fields = [name.lstrip("^=@") for name in self.get_search_fields(request)]
        if not fields or not search_term.strip():
            return queryset, False
        words, left_out = search_words(search_term)
        if left_out:
            self.say_words_left_out(request, left_out)
        if self.search_kind:
            return indexed_search_results(self, queryset, words), False
        objects = self.model._default_manager
        for bit in words:
            pattern = folded_pattern(unquoted(bit))
            if not pattern:
                continue
            found = functools.reduce(
                operator.or_, (Q(**{f"{field}__iregex": pattern}) for field in fields)
            )
            queryset = queryset.filter(pk__in=objects.filter(found).values("pk"))
        return queryset, False

    def say_words_left_out(self, request, left_out):
        """On the list (not in an autocomplete's suggestions), which words were not looked for:
        once, though the list is searched again for each filter's counts ("Show counts")."""
        match = request.resolver_match
        if (
            match is None
            or match.url_name != f"{self.opts.app_label}_{self.opts.model_name}_changelist"
            or getattr(request, "words_left_out_said", False)
        ):
            return
        request.words_left_out_said = True
        self.message_user(
            request,
            f"Only the first {MAX_WORDS} different words were searched for: "
            f"“{' '.join(left_out)}” were left out.",
            messages.INFO,
        )


def unquoted(bit):
    if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
        return unescape_string_literal(bit)
    return bit


def indexed_search_results(model_admin, queryset, words):
    """The articles (or quotes) with every one of `words`, each word looked for as the site's
    search reads it: in any of its forms or as the beginning of a word, accents folded, in
    the text the search index keeps of each (an article's title, standfirst, body and every
    exchange; a quote's words, who said them and its source), drafts included; or, folded, in
    `search_also` (the titles of an article's films). A regular expression over every body
    and exchange took 5 seconds on PostgreSQL and 12 on SQLite at 100,000 articles.

    On PostgreSQL each word is one `IN` of the union of where it was found, whose size the
    planner estimates from the index's statistics. As an `OR` of two `IN`s it could not: it
    took three quarters of the list for any word, and looked for a word in a hundred articles
    of 100,000 by reading the whole list in order (180 ms for the page, as long again for the
    dates above it). The union is a distinct one: the planner takes a union of all rows,
    made distinct for the join, to hold 200 whatever its size, and joined a word found in
    80,000 articles as if it were rare, row by row."""
    for bit in words:
        indexed = search.matching(bit, model_admin.search_kind)
        pattern = folded_pattern(unquoted(bit))
        related = [related_matching(model_admin.model, path, pattern)
                   for path in model_admin.search_also] if pattern else []  # fmt: skip
        if isinstance(indexed, QuerySet):
            found = indexed.union(*related) if related else indexed
            queryset = queryset.filter(pk__in=found)
            continue
        conditions = [Q(pk__in=ids) for ids in [indexed] + related if ids is not None]
        if conditions:
            queryset = queryset.filter(functools.reduce(operator.or_, conditions))
    return queryset


def related_matching(model, path, pattern):
    """The ids of the objects of `model` whose related object's field (`path`, "films__title")
    matches the regular expression `pattern`. The related objects are matched first (the
    10,000 films), their links then read by their index; joined from the other side, the
    expression ran on the film of every link (100,000 articles' films, a second on SQLite)."""
    relation, field = path.rsplit("__", 1)
    related = model._meta.get_field(relation).related_model
    found = related._default_manager.filter(**{f"{field}__iregex": pattern}).values("pk")
    # By id, so that an article with two such films is listed once.
    return model._default_manager.filter(**{f"{relation}__in": found}).order_by().values("pk")
