"""An editor in Chromium, on a wide screen and on a phone: importing the interview seed from the
article list, correcting the split the import proposes, saving the draft, scheduling it, and
readers finding it at its time (the clock moved on with time_machine; the live server runs in
this process). The admin runs under the site's Content Security Policy: no page may report a
violation.
"""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from archive.models import Article, Theme

from .conftest import csp_recording_page
from .factories import make_film, make_person
from .test_admin_browser import (
    PASSWORD,
    SCREENSHOTS,
    dialogs_answered_stay,
    editors_group,
    sign_in,
)
from .test_import import INTERVIEW_SEED

pytestmark = pytest.mark.once


@pytest.fixture
def site(live_server):
    editor = User.objects.create_user("edith", password=PASSWORD, is_staff=True)
    editor.groups.add(editors_group())
    film = make_film(title="Last Men in Aleppo", year=2017)
    make_film(title="The White Helmets", year=2016)
    director = make_person(name="Feras Fayyad")
    Theme.objects.create(name="Syria", slug="syria")
    return live_server.url, film, director


@pytest.fixture(params=[1280, 390], ids=["wide", "phone"])
def tab(browser, request):
    """A browser tab, 1280 or 390 pixels wide, that records Content Security Policy violations."""
    with csp_recording_page(browser, request.param) as page:
        yield page


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_editor_imports_the_interview_corrects_the_split_and_saves_the_draft(site, tab):
    url, film, director = site
    width = tab.viewport_size["width"]
    sign_in(tab, url)
    tab.goto(f"{url}/admin/archive/article/")
    tab.get_by_role("link", name="Import text").click()
    tab.get_by_label("or a text file:").set_input_files(str(INTERVIEW_SEED))
    tab.get_by_label("kind:").select_option("interview")
    tab.get_by_role("button", name="Show the split").click()

    expect(tab.get_by_role("heading", level=1)).to_have_text("Check the split")
    assert tab.get_by_label("title:").input_value() == "Feras Fayyad on Last Men in Aleppo"
    assert "Feras Fayyad" in tab.locator(".field-interviewee .select2-selection").inner_text()
    assert tab.locator("fieldset.exchange").count() == 12  # 11 found, and an empty one to add.
    assert fits_the_screen(tab)
    SCREENSHOTS.mkdir(exist_ok=True)
    tab.screenshot(path=SCREENSHOTS / f"admin-import-preview-{width}.png", full_page=True)

    # The remark after the sixth question belongs to it in the source; the editor moves it to
    # the answer, drops the last exchange and the Netflix film the text also names.
    question, answer = (
        tab.locator("#id_exchanges-5-question"),
        tab.locator("#id_exchanges-5-answer"),
    )
    asked, remark = question.input_value().split(" We see in the film")
    question.fill(asked)
    answer.fill(f"We see in the film{remark} {answer.input_value()}")
    tab.get_by_label("remove this exchange").nth(10).check()
    tab.get_by_label("The White Helmets (2016)").uncheck()
    tab.get_by_role("button", name="Save the draft").click()

    expect(tab.locator(".messagelist")).to_contain_text("was made from the text")
    article = Article.objects.get()
    tab.wait_for_url(f"{url}/admin/archive/article/{article.pk}/change/")
    assert (article.kind, article.status, article.published_at) == ("interview", "draft", None)
    exchanges = list(article.exchanges.all())
    assert len(exchanges) == 10
    assert exchanges[5].question.endswith("when it comes to conventional bombs?")
    assert exchanges[5].answer.startswith("We see in the film")
    assert {exchange.interviewee for exchange in exchanges} == {director}
    assert list(article.films.all()) == [film]
    assert tab.get_by_role("link", name="Paste a transcript").count() == 1

    # Scheduled for ten minutes from now: readers find nothing until then, then the interview,
    # on its own page and on the film's.
    moment = timezone.localtime().replace(microsecond=0) + dt.timedelta(minutes=10)
    tab.locator("#id_status").select_option("published")
    tab.locator("#id_published_at_0").fill(moment.strftime("%Y-%m-%d"))
    tab.locator("#id_published_at_1").fill(moment.strftime("%H:%M:%S"))
    tab.get_by_role("button", name="Save", exact=True).last.click()
    article.refresh_from_db()
    assert article.is_scheduled and article.published_at == moment

    reader = tab.context.browser.new_context().new_page()
    page = reader.goto(f"{url}{article.get_absolute_url()}")
    assert page.status == 404
    reader.goto(f"{url}{film.get_absolute_url()}")
    assert reader.get_by_role("link", name=article.title).count() == 0
    reader.context.close()
    with time_machine.travel(moment + dt.timedelta(seconds=1)):
        # A new reader: a browser that read the film's page keeps it for two minutes.
        reader = tab.context.browser.new_context().new_page()
        page = reader.goto(f"{url}{article.get_absolute_url()}")
        assert page.status == 200
        assert reader.get_by_role("heading", level=1).inner_text() == article.title
        reader.goto(f"{url}{film.get_absolute_url()}")
        assert reader.get_by_role("link", name=article.title).count() == 1
        reader.context.close()


def test_a_text_too_long_to_read_gets_the_form_back_with_the_limit(site, browser):
    """A 3 MB text pasted into "Import text" is refused on the form, in the page the editor
    sees: Chromium cut it at the box's million characters, and the import went on."""
    url, _, _ = site
    with csp_recording_page(browser, 1280) as tab:
        sign_in(tab, url)
        tab.goto(f"{url}/admin/archive/article/import/")
        tab.locator("#id_text").focus()
        tab.keyboard.insert_text("The rescuers dig on, and the film answers slowly. " * 60_000)
        tab.get_by_role("button", name="Show the split").click()
        expect(tab.locator(".field-text .errorlist")).to_contain_text(
            "The text is longer than the limit of 1 MB"
        )
        assert tab.get_by_role("heading", level=1).inner_text() == "Import text"
    assert not Article.objects.exists()


def test_leaving_the_text_or_its_split_is_asked_first(site, browser):
    """A transcript pasted, or its split corrected, then a link of the navigation followed by
    mistake: the text and the split were gone, nothing having been saved. The browser now asks
    first; the form's own "Show the split", "Start again" and "Cancel" do not ask."""
    url, film, director = site
    with csp_recording_page(browser) as tab:
        asked = dialogs_answered_stay(tab)
        sign_in(tab, url)
        tab.goto(f"{url}/admin/archive/article/import/")
        text = INTERVIEW_SEED.read_text()
        tab.get_by_label("text:").fill(text)
        tab.locator("#nav-sidebar").get_by_role("link", name="Films").click()
        expect(tab.get_by_label("text:")).to_have_value(text)
        assert asked == ["beforeunload"]

        tab.get_by_role("button", name="Show the split").click()
        expect(tab.get_by_role("heading", level=1)).to_have_text("Check the split")
        tab.locator("#nav-sidebar").get_by_role("link", name="Films").click()
        expect(tab.get_by_role("heading", level=1)).to_have_text("Check the split")
        assert asked == ["beforeunload", "beforeunload"]

        tab.get_by_role("link", name="Start again").click()
        tab.wait_for_url(f"{url}/admin/archive/article/import/")
        tab.get_by_role("link", name="Cancel").click()
        tab.wait_for_url(f"{url}/admin/archive/article/")
        assert asked == ["beforeunload", "beforeunload"]
