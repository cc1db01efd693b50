"""The public reading site: what a reader finds on each page, and what never shows."""

import datetime as dt
import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.template.loader import render_to_string
from django.test import TestCase
from django.utils import timezone

from archive.models import Article, ArticlePerson, Credit

from .factories import make_article, make_credit, make_film, make_person, make_quote
from .public_data import BAYT, BAYT_REVIEW, WONG, build_archive, build_other_scripts

HIDDEN = ["Secret draft review", "Unpublished words here", "Scheduled interview", "Later."]


class PublicPageTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        build_archive(cls)

    def assertNothingHidden(self, response):
        for text in HIDDEN:
            self.assertNotContains(response, text)


class HomePageTests(PublicPageTestCase):
    def test_latest_articles_films_and_themes(self):
        response = self.client.get("/")
        self.assertContains(response, "An unforgettable portrait")
        self.assertContains(response, "Fayyad on filming")
        self.assertContains(response, "A review of the rescuers&#x27; film.")
        self.assertContains(response, 'href="/films/last-men-in-aleppo/"')
        self.assertContains(response, 'href="/themes/civil-defence/"')
        self.assertNotContains(response, "draft-only theme")
        self.assertNothingHidden(response)

    def test_themes_with_counts_of_what_readers_see(self):
        """Each theme beside the latest pieces and films, with how many films, articles and
        quotes carry it (as the themes page counts them): a draft carrying it adds nothing."""
        make_article(title="Another draft", status=Article.Status.DRAFT).themes.add("Syria")
        self.assertContains(
            self.client.get("/"),
            '<li><a href="/themes/syria/">Syria</a> <span class="count">3'
            '<span class="visually-hidden"> items</span></span></li>',
            html=True,
        )

    def test_themes_a_to_z_accents_folded(self):
        """The home page's themes go A to Z as the lists of people and films do: "Égypte"
        among the Es, not after "Syria"."""
        article = make_article(title="On the Nile")
        article.themes.add("Égypte", "Syria", "exile")
        names = re.findall(
            r'<li><a href="/themes/[^"]+/">([^<]+)</a>', self.client.get("/").content.decode()
        )
        self.assertLess(names.index("Égypte"), names.index("exile"))
        self.assertLess(names.index("exile"), names.index("Syria"))

    def test_films_of_one_piece_a_to_z_accents_folded(self):
        """The films in focus, of the latest piece, go A to Z among themselves, as the film
        list does: "Élan" before "Zorro" (the piece itself names them in its editor's order)."""
        make_article(films=[make_film(title=title) for title in ("Zorro", "Élan", "Bright")])
        content = self.client.get("/").content.decode()
        in_focus = content[content.index('id="featured-films"') :]
        films = re.findall(r'<a href="/films/[^"]+/"><cite>([^<]+)</cite>', in_focus)
        self.assertEqual(films[:3], ["Bright", "Élan", "Zorro"])

    def test_title_description_and_canonical(self):
        response = self.client.get("/")
        self.assertContains(response, "<title>Film Archive</title>", html=True)
        self.assertContains(response, '<meta name="description"')
        self.assertContains(response, '<link rel="canonical" href="http://testserver/">')


class FilmListTests(PublicPageTestCase):
    def test_lists_films(self):
        response = self.client.get("/films/")
        self.assertContains(response, "Last Men in Aleppo")
        self.assertContains(response, "The White Helmets")

    def test_filters(self):
        self.assertNotContains(self.client.get("/films/?year=2016"), "Last Men in Aleppo")
        response = self.client.get("/films/?kind=short-documentary")
        self.assertContains(response, "The White Helmets")
        self.assertNotContains(response, "Last Men in Aleppo</cite>")
        response = self.client.get("/films/?theme=syria")
        self.assertContains(response, "Last Men in Aleppo")
        self.assertNotContains(response, "The White Helmets</cite>")

    def test_filters_offer_only_themes_readers_can_see(self):
        for url in ("/films/", "/quotes/", "/search/?q=aleppo"):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(response, '<option value="syria">Syria</option>', html=True)
                self.assertNotContains(response, "draft-only theme")

    def test_malformed_parameters_never_fail(self):
        response = self.client.get("/films/?year=abc&kind=nonsense&theme=no-such-theme")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Some filters were not understood")
        self.assertContains(response, "Last Men in Aleppo")
        for query in ("page=abc", "page=99999", "page=-1", "page=0", "year=99999999999999999999"):
            with self.subTest(query=query):
                self.assertIn(self.client.get(f"/films/?{query}").status_code, (200, 404))


