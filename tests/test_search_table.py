"""What a reader means, found first: a table of queries on the demo archive and the result a
reader expects at the top. The table runs on SQLite (FTS5) and on PostgreSQL (tsvector) alike;
the same first result on each is what makes the embedded default a real search.
"""

import re

import pytest
from django.core.management import call_command
from django.db import connection

from archive import search
from archive.models import SearchDocument

from .factories import make_film, make_person

FIRST_RESULTS = [
    # Accents and letters of their own, folded in the text and in the query.
    ("Soren", "Søren Steen Jespersen"),
    ("Søren", "Søren Steen Jespersen"),
    ("soren jespersen", "Søren Steen Jespersen"),
    ("SØREN", "Søren Steen Jespersen"),
    # The last word may be the beginning of a word; other words are whole words.
    ("Sor", "Søren Steen Jespersen"),
    ("Einsie", "Orlando von Einsiedel"),
    ("Feras Fay", "Feras Fayyad"),
    # Awards: the awarding body, the category, the year.
    ("Sundance", "Last Men in Aleppo"),
    ("Grand Jury Prize", "Last Men in Aleppo"),
    ("CPH:DOX", "Last Men in Aleppo"),
    ("Academy Awards short subject", "The White Helmets"),
    ("Academy Awards 2018", "Last Men in Aleppo"),
    # Original titles and names in their own script, other spellings.
    ("حلب", "Last Men in Aleppo"),
    ("آخر الرجال", "Last Men in Aleppo"),
    ("Umar Harah", "Khaled Omar Harrah"),
    ("Mahmoud Hattar", "Mahmoud Al-Hattar"),
    ("Al-Hattar", "Mahmoud Al-Hattar"),
    # Titles and names before summaries before bodies; films before articles.
    ("Last Men in Aleppo", "Last Men in Aleppo"),
    ("White Helmets", "The White Helmets"),
    ("Netflix", "The White Helmets"),
    ("Larm Film", "Søren Steen Jespersen"),
    ("Subhi", "Subhi"),
    ("Assad", "Feras Fayyad on Last Men in Aleppo"),
    ("chemical weapons Idlib", "Feras Fayyad on Last Men in Aleppo"),
    # The query language: phrases, exclusions, or.
    ('"tools of cinema"', "We need to use the beautiful—the tools of cinema."),
    ("humanity", "It's not about journalism. It's not about filmmaking. It's about humanity."),
    ("rescuers -Netflix", "Last Men in Aleppo"),
    ("Joanna or Natasegara", "Joanna Natasegara"),
    ("Natasegara or Subhi -Aleppo", "Joanna Natasegara"),
]


@pytest.fixture
def demo(db):
    call_command("loaddata", "demo", verbosity=0)


def found(query):
    return [row.title for row in search.results(query, search.search(query))]


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "first"), FIRST_RESULTS)
def test_first_result(demo, query, first):
    results = found(query)
    assert results[:1] == [first], results


def page(client, query):
    return client.get("/search/", {"q": query}).content.decode()


@pytest.mark.django_db
def test_what_the_issue_saw(demo, client):
    """ "Soren", "Sundance" and "حلب" find what a reader means; "Last Men" highlights whole
    words only, and the original title is not run together with the summary."""
    assert found("Soren")[:1] == ["Søren Steen Jespersen"]
    assert found("Sundance")[:1] == ["Last Men in Aleppo"]
    assert found("حلب")[:1] == ["Last Men in Aleppo"]
    inside_a_word = re.compile(r"\w<mark>|</mark>\w")
    html = page(client, "Last Men")
    assert "<mark>Last</mark> <mark>Men</mark>" in html
    assert not inside_a_word.search(html)
    assert "حلب Documentary" not in html
    assert not inside_a_word.search(page(client, "a"))  # a word of its own, or a stopword


@pytest.mark.django_db
def test_snippets_are_one_field_marked_and_cut_with_an_ellipsis(demo, client):
    """On both databases: a match in the summary shows the summary alone (not the title or the
    original title before it); a match deep in a body shows that passage, "…" before it."""
    snippets = re.findall(r'<p class="snippet" dir="auto">(.*?)</p>', page(client, "Sundance"))
    assert snippets[0].startswith("Documentary, 2017 · Won")
    assert "<mark>Sundance</mark>" in snippets[0]
    assert "Last Men in Aleppo" not in snippets[0] and "حلب" not in snippets[0]
    snippets = re.findall(r'<p class="snippet" dir="auto">(.*?)</p>', page(client, "rubble"))
    assert all(snippet.startswith("…") for snippet in snippets)
    assert all("<mark>rubble</mark>" in snippet for snippet in snippets)


