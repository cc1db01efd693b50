from django.test import SimpleTestCase

from archive.markup import plain_text, render_markdown


class RenderingTests(SimpleTestCase):
    """Editors write Markdown; readers get clean HTML and nothing that runs."""

    def test_markdown_becomes_html(self):
        html = render_markdown("A *moving* film.\n\nSee [the festival](https://example.org).")
        self.assertInHTML("<p>A <em>moving</em> film.</p>", html)
        self.assertIn('href="https://example.org"', html)
        self.assertIn('rel="noopener noreferrer"', html)

    def test_scripts_and_handlers_are_removed(self):
        payloads = [
            "<script>alert(1)</script>",
            '<img src=x onerror="alert(1)">',
            "[click](javascript:alert(1))",
            '<a href="JaVaScRiPt:alert(1)">x</a>',
            '<a href="&#106;avascript:alert(1)">x</a>',
            "<svg onload=alert(1)><circle/></svg>",
            '<p style="background:url(javascript:alert(1))">x</p>',
            "<iframe src=javascript:alert(1)></iframe>",
        ]
        for payload in payloads:
            with self.subTest(payload=payload):
                html = render_markdown(payload).lower()
                self.assertNotIn("<script", html)
                self.assertNotIn("javascript:", html)
                self.assertNotIn("onerror", html)
                self.assertNotIn("onload", html)
                self.assertNotIn("<svg", html)
                self.assertNotIn("<iframe", html)
                self.assertNotIn("style=", html)

    def test_plain_text(self):
        self.assertEqual(plain_text("A *moving* film &amp; more."), "A moving film & more.")
        self.assertEqual(plain_text(""), "")