class FilmPageTests(PublicPageTestCase):
    def setUp(self):
        self.response = self.client.get("/films/last-men-in-aleppo/")

    def test_facts(self):
        response = self.response
        self.assertContains(response, "<cite>Last Men in Aleppo</cite>", html=True)
        self.assertContains(
            response, '<span lang="ar" dir="rtl">آخر الرجال في حلب</span>', html=True
        )
        for text in ("2017", "104 minutes", "Denmark, Syria", "Arabic", "Documentary"):
            self.assertContains(response, text)
        self.assertContains(response, "Rescuers in <em>Aleppo</em>.", html=True)

    def test_award_recipients_go_a_to_z_accents_folded(self):
        """An award's recipients go A to Z as the people list does: "Émile" before "Zora",
        where a name opening with "É" came after Z."""
        award = self.film.awards.get(body="Academy Awards")
        award.recipients.add(
            *(make_person(name=name) for name in ("Zora Neale", "Émile Zola", "bell hooks"))
        )
        content = self.client.get("/films/last-men-in-aleppo/").content.decode()
        recipients = re.search(r'<span class="note">\((.*?)\)</span>', content)[1]
        self.assertEqual(
            re.findall(r">([^<]+)</a>", recipients), ["bell hooks", "Émile Zola", "Zora Neale"]
        )

    def test_director_and_year_under_the_title(self):
        content = self.response.content.decode()
        byline = 'Directed by <a href="/people/feras-fayyad/">Feras Fayyad</a> · 2017'
        self.assertIn(byline, content)
        self.assertLess(content.index("</h1>"), content.index(byline))
        self.assertLess(content.index(byline), content.index('id="synopsis"'))

    def test_credits_grouped_by_role_and_linked(self):
        self.assertContains(self.response, "<dt>Director</dt>", html=True)
        self.assertContains(self.response, "<dt>Appears as self</dt>", html=True)
        self.assertContains(self.response, 'href="/people/feras-fayyad/"')
        self.assertContains(self.response, 'href="/people/khaled-omar-harrah/"')

    def test_a_credits_note_is_set_apart_from_the_name(self):
        """A credit's note (the production company a producer worked for) follows the name
        after a comma: it ran on into it, told apart by its colour alone, so that a screen
        reader, a copied list or a page without its styles read "Kareem Abeed Aleppo Media
        Center" as one name."""
        producer = make_person(name="Kareem Abeed")
        make_credit(self.film, producer, Credit.Role.PRODUCER, note="Aleppo Media Center")
        response = self.client.get(self.film.get_absolute_url())
        self.assertContains(
            response,
            '<li><a href="/people/kareem-abeed/">Kareem Abeed</a>'
            '<span class="note">, <bdi>Aleppo Media Center</bdi></span></li>',
            html=True,
        )

    def test_awards(self):
        self.assertContains(self.response, "World Cinema Grand Jury Prize: Documentary")
        self.assertContains(
            self.response,
            "<bdi>Best Documentary Feature</bdi>, <bdi>90th Academy Awards, 2018</bdi>",
        )
        self.assertContains(self.response, "Nominated")

    def test_reviews_and_interviews_in_separate_lists(self):
        content = self.response.content.decode()
        reviews = content[content.index('id="reviews"') : content.index('id="interviews"')]
        interviews = content[content.index('id="interviews"') : content.index('id="credits"')]
        self.assertIn("An unforgettable portrait", reviews)
        self.assertNotIn("Fayyad on filming", reviews)
        self.assertIn("Fayyad on filming", interviews)
        self.assertNotIn("An unforgettable portrait", interviews)
        self.assertContains(self.response, 'By <a href="/people/ada-critic/">Ada Critic</a>')

    def test_drafts_and_scheduled_pieces_do_not_show(self):
        self.assertNothingHidden(self.response)

    def test_featured_quotes_link_to_their_passage(self):
        self.assertContains(self.response, "unforgettable portrait of Syrian civilians.")
        self.assertContains(
            self.response, f'href="/articles/{self.review.slug}/#quote-{self.body_quote.pk}"'
        )
        self.assertContains(
            self.response, f'href="/articles/{self.interview.slug}/#quote-{self.answer_quote.pk}"'
        )

    def test_quotes_not_featured_are_reached_from_the_film(self):
        """The page shows the film's pull quotes; its other quotes are in the quotes list,
        filtered by the film (`/quotes/?film=`), which only a film page's link leads to. Every
        quote here is featured and shown: no link. A draft's or a scheduled piece's quotes
        make no link either."""
        link = "/quotes/?film=last-men-in-aleppo"
        self.assertNotContains(self.response, link)
        make_quote(self.review, self.film, "unforgettable portrait")
        response = self.client.get("/films/last-men-in-aleppo/")
        self.assertContains(
            response,
            f'<a href="{link}">All quotes on <cite>Last Men in Aleppo</cite></a>',
            html=True,
        )
        self.assertNotContains(response, "<p>unforgettable portrait</p>", html=True)
        listed = self.client.get(link)
        self.assertContains(listed, "<p>unforgettable portrait</p>", html=True)
        self.assertNothingHidden(listed)

    def test_themes_and_related_films_saying_what_they_share(self):
        self.assertContains(self.response, 'href="/themes/civil-defence/"')
        self.assertContains(self.response, 'href="/films/the-white-helmets/"')
        self.assertContains(self.response, 'the theme <a href="/themes/civil-defence/">')

    def test_open_graph(self):
        self.assertContains(self.response, '<meta property="og:type" content="video.movie">')
        self.assertContains(self.response, '<meta property="video:duration" content="6240">')

    def test_open_graph_names_every_director_as_the_structured_data_does(self):
        make_credit(self.film, make_person(name="Steen Johannessen"), role=Credit.Role.CO_DIRECTOR)
        response = self.client.get("/films/last-men-in-aleppo/")
        found = re.findall(
            r'<meta property="video:director" content="[^"]*(/people/[^"]*)">',
            response.content.decode(),
        )
        self.assertEqual(found, ["/people/feras-fayyad/", "/people/steen-johannessen/"])

    def test_image_whose_file_is_missing_does_not_break_the_page(self):
        """After restoring a backup without its media, say."""
        self.film.image = "films/missing.jpg"
        self.film.image_alt = "Rescuers in the rubble"
        self.film.save()
        response = self.client.get("/films/last-men-in-aleppo/")
        self.assertContains(
            response, '<img src="/media/films/missing.jpg" alt="Rescuers in the rubble">'
        )

    def test_unknown_film_is_404(self):
        response = self.client.get("/films/no-such-film/")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "Page not found", status_code=404)
        self.assertContains(response, "Film Archive", status_code=404)


