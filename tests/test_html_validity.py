"""Every page type is valid HTML5 by the Nu HTML Checker (vnu)."""

import datetime as dt
import json
import subprocess

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone

from archive.models import Article

pytestmark = pytest.mark.once

PAGES = {
    "home": "/",
    "film-list": "/films/",
    "film-list-bad-filters": "/films/?year=abc&kind=nonsense",
    "film-list-last-page": "/films/?page=last",
    "article-list": "/articles/",
    "article-list-filtered": "/articles/?kind=interview&person=feras-fayyad&film=the-white-helmets",
    "film": "/films/last-men-in-aleppo/",
    "short-film": "/films/the-white-helmets/",
    "review": "/articles/last-men-in-aleppo-review/",
    "interview": "/articles/feras-fayyad-interview/",
    "person": "/people/khaled-omar-harrah/",
    "director": "/people/feras-fayyad/",
    "person-list": "/people/",
    "person-list-filtered": "/people/?role=critic&letter=a",
    "person-list-last-page": "/people/?page=last",
    "theme-list": "/themes/",
    "theme": "/themes/civil-defence/",
    "quote-list": "/quotes/",
    "quote-list-filtered": "/quotes/?person=feras-fayyad",
    "not-found": "/films/no-such-film/",
    "search": "/search/?q=Aleppo+%22tools+of+cinema%22+-Netflix",
    "search-empty": "/search/",
    "search-nothing": "/search/?q=zanzibar&kind=film",
}


@pytest.fixture
def demo_pages(db, tmp_path):
    from django.core.management import call_command

    call_command("loaddata", "demo", verbosity=0)
    # As published "now" from the admin: to the microsecond (the fixture's times are whole
    # seconds), which a <time datetime> may not carry.
    Article.objects.filter(slug="last-men-in-aleppo-review").update(
        published_at=timezone.now().replace(microsecond=123456) - dt.timedelta(minutes=1)
    )
    client = Client()
    files = []
    for name, url in PAGES.items():
        response = client.get(url)
        assert response.status_code in (200, 404), url
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(path)
    for template in (
        "400.html",
        "403.html",
        "403_csrf.html",
        "500.html",
        "503.html",
        "registration/locked_out.html",
    ):
        path = tmp_path / template.replace("/", "-")
        path.write_text(render_to_string(template))
        files.append(path)
    return files


def test_every_page_type_is_valid_html(vnu, demo_pages):
    result = subprocess.run(
        [*vnu, "--errors-only", "--format", "json", *map(str, demo_pages)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    problems = [
        f"{m['url'].rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}" for m in messages
    ]
    assert problems == []


def test_the_checker_reports_errors(vnu, tmp_path):
    """A control: the same call does report an invalid page."""
    page = tmp_path / "broken.html"
    page.write_text("<!doctype html><html lang=en><title>x</title><p><div></span></html>")
    result = subprocess.run(
        [*vnu, "--errors-only", "--format", "json", str(page)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert json.loads(result.stderr or result.stdout)["messages"]
