"""An editor in Chromium: signing in, writing a review with themes chosen by autocomplete and a
quote, scheduling, previewing and publishing it, then reading it on the film's page; merging two
themes; recovering a deleted article. The admin must run under the site's Content Security
Policy: no page may report a violation.
"""

import datetime as dt
import io
from importlib import import_module
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from playwright.sync_api import expect

from archive.admin.lists import ThemeFilter
from archive.management.commands.demo import DEMO_PASSWORD, DEMO_USERNAME
from archive.models import Article, Person, Theme

from .conftest import csp_recording_page
from .factories import make_article, make_exchange, make_film, make_person

pytestmark = pytest.mark.once

PASSWORD = "a long editor passphrase"
GROUPS_MIGRATION = "0004_editors_and_contributors"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"


def editors_group():
    """The Editors group, as its migration makes it.

    Browser tests empty the database after each test (post_migrate makes the permissions
    again, not the groups), so the group is made again here by the migration's own code.
    """
    if not Group.objects.filter(name="Editors").exists():
        state = MigrationLoader(connection).project_state(("archive", GROUPS_MIGRATION))
        import_module(f"archive.migrations.{GROUPS_MIGRATION}").create_groups(state.apps, None)
    return Group.objects.get(name="Editors")


@pytest.fixture
def site(live_server):
    editor = User.objects.create_user("edith", password=PASSWORD, is_staff=True)
    editor.groups.add(editors_group())
    film = make_film(title="Last Men in Aleppo", year=2017, kind="documentary")
    Theme.objects.create(name="Syria", slug="syria")
    return live_server.url, film


@pytest.fixture
def tab(browser):
    """A browser tab that records Content Security Policy violations."""
    with csp_recording_page(browser, 1280, 1000) as page:
        yield page


def dialogs_answered_stay(page):
    """The types of the dialogs `page` opens from now on ("beforeunload"), each answered "Stay
    on page"."""
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", answer)
    return asked


def sign_in(page, url):
    page.goto(f"{url}/admin/")
    page.get_by_label("Username").fill("edith")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{url}/admin/")