class ArticlePageTests(PublicPageTestCase):
    def test_review(self):
        response = self.client.get(self.review.get_absolute_url())
        self.assertContains(response, '<p class="kind">Review</p>', html=True)
        self.assertContains(response, "A review of the rescuers&#x27; film.")
        self.assertContains(response, "Ada Critic")
        self.assertContains(response, "The raw footage in itself is an <em>amazing</em>")
        self.assertContains(response, 'href="/films/last-men-in-aleppo/"')
        self.assertContains(response, 'href="/people/khaled-omar-harrah/"')
        self.assertContains(response, 'href="/themes/cinematography/"')
        self.assertContains(response, '<meta property="og:type" content="article">')

    def test_quoted_passage_is_marked(self):
        response = self.client.get(self.review.get_absolute_url())
        self.assertContains(
            response,
            f'<mark class="quoted" id="quote-{self.body_quote.pk}">Last Men in Aleppo is an '
            "unforgettable portrait of Syrian civilians.</mark>",
            html=True,
        )

    def test_quote_in_an_answer_is_marked_inside_its_exchange(self):
        response = self.client.get(self.interview.get_absolute_url())
        content = response.content.decode()
        section = content[content.index(f'id="{self.exchange.anchor}"') :]
        self.assertRegex(
            section[: section.index("</section>")],
            rf'<mark class="quoted" id="quote-{self.answer_quote.pk}">It\'s not about',
        )

    def test_quote_across_emphasis_is_marked_whole(self):
        self.exchange.answer = (
            "Yes, many times.\n\nIt's *not* about journalism. It's about humanity."
        )
        self.exchange.save()
        self.assertContains(
            self.client.get(self.interview.get_absolute_url()),
            f'<p><mark class="quoted" id="quote-{self.answer_quote.pk}">It\'s <em>not</em> '
            "about journalism. It's about humanity.</mark></p>",
            html=True,
        )

    def test_quote_that_cannot_be_marked_is_still_anchored_at_its_paragraph(self):
        """The quoted words begin inside emphasis and go on past it: a mark around them would
        break the markup, so the link leads to the paragraph they are in instead."""
        self.exchange.answer = (
            "Yes, many times.\n\n*It's not about* journalism. It's about humanity."
        )
        self.exchange.save()
        self.answer_quote.text = "not about journalism. It's about humanity."
        self.answer_quote.save()
        response = self.client.get(self.interview.get_absolute_url())
        self.assertContains(
            response,
            f'<p><span id="quote-{self.answer_quote.pk}"></span><em>It\'s not about</em>',
        )
        self.assertContains(response, f'id="quote-{self.answer_quote.pk}"', count=1)

    def test_overlapping_quotes_are_each_reached_at_their_paragraph(self):
        """A second quote overlapping one already marked cannot be marked too: it is anchored
        at the start of its own paragraph, not at the top of the article."""
        self.review.body = "A first paragraph.\n\nThe rescuers run towards the bombs, always."
        self.review.save()
        first = make_quote(self.review, self.film, "rescuers run towards")
        second = make_quote(self.review, self.film, "towards the bombs, always")
        response = self.client.get(self.review.get_absolute_url())
        self.assertContains(
            response,
            f'<p><span id="quote-{second.pk}"></span>The <mark class="quoted" '
            f'id="quote-{first.pk}">rescuers run towards</mark> the bombs, always.</p>',
        )

    def test_interview_exchanges_are_attributed_questions_and_answers(self):
        response = self.client.get(self.interview.get_absolute_url())
        self.assertContains(response, "An introduction to the interview.")
        self.assertContains(response, f'<section class="qa" id="{self.exchange.anchor}"')
        self.assertContains(response, 'class="qa-question"', count=2)
        self.assertContains(response, 'class="qa-answer"', count=2)
        self.assertContains(response, '<p class="speaker">Interviewer</p>', html=True, count=2)
        self.assertContains(response, '<a href="/people/feras-fayyad/">Feras Fayyad</a>')
        content = response.content.decode()
        self.assertLess(
            content.index("Did you put the cameras down?"), content.index("Are you hopeful?")
        )

    def test_questions_are_the_interviewers_unless_an_exchange_names_someone_else(self):
        self.interview.interviewer = self.critic
        self.interview.save()
        self.second_exchange.interviewer = self.subject
        self.second_exchange.save()
        response = self.client.get(self.interview.get_absolute_url())
        speakers = [
            f'<p class="speaker"><a href="{person.get_absolute_url()}">{person.name}</a></p>'
            for person in (self.critic, self.subject)
        ]
        self.assertContains(response, speakers[0], html=True, count=1)
        self.assertContains(response, speakers[1], html=True, count=1)
        self.assertNotContains(response, '<p class="speaker">Interviewer</p>', html=True)
        content = response.content.decode()
        exchange = content.index(f'id="{self.exchange.anchor}"')
        self.assertLess(
            content.index(speakers[0], exchange),
            content.index("Did you put the cameras down?", exchange),
        )

    def test_interview_opens_with_its_questions_linking_to_their_exchanges(self):
        response = self.client.get(self.interview.get_absolute_url())
        content = response.content.decode()
        start = content.index('<nav class="questions"')
        questions = content[start : content.index("</nav>", start)]
        for exchange in (self.exchange, self.second_exchange):
            self.assertIn(f'<a href="#{exchange.anchor}">{exchange.question}</a>', questions)
        self.assertLess(start, content.index('class="qa"'))

    def test_each_exchange_links_to_itself_by_a_small_mark(self):
        response = self.client.get(self.interview.get_absolute_url())
        self.assertNotContains(response, "Link to this exchange")
        self.assertContains(
            response,
            f'<a class="permalink" href="#{self.exchange.anchor}"><span aria-hidden="true">#'
            '</span><span class="visually-hidden">Link to question 1</span></a>',
            html=True,
        )

    def test_reading_time(self):
        """From the words of the body and of the exchanges, at least a minute."""
        self.assertContains(self.client.get(self.review.get_absolute_url()), "1 min read")
        self.exchange.answer = "word " * 1200
        self.exchange.save()
        self.assertContains(self.client.get(self.interview.get_absolute_url()), "5 min read")

    def test_no_reading_time_for_a_piece_without_words(self):
        """A piece published with no body and no exchanges yet (its standfirst only) takes no
        minute to read: the page said "1 min read"."""
        empty = make_article(films=[self.film], title="Words to come", body="")
        response = self.client.get(empty.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "min read")

    def test_description_of_a_piece_without_a_standfirst(self):
        """Without a standfirst, a page's description (what a search engine and a shared link
        show of it) says what the piece is: a review "of" its films, an interview or a feature
        "on" them; one about no film, its first words. It said "Interview of …" and "Feature
        of …", and a feature about no film was described as "Feature." and nothing more."""
        interview = make_article(
            films=[self.film], title="Talk", kind=Article.Kind.INTERVIEW, standfirst=""
        )
        review = make_article(films=[self.film], title="Notice", standfirst="")
        essay = make_article(
            title="Essay", kind=Article.Kind.FEATURE, standfirst="", body="On *cinema* " * 40
        )
        for article, description in (
            (interview, "Interview on Last Men in Aleppo."),
            (review, "Review of Last Men in Aleppo."),
            (essay, " ".join(["On cinema"] * 15) + "…"),
        ):
            with self.subTest(article=article.title):
                response = self.client.get(article.get_absolute_url())
                self.assertContains(response, f'<meta name="description" content="{description}">')
                self.assertContains(
                    response, f'<meta property="og:description" content="{description}">'
                )

    def test_drafts_and_scheduled_articles_are_404(self):
        for article in (self.draft, self.scheduled):
            with self.subTest(article=article.title):
                self.assertEqual(self.client.get(article.get_absolute_url()).status_code, 404)


class PreviewTests(PublicPageTestCase):
    def test_staff_preview_a_draft_marked_uncached_and_unindexed(self):
        editor = get_user_model().objects.create_user("editor", is_staff=True)
        editor.user_permissions.add(Permission.objects.get(codename="view_article"))
        self.client.force_login(editor)
        response = self.client.get(f"/preview/articles/{self.draft.pk}/")
        self.assertContains(response, "Secret draft review")
        self.assertContains(response, "This is a draft; readers cannot see it.")
        self.assertContains(response, '<meta name="robots" content="noindex, nofollow">')
        self.assertEqual(response["X-Robots-Tag"], "noindex, nofollow")
        self.assertIn("no-cache", response["Cache-Control"])
        self.assertNotContains(response, "application/ld+json")
        response = self.client.get(f"/preview/articles/{self.scheduled.pk}/")
        self.assertContains(response, "Scheduled for")

    def test_readers_cannot_preview_nor_learn_the_admins_address(self):
        response = self.client.get(f"/preview/articles/{self.draft.pk}/")
        self.assertEqual(response.status_code, 404)
        self.assertNotContains(response, "/admin/", status_code=404)
        reader = get_user_model().objects.create_user("reader")
        self.client.force_login(reader)
        response = self.client.get(f"/preview/articles/{self.draft.pk}/")
        self.assertEqual(response.status_code, 404)


