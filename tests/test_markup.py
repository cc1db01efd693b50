from django.test import SimpleTestCase

from archive.markup import mark_passages, plain_text, render_markdown


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

    def test_a_link_to_an_address_not_allowed_reads_as_its_words(self):
        """A link to an address the site does not link to (`javascript:`, `tel:`, `ftp:`, or
        a named anchor typed as HTML) reads as its words, emphasis kept: it was left as an `<a>`
        with `rel` and no address, which HTML does not allow (the Nu checker refused the
        article, and its feed entries carried the same markup)."""
        for text in (
            "Call [the *festival*](tel:+4512345678) today.",
            '<p>Call <a title="Festival" href="javascript:alert(1)">the <em>festival</em></a> '
            "today.</p>",
            "<p>Call <a name=fest>the <em>festival</em></a> today.</p>",
        ):
            with self.subTest(text=text):
                self.assertHTMLEqual(
                    render_markdown(text), "<p>Call the <em>festival</em> today.</p>"
                )
        html = render_markdown(
            '<abbr title="Copenhagen">CPH</abbr>: [Allowed](https://example.org) and '
            "[not](ftp://example.org)."
        )
        self.assertInHTML('<abbr title="Copenhagen">CPH</abbr>', html)
        self.assertInHTML(
            '<a href="https://example.org" rel="noopener noreferrer">Allowed</a>', html
        )
        self.assertIn("and not.", html)

    def test_plain_text(self):
        self.assertEqual(plain_text("A *moving* film &amp; more."), "A moving film & more.")
        self.assertEqual(plain_text(""), "")


class PassageMarkingTests(SimpleTestCase):
    """A quote's passage is marked where a reader reads it, and nowhere else."""

    def test_passage_is_marked_in_the_text(self):
        html, placed = mark_passages(
            render_markdown("He said: “It’s about humanity.” Then left."),
            [("quote-1", "It's about humanity.")],
        )
        self.assertEqual(placed, {"quote-1"})
        self.assertInHTML('<mark class="quoted" id="quote-1">It’s about humanity.</mark>', html)

    def test_text_inside_a_tag_or_an_attribute_is_never_marked(self):
        rendered = render_markdown(
            'See [the festival](https://example.org/a-moving-film "a moving film").\n\n'
            "A moving film, twice."
        )
        html, placed = mark_passages(rendered, [("quote-1", "moving film"), ("quote-2", "p")])
        self.assertEqual(placed, {"quote-1"})
        self.assertIn('href="https://example.org/a-moving-film"', html)
        self.assertIn('title="a moving film"', html)
        self.assertInHTML(
            '<p>A <mark class="quoted" id="quote-1">moving film</mark>, twice.</p>', html
        )
        self.assertEqual(html.count("<mark"), 1)

    def test_escaped_characters_stay_escaped(self):
        rendered = render_markdown("Tom & Jerry <script>x</script> say 5 < 6 & more.")
        html, placed = mark_passages(rendered, [("quote-1", "5 < 6 & more")])
        self.assertEqual(placed, {"quote-1"})
        self.assertIn('<mark class="quoted" id="quote-1">5 &lt; 6 &amp; more</mark>', html)
        self.assertNotIn("<script", html)
        self.assertIn("Tom &amp; Jerry", html)

    def test_a_passage_across_inline_markup_is_marked_whole(self):
        """A film's title in italics inside the quoted words: the mark holds the italics."""
        rendered = render_markdown(
            "*The White Helmets* is a forty-minute act of witness.\n\nAn **amazing** film."
        )
        html, placed = mark_passages(
            rendered,
            [("quote-1", "The White Helmets is a forty-minute act"), ("quote-2", "amazing film")],
        )
        self.assertEqual(placed, {"quote-1", "quote-2"})
        self.assertInHTML(
            '<p><mark class="quoted" id="quote-1"><em>The White Helmets</em> is a forty-minute '
            "act</mark> of witness.</p>",
            html,
        )
        self.assertInHTML(
            '<p>An <mark class="quoted" id="quote-2"><strong>amazing</strong> film</mark>.</p>',
            html,
        )

    def test_a_passage_that_would_break_the_markup_is_anchored_at_its_paragraph(self):
        """Unmarked, it is reached at the start of its paragraph; a passage across two
        paragraphs is no passage of the text."""
        rendered = render_markdown("Before.\n\nAn *amazing accomplishment* indeed.\n\nNext.")
        html, placed = mark_passages(
            rendered,
            [("quote-1", "accomplishment indeed"), ("quote-2", "indeed. Next")],
        )
        self.assertEqual(placed, {"quote-1"})
        self.assertEqual(
            html,
            '<p>Before.</p>\n<p><span id="quote-1"></span>An <em>amazing accomplishment</em>'
            " indeed.</p>\n<p>Next.</p>",
        )