def choose(page, select_id, typed, option=None):
    """Pick in an admin autocomplete (Select2): type, then click the suggestion `option`; a
    new theme is the suggestion "Create new theme “…”", offered last."""
    page.locator(f"#{select_id} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(typed)
    page.get_by_role("option", name=option or typed, exact=True).click()
    page.locator(".select2-container--open .select2-dropdown").wait_for(state="detached")


def run_action(page, action, names):
    for name in names:
        page.get_by_role(
            "checkbox", name=f"Select this object for an action - {name}", exact=True
        ).check()
    page.locator("select[name=action]").select_option(label=action)
    page.get_by_role("button", name="Go").click()


def test_editor_writes_schedules_previews_and_publishes_a_review(site, tab):
    url, film = site
    sign_in(tab, url)
    tab.goto(f"{url}/admin/archive/article/add/")
    tab.get_by_label("Title:").fill("Rubble and light")
    tab.get_by_label("Body:").fill("Rescuers dig through the rubble. The camera never looks away.")
    choose(tab, "id_themes", "syr", option="Syria")
    choose(tab, "id_themes", "civil defence", option="Create new theme “civil defence”")
    choose(tab, "id_film_links-0-film", "Last", option=str(film))
    tab.locator("#quotes-group").get_by_role("button", name="Add another Quote").click()
    tab.locator("#id_quotes-0-text").fill("The camera never looks away.")
    choose(tab, "id_quotes-0-film", "Last", option=str(film))
    tab.locator("#id_quotes-0-featured").check()
    tab.locator("#id_status").select_option("published")
    tomorrow = timezone.localtime() + dt.timedelta(days=1)
    tab.locator("#id_published_at_0").fill(tomorrow.strftime("%Y-%m-%d"))
    tab.locator("#id_published_at_1").fill("09:00:00")
    SCREENSHOTS.mkdir(exist_ok=True)
    tab.screenshot(path=SCREENSHOTS / "admin-article-form.png", full_page=True)
    tab.get_by_role("button", name="Save", exact=True).last.click()

    row = tab.get_by_role("row").filter(has_text="Rubble and light")
    assert "Scheduled for" in row.inner_text()
    assert "civil defence" in row.inner_text() and "Syria" in row.inner_text()
    article = Article.objects.get(title="Rubble and light")
    assert article.is_scheduled and article.quotes.get().featured

    row.get_by_role("link", name="Preview").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Rubble and light")
    assert "readers cannot see it yet" in tab.locator(".preview-banner").inner_text()

    assert read_film_page(tab, url, film).get_by_role("link", name="Rubble and light").count() == 0

    tab.goto(f"{url}/admin/archive/article/")
    run_action(tab, "Publish selected articles now", ["Rubble and light"])
    expect(tab.locator(".messagelist")).to_contain_text("Published 1 article")

    film_page = read_film_page(tab, url, film)
    assert film_page.get_by_role("link", name="Rubble and light").count() >= 1
    assert "The camera never looks away." in film_page.locator(".pull-quotes").inner_text()


def read_film_page(tab, url, film):
    """The film's page as a reader sees it: signed out, and (being a new reader) uncached."""
    reader = tab.context.browser.new_context().new_page()
    reader.goto(f"{url}{film.get_absolute_url()}")
    return reader


def test_editor_merges_two_themes(site, tab):
    url, film = site
    film.themes.add("Syria", "Syrian war")
    make_article(films=[film], title="Tagged piece").themes.add("syrian war")
    sign_in(tab, url)
    tab.goto(f"{url}/admin/archive/theme/")
    run_action(tab, "Merge selected themes…", ["Syria", "Syrian war"])
    tab.get_by_label("Syria", exact=True).check()
    tab.get_by_role("button", name="Show what will change").click()
    assert "moving to “Syria”: 1 article" in tab.locator("#merge-plan").inner_text()
    tab.get_by_role("button", name="Yes, merge into “Syria”").click()
    expect(tab.locator(".messagelist")).to_contain_text("Merged the themes into “Syria”")
    assert list(Theme.objects.values_list("name", flat=True)) == ["Syria"]
    assert [t.name for t in Article.objects.get().themes.all()] == ["Syria"]


def test_editor_finds_a_theme_among_many_to_filter_the_articles(site, tab):
    """Past a few dozen themes, the article list's theme filter is a field: typing part of a
    name suggests the themes that have it, and sending one shows the articles carrying it."""
    url, film = site
    make_article(films=[film], title="On the rescuers").themes.add("Civil defence")
    make_article(films=[film], title="On the city").themes.add("Aleppo")
    filler = make_article(films=[film], title="Filler")
    filler.themes.add(*(f"theme {n:02}" for n in range(ThemeFilter.LINKS_AT_MOST)))
    sign_in(tab, url)
    tab.goto(f"{url}/admin/archive/article/?o=1")
    field = tab.get_by_label("Find a theme")
    field.press_sequentially("civil")
    expect(tab.locator("#theme-finder-names option")).to_have_count(1)
    assert tab.locator("#theme-finder-names option").get_attribute("value") == "Civil defence"
    field.fill("civil defence")
    field.press("Enter")
    expect(tab.locator("#result_list")).to_contain_text("On the rescuers")
    expect(tab.locator("#result_list")).not_to_contain_text("On the city")
    chosen = tab.locator("details[data-filter-title=theme] li.selected")
    expect(chosen).to_have_text("Civil defence")
    assert "o=1" in tab.url


def test_the_slug_filled_in_is_the_one_saved(site, tab):
    """As an editor types a name, the slug shown is the one the save keeps: Latin letters in
    ASCII, the letters of other scripts as they are."""
    url, _ = site
    sign_in(tab, url)
    for typed, slug in [
        ("Søren Steen Jespersen", "soren-steen-jespersen"),
        ("Łukasz Żuławski-Œuvre", "lukasz-zulawski-oeuvre"),
        ("فراس فياض", "فراس-فياض"),
    ]:
        tab.goto(f"{url}/admin/archive/person/add/")
        name = tab.locator("#id_name")
        name.fill(typed)
        name.press("End")  # the admin fills the slug in as each key is let go
        expect(tab.locator("#id_slug")).to_have_value(slug)
        tab.get_by_role("button", name="Save", exact=True).click()
        expect(tab.locator(".messagelist")).to_contain_text("was added successfully")
    assert set(Person.objects.values_list("slug", flat=True)) == {
        "soren-steen-jespersen",
        "lukasz-zulawski-oeuvre",
        "فراس-فياض",
    }
    tab.goto(f"{url}/admin/archive/theme/add/")
    tab.locator("#id_name").fill("Ærø")
    tab.locator("#id_name").press("End")
    expect(tab.locator("#id_slug")).to_have_value("aero")


def test_editor_recovers_a_deleted_article(site, tab):
    url, film = site
    article = make_article(films=[film], title="Lost review", body="Words worth keeping.")
    article.themes.add("Syria")
    sign_in(tab, url)
    tab.goto(f"{url}/admin/archive/article/{article.pk}/change/")
    tab.get_by_role("link", name="Delete", exact=True).last.click()
    tab.get_by_role("button", name="Yes, I’m sure").click()
    assert not Article.objects.exists()

    tab.get_by_role("link", name="Recover deleted articles").click()
    tab.get_by_role("row").filter(has_text="Lost review").get_by_role("link").click()
    tab.get_by_role("button", name="Save", exact=True).last.click()
    expect(tab.locator(".messagelist")).to_contain_text("was changed successfully")
    recovered = Article.objects.get(title="Lost review")
    assert recovered.body == "Words worth keeping."
    assert [t.name for t in recovered.themes.all()] == ["Syria"]
    assert list(recovered.films.all()) == [film]


def test_adding_a_theme_to_the_demo_interview_records_only_the_theme(live_server, tab):
    """Chromium sends the interview's text with CRLF line endings; the demo holds LF. The
    history must record the one theme added, not the body and every answer as changed."""
    editors = editors_group()
    call_command("demo", "--no-serve", stdout=io.StringIO())
    if not User.objects.filter(username=DEMO_USERNAME).exists():  # made on SQLite only
        User.objects.create_user(DEMO_USERNAME, password=DEMO_PASSWORD, is_staff=True)
    User.objects.get(username=DEMO_USERNAME).groups.add(editors)
    interview = Article.objects.get(slug="feras-fayyad-interview")
    url = live_server.url
    tab.goto(f"{url}/admin/")
    tab.get_by_label("Username").fill(DEMO_USERNAME)
    tab.get_by_label("Password").fill(DEMO_PASSWORD)
    tab.get_by_role("button", name="Log in").click()
    tab.wait_for_url(f"{url}/admin/")

    tab.goto(f"{url}/admin/archive/article/{interview.pk}/change/")
    choose(tab, "id_themes", "exile", option="Create new theme “exile”")
    tab.get_by_role("button", name="Save", exact=True).last.click()
    expect(tab.locator(".messagelist")).to_contain_text("was changed successfully")

    tab.goto(f"{url}/admin/archive/article/{interview.pk}/history/")
    latest = tab.locator("#change-history tbody tr").first
    assert latest.locator("td").last.inner_text() == "Changed Themes."
    tab.get_by_role("button", name="Compare the two versions").click()
    # The compare page may still be loading: a retrying assertion, not a one-off read.
    expect(tab.locator("#changed-fields tbody th")).to_have_text(["Themes"])
    assert "exile" in tab.locator("#changed-fields").inner_text()
    assert "Body" not in tab.locator("#content-main").inner_text()
    assert "Exchange “" not in tab.locator("#content-main").inner_text()
    SCREENSHOTS.mkdir(exist_ok=True)
    tab.screenshot(path=SCREENSHOTS / "admin-compare-theme-added.png", full_page=True)


def chosen_themes(page):
    return page.locator("#id_themes + .select2 .select2-selection__choice").all_inner_texts()


def test_enter_chooses_the_highlighted_existing_theme(site, tab):
    """The issue: "syr" and Enter made a new theme "syr" instead of choosing "Syria"."""
    url, _ = site
    Theme.objects.create(name="Syrian cinema", slug="syrian-cinema")
    sign_in(tab, url)
    tab.goto(f"{url}/admin/archive/article/add/")
    field = tab.locator("#id_themes + .select2 .select2-search__field")
    field.click()
    field.press_sequentially("syr")
    suggestions = tab.locator(".select2-container--open .select2-results__option")
    tab.locator(".theme-create", has_text="“syr”").wait_for()
    tab.locator(".select2-results__option--highlighted", has_text="Syria").wait_for()
    # Creating is offered, visibly different, and last: Enter does not take it.
    create = tab.locator(".select2-results__option .theme-create")
    assert create.inner_text() == "Create new theme “syr”"
    assert suggestions.last.inner_text() == "Create new theme “syr”"
    assert create.evaluate("element => getComputedStyle(element).fontStyle") == "italic"
    field.press("Enter")
    assert [name.strip("×\n ") for name in chosen_themes(tab)] == ["Syria"]

    # An existing theme in other capitals is the theme: nothing to create.
    field.press_sequentially("SYRIAN CINEMA")
    tab.locator(".select2-results__option", has_text="Syrian cinema").wait_for()
    expect(tab.locator(".select2-results__option .theme-create")).to_have_count(0)
    expect(suggestions).to_have_count(1)
    field.press("Enter")
    assert [name.strip("×\n ") for name in chosen_themes(tab)] == ["Syria", "Syrian cinema"]

    # A new theme is created only by choosing to: the one suggestion, shown as a creation.
    field.press_sequentially("civil defence")
    tab.locator(".theme-create", has_text="civil defence").wait_for()
    field.press("Enter")
    assert [name.strip("×\n ") for name in chosen_themes(tab)] == [
        "Syria",
        "Syrian cinema",
        "civil defence",
    ]
    tab.get_by_label("Title:").fill("Rubble and light")
    tab.get_by_label("Body:").fill("Rescuers dig through the rubble.")
    tab.get_by_role("button", name="Save", exact=True).last.click()
    tab.wait_for_url(f"{url}/admin/archive/article/")
    article = Article.objects.get(title="Rubble and light")
    assert sorted(article.themes.names()) == ["Syria", "Syrian cinema", "civil defence"]
    assert Theme.objects.count() == 3


def test_themes_typed_with_commas_are_chosen_as_several(site, tab):
    """Commas and semicolons separate themes, as saving reads them: "war, peace; exile" is
    offered as three new themes and shown as three, not as one that is saved as three."""
    url, _ = site
    sign_in(tab, url)
    tab.goto(f"{url}/admin/archive/article/add/")
    field = tab.locator("#id_themes + .select2 .select2-search__field")
    field.click()
    field.press_sequentially("war, peace; exile")
    create = tab.locator(".select2-results__option .theme-create")
    expect(create).to_have_text("Create new themes “war”, “peace”, “exile”")
    field.press("Enter")
    assert [name.strip("×\n ") for name in chosen_themes(tab)] == ["war", "peace", "exile"]
    field.press_sequentially("Syria, WAR")
    expect(create).to_have_text("Create new themes “Syria”, “WAR”")
    field.press("Enter")
    assert [name.strip("×\n ") for name in chosen_themes(tab)] == [
        "war",
        "peace",
        "exile",
        "Syria",
    ]
    tab.get_by_label("Title:").fill("Three themes")
    tab.get_by_label("Body:").fill("Rescuers dig through the rubble.")
    tab.get_by_role("button", name="Save", exact=True).last.click()
    tab.wait_for_url(f"{url}/admin/archive/article/")
    article = Article.objects.get(title="Three themes")
    assert sorted(article.themes.names(), key=str.casefold) == ["exile", "peace", "Syria", "war"]


def clipped_themes(page):
    """The chosen themes of the page's themes field whose names the field cuts off."""
    return page.locator("#id_themes + .select2 .select2-selection__choice").evaluate_all(
        """choices => choices
            .filter(choice => {
                const box = choice.closest(".select2-selection").getBoundingClientRect();
                return choice.getBoundingClientRect().right > box.right;
            })
            .map(choice => choice.textContent.trim())"""
    )


def test_chosen_themes_can_be_read(site, tab):
    """The themes field is as wide as the admin's other choosers, so that the themes an editor
    has chosen can be read: on the article's page, where a two-word theme was cut to "Syrian
    wa", and in the list's "Add themes" action, where the field was a sliver 14 pixels wide."""
    url, film = site
    Theme.objects.create(name="documentary ethics", slug="documentary-ethics")
    article = make_article(films=[film], title="Rubble and light", status=Article.Status.DRAFT)
    article.themes.add("Syria")
    sign_in(tab, url)
    tab.goto(f"{url}/admin/archive/article/{article.pk}/change/")
    choose(tab, "id_themes", "documentary", "documentary ethics")
    assert clipped_themes(tab) == []

    tab.goto(f"{url}/admin/archive/article/")
    run_action(tab, "Add themes to selected articles…", ["Rubble and light"])
    choose(tab, "id_themes", "documentary", "documentary ethics")
    choose(tab, "id_themes", "civil defence", "Create new theme “civil defence”")
    assert clipped_themes(tab) == []
    tab.get_by_role("button", name="Add the themes").click()
    expect(tab.locator(".messagelist")).to_contain_text("Added the themes to 1 article")
    assert sorted(article.themes.names()) == ["Syria", "civil defence", "documentary ethics"]


@pytest.mark.parametrize("width", [1280, 390])
def test_editor_names_the_interviewer_edits_and_reorders_exchanges(site, tab, width):
    """The interview editor: exchanges folded to their first words, one opened and changed,
    one moved up twice with its ↑ button (the order numbers hidden), the interviewer named
    once, and Save at the top, on a desktop and on a phone."""
    url, film = site
    tab.set_viewport_size({"width": width, "height": 900})
    director, host = make_person(name="Feras Fayyad"), make_person(name="Nadia Host")
    interview = make_article(films=[film], kind=Article.Kind.INTERVIEW, title="On Aleppo")
    for number, question in enumerate(["First question?", "Second question?", "Third one?"]):
        make_exchange(interview, director, question=question, answer="An answer.", order=number)
    sign_in(tab, url)
    tab.goto(f"{url}/admin/archive/article/{interview.pk}/change/")

    exchanges = tab.locator("#exchanges-group")
    assert exchanges.get_by_label("Answer:").first.is_hidden()
    choose(tab, "id_interviewer", "Nad", option="Nadia Host")
    third = exchanges.locator(".exchange-row").filter(has_text="Third one?")
    third.locator("summary").click()
    third.get_by_label("Answer:").fill("A better answer.")
    assert third.get_by_label("Question:").is_visible()
    assert third.locator("input[name$='-order']").is_hidden()
    third.get_by_role("button", name="Move “Third one?” up").click()
    third.get_by_role("button", name="Move “Third one?” up").click()
    assert third.get_by_role("button", name="Move “Third one?” up").is_disabled()
    SCREENSHOTS.mkdir(exist_ok=True)
    tab.screenshot(path=SCREENSHOTS / f"admin-interview-{width}.png", full_page=True)
    tab.get_by_role("button", name="Save", exact=True).first.click()
    expect(tab.locator(".messagelist")).to_contain_text("was changed successfully")

    interview.refresh_from_db()
    assert interview.interviewer == host
    assert [(e.question, e.answer) for e in interview.exchanges.all()] == [
        ("Third one?", "A better answer."),
        ("First question?", "An answer."),
        ("Second question?", "An answer."),
    ]
    reader = tab.context.browser.new_context().new_page()
    reader.goto(f"{url}{interview.get_absolute_url()}")
    questions = reader.locator(".qa-question")
    assert questions.first.locator(".speaker").text_content() == "Nadia Host"
    assert "Third one?" in questions.first.inner_text()
    reader.context.close()


def test_exchanges_dragged_into_place(site, tab):
    url, film = site
    director = make_person(name="Feras Fayyad")
    interview = make_article(films=[film], kind=Article.Kind.INTERVIEW, title="On Aleppo")
    for number, question in enumerate(["First?", "Second?", "Third?"]):
        make_exchange(interview, director, question=question, order=number)
    sign_in(tab, url)
    tab.goto(f"{url}/admin/archive/article/{interview.pk}/change/")
    rows = tab.locator("#exchanges-group .exchange-row:not(.empty-form)")
    rows.nth(0).locator(".exchange-handle").drag_to(rows.nth(2), target_position={"x": 5, "y": 30})
    assert [row.locator("summary").inner_text() for row in rows.all()] == [
        "Second?",
        "Third?",
        "First?",
    ]
    tab.get_by_role("button", name="Save", exact=True).last.click()
    # The list the save leads to, loaded: no request of the browser's outlives the test (one
    # still reading while the test's database is emptied locked a table there).
    tab.wait_for_url(f"{url}/admin/archive/article/")
    tab.wait_for_load_state()
    assert [e.question for e in interview.exchanges.all()] == ["Second?", "Third?", "First?"]


def test_leaving_a_form_with_changes_not_saved_is_asked_first(site, tab):
    """An editor changed a review's standfirst, then opened its preview to see it: the preview
    showed the piece as saved, and going back gave the form as saved too (the admin's pages are
    never cached), the change lost without a word. The browser now asks before leaving a form
    with changes, or one shown again after an error; it does not ask for a form left as it was
    loaded, nor on saving."""
    url, film = site
    review = make_article(films=[film], title="Rubble and light", standfirst="As it was.")
    change = f"{url}/admin/archive/article/{review.pk}/change/"
    asked = dialogs_answered_stay(tab)
    sign_in(tab, url)
    tab.goto(change)
    tab.get_by_role("link", name="History").click()
    tab.wait_for_url(f"{url}/admin/archive/article/{review.pk}/history/")
    assert asked == []

    tab.goto(change)
    tab.get_by_label("Standfirst:").fill("A better standfirst.")
    tab.get_by_role("link", name="Preview").click()
    expect(tab.get_by_label("Standfirst:")).to_have_value("A better standfirst.")
    assert asked == ["beforeunload"]
    assert tab.url == change

    tab.get_by_role("button", name="Save and continue editing").first.click()
    expect(tab.locator(".messagelist")).to_contain_text("was changed successfully")
    tab.get_by_role("link", name="Preview").click()
    tab.wait_for_url(f"{url}/preview/articles/{review.pk}/")
    assert asked == ["beforeunload"]
    review.refresh_from_db()
    assert review.standfirst == "A better standfirst."

    tab.goto(f"{url}/admin/archive/film/add/")
    tab.get_by_label("Title:", exact=True).fill("A film without its year")
    tab.get_by_role("button", name="Save", exact=True).click()
    expect(tab.locator(".errornote")).to_be_visible()
    tab.get_by_role("link", name="Films", exact=True).first.click()
    expect(tab.get_by_label("Title:", exact=True)).to_have_value("A film without its year")
    assert asked == ["beforeunload", "beforeunload"]


def test_leaving_a_theme_or_language_typed_is_asked_first(site, tab):
    """A theme or a language typed on its form, or a theme's new name, then a link followed:
    these forms were left without a word, and what was typed was lost. The browser asks
    first, as it does on the forms of films, people, articles and quotes."""
    url, _film = site
    asked = dialogs_answered_stay(tab)
    sign_in(tab, url)
    syria = Theme.objects.get(name="Syria")
    for number, (address, typed) in enumerate(
        [
            ("/admin/archive/theme/add/", "civil defence"),
            ("/admin/archive/language/add/", "Danish"),
            (f"/admin/archive/theme/{syria.pk}/rename/", "Syrian Arab Republic"),
        ],
        start=1,
    ):
        tab.goto(url + address)
        name = tab.locator("#id_name")
        loaded = name.input_value()
        name.fill(typed)
        tab.locator(".breadcrumbs a").first.click()
        expect(name).to_have_value(typed)
        assert asked == ["beforeunload"] * number, address
        name.fill(loaded)  # as loaded: left without a question