class PersonPageTests(PublicPageTestCase):
    def test_names_dates_and_work(self):
        response = self.client.get(self.subject.get_absolute_url())
        self.assertContains(response, "Khaled Omar Harrah")
        self.assertContains(response, "“<bdi>Umar Harah</bdi>”")
        self.assertContains(response, '<span lang="ar" dir="rtl">خالد عمر حرح</span>', html=True)
        self.assertContains(response, "11 August 2016")
        self.assertContains(response, "<dt>Appears as self</dt>", html=True)
        self.assertContains(response, "An unforgettable portrait")
        self.assertNothingHidden(response)

    def test_credits_of_a_year_go_a_to_z_accents_folded(self):
        """A person's films of one year go A to Z as the film list does, on the page and in
        the API: "Élan" before "Zorro", where a title opening with "É" came after Z."""
        person = make_person(name="Ada Editor")
        for title in ("Zorro", "Élan", "Bright"):
            make_credit(make_film(title=title, year=2015), person, role=Credit.Role.EDITOR)
        content = self.client.get(person.get_absolute_url()).content.decode()
        self.assertEqual(
            re.findall(r"<cite>([^<]+)</cite></a> \(2015\)", content), ["Bright", "Élan", "Zorro"]
        )
        api = self.client.get(f"/api/v1/people/{person.slug}/").json()
        self.assertEqual([c["film"]["title"] for c in api["credits"]], ["Bright", "Élan", "Zorro"])

    def test_an_interviewer_finds_the_interviews_they_conducted(self):
        """Named as an interview's interviewer (not in its byline), or as the one who asks a
        question of it: the interview is theirs on their page, in the article list filtered by
        them, and they are among the critics."""
        asker = make_person(name="Wendy Asker")
        self.interview.interviewer = asker
        self.interview.save()
        guest = make_person(name="Guest Asker")
        self.second_exchange.interviewer = guest
        self.second_exchange.save()
        for person in (asker, guest):
            with self.subTest(person=person.name):
                response = self.client.get(person.get_absolute_url())
                self.assertContains(response, f'<h2 id="written">Articles by {person.name}</h2>')
                self.assertContains(response, "Fayyad on filming")
                listed = self.client.get(f"/articles/?person={person.slug}")
                self.assertContains(listed, "Fayyad on filming")
                self.assertContains(self.client.get("/people/?role=critic"), person.name)

    def test_interviews_given_and_quotes(self):
        response = self.client.get(self.director.get_absolute_url())
        self.assertContains(response, "Fayyad on filming")
        # Said whose interviews they are, as the headings "Articles by …" and "Articles
        # about …" beside it do: "Interviews" alone read, on the page of a critic who also
        # gave one, as the interviews they conducted, which are among their articles.
        self.assertContains(
            response, f'<h2 id="interviews">Interviews with {self.director.name}</h2>', html=True
        )
        self.assertContains(response, "It&#x27;s not about journalism.")
        self.assertContains(response, "<dt>Producer</dt>", html=True)

    def test_a_critics_unattributed_words_are_among_their_quotes(self):
        """A quote without a speaker from a signed piece is credited to its byline in the
        list of quotes ("— Ada Critic, in the review …"): the critic's page lists it among
        their quotes and the quote list filtered by them finds it; a quote of someone else
        from their piece, or a speakerless one from their draft, is not theirs."""
        draft = make_article(
            films=[self.film], title="Critic draft", status=Article.Status.DRAFT, body="Hidden."
        )
        draft.bylines.create(person=self.critic)
        make_quote(draft, self.film, "Hidden.")
        make_quote(self.review, self.film, "an *amazing* accomplishment", speaker=self.subject)
        for url in (self.critic.get_absolute_url(), f"/quotes/?person={self.critic.slug}"):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(response, "unforgettable portrait of Syrian civilians.")
                self.assertNotContains(response, "accomplishment")
                self.assertNotContains(response, "Hidden.")
        response = self.client.get(f"/quotes/?person={self.subject.slug}")
        self.assertContains(response, "accomplishment")
        self.assertNotContains(response, "unforgettable portrait of Syrian civilians.")

    def test_someone_with_nothing_published_yet_is_led_onward(self):
        """Everyone is listed A to Z, among them someone just entered whom nothing names yet
        (those whom only drafts name are not public: see PeopleOfUnpublishedPiecesTests):
        their page was a name over nothing, with no link onward. It says nothing is published
        on them yet and leads to everyone and to the latest articles."""
        newcomer = make_person(name="Nell Newcomer")
        response = self.client.get(newcomer.get_absolute_url())
        self.assertContains(response, "Nothing on <bdi>Nell Newcomer</bdi> is published yet.")
        self.assertContains(response, 'href="/people/">everyone, A to Z</a>')
        self.assertContains(response, 'href="/articles/">latest articles</a>')
        self.assertNotContains(
            self.client.get(self.director.get_absolute_url()), "is published yet"
        )

    def test_description_is_plain_text(self):
        self.director.biography = "Director of *Last Men in Aleppo*."
        self.director.save()
        response = self.client.get(self.director.get_absolute_url())
        self.assertContains(
            response, '<meta name="description" content="Director of Last Men in Aleppo.">'
        )

    def test_articles_written(self):
        response = self.client.get(self.critic.get_absolute_url())
        self.assertContains(response, "Articles by Ada Critic")
        self.assertContains(response, "An unforgettable portrait")

    def test_each_article_once_under_the_heading_that_fits_best(self):
        """An interview the person gave, though also about them and written by them, shows
        once, among the interviews; a piece they wrote about themselves, among their articles."""
        self.interview.person_links.create(person=self.director)
        self.interview.bylines.create(person=self.director)
        self.review.bylines.create(person=self.subject)
        response = self.client.get(self.director.get_absolute_url())
        self.assertContains(response, "Fayyad on filming</a>", count=1)
        self.assertNotContains(response, 'id="written"')
        self.assertNotContains(response, 'id="about"')
        response = self.client.get(self.subject.get_absolute_url())
        self.assertContains(response, "An unforgettable portrait</a>", count=1)
        self.assertContains(response, 'id="written"')
        self.assertNotContains(response, 'id="about"')


class ThemePageTests(PublicPageTestCase):
    def test_theme_list_counts_only_what_readers_see(self):
        response = self.client.get("/themes/")
        self.assertContains(
            response,
            '<tr><th scope="row"><a href="/themes/syria/">Syria</a></th>'
            "<td>1</td><td>1</td><td>1</td></tr>",
            html=True,
        )
        self.assertNotContains(response, "draft-only theme")

    def test_theme_page_groups_by_kind(self):
        response = self.client.get("/themes/syria/")
        self.assertContains(response, '<h2 id="films">Films</h2>', html=True)
        self.assertContains(response, "Reviews</h2>")
        self.assertContains(response, "An unforgettable portrait")
        self.assertContains(response, "unforgettable portrait of Syrian civilians.")
        self.assertNothingHidden(response)

    def test_theme_of_drafts_only_is_404(self):
        self.assertEqual(self.client.get("/themes/draft-only-theme/").status_code, 404)
        self.assertEqual(self.client.get("/themes/nothing/").status_code, 404)


class QuoteListTests(PublicPageTestCase):
    def test_quotes_link_to_their_passages(self):
        response = self.client.get("/quotes/")
        self.assertContains(response, "unforgettable portrait of Syrian civilians.")
        self.assertContains(response, f"#quote-{self.answer_quote.pk}")
        self.assertNothingHidden(response)

    def test_filters(self):
        response = self.client.get("/quotes/?person=feras-fayyad")
        self.assertContains(response, "It&#x27;s not about journalism.")
        self.assertNotContains(response, "unforgettable portrait of Syrian civilians.")
        response = self.client.get("/quotes/?theme=syria&film=last-men-in-aleppo")
        self.assertContains(response, "unforgettable portrait of Syrian civilians.")
        self.assertNotContains(response, "about journalism")

    def test_unknown_filter_values(self):
        response = self.client.get("/quotes/?film=nope&person=%00&theme=x&page=abc")
        self.assertIn(response.status_code, (200, 404))
        response = self.client.get("/quotes/?film=nope")
        self.assertContains(response, "Some filters were not understood")

    def test_an_ignored_filter_is_named(self):
        """The film, article and people lists name each filter they ignore; the quotes list
        said only that "some filters" were, leaving the reader to guess which of a film, a
        speaker and a theme it was now listing every quote regardless of."""
        response = self.client.get("/quotes/?theme=no-such-theme&person=feras-fayyad")
        self.assertContains(response, "Some filters were not understood and are ignored: Theme (")
        self.assertNotContains(response, "Person (")

    def test_quote_address_leads_to_passage(self):
        response = self.client.get(f"/quotes/{self.answer_quote.pk}/")
        self.assertRedirects(response, self.answer_quote.passage_url, fetch_redirect_response=False)
        self.assertEqual(self.client.get(f"/quotes/{self.draft_quote.pk}/").status_code, 404)


