"""Secure by default: deployment checks, headers, cookies, and brute-force protection."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase, override_settings

from .processes import run_django

PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "security-test-key-pX4v9Lq2mW7zR3tY8nB1cK6hJ5gF0dS-not-a-real-one",
    "DJANGO_ALLOWED_HOSTS": "films.example.org",
    "DJANGO_BEHIND_PROXY": "true",
}


def run_production(code, **environ):
    return run_django(code, setup=False, **{**PRODUCTION, **environ})


@pytest.mark.once
def test_deployment_checks_report_nothing():
    result = run_production(
        "import os, sys; os.environ['DJANGO_SETTINGS_MODULE'] = 'site_config.settings'; "
        "sys.argv = ['manage.py', 'check', '--deploy', '--fail-level', 'WARNING']; "
        "from django.core.management import execute_from_command_line; "
        "execute_from_command_line(sys.argv)"
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """Production pages need collected, hashed static files."""
    root = tmp_path_factory.mktemp("static")
    result = run_production(
        "import os, sys; os.environ['DJANGO_SETTINGS_MODULE'] = 'site_config.settings'; "
        "from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'collectstatic', '--no-input', '-v0'])",
        DJANGO_STATIC_ROOT=str(root),
    )
    assert result.returncode == 0, result.stderr
    return str(root)


def production_headers(path, static_root, **environ):
    result = run_production(
        "import json, django; django.setup(); "
        "from django.core.management import call_command; "
        "call_command('migrate', verbosity=0); "
        "from django.test import Client; "
        f"r = Client().get({path!r}, secure=True, HTTP_HOST='films.example.org'); "
        "print(json.dumps({'status': r.status_code, 'headers': dict(r.headers), "
        "'cookies': list(r.cookies)}))",
        DATABASE_URL="sqlite://:memory:",
        DJANGO_STATIC_ROOT=static_root,
        **environ,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.once
def test_public_page_headers_in_production(static_root):
    response = production_headers("/films/", static_root)
    headers = response["headers"]
    assert response["status"] == 200
    policy = headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "nonce-" not in policy
    max_age = int(headers["Strict-Transport-Security"].split("max-age=")[1].split(";")[0])
    assert max_age >= 15_768_000
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert sorted(headers["Cache-Control"].split(", ")) == ["max-age=120", "public"]
    assert "Cookie" not in headers.get("Vary", "")
    assert response["cookies"] == []


@pytest.mark.once
def test_plain_http_is_redirected_to_https_behind_the_proxy(static_root):
    result = run_production(
        "import django; django.setup(); "
        "from django.core.management import call_command; call_command('migrate', verbosity=0); "
        "from django.test import Client; c = Client(HTTP_HOST='films.example.org'); "
        "print(c.get('/films/').status_code, c.get('/films/', HTTP_X_FORWARDED_PROTO='https')"
        ".status_code)",
        DATABASE_URL="sqlite://:memory:",
        DJANGO_STATIC_ROOT=static_root,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["301", "200"]


@pytest.mark.once
def test_admin_cookies_are_secure_http_only_and_same_site(static_root):
    result = run_production(
        "import django; django.setup(); "
        "from django.core.management import call_command; call_command('migrate', verbosity=0); "
        "from django.test import Client; "
        "r = Client().get('/admin/login/', secure=True, HTTP_HOST='films.example.org'); "
        "c = r.cookies['csrftoken']; "
        "print(bool(c['secure']), bool(c['httponly']), c['samesite'])",
        DATABASE_URL="sqlite://:memory:",
        DJANGO_STATIC_ROOT=static_root,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["True", "True", "Lax"]


def test_admin_address_is_configurable():
    result = run_production(
        "import django; django.setup(); from django.urls import reverse; "
        "print(reverse('admin:index'))",
        DJANGO_ADMIN_URL="editorial-desk",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "/editorial-desk/"


class PublicPagesAreCacheableTests(TestCase):
    """A CDN can cache public pages: no cookies set, no Vary on Cookie."""

    def test_no_cookies_and_no_vary_cookie(self):
        call_command("loaddata", "demo", verbosity=0)
        for url in (
            "/",
            "/films/",
            "/films/last-men-in-aleppo/",
            "/articles/feras-fayyad-interview/",
            "/people/feras-fayyad/",
            "/themes/",
            "/themes/syria/",
            "/quotes/",
            "/feeds/articles/",
            "/sitemap.xml",
            "/robots.txt",
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(list(response.cookies), [])
                self.assertNotIn("Cookie", response.get("Vary", ""))
                self.assertIn("public", response["Cache-Control"])

    def test_a_cookie_set_for_one_reader_is_not_for_a_cdn_to_keep(self):
        """A reader still holding an ended session's cookie, or a malformed CSRF cookie, gets it
        removed or replaced with a page no CDN or shared cache may keep and serve to others."""
        for cookie, value in (("sessionid", "an-ended-session"), ("csrftoken", "malformed")):
            for url in ("/search/?q=aleppo", "/films/?year=abc", "/films/"):
                with self.subTest(cookie=cookie, url=url):
                    self.client.cookies.clear()
                    self.client.cookies[cookie] = value
                    response = self.client.get(url)
                    self.assertEqual(response.status_code, 200)
                    if response.cookies:
                        self.assertIn("private", response["Cache-Control"])
                        self.assertNotIn("public", response["Cache-Control"])


class BruteForceTests(TestCase):
    """Repeated failed sign-ins to the admin are locked out, per address and username."""

    @classmethod
    def setUpTestData(cls):
        get_user_model().objects.create_user(
            "editor", password="right-horse-battery", is_staff=True
        )

    def sign_in(self, password, address="203.0.113.7", forged="192.0.2.1"):
        """Through one proxy, which appends the address it saw to what the client sent."""
        return self.client.post(
            "/admin/login/",
            {"username": "editor", "password": password, "next": "/admin/"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"{forged}, {address}",
        )

    @override_settings(PROXY_COUNT=1)
    def test_lockout_after_repeated_failures_uses_the_proxys_client_address(self):
        for _ in range(4):
            self.assertEqual(self.sign_in("wrong").status_code, 200)
        self.assertEqual(self.sign_in("wrong").status_code, 429)
        locked = self.sign_in("right-horse-battery")
        self.assertEqual(locked.status_code, 429)
        self.assertContains(locked, "Too many sign-in attempts", status_code=429)
        forging = self.sign_in("right-horse-battery", forged="198.51.100.99")
        self.assertEqual(forging.status_code, 429)
        elsewhere = self.sign_in("right-horse-battery", address="198.51.100.20")
        self.assertEqual(elsewhere.status_code, 302)

    @override_settings(PROXY_COUNT=1)
    def test_odd_sign_ins_get_a_form_error_not_a_server_error(self):
        """A username longer than any, a forwarded address that is no address: the form says
        the sign-in failed (a 500 on PostgreSQL, where the attempt is recorded in columns of
        a fixed size and type)."""
        long_name = self.client.post(
            "/admin/login/", {"username": "x" * 300, "password": "p", "next": "/admin/"}
        )
        self.assertEqual(long_name.status_code, 200)
        self.assertContains(long_name, "errornote")
        for forwarded in ("garbage", "1.2.3.4:5678", "[2001:db8::1]"):
            with self.subTest(forwarded=forwarded):
                response = self.client.post(
                    "/admin/login/",
                    {"username": "editor", "password": "wrong", "next": "/admin/"},
                    REMOTE_ADDR="10.0.0.2",
                    HTTP_X_FORWARDED_FOR=forwarded,
                )
                self.assertEqual(response.status_code, 200)

    def test_scripts_and_tests_can_still_sign_in_without_a_request(self):
        self.assertTrue(self.client.login(username="editor", password="right-horse-battery"))
        self.assertFalse(self.client.login(username="editor", password="wrong"))

    def test_without_proxies_the_connection_address_counts(self):
        for _ in range(5):
            self.sign_in("wrong", address=f"203.0.113.{_}")
        self.assertEqual(
            self.sign_in("right-horse-battery", address="198.51.100.20").status_code, 429
        )


class PermissionsPolicyTests(TestCase):
    """Every answer refuses the browser features the site never uses (camera, microphone,
    location, interest-based advertising topics) to its page and to anything it embeds,
    beside the Content Security Policy, which stays as it was."""

    FEATURES = {"camera", "microphone", "geolocation", "browsing-topics"}

    def assertFeaturesRefused(self, response):
        policy = response["Permissions-Policy"]
        refused = {
            name.strip() for name, _, allowed in (d.partition("=") for d in policy.split(","))
            if allowed.strip() == "()"
        }  # fmt: skip
        self.assertLessEqual(self.FEATURES, refused, policy)

    def test_public_pages_fresh_and_from_the_page_cache(self):
        for cache_status in ("fwd=miss; stored", "hit"):
            response = self.client.get("/films/")
            self.assertEqual(response["Cache-Status"], f"film-archive; {cache_status}")
            self.assertFeaturesRefused(response)
            self.assertIn("script-src 'self'", response["Content-Security-Policy"])
            self.assertIn("frame-ancestors 'none'", response["Content-Security-Policy"])

    def test_the_admin_error_pages_and_the_api(self):
        for path, status in (
            ("/admin/login/", 200),
            ("/films/no-such-film/", 404),
            ("/api/v1/films/", 200),
            ("/healthz", 200),
        ):
            response = self.client.get(path)
            self.assertEqual(response.status_code, status, path)
            self.assertFeaturesRefused(response)
            self.assertIn("Content-Security-Policy", response, path)


@override_settings(ALLOWED_HOSTS=["films.example.org"])
class ErrorPagesCarryThePolicyTests(TestCase):
    """A host the site does not serve is refused before the CSP middleware runs; the error
    page carries the site's policy all the same."""

    def test_unknown_host_gets_a_400_page_with_the_policy(self):
        response = self.client.get("/films/", HTTP_HOST="elsewhere.example")
        self.assertEqual(response.status_code, 400)
        self.assertIn("script-src 'self'", response["Content-Security-Policy"])
        self.assertIn("frame-ancestors 'none'", response["Content-Security-Policy"])

    def test_not_found_page_keeps_one_policy(self):
        response = self.client.get("/films/no-such-film/", HTTP_HOST="films.example.org")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(len(response.headers["Content-Security-Policy"].split(", ")), 1)


