"""A reader in Chromium: following links from the home page, quotes to their passages, and
accessibility (axe) and layout (nothing wider than the window or its own box) on every page
type, at phone and desktop widths."""

import datetime as dt
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from .factories import make_article, make_credit, make_film, make_person
from .layout import overflow

pytestmark = pytest.mark.once

SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
PAGE_TYPES = {
    "home": "/",
    "film-list": "/films/",
    "article-list": "/articles/",
    "film": "/films/last-men-in-aleppo/",
    "review": "/articles/last-men-in-aleppo-review/",
    "interview": "/articles/feras-fayyad-interview/",
    "person": "/people/feras-fayyad/",
    "person-list": "/people/",
    "theme-list": "/themes/",
    "theme": "/themes/civil-defence/",
    "quote-list": "/quotes/",
    "not-found": "/films/no-such-film/",
    "search": "/search/?q=White+Helmets",
    "api-reference": "/api/v1/",
}
HIGHLIGHT = "rgb(255, 229, 138)"
PASSAGE = "rgb(255, 248, 220)"  # an exchange or a paragraph holding a followed passage


@pytest.fixture
def site(transactional_db, live_server):
    call_command("loaddata", "demo", verbosity=0)
    return live_server.url


def test_reader_follows_a_film_to_its_review_and_interview(page, site):
    page.goto(site)
    page.locator(".sidebar").get_by_role("link", name="Last Men in Aleppo", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Last Men in Aleppo")
    assert page.locator('[lang="ar"][dir="rtl"]').inner_text() == "آخر الرجال في حلب"

    page.locator("section:has(#reviews)").get_by_role("link", name="Last Men in Aleppo").click()
    page.wait_for_url("**/articles/last-men-in-aleppo-review/")
    assert "unforgettable portrait of Syrian civilians" in page.locator(".body").inner_text()

    page.go_back()
    interviews = page.locator("section:has(#interviews)")
    interviews.get_by_role("link", name="Feras Fayyad on Last Men in Aleppo").click()
    page.wait_for_url("**/articles/feras-fayyad-interview/")
    expect(page.locator(".qa")).to_have_count(11)
    assert page.locator(".qa-question .speaker").first.inner_text().lower() == "interviewer"
    assert page.locator(".qa-answer .speaker").first.inner_text().lower() == "feras fayyad"


def test_featured_quotes_lead_to_their_marked_passages(page, site):
    page.goto(f"{site}/films/last-men-in-aleppo/")
    quotes = page.locator(".pull-quotes figure")
    assert quotes.count() == 3
    for index in range(3):
        page.goto(f"{site}/films/last-men-in-aleppo/")
        quote = page.locator(".pull-quotes figure").nth(index)
        words = quote.locator("blockquote").inner_text().strip()
        quote.locator("figcaption a").last.click()
        page.wait_for_load_state()
        target = page.locator(":target")
        assert target.count() == 1, page.url
        assert words in " ".join(target.inner_text().split())
        marked = page.locator(":target mark.quoted, mark.quoted:target").first
        assert marked.evaluate("e => getComputedStyle(e).backgroundColor") == HIGHLIGHT
        assert marked.is_visible()


def test_a_passage_anchored_at_its_paragraph_is_marked_when_followed(page, site):
    """A quote overlapping one marked already cannot be marked itself: its link leads to the
    paragraph it is in (archive.markup), which shows, as an exchange does, where it is."""
    from archive.models import Article, Quote

    review = Article.objects.get(slug="last-men-in-aleppo-review")
    quote = Quote.objects.create(
        article=review,
        film=review.films.get(),
        text="Syrian civilians caught in a heartless war. The visual style",
    )
    page.goto(f"{site}/articles/last-men-in-aleppo-review/#quote-{quote.pk}")
    paragraph = page.locator("p:has(> :target)")
    assert "The visual style" in paragraph.inner_text()
    assert paragraph.evaluate("e => getComputedStyle(e).backgroundColor") == PASSAGE
    assert paragraph.evaluate("e => getComputedStyle(e).outlineStyle") == "solid"


def test_reader_follows_a_person_and_a_theme(page, site):
    page.goto(f"{site}/films/last-men-in-aleppo/")
    page.locator(".credits").get_by_role("link", name="Khaled Omar Harrah").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Khaled Omar Harrah")
    assert "11 August 2016" in page.content()
    page.get_by_role("link", name="Last Men in Aleppo", exact=True).first.click()
    page.locator(".themes").get_by_role("link", name="civil defence").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("civil defence")
    assert page.get_by_role("link", name="The White Helmets").count() >= 1


def test_reader_follows_a_film_with_an_arabic_title_to_its_arabic_address(page, site):
    make_film(title="بيت", original_title="بيت", original_title_language="ar", year=2019)
    page.goto(f"{site}/films/")
    page.get_by_role("main").get_by_role("link", name="بيت", exact=True).click()
    page.wait_for_url("**/films/*/")
    assert page.get_by_role("heading", level=1).inner_text() == "بيت"
    # The address bar shows the slug in Arabic; on the wire it is percent-encoded.
    assert urlsplit(page.url).path == "/films/%D8%A8%D9%8A%D8%AA/"
    assert unquote(urlsplit(page.url).path) == "/films/بيت/"
    assert page.evaluate("decodeURIComponent(location.pathname)") == "/films/بيت/"


def test_a_title_in_arabic_keeps_its_place_among_the_words_around_it(page, site):
    """A title written from right to left, run into a line of left-to-right text, does not
    pull the numbers after it into its own direction: in the film list, "بيت" comes before
    its year (which the bidirectional algorithm otherwise shows first: "2019 بيت · Feature
    film"), as in the films it is beside."""
    make_film(title="بيت", year=2019)
    page.goto(f"{site}/films/")
    item = page.locator(".film-item").filter(has_text="بيت")
    title = item.get_by_role("link").bounding_box()
    year = item.locator(".meta").bounding_box()
    assert title["x"] + title["width"] <= year["x"]


def test_a_title_in_a_script_without_italics_stays_upright(page, site):
    """Film titles are cited in italics, the Latin alphabet's way of setting a title apart.
    Arabic has no italics: a film titled "آخر الرجال" was drawn slanted by the browser (its
    font has no italic, so Chromium leaned the upright letters), which reads as a mistake to
    anyone who reads Arabic. It stays upright; a Latin title keeps its italics."""
    arabic = make_film(title="آخر الرجال", year=2019)

    def upright(path):
        page.goto(f"{site}{path}")
        title = page.locator("h1 cite")
        as_shown = title.screenshot()
        title.evaluate("e => { e.style.fontStyle = 'normal' }")
        return as_shown == title.screenshot()

    assert upright(arabic.get_absolute_url())
    assert not upright("/films/last-men-in-aleppo/")


def test_reader_searches_from_the_header(page, site):
    page.goto(f"{site}/films/")
    page.get_by_role("searchbox", name="Search the archive").fill("Umar Harah")
    page.get_by_role("searchbox", name="Search the archive").press("Enter")
    page.wait_for_url("**/search/?q=Umar+Harah")
    first = page.locator(".result").first
    assert first.locator("h2").inner_text() == "Khaled Omar Harrah"
    marks = page.locator(".snippet mark").all_inner_texts()
    assert {"Umar", "Harah"} <= set(marks)
    assert marks and all(m.lower() in ("umar", "harah") for m in marks)
    first.locator("h2 a").click()
    page.wait_for_url("**/people/khaled-omar-harrah/")


def test_pages_read_without_javascript(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}/articles/feras-fayyad-interview/")
    assert "Yes. That's it." in page.locator(".interview").inner_text()
    context.close()


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_accessibility_and_screenshots(browser, site, name):
    from axe_playwright_python.sync_playwright import Axe

    SCREENSHOTS.mkdir(exist_ok=True)
    for label, width in (("phone", 390), ("desktop", 1280)):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        csp_violations = []
        page.on(
            "console",
            lambda message, found=csp_violations: (
                "Content Security Policy" in message.text and found.append(message.text)
            ),
        )
        page.goto(f"{site}{PAGE_TYPES[name]}")
        assert csp_violations == [], name
        assert overflow(page) == [], f"{name} scrolls sideways at {width}px"
        page.screenshot(path=SCREENSHOTS / f"{name}-{label}.png", full_page=True)
        violations = Axe().run(page).response["violations"]
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']}: "
            + ", ".join(re.sub(r"\s+", " ", n["html"])[:80] for n in v["nodes"][:3])
            for v in violations
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == [], f"{name} at {width}px"
        context.close()


@pytest.mark.parametrize("path", ["/", "/articles/", "/films/last-men-in-aleppo/"])
def test_a_long_word_in_a_title_wraps_on_a_phone(browser, site, path):
    """A title holding a word wider than a phone (a German compound) is broken where it must
    be; the rest of the page keeps the window's width and wraps as ever."""
    from archive.models import Article

    review = Article.objects.get(slug="last-men-in-aleppo-review")
    review.title = "Rindfleischetikettierungsüberwachungsaufgabenübertragungsgesetz"
    review.save()
    context = browser.new_context(viewport={"width": 390, "height": 900})
    page = context.new_page()
    page.goto(f"{site}{path}")
    assert page.get_by_role("link", name=review.title).first.is_visible()
    assert overflow(page) == []
    context.close()


@pytest.mark.parametrize(
    "path", ["/", "/films/last-men-in-aleppo/", "/people/feras-fayyad/", "/themes/"]
)
def test_a_long_word_in_credits_and_themes_wraps_on_a_phone(browser, site, path):
    """A name, a title or a theme holding a word wider than a phone is broken where it must
    be in the film's and the person's credits and among the themes, as it is in a heading:
    their columns and tags keep to the window."""
    from archive.models import Film, Person

    word = "Rindfleischetikettierungsüberwachungsaufgabenübertragungsgesetz"
    Person.objects.filter(slug="feras-fayyad").update(name=f"Feras {word}")
    film = Film.objects.get(slug="last-men-in-aleppo")
    film.title = word
    film.save()
    film.themes.add(word)
    context = browser.new_context(viewport={"width": 390, "height": 900})
    page = context.new_page()
    page.goto(f"{site}{path}")
    assert overflow(page) == []
    context.close()


def test_a_long_word_in_a_speaker_or_a_neighbours_title_wraps_on_a_phone(browser, site):
    """An interviewee's name run in before an answer, and the title of the previous or next
    piece of the kind under an article, are broken where a word is wider than a phone."""
    from archive.models import Article, Person

    from .factories import make_article

    word = "Rindfleischetikettierungsüberwachungsaufgabenübertragungsgesetz"
    Person.objects.filter(slug="feras-fayyad").update(name=f"Feras {word}")
    review = Article.objects.get(slug="last-men-in-aleppo-review")
    make_article(title=f"The {word}", published_at=review.published_at - dt.timedelta(days=1))
    context = browser.new_context(viewport={"width": 390, "height": 900})
    page = context.new_page()
    for path in ("/articles/feras-fayyad-interview/", "/articles/last-men-in-aleppo-review/"):
        page.goto(f"{site}{path}")
        assert overflow(page) == [], path
    assert page.locator("a[rel=prev]").is_visible()
    context.close()


@pytest.mark.parametrize("path", ["/articles/", "/search/?q=aleppo", "/quotes/"])
def test_a_long_theme_name_fits_the_filters_on_a_small_phone(browser, site, path):
    """A theme's name is an option of the lists' theme filter, and a select is as wide as its
    longest option: on the narrowest phones (320 px, the width WCAG's reflow asks pages to
    read at) it stays within the window, the name cut inside the closed box."""
    from archive.models import Article

    review = Article.objects.get(slug="last-men-in-aleppo-review")
    review.themes.add("the representation of violence in documentary cinema")
    review.quotes.first().themes.add("the representation of violence in documentary cinema")
    context = browser.new_context(viewport={"width": 320, "height": 900})
    page = context.new_page()
    page.goto(f"{site}{path}")
    assert page.locator(".filters select[name=theme] option").count() > 2
    assert overflow(page) == []
    context.close()


def test_an_articles_lead_image_opens_it_at_every_width(browser, site, settings, tmp_path):
    """A lead image comes under the byline, before the text, as a film's image does: on a
    wide screen the columns beside the text do not push it below the article."""
    from archive.models import Article

    from .test_images import upload

    settings.MEDIA_ROOT = tmp_path
    review = Article.objects.get(slug="last-men-in-aleppo-review")
    review.image, review.image_alt = upload("lead.jpg", (1000, 600)), "Khaled in the ruins"
    review.save()
    for width in (390, 1280):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        # Uploads are the web server's to serve (README), not the app's.
        page.route(
            "**/media/**",
            lambda route: route.fulfill(
                path=tmp_path / unquote(urlsplit(route.request.url).path).removeprefix("/media/")
            ),
        )
        page.goto(f"{site}{review.get_absolute_url()}")
        byline = page.locator(".article-header .reading-time").bounding_box()
        image = page.get_by_role("img", name="Khaled in the ruins").bounding_box()
        text = page.locator(".body").bounding_box()
        assert byline["y"] < image["y"] < image["y"] + image["height"] <= text["y"], width
        context.close()


def every_link_through_the_pages(page, item_selector):
    """The addresses an item list links to, across its pages, following its "next" links."""
    found = []
    while True:
        found += page.locator(item_selector).evaluate_all(
            "links => links.map(a => new URL(a.href).pathname)"
        )
        following = page.locator('.pagination a[rel="next"]')
        if not following.count():
            return found
        following.click()
        page.wait_for_load_state()


@pytest.mark.parametrize("label, width", [("phone", 390), ("desktop", 1280)])
def test_every_published_piece_and_person_is_reached_from_the_navigation(
    browser, site, label, width
):
    from archive.models import Article, Person

    from .factories import make_article, make_person

    # Enough for several pages of each list, and a draft that no list may show.
    for number in range(70):
        make_person(name=f"Extra Person {number:02}")
    for number in range(25):
        make_article(title=f"Extra piece {number:02}")
    make_article(title="A draft", status=Article.Status.DRAFT)
    SCREENSHOTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(site)
    navigation = page.get_by_role("navigation", name="Sections")

    navigation.get_by_role("link", name="Articles", exact=True).click()
    page.wait_for_url("**/articles/")
    articles = every_link_through_the_pages(page, ".article-item h3 a")
    published = {a.get_absolute_url() for a in Article.objects.published()}
    assert len(articles) == len(set(articles))
    assert set(articles) == published

    page.goto(site)
    navigation.get_by_role("link", name="People", exact=True).click()
    page.wait_for_url("**/people/")
    page.screenshot(path=SCREENSHOTS / f"person-list-navigation-{label}.png", full_page=True)
    people = every_link_through_the_pages(page, ".person-list a")
    assert len(people) == len(set(people))
    assert set(people) == {p.get_absolute_url() for p in Person.objects.all()}

    # By initial, too: each letter leads to its people, who are all of them between them.
    page.goto(f"{site}/people/")
    letters = page.locator(".letters a").evaluate_all("links => links.map(a => a.href)")
    by_letter = []
    for address in letters:
        page.goto(address)
        by_letter += every_link_through_the_pages(page, ".person-list a")
    assert sorted(by_letter) == sorted(people)

    # A piece leads to the pieces of its kind before and after it, and to more on its film.
    page.goto(f"{site}/articles/feras-fayyad-interview/")
    page.screenshot(path=SCREENSHOTS / f"interview-neighbours-{label}.png", full_page=True)
    context.close()


# The site's own words in an element, outside an editor's or a reader's text (<bdi>, a link, a
# cited title): those drawn right to left, character by character, on one line.
DRAWN_BACKWARDS = """element => {
  const backwards = [];
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest("bdi, a, cite")) continue;
    let last = null;
    for (let i = 0; i < node.length; i++) {
      if (!/\\S/.test(node.data[i])) continue;
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const box = range.getBoundingClientRect();
      if (last && Math.abs(box.y - last.y) < 2 && box.x < last.x) backwards.push(node.data);
      last = box;
    }
  }
  return backwards;
}"""


def test_a_direction_control_left_open_stays_in_its_own_text(page, site):
    """A right-to-left override (U+202E) an editor pasted into a credit's "credited as", or a
    reader typed into a search, reversed the site's words after it to the end of the line:
    "(credited as R. Ali, uncredited cut)" read "(credited as R tuc detidercnu ,(ilA .", and
    "Nothing found for “walking”. Check the spelling…" was drawn backwards from the query on.
    Each such text is set apart (<bdi>): it is drawn as typed, the words around it in order."""
    rlo = "\u202e"
    film = make_film(title=f"Night{rlo} Walk", year=2019)
    film.themes.add(f"exile{rlo} home")
    person = make_person(name=f"Rami{rlo} Ali")
    make_credit(film, person, credited_as=f"R{rlo}. Ali", note=f"uncredited{rlo} cut")
    make_article(films=[film], title=f"Walking{rlo} at night").themes.add(f"exile{rlo} home")
    for path, selector in (
        (film.get_absolute_url(), "section:has(#credits) li"),
        (person.get_absolute_url(), "section:has(#credits) li"),
        ("/themes/exile-home/", ".feed-link"),
        (f"/search/?q={rlo}zzzz", "main p:has(bdi)"),
    ):
        page.goto(f"{site}{path}")
        element = page.locator(selector).first
        assert element.evaluate(DRAWN_BACKWARDS) == [], (path, element.inner_text())
        assert rlo in element.inner_text()  # the text as typed, not stripped