class ErrorPageTests(TestCase):
    def test_500_page_is_in_the_site_design_and_needs_no_database(self):
        html = render_to_string("500.html")
        self.assertIn("Something went wrong", html)
        self.assertIn("Film Archive", html)


class LongFilmPageTests(TestCase):
    """A film much written about lists its latest pieces of each kind and links to the rest."""

    @classmethod
    def setUpTestData(cls):
        import datetime as dt

        from django.utils import timezone

        from .factories import make_article, make_film

        cls.film = make_film(title="Much Reviewed", slug="much-reviewed")
        now = timezone.now()
        for number in range(12):
            make_article(
                films=[cls.film],
                title=f"Review number {number}",
                published_at=now - dt.timedelta(hours=number + 1),
            )
        make_article(films=[cls.film], title="The only interview", kind="interview")

    def test_the_latest_ten_reviews_and_a_link_to_all(self):
        response = self.client.get("/films/much-reviewed/")
        for number in range(10):
            self.assertContains(response, f"Review number {number}<")
        self.assertNotContains(response, "Review number 10<")
        self.assertContains(response, '<a href="/articles/?kind=review&amp;film=much-reviewed">')
        self.assertContains(response, "The only interview")
        self.assertNotContains(response, "?kind=interview&amp;film=much-reviewed")
        listed = self.client.get("/articles/?kind=review&film=much-reviewed")
        self.assertContains(listed, "Review number 11")


