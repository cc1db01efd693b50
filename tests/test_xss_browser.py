"""No editor-written text can run a script on a public page, proved in Chromium.

Every editor-authored field gets a list of XSS payloads; each public page is then opened in
Chromium, where nothing may run (no dialog, no flag set) and the DOM may hold no script,
event handler, frame or `javascript:` link of the payloads' making. The Content Security
Policy would block inline scripts anyway: the DOM checks show the sanitising alone is enough.
"""

import datetime as dt
import json

import pytest
from django.utils import timezone

from archive.models import Article, ArticleFilm, ArticlePerson, Credit

from .factories import make_exchange, make_film, make_person, make_quote

pytestmark = pytest.mark.once

PAYLOADS = [
    "<script>window.__xss=1;alert(1)</script>",
    '<img src=x onerror="window.__xss=1;alert(1)">',
    '<svg onload="window.__xss=1"><script>window.__xss=1</script></svg>',
    "[click me](javascript:window.__xss=1)",
    '<a href="jav&#x09;ascript:window.__xss=1">tab</a>',
    '<a href="JaVaScRiPt:window.__xss=1">mixed case</a>',
    '<a href="&#106;avascript:window.__xss=1">entity</a>',
    '<iframe src="javascript:window.__xss=1"></iframe>',
    '<style>body{background:url("javascript:window.__xss=1")}</style>',
    '<p style="background-image:url(javascript:window.__xss=1)">styled</p>',
    '"><script>window.__xss=1</script>',
    "</script><script>window.__xss=1</script>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>",
    '<details open ontoggle="window.__xss=1">d</details>',
    '<object data="javascript:window.__xss=1"></object>',
    '<form action="javascript:window.__xss=1"><button>go</button></form>',
]
TEXT = "\n\n".join(PAYLOADS)
SHORT = '<img src=x onerror="window.__xss=1">'

DOM_CHECK = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (attr.name.toLowerCase().startsWith('on')) bad.push(el.tagName + ' ' + attr.name);
      const value = attr.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
      if (value.startsWith('javascript:')) bad.push(el.tagName + ' ' + attr.name + '=' + value);
    }
  }
  for (const el of document.querySelectorAll('script:not([type="application/ld+json"])'))
    bad.push('script: ' + el.outerHTML.slice(0, 60));
  for (const el of document.querySelectorAll('iframe, object, embed, svg, math, style, [style]'))
    bad.push(el.tagName);
  return bad;
}"""


def build_hostile_archive():
    person = make_person(
        name=SHORT,
        alternative_names=f"{SHORT}\n{PAYLOADS[0]}",
        native_name=SHORT,
        native_name_language='"><b onclick=x>',
        biography=TEXT,
    )
    film = make_film(
        title=SHORT,
        original_title=SHORT,
        original_title_language='x" onfocus=alert(1)',
        synopsis=TEXT,
    )
    film.themes.add(SHORT)
    Credit.objects.create(film=film, person=person, role="director", credited_as=SHORT, note=SHORT)
    award = film.awards.create(body=SHORT, edition=SHORT, year=2017, category=SHORT, outcome="won")
    award.recipients.add(person)
    for kind in (Article.Kind.REVIEW, Article.Kind.INTERVIEW):
        article = Article.objects.create(
            kind=kind,
            title=SHORT,
            standfirst=SHORT,
            body=TEXT,
            status=Article.Status.PUBLISHED,
            published_at=timezone.now() - dt.timedelta(hours=1),
            source_name=SHORT,
            source_url="javascript:window.__xss=1",
        )
        article.themes.add(SHORT)
        ArticleFilm.objects.create(article=article, film=film)
        ArticlePerson.objects.create(article=article, person=person)
        article.bylines.create(person=person)
        exchange = make_exchange(article, person, question=TEXT, answer=TEXT)
        quote = make_quote(article, film, SHORT, speaker=person, exchange=exchange, featured=True)
        quote.themes.add(SHORT)
    return film, person, list(Article.objects.all())


@pytest.fixture
def hostile_archive(transactional_db, live_server):
    return live_server.url, *build_hostile_archive()


def test_no_payload_runs_on_any_public_page(browser, hostile_archive):
    site, film, person, articles = hostile_archive
    theme = film.themes.get()
    urls = ["/", "/films/", film.get_absolute_url(), person.get_absolute_url(), "/themes/"]
    urls += [theme.get_absolute_url(), "/quotes/", "/articles/"]
    urls += [article.get_absolute_url() for article in articles]
    context = browser.new_context()
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for url in urls:
        response = page.goto(site + url)
        assert response.status == 200, url
        page.wait_for_load_state("load")
        assert page.evaluate("window.__xss") is None, url
        assert page.evaluate(DOM_CHECK) == [], url
        for block in page.locator('script[type="application/ld+json"]').all():
            json.loads(block.text_content())
    assert dialogs == []
    # The payloads are still there for readers, as text.
    page.goto(site + articles[0].get_absolute_url())
    assert "window.__xss" in page.locator("main").inner_text()
    context.close()


def test_feeds_escape_payloads(client, db):
    film, _, _ = build_hostile_archive()
    for url in ("/feeds/articles/", "/feeds/articles/atom/", f"/feeds/films/{film.slug}/"):
        content = client.get(url).content.decode()
        assert "<script" not in content and "<img" not in content, url