class ForbiddenPagesTests(TestCase):
    """A request refused with 403 gets the site's own page, under the site's policy."""

    def test_a_refused_form_gets_the_sites_page_without_inline_styles(self):
        """A form refused by Django's CSRF check (a sign-in from a page left open after
        signing in in another tab, cookies blocked) was Django's own page, styled inline:
        under the site's policy the browser refused its styles (a CSP violation on the
        admin's sign-in) and the editor saw raw text telling them to read Django's
        documentation."""
        client = self.client_class(enforce_csrf_checks=True)
        response = client.post("/admin/login/", {"username": "editor", "password": "p"})
        self.assertContains(response, "Your form could not be sent", status_code=403)
        self.assertContains(response, "Film Archive", status_code=403)
        self.assertNotContains(response, "<style", status_code=403)
        self.assertNotContains(response, " style=", status_code=403)
        self.assertIn("style-src 'self'", response["Content-Security-Policy"])

    def test_a_forbidden_page_is_the_sites_own(self):
        """A signed-in person asking for an admin screen their account does not open (here,
        adding a film without the permission) got Django's bare "403 Forbidden", unstyled and
        saying nothing of why."""
        someone = get_user_model().objects.create_user("someone", is_staff=True)
        self.client.force_login(someone)
        response = self.client.get("/admin/archive/film/add/")
        self.assertContains(response, "Not open to you", status_code=403)
        self.assertContains(response, "Film Archive", status_code=403)
        self.assertIn("style-src 'self'", response["Content-Security-Policy"])