class PeopleOfUnpublishedPiecesTests(PublicPageTestCase):
    """Someone a draft or a scheduled piece alone names (its byline, its interviewer, a
    question's asker or answerer, someone it is about, a quote's speaker) is not public yet:
    no page, list, filter, search, sitemap or API answer names them before the piece does.
    Someone a film credits stays public whatever drafts also name them."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.unseen = {
            "byline": make_person(name="Quentin Drafter"),
            "subject": make_person(name="Zora Unseen"),
            "interviewer": make_person(name="Walter Later"),
            "asker": make_person(name="Petra Asker"),
            "speaker": make_person(name="Sonia Speaker"),
        }
        cls.draft.bylines.create(person=cls.unseen["byline"])
        ArticlePerson.objects.create(article=cls.draft, person=cls.unseen["subject"])
        cls.scheduled.interviewer = cls.unseen["interviewer"]
        cls.scheduled.save()
        cls.scheduled.exchanges.update(interviewer=cls.unseen["asker"])
        cls.draft_quote.speaker = cls.unseen["speaker"]
        cls.draft_quote.save()
        # A director whose draft also names them is as public as before.
        cls.draft.bylines.create(person=cls.director)

    def assertNoneNamed(self, response, status=200):
        """No name, and no link to a page of theirs (an address may say back its own slug)."""
        self.assertEqual(response.status_code, status, response.content[:300])
        for person in self.unseen.values():
            self.assertNotContains(response, person.name, status_code=status)
            self.assertNotContains(response, f"/people/{person.slug}/", status_code=status)

    def test_no_page_names_them(self):
        self.assertNoneNamed(self.client.get("/people/"))
        self.assertContains(self.client.get("/people/"), ">Feras Fayyad</a>")
        self.assertNotContains(self.client.get("/people/"), '<a href="?letter=w">')
        for letter in "pqswz":
            self.assertNoneNamed(self.client.get(f"/people/?letter={letter}"))
        self.assertNoneNamed(self.client.get("/sitemap-people.xml"))
        self.assertContains(self.client.get("/sitemap-people.xml"), "/people/feras-fayyad/")
        self.assertNoneNamed(self.client.get("/api/v1/people/"))
        for person in self.unseen.values():
            with self.subTest(person=person.name):
                url = person.get_absolute_url()
                self.assertEqual(self.client.get(url).status_code, 404)
                self.assertEqual(self.client.get(f"/api/v1{url}").status_code, 404)
                for path in ("/articles/", "/quotes/"):
                    self.assertNoneNamed(self.client.get(f"{path}?person={person.slug}"))
                for path in ("/api/v1/articles/", "/api/v1/quotes/"):
                    self.assertNoneNamed(
                        self.client.get(f"{path}?person={person.slug}"), status=400
                    )
                first_name = person.name.split()[0]
                self.assertNoneNamed(self.client.get(f"/search/?q={first_name}"))
                self.assertNoneNamed(self.client.get(f"/api/v1/people/?q={first_name}"))
        self.assertEqual(self.client.get(self.director.get_absolute_url()).status_code, 200)

    def test_they_appear_when_the_piece_does(self):
        Article.objects.filter(pk__in=[self.draft.pk, self.scheduled.pk]).update(
            status=Article.Status.PUBLISHED, published_at=timezone.now() - dt.timedelta(hours=1)
        )
        response = self.client.get("/people/")
        for person in self.unseen.values():
            with self.subTest(person=person.name):
                self.assertContains(response, f">{person.name}</a>")
                self.assertEqual(self.client.get(person.get_absolute_url()).status_code, 200)


class PersonListTests(PublicPageTestCase):
    """/people/: everyone A to Z, by initial and by role; only roles and initials someone has
    are offered, and critics and subjects are counted from public pieces only."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # The subject of a draft only is no subject yet; a byline on a draft makes no critic.
        cls.draft_subject = make_person(name="Zora Unseen")
        ArticlePerson.objects.create(article=cls.draft, person=cls.draft_subject)
        cls.draft.bylines.create(person=make_person(name="Quentin Drafter"))
        # Someone just entered, whom nothing names yet, is listed.
        cls.newcomer = make_person(name="Zelda Zonk")

    def test_lists_everyone_a_to_z(self):
        response = self.client.get("/people/")
        content = response.content.decode()
        names = ["Ada Critic", "Feras Fayyad", "Khaled Omar Harrah", "Zelda Zonk"]
        positions = [content.index(f">{name}</a>") for name in names]
        self.assertEqual(positions, sorted(positions))
        self.assertNotContains(response, "Zora Unseen")  # only a draft names her
        self.assertContains(response, '<span lang="ar" dir="rtl">خالد عمر حرح</span>', html=True)
        self.assertContains(response, '<link rel="canonical" href="http://testserver/people/">')

    def test_a_to_z_folds_case_and_accents(self):
        """As a reader alphabetises: "bell hooks" among the Bs, "Émile" among the Es, "Ólafur"
        among the Os, not after Z; on this list, the API's and the film list alike."""
        for name in ("bell hooks", "Émile Zola", "Ólafur Arnalds", "Eve Arnold"):
            make_person(name=name)
        for title in ("Zodiac", "À bout de souffle", "akira", "Amour"):
            make_film(title=title, year=2000)
        content = self.client.get("/people/").content.decode()
        names = ["bell hooks", "Émile Zola", "Eve Arnold", "Ólafur Arnalds", "Zelda Zonk"]
        positions = [content.index(f">{name}</a>") for name in names]
        self.assertEqual(positions, sorted(positions))
        content = self.client.get("/films/").content.decode()
        titles = ["À bout de souffle", "akira", "Amour", "Zodiac"]
        positions = [content.index(f"<cite>{title}</cite>") for title in titles]
        self.assertEqual(positions, sorted(positions))
        from django.core.cache import cache

        cache.delete("throttle_api_127.0.0.1")  # the API's rate limit, counted across tests
        api = [person["name"] for person in self.client.get("/api/v1/people/").json()["results"]]
        self.assertLess(api.index("bell hooks"), api.index("Zelda Zonk"))

    def test_a_to_z_reads_past_leading_punctuation(self):
        """A title or a name that opens with punctuation goes where its first letter puts it,
        as a reader looks for it: "¡Alambrista!" among the As, "“Weird Al” Yankovic" among the
        Ws, not after Z (nor "(500) Days of Summer" before "1917")."""
        make_person(name="“Weird Al” Yankovic")
        for title in ("Zodiac", "¡Alambrista!", "...And Justice for All", "Amour", "1917"):
            make_film(title=title, year=2000)
        make_film(title="(500) Days of Summer", year=2009)
        content = self.client.get("/people/").content.decode()
        names = ["“Weird Al” Yankovic", "Zelda Zonk"]
        positions = [content.index(f">{name}</a>") for name in names]
        self.assertEqual(positions, sorted(positions))
        content = self.client.get("/films/").content.decode()
        titles = [
            "1917",
            "(500) Days of Summer",
            "¡Alambrista!",
            "Amour",
            "...And Justice for All",
            "Zodiac",
        ]
        positions = [content.index(f"<cite>{title}</cite>") for title in titles]
        self.assertEqual(positions, sorted(positions))

    def test_initials_offered_are_those_someone_has(self):
        response = self.client.get("/people/")
        for letter in "afkz":
            self.assertContains(response, f'<a href="?letter={letter}">{letter.upper()}</a>')
        self.assertNotContains(response, '?letter=x"')
        response = self.client.get("/people/?letter=k")
        self.assertContains(response, "Khaled Omar Harrah")
        self.assertNotContains(response, ">Feras Fayyad</a>")
        self.assertContains(response, '<span aria-current="page">K</span>', html=True)

    def test_roles_offered_are_those_someone_has(self):
        response = self.client.get("/people/")
        for role, label in (
            ("director", "Directors"),
            ("producer", "Producers"),
            ("self", "Appearing as themselves"),
            ("critic", "Critics"),
            ("subject", "Subjects of articles and interviewees"),
        ):
            self.assertContains(response, f'<option value="{role}">{label}</option>', html=True)
        for role in ("writer", "cast", "composer"):
            self.assertNotContains(response, f'<option value="{role}"')

    def test_role_filter(self):
        cases = {
            "critic": (["Ada Critic"], ["Quentin Drafter", "Feras Fayyad"]),
            "subject": (["Khaled Omar Harrah", "Feras Fayyad"], ["Zora Unseen", "Ada Critic"]),
            "director": (["Feras Fayyad"], ["Khaled Omar Harrah"]),
        }
        for role, (shown, hidden) in cases.items():
            with self.subTest(role=role):
                response = self.client.get(f"/people/?role={role}")
                for name in shown:
                    self.assertContains(response, f">{name}</a>")
                for name in hidden:
                    self.assertNotContains(response, f">{name}</a>")
        response = self.client.get("/people/?role=critic")
        self.assertContains(response, '<a href="?role=critic&amp;letter=a">A</a>', html=True)
        self.assertNotContains(response, "letter=k")

    def test_unknown_role_is_reported_and_ignored(self):
        response = self.client.get("/people/?role=writer&letter=%F0%9F%8E%AC")
        self.assertContains(response, "Some filters were not understood")
        self.assertContains(response, "Feras Fayyad")

    def test_a_filter_spelt_with_capitals_or_accents_leads_to_the_lists_spelling(self):
        """`?letter=F`, `?letter=É` (Émile is listed among the Es) or `?role=Director` said the
        filter was not understood and listed everyone, where `/people/Feras-Fayyad/` leads to
        the person. Each leads (301) to the filter as the list spells it, the other parameters
        kept; so does a film's or an article's kind."""
        for given, spelled in [
            ("/people/?letter=F", "/people/?letter=f"),
            ("/people/?role=Director&letter=%C3%89", "/people/?role=director&letter=e"),
            ("/films/?kind=Documentary&year=2017", "/films/?kind=documentary&year=2017"),
            ("/articles/?kind=REVIEW", "/articles/?kind=review"),
        ]:
            with self.subTest(given):
                response = self.client.get(given)
                self.assertRedirects(
                    response, spelled, status_code=301, fetch_redirect_response=False
                )
                self.assertEqual(self.client.get(spelled).status_code, 200)
        response = self.client.get("/people/?role=King")
        self.assertContains(response, "Some filters were not understood")

    def test_a_role_no_one_has_now_says_so(self):
        """A bookmark of a role no one in the archive has today (the writers, or the critics
        once the last critic's piece is unpublished) says so and leads to the whole list, as
        the film and article lists answer a filter they cannot apply: a page, not a 404. It
        said only that the choice was not one of the available choices."""
        response = self.client.get("/people/?role=writer")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "No one in the archive is listed under “Writers” now.")
        self.assertContains(
            response, '<a href="/people/">See everyone in the archive</a>', html=True
        )
        self.assertNotContains(response, "not one of the available choices")
        self.assertNotContains(response, "not understood")
        # A role that is no role at all, and an initial beside the absent role, are not
        # understood, as before.
        response = self.client.get("/people/?role=king")
        self.assertContains(response, "Some filters were not understood")
        self.assertNotContains(response, "No one in the archive is listed")
        response = self.client.get("/people/?role=writer&letter=%F0%9F%8E%AC")
        self.assertContains(response, "“Writers”")
        self.assertContains(response, "Some filters were not understood and are ignored: Letter (")
        self.assertNotContains(response, "Role (")

    def test_a_role_no_one_has_now_spelt_with_capitals_leads_to_the_lists_spelling(self):
        """`?role=Writer` said the role was not understood, where `?role=writer` says no one is
        listed under it now and `?role=Director` leads to `?role=director`. It leads (301) to
        the list's spelling too, the other parameters kept, which says no one is listed now."""
        response = self.client.get("/people/?role=Writer&letter=F")
        self.assertRedirects(
            response,
            "/people/?role=writer&letter=f",
            status_code=301,
            fetch_redirect_response=False,
        )
        response = self.client.get("/people/?role=WRITER", follow=True)
        self.assertContains(response, "No one in the archive is listed under “Writers” now.")
        self.assertNotContains(response, "not understood")

    def test_pages_follow_one_another(self):
        for number in range(70):
            make_person(name=f"Extra {number:02}")
        first = self.client.get("/people/")
        self.assertContains(first, 'rel="next"')
        self.assertNotContains(first, ">Zelda Zonk</a>")
        last = self.client.get("/people/?page=last")
        self.assertContains(last, ">Zelda Zonk</a>")

    def test_in_the_navigation_and_linked_from_the_home_page(self):
        for url in ("/", "/films/", "/people/feras-fayyad/"):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(response, '<a href="/people/">People</a>', html=True)
        self.assertContains(self.client.get("/"), "Everyone in the archive, A to Z")
        self.assertContains(self.client.get("/sitemap-lists.xml"), "http://testserver/people/")