@pytest.mark.django_db
def test_a_word_being_typed_begins_words_as_typed(demo):
    """On PostgreSQL as on SQLite, the last word begins words as it is typed, not as its stem
    would: "Fayy" finds Fayyad (its stem, "fayi", begins nothing), "doing" no "Documentary" or
    "CPH:DOX" (stem "do"), "witnessing" no "with" (stem "wit")."""
    assert found("Fayy")[:1] == ["Feras Fayyad"]
    assert found("doing") == ["Feras Fayyad on Last Men in Aleppo"]
    assert "Khaled Omar Harrah" not in found("witnessing")


@pytest.mark.django_db
def test_a_phrase_is_shown_where_it_is(demo, client):
    """A quoted phrase's excerpt is the field that holds it as a phrase (the interview's last
    exchange), not the standfirst for its "the", nor a "not" far from "about us"."""
    for query, shown in [
        ('"the dilemma"', "the</mark> <mark>dilemma</mark>"),
        ('"not about us"', "<mark>not</mark> <mark>about</mark> <mark>us</mark>"),
        ('"that\'s it"', "Yes. <mark>That</mark>"),
        ('"white helmets" dilemma', "<mark>White</mark> <mark>Helmets</mark>"),
    ]:
        snippets = re.findall(r'<p class="snippet" dir="auto">(.*?)</p>', page(client, query))
        assert shown in snippets[0], (query, snippets)
        assert "The director of Last Men in Aleppo" not in snippets[0], (query, snippets)


def test_excerpts_keep_fields_apart_and_cut_on_word_boundaries():
    """An excerpt is one field, begins and ends with whole words, and marks whole words."""
    body = " ".join(f"word{number}" for number in range(200)) + " Søren " + "tail " * 100
    document = SearchDocument(
        title="Title", names="Original", summary="Documentary, 2017", body=body
    )
    snippet = search.excerpt(document, search.parse_query("Soren"))
    assert snippet.startswith("… word") and snippet.endswith(" …")
    inner = snippet.strip("… ").replace(search.MARK_START, "").replace(search.MARK_END, "")
    assert f" {inner} " in f" {body} "  # whole words at both ends
    assert f"{search.MARK_START}Søren{search.MARK_END}" in snippet  # shown as written
    assert "Original" not in snippet and "Documentary" not in snippet
    # The last word of a query may be the beginning of a word; the others may not.
    document = SearchDocument(title="T", body="Documentary men and mentors, Menace.")
    marked = search.excerpt(document, search.parse_query("men docu"))
    assert marked == (
        f"{search.MARK_START}Documentary{search.MARK_END} "
        f"{search.MARK_START}men{search.MARK_END} and mentors, Menace."
    )


@pytest.mark.django_db
def test_an_ellipsis_stands_apart_from_the_text_it_cuts(client):
    """On both databases an excerpt's "…" is a word of its own, a space from the text it cuts,
    after a full stop too: SQLite's read "cinema.…" and "…word" where PostgreSQL's read
    "cinema. …" and "… word"."""
    sentences = [f"Sentence {number} is about cinema." for number in range(40)]
    sentences[20] = "Here the zanzibarian rescuers dig in cinema."
    make_person(name="Ada Ellipsis", biography=" ".join(sentences))
    snippets = re.findall(r'<p class="snippet" dir="auto">(.*?)</p>', page(client, "zanzibarian"))
    assert len(snippets) == 1
    assert snippets[0].startswith("… ") and snippets[0].endswith(" …"), snippets
    assert not re.search(r"\S…|…\S", snippets[0]), snippets
    document = SearchDocument(title="T", body="Cinema. " * 60 + "Zanzibarian. " + "Cinema. " * 60)
    snippet = search.excerpt(document, search.parse_query("zanzibarian"))
    assert snippet.startswith("… Cinema.") and snippet.endswith("Cinema. …"), snippet


@pytest.mark.django_db
def test_names_in_their_own_script_and_letters_of_their_own(client):
    person = make_person(name="Hirokazu Kore-eda", native_name="是枝裕和")
    make_person(name="Anne Strasser", biography="She lives on the Hauptstraße.")
    make_film(title="Shoplifters", original_title="万引き家族", year=2018)
    assert found("是枝裕和") == [person.name]
    assert found("万引き家族") == ["Shoplifters"]
    assert found("Hauptstrasse") == ["Anne Strasser"]
    assert found("Hauptstraße") == ["Anne Strasser"]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 table")
def test_a_deleted_document_leaves_no_text_behind():
    """The FTS5 row goes with its document however it is deleted (cascades included)."""
    film = make_film(title="Zanzibar nights")
    assert found("Zanzibar") == ["Zanzibar nights"]
    document = SearchDocument.objects.get(kind="film", object_id=film.pk)
    count = f"SELECT count(*) FROM {search.TEXT_TABLE} WHERE rowid = %s"
    with connection.cursor() as cursor:
        cursor.execute(count, [document.pk])
        assert cursor.fetchone() == (1,)
        SearchDocument.objects.filter(pk=document.pk).delete()
        cursor.execute(count, [document.pk])
        assert cursor.fetchone() == (0,)
