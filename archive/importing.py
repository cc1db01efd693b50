"""
Plain text as editors receive it — copied from a web page, or an interview's transcript — made
into the parts of a draft article.

Reading is pure: `decode()` turns the bytes of a file into text (or refuses them with a message
for the editor), `read_text()` splits the text into a title, a standfirst, paragraphs and, for an
interview, its exchanges, and lists the debris it dropped; `recognise()` finds the films, people
and themes of the archive named in it. Nothing is saved until the editor has seen the result and
corrected it: `save_draft()` and `add_exchanges()` then write it, all or nothing.
"""

import codecs
import re
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import Truncator

from . import publishing, search
from .models import Article, ArticleFilm, ArticlePerson, Exchange, Film, Person, Theme

MAX_BYTES = 1_000_000
MAX_SIZE_LABEL = "1 MB"


class ImportRefused(ValueError):
    """Text that cannot be imported; the message is written for the editor."""


# Decoding --------------------------------------------------------------------------------------


def decode(data):
    """The text of a file's bytes: UTF-8 (with or without a byte order mark), UTF-16 (with its
    byte order mark, or recognisably without), else Windows-1252 (Latin-1 as Windows writes
    it), which any bytes decode to.

    Refused: an empty file, a file over MAX_BYTES, and binary files (NUL bytes outside UTF-16
    text, or control characters that no text contains).
    """
    if len(data) > MAX_BYTES:
        raise ImportRefused(too_large(len(data)))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportRefused("The file says it is UTF-16 text but is not.") from None
    elif b"\x00" in data and (encoding := utf16_without_bom(data)):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            raise ImportRefused("This is not a text file (it holds binary data).") from None
    elif b"\x00" in data:
        raise ImportRefused("This is not a text file (it holds binary data). Import a .txt file.")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    return check_text(text)


def utf16_without_bom(data):
    """ "utf-16-le" or "utf-16-be" for bytes that read as UTF-16 without a byte order mark (some
    editors save it so): a NUL byte in every other place, as each Latin letter is written in
    it, and hardly any in the others (一, U+4E00, or a combining accent, U+0300, has one);
    else None. What decodes is still checked as text."""
    if len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    if odd.count(0) > len(odd) // 3 and even.count(0) <= len(even) // 20:
        return "utf-16-le"
    if even.count(0) > len(even) // 3 and odd.count(0) <= len(odd) // 20:
        return "utf-16-be"
    return None


def too_large(size):
    return (
        f"The file is {size / 1_000_000:.1f} MB: the limit is {MAX_SIZE_LABEL}. "
        "Import a shorter text, or split it."
    )


def check_text(text):
    """`text` if it is worth importing, else ImportRefused with the reason."""
    if len(text.encode("utf-8", errors="replace")) > MAX_BYTES:
        raise ImportRefused(f"The text is longer than the limit of {MAX_SIZE_LABEL}.")
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\t\n\r\f")
    if "\x00" in text or controls > len(text) // 100:
        raise ImportRefused("This is not a text file (it holds binary data). Import a .txt file.")
    if not text.strip():
        raise ImportRefused("The text is empty: there is nothing to import.")
    return text


# Reading ---------------------------------------------------------------------------------------


@dataclass
class ImportedExchange:
    question: str
    answer: str


@dataclass
class ImportedText:
    """What `read_text()` found: the parts of a draft, and the lines it left out."""

    kind: str
    title: str = ""
    standfirst: str = ""
    paragraphs: list = field(default_factory=list)
    exchanges: list = field(default_factory=list)
    dropped: list = field(default_factory=list)
    interviewee_name: str = ""

    @property
    def body(self):
        return "\n\n".join(self.paragraphs)

    @property
    def words(self):
        """All the text kept, where the archive's names are looked for."""
        parts = [*self.paragraphs]
        for exchange in self.exchanges:
            parts += [exchange.question, exchange.answer]
        return "\n\n".join(parts)


# Lines copied from a page's furniture rather than its text: tracking ids, links to the top,
# share buttons, navigation. A line is debris when every word of it is one of these.
TRACKING_ID = re.compile(r"^(UA-\d{4,}-\d+|G-[A-Z0-9]{6,}|GTM-[A-Z0-9]{4,}|AW-\d{6,})$", re.I)
DEBRIS_WORDS = set(
    """go top back to up share shares tweet facebook twitter x whatsapp linkedin pinterest
    reddit email e-mail mail print copy link this article page on via us follow subscribe
    home menu next previous prev skip content main navigation search close read more comments
    comment advertisement advert sponsored related posts post story stories newer older""".split()
)
DEBRIS_SYMBOLS = set("↑⬆^|»«›‹•·>-–—")