class ArticleNeighbourTests(PublicPageTestCase):
    """An article page offers the pieces of its kind published before and after it, and other
    public pieces about the same films; drafts and scheduled pieces never."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.older_review = make_article(
            films=[cls.other_film],
            title="An older review",
            published_at=timezone.now() - dt.timedelta(days=5),
        )

    def test_previous_and_next_of_its_kind(self):
        response = self.client.get(self.review.get_absolute_url())
        self.assertContains(
            response, f'<a rel="prev" href="{self.older_review.get_absolute_url()}"'
        )
        self.assertContains(response, "Previous review")
        self.assertNotContains(response, 'rel="next"')
        response = self.client.get(self.older_review.get_absolute_url())
        self.assertContains(response, f'<a rel="next" href="{self.review.get_absolute_url()}"')
        self.assertNotContains(response, 'rel="prev"')

    def test_only_public_pieces_are_neighbours(self):
        # The only other interview is scheduled: the interview has no neighbours.
        response = self.client.get(self.interview.get_absolute_url())
        self.assertNotContains(response, 'class="of-its-kind"')
        self.assertNothingHidden(response)

    def test_more_on_this_film(self):
        response = self.client.get(self.review.get_absolute_url())
        self.assertContains(response, "More on <cite>Last Men in Aleppo</cite>", html=True)
        self.assertContains(response, "Fayyad on filming")
        self.assertNothingHidden(response)
        response = self.client.get(self.interview.get_absolute_url())
        self.assertContains(response, "More on these films")
        self.assertContains(response, "An older review")
        self.assertContains(response, f'<a href="{self.review.get_absolute_url()}">')


class FilmListKindTests(PublicPageTestCase):
    def test_kinds_offered_are_those_some_film_has(self):
        response = self.client.get("/films/")
        self.assertContains(response, '<option value="documentary">Documentary</option>', html=True)
        self.assertContains(response, '<option value="short-documentary">', html=False)
        for kind in ("feature", "animation", "series"):
            self.assertNotContains(response, f'<option value="{kind}"')


class EditorsOrderTests(TestCase):
    """A byline, and the films and people a piece is about, read in the order the editor set
    (the admin's "order" column), not alphabetically, wherever they show: lists, the piece's
    own page, its structured data, the feeds and the API."""

    @classmethod
    def setUpTestData(cls):
        from archive.models import ArticleAuthor, ArticleFilm

        from .factories import make_film

        cls.article = make_article(title="Two critics on two films", kind="review")
        for order, name in enumerate(["Zoe Lead", "Adam Second"]):
            ArticleAuthor.objects.create(
                article=cls.article, person=make_person(name=name), order=order
            )
        for order, name in enumerate(["Zed Subject", "Abe Subject"]):
            ArticlePerson.objects.create(
                article=cls.article, person=make_person(name=name), order=order
            )
        for order, title in enumerate(["Zulu Main Film", "Alpha Other Film"]):
            film = make_film(title=title)
            ArticleFilm.objects.create(article=cls.article, film=film, order=order)

    def setUp(self):
        from django.core.cache import cache

        cache.delete("throttle_api_127.0.0.1")  # the API's rate limit, counted across tests

    def assertInOrder(self, text, *parts):
        places = [text.index(part) for part in parts]
        self.assertEqual(places, sorted(places), text)

    def test_lists_and_the_article_page(self):
        for url in ("/", "/articles/", self.article.get_absolute_url()):
            with self.subTest(url):
                page = self.client.get(url).content.decode()
                self.assertInOrder(page, "Zoe Lead", "Adam Second")
                self.assertInOrder(page, "Zulu Main Film", "Alpha Other Film")
        page = self.client.get(self.article.get_absolute_url()).content.decode()
        self.assertInOrder(page, "Zed Subject", "Abe Subject")

    def test_structured_data_reviews_the_first_film(self):
        import json
        import re

        page = self.client.get(self.article.get_absolute_url()).content.decode()
        block = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', page, re.S)
        data = json.loads(block.group(1))
        self.assertEqual(data["itemReviewed"]["name"], "Zulu Main Film")
        self.assertEqual([a["name"] for a in data["author"]], ["Zoe Lead", "Adam Second"])

    def test_feed_and_api(self):
        self.assertContains(self.client.get("/feeds/articles/atom/"), "Zoe Lead, Adam Second")
        data = self.client.get(f"/api/v1/articles/{self.article.slug}/").json()
        self.assertEqual([p["name"] for p in data["byline"]], ["Zoe Lead", "Adam Second"])
        films = [film["title"] for film in data["films"]]
        self.assertEqual(films, ["Zulu Main Film", "Alpha Other Film"])
        people = [person["name"] for person in data["people"]]
        self.assertEqual(people, ["Zed Subject", "Abe Subject"])


class OtherScriptAddressTests(TestCase):
    """A film, a person and a piece whose slugs are in other scripts have their pages, title
    cards and list filters at those slugs, linked percent-encoded."""

    @classmethod
    def setUpTestData(cls):
        build_other_scripts(cls)

    def test_pages_at_their_addresses(self):
        for url, text in (
            (f"/films/{BAYT}/", "<cite>بيت</cite>"),
            ("/films/بيت/", "<cite>بيت</cite>"),
            (f"/people/{WONG}/", "王家卫"),
            (f"/articles/{BAYT_REVIEW}/", "مراجعة: بيت"),
        ):
            with self.subTest(url=url):
                self.assertContains(self.client.get(url), text)
        self.assertEqual(self.client.get(f"/films/{BAYT}-x/").status_code, 404)

    def test_links_are_percent_encoded(self):
        film, person, article = (f"/films/{BAYT}/", f"/people/{WONG}/", f"/articles/{BAYT_REVIEW}/")
        self.assertContains(self.client.get("/films/"), f'href="{film}"')
        self.assertContains(self.client.get("/people/"), f'href="{person}"')
        self.assertContains(self.client.get("/articles/"), f'href="{article}"')
        response = self.client.get(film)
        self.assertContains(response, f'href="{person}"')
        self.assertContains(response, f'href="{article}"')
        self.assertContains(response, f'href="/feeds/films/{BAYT}/atom/"')
        self.assertContains(self.client.get(article), f'href="{film}"')

    def test_title_cards(self):
        for url in (f"/films/{BAYT}/card.png", f"/articles/{BAYT_REVIEW}/card.png"):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["Content-Type"], "image/png")

    def test_list_filters(self):
        for url, text in (
            (f"/articles/?film={BAYT}", "مراجعة: بيت"),
            (f"/articles/?person={WONG}", "مراجعة: بيت"),
            (f"/quotes/?film={BAYT}", "filmed from inside"),
            (f"/quotes/?person={WONG}", "filmed from inside"),
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(response, text)
                self.assertNotContains(response, "Some filters were not understood")
        response = self.client.get(f"/articles/?film={BAYT}")
        self.assertContains(response, f'href="/feeds/films/{BAYT}/"')

    def test_links_to_all_of_a_films_or_persons_pieces(self):
        for number in range(10):
            make_article(films=[self.bayt], title=f"Review {number}").bylines.create(
                person=self.wong
            )
        self.assertContains(
            self.client.get(f"/films/{BAYT}/"), f'href="/articles/?kind=review&amp;film={BAYT}"'
        )
        self.assertContains(self.client.get(f"/people/{WONG}/"), f'href="/articles/?person={WONG}"')


class SharedLinkDescriptionTests(PublicPageTestCase):
    """A link to a page shared on a social network shows `og:description`: it says what the
    page is, as its meta description does, rather than the site's words about itself (on the
    lists, themes, quotes and search) or nothing (a film without a synopsis)."""

    @staticmethod
    def descriptions(response):
        html = response.content.decode()
        meta = re.search(r'<meta name="description" content="([^"]*)">', html)
        shared = re.search(r'<meta property="og:description" content="([^"]*)">', html)
        return meta.group(1), shared.group(1)

    def test_lists_themes_quotes_and_search_share_their_description(self):
        for url in (
            "/films/",
            "/articles/",
            "/people/",
            "/quotes/",
            "/themes/",
            "/themes/syria/",
            "/search/?q=aleppo",
            "/api/v1/",
        ):
            with self.subTest(url=url):
                meta, shared = self.descriptions(self.client.get(url))
                self.assertEqual(shared, meta)
        self.assertIn("on Syria", self.descriptions(self.client.get("/themes/syria/"))[1])

    def test_pages_without_their_own_text_share_their_description(self):
        """A film without a synopsis, a person without a biography and an article without a
        standfirst are described as their meta description describes them."""
        film = make_film(title="Silent Film", year=2001)
        person = make_person(name="Nadia Nobio")
        article = make_article(films=[film], title="Untitled notes", standfirst="")
        for url in (
            film.get_absolute_url(),
            person.get_absolute_url(),
            article.get_absolute_url(),
        ):
            with self.subTest(url=url):
                meta, shared = self.descriptions(self.client.get(url))
                self.assertTrue(shared.strip())
                self.assertEqual(shared, meta)


class FilteredListTitleTests(PublicPageTestCase):
    """A filtered list is a page of its own (its canonical address keeps the filters): its
    title says what it is narrowed to, rather than every filtered list sharing the list's."""

    @staticmethod
    def titles(response):
        html = response.content.decode()
        title = re.search(r"<title>([^<]*)</title>", html).group(1)
        shared = re.search(r'<meta property="og:title" content="([^"]*)">', html).group(1)
        return title, shared

    def test_each_filter_given_is_in_the_title(self):
        film, person = self.film, self.director
        cases = [
            ("/films/?kind=documentary&year=2017", "Films: 2017, Documentary"),
            (f"/articles/?kind=review&film={film.slug}", f"Articles: Review, {film}"),
            (f"/articles/?person={person.slug}", f"Articles: {person.name}"),
            (f"/quotes/?film={film.slug}&person={person.slug}", f"Quotes: {film}, {person.name}"),
            ("/quotes/?theme=syria", "Quotes: Syria"),
            ("/quotes/", "Quotes"),
        ]
        for url, expected in cases:
            with self.subTest(url=url):
                title, shared = self.titles(self.client.get(url))
                self.assertEqual(title, f"{expected} — Film Archive")
                self.assertEqual(shared, expected)

    def test_a_filter_not_understood_is_not_in_the_title(self):
        title, _ = self.titles(self.client.get("/films/?kind=nonsense&year=2017"))
        self.assertEqual(title, "Films: 2017 — Film Archive")


