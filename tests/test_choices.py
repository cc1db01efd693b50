from django.template import engines
from django.test import SimpleTestCase


class OptionsTagTests(SimpleTestCase):
    """The filters' options: each value and label escaped, the current one selected."""

    def render(self, **context):
        template = engines["django"].from_string("{% load choices %}{% options choices current %}")
        return template.render(context)

    def test_pairs_with_the_current_one_selected(self):
        html = self.render(choices=[("", "Any kind"), ("review", "Review")], current="review")
        self.assertEqual(
            html,
            '<option value="">Any kind</option><option value="review" selected>Review</option>',
        )

    def test_plain_values_compare_as_text(self):
        html = self.render(choices=[2017, 2016], current=2016)
        self.assertEqual(
            html, '<option value="2017">2017</option><option value="2016" selected>2016</option>'
        )

    def test_nothing_current_selects_the_empty_choice(self):
        self.assertIn(
            '<option value="" selected>', self.render(choices=[("", "Any")], current=None)
        )

    def test_values_and_labels_are_escaped(self):
        html = self.render(choices=[('"><script>', "<b>Syria</b> & co")], current="")
        self.assertEqual(
            html,
            '<option value="&quot;&gt;&lt;script&gt;">&lt;b&gt;Syria&lt;/b&gt; &amp; co</option>',
        )

    def test_options_kept_rendered_select_the_current_one(self):
        """The themes a list offers are kept written once for all its pages: each page still
        marks its own theme, and only that one."""
        from archive.templatetags.choices import rendered_options

        themes = rendered_options([("war", "War"), ("war-crimes", "War crimes"), ("a&b", "A & B")])
        self.assertEqual(
            self.render(choices=themes, current="war-crimes"),
            '<option value="war">War</option><option value="war-crimes" selected>War crimes'
            '</option><option value="a&amp;b">A &amp; B</option>',
        )
        html = self.render(choices=themes, current="a&b")
        self.assertIn('<option value="a&amp;b" selected>', html)
        self.assertNotIn("selected", self.render(choices=themes, current="war-"))
        self.assertNotIn("selected", self.render(choices=themes, current='war">'))
        self.assertEqual(self.render(choices=themes, current=None), themes)