BREADCRUMB = re.compile(r"\s(»|›|>|/|\|)\s")


def is_debris(line):
    """Whether `line` is page furniture: debris words only, or a short trail of breadcrumbs."""
    if len(BREADCRUMB.findall(line)) >= 2 and len(line.split()) <= 12:
        return True
    words = [word.strip(".,:;!()[]") for word in line.split()]
    words = [word for word in words if word and word not in DEBRIS_SYMBOLS]
    if not words:
        return not line.strip() or all(char in DEBRIS_SYMBOLS | {" "} for char in line.strip())
    return all(TRACKING_ID.match(word) or word.casefold() in DEBRIS_WORDS for word in words)


def paragraphs_of(text):
    """The paragraphs of `text` and the debris lines dropped from it.

    Paragraphs are separated by blank lines or, as text copied from a page comes, one to a
    line. A line that does not end a sentence and is followed by one starting in lower case
    was wrapped: it is joined to the next.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    paragraphs, dropped = [], []
    joining = False
    for raw in text.split("\n"):
        line = re.sub(r"[ \t\u00a0]{2,}", " ", raw).strip()
        if not line:
            joining = False
            continue
        if is_debris(line):
            dropped.append(line)
            joining = False
            continue
        if joining and paragraphs and line[:1].islower():
            paragraphs[-1] += " " + line
        else:
            paragraphs.append(line)
        joining = not re.search(r"[.!?:…\"”’)]$", line)
    return paragraphs, dropped


SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])")


def sentences_of(paragraph):
    """The sentences of a paragraph, each with its closing quotation marks."""
    pieces, start = [], 0
    for end in SENTENCE_END.finditer(paragraph):
        pieces.append(paragraph[start : end.start() + len(end.group().rstrip())].strip())
        start = end.end()
    pieces.append(paragraph[start:].strip())
    return [piece for piece in pieces if piece]


def asks(sentence):
    return bool(re.search(r"\?[\"”’)]*$", sentence))


ADDRESSED = re.compile(r"\byou(r|rs|rself)?\b", re.I)
REPLY = re.compile(r"^(Yes|No|Yeah|Exactly|Absolutely|Definitely|Of course|Sure|Right)\b")
OPENER = re.compile(rf"{REPLY.pattern}|^(Actually|Well|Honestly)\b")


def question_in(paragraph):
    """(question, start of the answer) if `paragraph` opens with a question, else None.

    The question runs from the start of the paragraph through its first sentence that asks
    (and any asking sentences right after it); what follows begins the answer, unless the
    answer plainly starts one sentence later ("…bombs? We see in the film… Actually, …"): a
    remark after the question is the interviewer's too. A paragraph
    that addresses the interviewee and is answered with "Yes"/"No" in the same paragraph (a
    statement put to them rather than a question) is split before the reply.
    """
    sentences = sentences_of(paragraph)
    asking = [index for index, sentence in enumerate(sentences) if asks(sentence)]
    if asking:
        last = asking[0]
        while last + 1 < len(sentences) and asks(sentences[last + 1]):
            last += 1
        rest = sentences[last + 1 : last + 3]
        if len(rest) == 2 and not OPENER.match(rest[0]) and OPENER.match(rest[1]):
            last += 1
    else:
        replies = [index for index, sentence in enumerate(sentences) if REPLY.match(sentence)]
        if not replies or replies[0] == 0 or not ADDRESSED.search(sentences[0]):
            return None
        last = replies[0] - 1
    return " ".join(sentences[: last + 1]), " ".join(sentences[last + 1 :])


LABEL = re.compile(
    r"^(?P<label>[^\W\d_][\w.'’-]*(?: [^\W\d_][\w.'’-]*){0,3})\s*:\s+(?P<said>\S.*)$"
)
# Words written in lower case within a name: "Lars von Trier", "Haifaa al-Mansour".
NAME_PARTICLES = set(
    """al el ibn bin ben van von der den de del della di da dos das do du la le ter ten zu y e
    of""".split()
)


def is_speaker(label):
    """Whether `label`, the words before a colon, is written as a speaker's name or "Q": each
    word capitalised (in any alphabet: "Éric Rohmer"), but for particles ("Lars von Trier",
    "Haifaa al-Mansour"), never the first."""
    first, *rest = label.split()
    return first[0].isupper() and all(
        word[0].isupper() or word.split("-")[0] in NAME_PARTICLES for word in rest
    )


QUESTION_LABELS = {"q", "question", "interviewer"}
ANSWER_LABELS = {"a", "answer"}


def labelled_turns(paragraphs):
    """The turns of a transcript whose paragraphs start with "Q:"/"A:" or speakers' names.

    Returns (paragraphs before the first turn, [(label, text)], interviewee's name) or None if
    the text is not labelled that way: it needs two labels used four times between them, one
    of which asks; or, when one of them says it asks ("Q:", "Interviewer:"), a single turn of
    each (a transcript of one exchange).
    """
    first, turns = None, []
    for index, paragraph in enumerate(paragraphs):
        match = LABEL.match(paragraph)
        if match and is_speaker(match["label"]):
            if first is None:
                first = index
            turns.append([match["label"], match["said"]])
        elif turns:
            turns[-1][1] += "\n\n" + paragraph
    labels = Counter(label.casefold() for label, _ in turns)
    if len(labels) != 2 or sum(labels.values()) < (2 if labels.keys() & QUESTION_LABELS else 4):
        return None
    if labels.keys() & QUESTION_LABELS:
        asker = (labels.keys() & QUESTION_LABELS).pop()
    elif labels.keys() & ANSWER_LABELS:
        asker = (labels.keys() - ANSWER_LABELS).pop()
    else:
        asking = Counter(label.casefold() for label, said in turns if "?" in said)
        asker = asking.most_common(1)[0][0] if asking else turns[0][0].casefold()
    interviewee = next(label for label, _ in turns if label.casefold() != asker)
    if interviewee.casefold() in ANSWER_LABELS:
        interviewee = ""
    marked = [(label.casefold() == asker, said) for label, said in turns]
    return paragraphs[:first], marked, interviewee


def exchanges_of(paragraphs):
    """(introduction, exchanges, interviewee's name if labelled) of an interview's paragraphs."""
    labelled = labelled_turns(paragraphs)
    exchanges = []
    if labelled:
        intro, turns, interviewee = labelled
        for asked, said in turns:
            if asked:
                exchanges.append(ImportedExchange(said, ""))
            elif exchanges:
                joined = f"{exchanges[-1].answer}\n\n{said}" if exchanges[-1].answer else said
                exchanges[-1].answer = joined
            else:
                intro.append(said)
        return intro, exchanges, interviewee
    intro = []
    for paragraph in paragraphs:
        found = question_in(paragraph)
        if found:
            exchanges.append(ImportedExchange(*found))
        elif exchanges:
            exchange = exchanges[-1]
            exchange.answer = f"{exchange.answer}\n\n{paragraph}" if exchange.answer else paragraph
        else:
            intro.append(paragraph)
    return intro, exchanges, ""


def read_text(text, kind=None):
    """The parts of a draft found in `text` (see ImportedText).

    `kind` is one of Article.Kind; left out, the text is taken for an interview if it holds
    at least two questions with their answers, labelled as turns or put to someone ("you"),
    else for a review. Only an interview is split into exchanges; a review's or feature's
    paragraphs all make its body.
    """
    paragraphs, dropped = paragraphs_of(text)
    if not paragraphs:
        raise ImportRefused("Once the page's debris is dropped, no text is left to import.")
    intro, exchanges, interviewee = exchanges_of(paragraphs)
    if kind is None:
        # A review's rhetorical questions ("What is left of a city? The film answers…") are
        # answered in their paragraph too: an interview's questions are put to someone.
        answered = [exchange for exchange in exchanges if exchange.answer]
        put = [exchange for exchange in answered if ADDRESSED.search(exchange.question)]
        labelled = labelled_turns(paragraphs) is not None
        interview = len(answered) >= 2 and (labelled or len(put) >= 2)
        kind = Article.Kind.INTERVIEW if interview else Article.Kind.REVIEW
    imported = ImportedText(kind=kind, dropped=dropped)
    if kind == Article.Kind.INTERVIEW:
        imported.paragraphs, imported.exchanges = intro, exchanges
        imported.interviewee_name = interviewee
    else:
        imported.paragraphs = paragraphs
    opening = sentences_of(imported.paragraphs[0]) if imported.paragraphs else []
    if opening:
        imported.standfirst = Truncator(opening[0]).chars(300)
        imported.title = Truncator(opening[0].rstrip(".")).words(10)
    elif exchanges:
        imported.title = Truncator(exchanges[0].question).words(10)
    return imported


def propose_title(imported, films, interviewee=None):
    """A title for the draft: the film's, or "<interviewee> on <film>" for an interview; at
    most as long as a title may be (a text opening with a long web address proposes its
    first words, and a film's title with a long name may be longer)."""
    film = films[0] if films else None
    if imported.kind == Article.Kind.INTERVIEW and interviewee is not None:
        title = f"{interviewee.name} on {film.title}" if film else f"{interviewee.name} interviewed"
    else:
        title = film.title if film else imported.title
    return Truncator(title).chars(Article._meta.get_field("title").max_length)


# Recognising -----------------------------------------------------------------------------------


def words_of(text):
    return re.findall(r"\w+", text.casefold())


def names_in(text, longest=8):
    """Every run of up to `longest` words of `text`, casefolded, as tuples; and the runs found
    starting with a capital letter (as proper names are written)."""
    tokens = re.findall(r"\w+", text)
    folded = [token.casefold() for token in tokens]
    runs, capitalised = set(), set()
    for start in range(len(tokens)):
        for size in range(1, min(longest, len(tokens) - start) + 1):
            run = tuple(folded[start : start + size])
            runs.add(run)
            if tokens[start][:1].isupper():
                capitalised.add(run)
    return runs, capitalised


@dataclass
class Recognised:
    films: list = field(default_factory=list)
    people: list = field(default_factory=list)
    themes: list = field(default_factory=list)


def recognise(text, films=None, people=None, themes=None):
    """The films, people and themes of the archive named in `text`, in the archive's order.

    Films and people are recognised by any of their names written as a name (starting with a
    capital letter), themes by their name in any case.
    """
    films = Film.objects.only("pk", "title", "original_title") if films is None else films
    people = Person.objects.only("pk", "name", "alternative_names") if people is None else people
    themes = Theme.objects.only("pk", "name") if themes is None else themes
    runs, capitalised = names_in(text)
    found = Recognised()
    for film in films:
        if any(tuple(words_of(name)) in capitalised for name in (film.title, film.original_title)):
            found.films.append(film)
    for person in people:
        names = [person.name, *person.alternative_names.splitlines()]
        if any(words_of(name) and tuple(words_of(name)) in capitalised for name in names):
            found.people.append(person)
    for theme in themes:
        if words_of(theme.name) and tuple(words_of(theme.name)) in runs:
            found.themes.append(theme)
    return found


def likely_interviewee(imported, recognised):
    """The person an interview is probably with: the one named in its labels, else the one of
    the recognised people whose name comes up most in the introduction."""
    if imported.interviewee_name:
        wanted = tuple(words_of(imported.interviewee_name))
        for person in recognised.people:
            if tuple(words_of(person.name)) == wanted:
                return person
    intro = Counter(words_of(imported.body))
    ranked = sorted(
        recognised.people,
        key=lambda person: -intro[words_of(person.name)[-1]] if words_of(person.name) else 0,
    )
    return ranked[0] if ranked and intro[words_of(ranked[0].name)[-1]] else None


# Saving ----------------------------------------------------------------------------------------


def save_draft(
    *, kind, title, standfirst, body, exchanges=(), interviewee=None, films=(), people=(),
    themes=(), by=None,
):  # fmt: skip
    """A new draft article with its links and exchanges, in one transaction: all or nothing.

    A draft never has a publication time; it has no quotes (editors choose them). Every
    exchange is answered by `interviewee`, who is required when there are exchanges. `by`
    is the user importing (None from the command line).
    """
    if exchanges and interviewee is None:
        raise ImportRefused("Choose who gives the answers: every answer has a named speaker.")
    with transaction.atomic():
        article = Article(kind=kind, title=title, standfirst=standfirst, body=body)
        publishing.save_draft(article, by=by)
        for order, film in enumerate(films):
            ArticleFilm.objects.create(article=article, film=film, order=order)
        for order, person in enumerate(people):
            ArticlePerson.objects.create(article=article, person=person, order=order)
        add_exchanges(article, exchanges, interviewee)
        if themes:
            article.themes.add(*[theme.name for theme in themes])
    return article


def add_exchanges(article, exchanges, interviewee):
    """Append `exchanges` (question/answer pairs) to `article`, answered by `interviewee`.

    Refused (ImportRefused) if one lacks its question or answer, which every exchange has: a
    question the text leaves unanswered (two questions in a row) is for the editor to mend.
    """
    for number, exchange in enumerate(exchanges, start=1):
        if not exchange.question.strip() or not exchange.answer.strip():
            missing = "question" if not exchange.question.strip() else "answer"
            raise ImportRefused(
                f"Exchange {number} (“{Truncator(exchange.question or exchange.answer).words(8)}”) "
                f"has no {missing}. Correct the text, or import it with the admin's "
                "“Import text”, where the split can be corrected."
            )
    with transaction.atomic():
        start = max(article.exchanges.values_list("order", flat=True), default=-1) + 1
        with search.reindexed_once():
            for order, exchange in enumerate(exchanges, start=start):
                Exchange.objects.create(
                    article=article,
                    order=order,
                    question=exchange.question,
                    answer=exchange.answer,
                    interviewee=interviewee,
                )