class DirectionControlTests(TestCase):
    """A direction control an editor leaves open in a title or a name (a right-to-left
    override, U+202E, pasted with it) reorders the text after it until the end of its line: it
    stays the editor's, shown as typed, but set apart (<bdi>, or in plain text U+2068 … U+2069)
    where the site's own words follow it. How it is drawn is tested in Chromium
    (test_reading_browser); here, what each page and feed says."""

    @classmethod
    def setUpTestData(cls):
        cls.film = make_film(title="Night\u202e Walk", year=2019)
        cls.film.themes.add("exile\u202e home")
        cls.person = make_person(name="Rami\u202e Ali")
        make_credit(cls.film, cls.person, credited_as="R\u202e. Ali", note="uncredited\u202e cut")
        make_article(films=[cls.film], title="Walking\u202e at night")

    def test_titles_in_plain_text_are_isolated(self):
        film = self.client.get(self.film.get_absolute_url())
        self.assertContains(
            film, "<title>\u2068Night\u202e Walk\u2069 (2019) — Film Archive</title>"
        )
        self.assertContains(film, 'content="\u2068Night\u202e Walk\u2069 (2019)"')
        person = self.client.get(self.person.get_absolute_url())
        self.assertContains(person, "<title>\u2068Rami\u202e Ali\u2069 — Film Archive</title>")
        theme = self.client.get("/themes/exile-home/")
        self.assertContains(theme, "<title>\u2068exile\u202e home\u2069 — Themes — Film Archive")
        search = self.client.get("/search/", {"q": "\u202ewalking"})
        self.assertContains(search, "<title>“\u2068\u202ewalking\u2069” — Search")
        feed = self.client.get(f"/feeds/films/{self.film.slug}/").content.decode()
        self.assertIn("<title>Film Archive: \u2068Night\u202e Walk\u2069 (2019)</title>", feed)
        self.assertIn("<title>Review: \u2068Walking\u202e at night\u2069</title>", feed)

    def test_text_shown_among_the_sites_words_is_isolated(self):
        film = self.client.get(self.film.get_absolute_url())
        self.assertContains(film, "(credited as <bdi>R\u202e. Ali</bdi>)")
        self.assertContains(film, '<span class="note">, <bdi>uncredited\u202e cut</bdi></span>')
        person = self.client.get(self.person.get_absolute_url())
        self.assertContains(person, ", credited as <bdi>R\u202e. Ali</bdi>")
        search = self.client.get("/search/", {"q": "\u202ezzzz"})
        self.assertContains(search, "Nothing found for “<bdi>\u202ezzzz</bdi>”")

    def test_other_titles_are_as_they_were(self):
        film = make_film(title="Last Men in Aleppo", year=2017)
        self.assertContains(
            self.client.get(film.get_absolute_url()),
            "<title>Last Men in Aleppo (2017) — Film Archive</title>",
        )


class EmptyListTests(TestCase):
    """A list with nothing in it says so, and speaks of filters only when the reader chose
    some: a new archive's film list said "No films match these filters." with none chosen."""

    def test_an_empty_archive(self):
        for path, empty in (
            ("/films/", "No films yet."),
            ("/articles/", "Nothing has been published yet."),
            ("/people/", "No one yet."),
            ("/quotes/", "No quotes yet."),
            ("/films/?kind=nope", "No films yet."),  # a filter not understood is ignored
        ):
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertContains(response, empty)
                self.assertNotContains(response, "these filters.")

    def test_filters_that_match_nothing(self):
        make_film(title="Bayt", year=2019)
        for path, empty in (
            ("/films/?year=2001", "No films match these filters."),
            ("/articles/?year=2001", "No articles match these filters."),
        ):
            with self.subTest(path=path):
                self.assertContains(self.client.get(path), empty)
