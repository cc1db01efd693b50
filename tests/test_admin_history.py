"""The history editors keep (django-reversion): who changed what and when, two versions compared,
a version reverted to, a deleted article recovered with its parts and themes."""

import datetime as dt

import time_machine
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.utils import timezone
from reversion.models import Version

from archive.forms import record_history
from archive.models import Article, ArticleFilm, Exchange, Film, Person, Quote, Theme

from .factories import (
    make_article,
    make_credit,
    make_exchange,
    make_film,
    make_person,
    make_quote,
)
from .test_admin import (
    BODY,
    AdminTestCase,
    add_row,
    admin_url,
    form_data,
    make_user,
    split_time,
)


def names(obj):
    return sorted(theme.name for theme in obj.themes.all())


class HistoryTests(AdminTestCase):
    def setUp(self):
        self.login(self.editor)

    def create_interview(self):
        """An interview entered in the admin, then changed there by a second editor."""
        data = self.new_interview_data(title="Fayyad on Aleppo", themes=["Syria"])
        self.client.post(admin_url("article_add"), data)
        article = Article.objects.get()
        url = admin_url("article_change", article.pk)

        self.login(self.second_editor)
        data = self.open_form(url, "article_form")
        data.update(
            title=["Feras Fayyad on Aleppo"],
            body=[BODY.replace("never looks away", "rarely looks away")],
            themes=["Syria", "documentary ethics"],
        )
        data["exchanges-0-answer"] = ["Because nobody else was filming there, then."]
        add_row(
            data,
            "exchanges",
            question="And now?",
            answer="We keep filming.",
            interviewee=str(self.director.pk),
            order="2",
        )
        response = self.client.post(url, data)
        self.assertRedirects(response, admin_url("article_changelist"))
        self.login(self.editor)
        return article

    def test_every_save_is_kept_with_who_and_when(self):
        article = self.create_interview()
        versions = Version.objects.get_for_object(article)
        self.assertEqual(versions.count(), 2)
        self.assertEqual(versions[0].revision.user, self.second_editor)
        # The article's parts are kept with it.
        revision = versions[0].revision
        self.assertEqual(revision.version_set.filter(content_type__model="exchange").count(), 2)
        response = self.client.get(admin_url("article_history", article.pk))
        self.assertContains(response, "Max Second")
        self.assertContains(response, "Edith Editor")
        self.assertContains(response, "Compare the two versions")

    def test_comparing_two_versions(self):
        article = self.create_interview()
        newer, older = Version.objects.get_for_object(article)
        response = self.client.get(
            admin_url("article_compare", article.pk, query=f"?older={older.pk}&newer={newer.pk}")
        )
        self.assertContains(response, "<del>never</del><ins>rarely</ins>", html=False)
        self.assertContains(response, "Feras Fayyad on Aleppo")
        self.assertContains(response, "documentary ethics")
        self.assertContains(response, "Exchange “And now?”: added")
        self.assertContains(response, "there<ins>, then</ins>.", html=False)
        self.assertNotContains(response, "Last changed")

    def test_comparing_versions_of_a_long_piece_shows_the_changed_words(self):
        """A feature of 8,000 words, its first and last paragraphs changed: the words added at
        either end are shown. (Matched word by word over the whole text, this page took 13 s;
        paragraphs are matched first now, and it takes a fraction of a second: a timing, so
        not asserted here.)"""
        words = [f"word{n % 700}" for n in range(8000)]
        paragraphs = [" ".join(words[n : n + 100]) for n in range(0, len(words), 100)]
        article = make_article(status=Article.Status.DRAFT, body="\n\n".join(paragraphs))
        url = admin_url("article_change", article.pk)
        self.client.post(url, self.open_form(url, "article_form"))
        data = self.open_form(url, "article_form")
        changed = [f"Opening. {paragraphs[0]}", *paragraphs[1:-1], f"{paragraphs[-1]} The end."]
        data["body"] = ["\n\n".join(changed)]
        self.client.post(url, data)
        newer, older = Version.objects.get_for_object(article)[:2]
        response = self.client.get(
            admin_url("article_compare", article.pk, query=f"?older={older.pk}&newer={newer.pk}")
        )
        self.assertContains(response, "<ins>Opening. </ins>word0", html=False)
        self.assertContains(response, "word299<ins> The end.</ins>", html=False)

    def test_comparing_with_bad_versions_goes_back_to_the_history(self):
        article = self.create_interview()
        other = make_article(title="Other")
        self.client.post(
            admin_url("article_change", other.pk),
            form_data(self.client.get(admin_url("article_change", other.pk)), "article_form"),
        )
        foreign = Version.objects.get_for_object(other).first()
        for query in [
            "",
            "?older=x&newer=1",
            f"?older={foreign.pk}&newer={foreign.pk}",
            "?older=99999999999999999999",
        ]:
            response = self.client.get(admin_url("article_compare", article.pk, query=query))
            self.assertRedirects(
                response, admin_url("article_history", article.pk), msg_prefix=query
            )

    def test_comparing_a_change_of_interviewer(self):
        """The interviewer is named once on the article; an exchange may name someone else."""
        article = self.create_interview()
        url = admin_url("article_change", article.pk)
        data = self.open_form(url, "article_form")
        data["interviewer"] = [str(self.film_critic.pk)]
        data["exchanges-1-interviewer"] = [str(self.director.pk)]
        self.assertRedirects(self.client.post(url, data), admin_url("article_changelist"))
        newer, older = Version.objects.get_for_object(article)[:2]
        response = self.client.get(
            admin_url("article_compare", article.pk, query=f"?older={older.pk}&newer={newer.pk}")
        )
        self.assertContains(response, '<th scope="row">Interviewer</th>', html=True)
        self.assertContains(response, "Nadia Critic")
        self.assertContains(response, '<th scope="row">Asked by someone else</th>', html=True)

    def test_reverting_to_an_earlier_version(self):
        article = self.create_interview()
        first = Version.objects.get_for_object(article).last()
        url = admin_url("article_revision", article.pk, first.pk)
        response = self.client.get(url)
        self.assertContains(response, "Fayyad on Aleppo")
        response = self.client.post(url, form_data(response, "article_form"))
        self.assertRedirects(response, admin_url("article_changelist"))
        article.refresh_from_db()
        self.assertEqual(article.title, "Fayyad on Aleppo")
        self.assertEqual(article.body, BODY)
        self.assertEqual([theme.name for theme in article.themes.all()], ["Syria"])
        self.assertEqual(
            list(article.exchanges.values_list("answer", flat=True)),
            ["Because nobody else was filming there."],
        )
        self.assertIn("Reverted", Version.objects.get_for_object(article)[0].revision.get_comment())

    def test_the_message_after_a_revert_leads_to_the_items_page(self):
        """Saved, a revert or a recovery says so with a link to the film's page, as a change
        does: the link led back to the revert address, as did "Save and continue editing",
        which showed the revert form again. The message names the film as everywhere, its
        year once."""
        film = make_film(title="Of Fathers and Sons", year=2017)
        url = admin_url("film_change", film.pk)
        self.client.post(url, self.open_form(url, "film_form"))
        first = Version.objects.get_for_object(film).get()
        data = self.open_form(url, "film_form")
        data["synopsis"] = ["A changed synopsis."]
        self.assertRedirects(self.client.post(url, data), admin_url("film_changelist"))
        changed = (
            f'The film “<a href="{url}">Of Fathers and Sons (2017)</a>” was changed successfully.'
        )
        revert = admin_url("film_revision", film.pk, first.pk)
        response = self.client.post(revert, self.open_form(revert, "film_form"), follow=True)
        self.assertContains(response, changed, html=True)

        data = self.open_form(url, "film_form")
        data["synopsis"] = ["Changed again."]
        self.client.post(url, data)
        data = {**self.open_form(revert, "film_form"), "_continue": ["Save and continue"]}
        response = self.client.post(revert, data, follow=True)
        self.assertRedirects(response, url)
        self.assertContains(response, f"{changed} You may edit it again below.", html=True)

        self.client.post(admin_url("film_delete", film.pk), {"post": "yes"})
        recover = admin_url("film_recover", Version.objects.get_deleted(Film).get().pk)
        response = self.client.post(recover, self.open_form(recover, "film_form"), follow=True)
        self.assertContains(response, changed, html=True)

    def test_reverting_to_a_schedule_whose_time_has_passed_is_refused(self):
        """A piece scheduled, then taken back to draft before its time: reverting to the
        scheduled version once the time had passed published it at once, under a past date
        it never had, which the form refuses ("This time has already passed"). Reverting a
        public piece to an earlier version keeps its date."""
        article = make_article(films=[self.film], status=Article.Status.DRAFT)
        url = admin_url("article_change", article.pk)
        for fields in [
            {"status": "published", **split_time(timezone.now() + dt.timedelta(days=1))},
            {"status": "draft", "published_at_0": "", "published_at_1": ""},
        ]:
            data = self.open_form(url, "article_form")
            data.update({name: [value] for name, value in fields.items()})
            self.assertRedirects(self.client.post(url, data), admin_url("article_changelist"))
        scheduled = Version.objects.get_for_object(article)[1]
        with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
            revision = admin_url("article_revision", article.pk, scheduled.pk)
            response = self.client.post(revision, self.open_form(revision, "article_form"))
            self.assertContains(response, "This time has already passed")
            article.refresh_from_db()
            self.assertEqual((article.status, article.published_at), ("draft", None))
            # Published now, reverting to the version before the last change keeps its time.
            data = self.open_form(url, "article_form")
            data["status"] = ["published"]
            self.client.post(url, data)
            article.refresh_from_db()
            published_at = article.published_at
            data = self.open_form(url, "article_form")
            data["title"] = ["Retitled"]
            self.client.post(url, data)
            earlier = Version.objects.get_for_object(article)[1]
            revision = admin_url("article_revision", article.pk, earlier.pk)
            response = self.client.post(revision, self.open_form(revision, "article_form"))
            self.assertRedirects(response, admin_url("article_changelist"))
            article.refresh_from_db()
            self.assertEqual(article.published_at, published_at)
            self.assertNotEqual(article.title, "Retitled")

    def test_reverting_a_change_of_address_keeps_the_address_used_meanwhile(self):
        """A film's or an article's slug changed, then reverted: the address it had in between
        leads to the page, as any earlier address does (it answered 404 once reverted)."""
        film = make_film(title="The White Helmets", slug="the-white-helmets")
        article = make_article(films=[film], title="On the helmets", slug="on-the-helmets")
        for obj, name, slug in [
            (film, "film", "white-helmets-2016"),
            (article, "article", "on-the-white-helmets"),
        ]:
            url = admin_url(f"{name}_change", obj.pk)
            self.client.post(url, self.open_form(url, f"{name}_form"))
            first = Version.objects.get_for_object(obj).get()
            data = self.open_form(url, f"{name}_form")
            data["slug"] = [slug]
            self.assertRedirects(self.client.post(url, data), admin_url(f"{name}_changelist"))
            obj.refresh_from_db()
            meanwhile = obj.get_absolute_url()
            revert = admin_url(f"{name}_revision", obj.pk, first.pk)
            response = self.client.post(revert, form_data(self.client.get(revert), f"{name}_form"))
            self.assertRedirects(response, admin_url(f"{name}_changelist"))
            obj.refresh_from_db()
            self.assertNotEqual(obj.slug, slug)
            self.client.logout()
            self.assertEqual(self.client.get(obj.get_absolute_url()).status_code, 200)
            self.assertRedirects(self.client.get(meanwhile), obj.get_absolute_url(), 301)
            self.login(self.editor)

    def test_reverting_exchanges_that_swapped_their_anchors_since(self):
        """Two exchanges swapped their anchors in a later save: reverting gives each its own
        back, instead of failing with "Could not save … version - missing dependency" (each
        waited for the other to let go of its anchor)."""
        interview = make_article(
            films=[self.film], kind=Article.Kind.INTERVIEW, status=Article.Status.DRAFT
        )
        first = make_exchange(interview, self.director, question="First?", answer="One.")
        second = make_exchange(interview, self.director, question="Second?", answer="Two.")
        url = admin_url("article_change", interview.pk)
        self.client.post(url, self.open_form(url, "article_form"))
        before = Version.objects.get_for_object(interview).get()
        data = self.open_form(url, "article_form")
        data["exchanges-0-anchor"], data["exchanges-1-anchor"] = [second.anchor], [first.anchor]
        self.assertRedirects(self.client.post(url, data), admin_url("article_changelist"))
        revert = admin_url("article_revision", interview.pk, before.pk)
        response = self.client.post(revert, form_data(self.client.get(revert), "article_form"))
        self.assertRedirects(response, admin_url("article_changelist"))
        self.assertEqual(
            list(interview.exchanges.values_list("pk", "anchor")),
            [(first.pk, first.anchor), (second.pk, second.anchor)],
        )

    def test_a_contributor_cannot_revert_a_draft_to_a_published_version(self):
        article = make_article(status=Article.Status.DRAFT)
        url = admin_url("article_change", article.pk)
        data = self.open_form(url, "article_form")
        data["status"] = ["published"]
        self.client.post(url, data)
        published = Version.objects.get_for_object(article).first()
        data = self.open_form(url, "article_form")
        data["status"] = ["draft"]
        self.client.post(url, data)
        self.login(self.contributor)
        revert = admin_url("article_revision", article.pk, published.pk)
        self.assertEqual(self.client.post(revert, {"title": "x"}).status_code, 403)
        article.refresh_from_db()
        self.assertEqual(article.status, Article.Status.DRAFT)

    def test_a_contributor_cannot_unpublish_by_reverting_to_a_draft_version(self):
        """A published piece is read-only to a contributor, its earlier versions too: reverting
        it to a version from when it was a draft would take it off the site (as reverting a
        quote of it to a version in a draft would take the quote off)."""
        article = make_article(status=Article.Status.DRAFT, films=[self.film], body=BODY)
        quote = make_quote(article, self.film, "Rescuers dig")
        url = admin_url("article_change", article.pk)
        self.client.post(url, self.open_form(url, "article_form"))
        self.client.post(
            admin_url("quote_change", quote.pk),
            self.open_form(admin_url("quote_change", quote.pk), "quote_form"),
        )
        draft = Version.objects.get_for_object(article).first()
        draft_quote = Version.objects.get_for_object(quote).first()
        data = self.open_form(url, "article_form")
        data["status"] = ["published"]
        self.assertRedirects(self.client.post(url, data), admin_url("article_changelist"))
        public = make_article(title="Public piece", films=[self.film], body=BODY)
        url = admin_url("quote_change", quote.pk)
        data = self.open_form(url, "quote_form")
        data["article"] = [str(public.pk)]
        self.assertRedirects(self.client.post(url, data), admin_url("quote_changelist"))

        self.login(self.contributor)
        for revert, name in [
            (admin_url("article_revision", article.pk, draft.pk), "article_form"),
            (admin_url("quote_revision", quote.pk, draft_quote.pk), "quote_form"),
        ]:
            self.assertEqual(self.client.get(revert).status_code, 403, revert)
            self.login(self.editor)
            data = form_data(self.client.get(revert), name)
            self.login(self.contributor)
            self.assertEqual(self.client.post(revert, data).status_code, 403, revert)
        article.refresh_from_db()
        self.assertEqual(article.status, Article.Status.PUBLISHED)
        quote.refresh_from_db()
        self.assertEqual(quote.article, public)

    def test_a_contributor_is_not_offered_the_versions_of_a_published_piece(self):
        """A contributor may compare a published piece's versions, not revert to one: each
        version was offered ("open a version to see it in full and revert to it"), and led to
        a refusal telling them to ask for a permission their group is not given."""
        draft = make_article(status=Article.Status.DRAFT, films=[self.film], body=BODY)
        public = make_article(films=[self.film], body=BODY)
        for article in (draft, public):
            url = admin_url("article_change", article.pk)
            self.client.post(url, self.open_form(url, "article_form"))
        self.login(self.contributor)
        version = Version.objects.get_for_object(public).get()
        response = self.client.get(admin_url("article_history", public.pk))
        self.assertContains(response, "Reverting to one is not open to you: Only editors may")
        self.assertNotContains(response, admin_url("article_revision", public.pk, version.pk))
        self.assertEqual(
            self.client.get(admin_url("article_revision", public.pk, version.pk)).status_code,
            403,
        )
        version = Version.objects.get_for_object(draft).get()
        response = self.client.get(admin_url("article_history", draft.pk))
        self.assertContains(response, "open a version to see it in full and revert to it")
        self.assertContains(response, admin_url("article_revision", draft.pk, version.pk))

    def test_reverting_takes_back_a_quote_moved_to_another_article_since(self):
        """A quote moved on its own page to another article, then its first article reverted
        to a version from before: the quote comes back, and the article it leaves has changed
        (an editor who has it open is told so); a contributor may not take it from a published
        article that way."""
        draft = make_article(films=[self.film], body=BODY, status=Article.Status.DRAFT)
        quote = make_quote(draft, self.film, "Rescuers dig")
        url = admin_url("article_change", draft.pk)
        self.client.post(url, self.open_form(url, "article_form"))
        before = Version.objects.get_for_object(draft).get()
        public = make_article(films=[self.film], body=BODY, title="Public piece")
        data = self.open_form(admin_url("quote_change", quote.pk), "quote_form")
        data["article"] = [str(public.pk)]
        self.client.post(admin_url("quote_change", quote.pk), data)
        revert = admin_url("article_revision", draft.pk, before.pk)

        self.login(self.contributor)
        self.assertEqual(self.client.get(revert).status_code, 403)
        self.login(self.editor)
        data = form_data(self.client.get(revert), "article_form")
        self.login(self.contributor)
        self.assertEqual(self.client.post(revert, data).status_code, 403)
        quote.refresh_from_db()
        self.assertEqual(quote.article, public)

        self.login(self.editor)
        public_url = admin_url("article_change", public.pk)
        mine = self.open_form(public_url, "article_form")
        mine["standfirst"] = ["Mine."]
        response = self.client.post(revert, form_data(self.client.get(revert), "article_form"))
        self.assertRedirects(response, admin_url("article_changelist"))
        quote.refresh_from_db()
        self.assertEqual(quote.article, draft)
        self.assertContains(self.client.post(public_url, mine), "after you opened it")

    def test_recovering_a_deleted_article_with_its_parts_and_themes(self):
        article = make_article(
            films=[self.film], kind=Article.Kind.INTERVIEW, title="Lost interview"
        )
        article.themes.add("Syria", "civil defence")
        exchange = make_exchange(article, self.director, question="Why?", answer="Because.")
        # A quote from the exchange goes with the interview, and comes back with it.
        make_quote(article, self.film, "Because.", speaker=self.director, exchange=exchange)
        response = self.client.post(admin_url("article_delete", article.pk), {"post": "yes"})
        self.assertRedirects(response, admin_url("article_changelist"))
        self.assertFalse(Article.objects.exists())
        self.assertFalse(Exchange.objects.exists())
        self.assertFalse(Quote.objects.exists())

        response = self.client.get(admin_url("article_recoverlist"))
        self.assertContains(response, "Lost interview")
        version = Version.objects.get_deleted(Article).get()
        url = admin_url("article_recover", version.pk)
        response = self.client.post(url, form_data(self.client.get(url), "article_form"))
        self.assertRedirects(response, admin_url("article_changelist"))
        article = Article.objects.get(title="Lost interview")
        self.assertTrue(article.is_public)
        self.assertEqual(list(article.films.all()), [self.film])
        self.assertEqual(article.exchanges.get().question, "Why?")
        self.assertEqual(article.quotes.get().exchange, article.exchanges.get())
        self.assertEqual(
            sorted(theme.name for theme in article.themes.all()), ["Syria", "civil defence"]
        )

    def test_recovering_a_piece_scheduled_for_a_time_since_passed_is_refused(self):
        """A piece deleted while it was scheduled, recovered once its time had passed: it went
        public at once under a date it never had. The editor is asked for a new time, as the
        form asks ("This time has already passed"); given one, it is scheduled again."""
        tomorrow = timezone.now() + dt.timedelta(days=1)
        article = make_article(films=[self.film], title="Scheduled, then deleted")
        Article.objects.filter(pk=article.pk).update(published_at=tomorrow)
        response = self.client.post(admin_url("article_delete", article.pk), {"post": "yes"})
        self.assertRedirects(response, admin_url("article_changelist"))
        version = Version.objects.get_deleted(Article).get()
        url = admin_url("article_recover", version.pk)
        with time_machine.travel(tomorrow + dt.timedelta(days=1)):
            response = self.client.post(url, form_data(self.client.get(url), "article_form"))
            self.assertContains(response, "This time has already passed")
            self.assertFalse(Article.objects.exists())
            data = form_data(self.client.get(url), "article_form")
            data.update(
                {
                    name: [value]
                    for name, value in split_time(timezone.now() + dt.timedelta(days=3)).items()
                }
            )
            self.assertRedirects(self.client.post(url, data), admin_url("article_changelist"))
            article = Article.objects.get(title="Scheduled, then deleted")
            self.assertEqual(article.status, Article.Status.PUBLISHED)
            self.assertFalse(article.is_public)

    def test_recovering_a_deleted_film_with_its_credits(self):
        film = make_film(title="Forgotten film")
        make_credit(film, self.director)
        data = {"action": "delete_selected", ACTION_CHECKBOX_NAME: [str(film.pk)], "post": "yes"}
        self.client.post(admin_url("film_changelist"), data)
        self.assertFalse(Film.objects.filter(title="Forgotten film").exists())
        version = Version.objects.get_deleted(Film).get()
        url = admin_url("film_recover", version.pk)
        self.client.post(url, form_data(self.client.get(url), "film_form"))
        film = Film.objects.get(title="Forgotten film")
        self.assertEqual(film.credits.get().person, self.director)

    def test_a_deleted_article_whose_address_is_taken_says_so(self):
        """Another piece has its slug now: the editor is told which, and can free it."""
        article = make_article(title="Lost review", slug="lost-review")
        self.client.post(admin_url("article_delete", article.pk), {"post": "yes"})
        other = make_article(title="A new piece", slug="lost-review")
        version = Version.objects.get_deleted(Article).get()
        response = self.client.get(admin_url("article_recover", version.pk), follow=True)
        self.assertContains(response, "cannot be recovered as it was")
        self.assertContains(response, f'href="{admin_url("article_change", other.pk)}"')
        other.slug = "a-new-piece"
        other.save()
        url = admin_url("article_recover", version.pk)
        self.client.post(url, form_data(self.client.get(url), "article_form"))
        self.assertEqual(Article.objects.get(slug="lost-review").title, "Lost review")

    def test_an_identifier_another_item_has_taken_since_says_so(self):
        """A deleted film recovered, or a film reverted, whose Wikidata ID another film has
        now (no two films may share one): the editor is told which film has it, instead of
        "Could not save … version - missing dependency"."""
        film = make_film(title="Lost film", wikidata_id="Q1000")
        self.client.post(admin_url("film_delete", film.pk), {"post": "yes"})
        other = make_film(title="Another film", wikidata_id="Q1000")
        version = Version.objects.get_deleted(Film).get()
        response = self.client.get(admin_url("film_recover", version.pk), follow=True)
        self.assertContains(response, "cannot be recovered as it was")
        self.assertContains(response, "Wikidata ID “Q1000”")
        self.assertContains(response, f'href="{admin_url("film_change", other.pk)}"')
        other.wikidata_id = ""
        other.save()
        url = admin_url("film_recover", version.pk)
        self.client.post(url, form_data(self.client.get(url), "film_form"))
        film = Film.objects.get(title="Lost film")

        url = admin_url("film_change", film.pk)
        self.client.post(url, self.open_form(url, "film_form"))
        first = Version.objects.get_for_object(film).first()
        data = self.open_form(url, "film_form")
        data["wikidata_id"] = ["Q2000"]
        self.assertRedirects(self.client.post(url, data), admin_url("film_changelist"))
        other.wikidata_id = "Q1000"
        other.save()
        revert = admin_url("film_revision", film.pk, first.pk)
        response = self.client.get(revert, follow=True)
        self.assertContains(response, "cannot be restored as it was")
        self.assertContains(response, "Wikidata ID “Q1000”")
        film.refresh_from_db()
        self.assertEqual(film.wikidata_id, "Q2000")

    def test_a_contributor_cannot_recover_a_published_article(self):
        article = make_article(title="Public piece")
        self.client.post(admin_url("article_delete", article.pk), {"post": "yes"})
        version = Version.objects.get_deleted(Article).get()
        self.login(self.contributor)
        url = admin_url("article_recover", version.pk)
        self.assertRedirects(
            self.client.post(url, {"title": "Public piece"}), admin_url("article_recoverlist")
        )
        self.assertFalse(Article.objects.exists())
        self.assertFalse(ArticleFilm.objects.exists())

    def test_a_contributor_is_told_a_published_article_is_for_editors_to_recover(self):
        """The form to recover it was shown, and saving it answered that their account may not
        open the page, and to ask for a permission their group is not given."""
        article = make_article(title="Public piece")
        self.client.post(admin_url("article_delete", article.pk), {"post": "yes"})
        version = Version.objects.get_deleted(Article).get()
        self.login(self.contributor)
        response = self.client.get(admin_url("article_recover", version.pk), follow=True)
        self.assertRedirects(response, admin_url("article_recoverlist"))
        self.assertContains(
            response,
            "“Public piece” was published or scheduled when it was deleted: only editors may "
            "recover it",
        )
        draft = make_article(title="Draft piece", status=Article.Status.DRAFT)
        self.login(self.editor)
        self.client.post(admin_url("article_delete", draft.pk), {"post": "yes"})
        version = Version.objects.get_deleted(Article).get(object_id=str(draft.pk))
        self.login(self.contributor)
        url = admin_url("article_recover", version.pk)
        data = form_data(self.client.get(url), "article_form")
        self.assertRedirects(self.client.post(url, data), admin_url("article_changelist"))
        self.assertTrue(Article.objects.filter(title="Draft piece").exists())

    def test_a_deleted_article_whose_film_was_deleted_since_says_so(self):
        """The review went first, then its film: recovering the review names the film to
        recover first, instead of failing on a link to a film that is not there."""
        film = make_film(title="Gone film")
        article = make_article(films=[film], title="Lost review")
        self.client.post(admin_url("article_delete", article.pk), {"post": "yes"})
        self.client.post(admin_url("film_delete", film.pk), {"post": "yes"})
        film_version = Version.objects.get_deleted(Film).get()
        url = admin_url("article_recover", Version.objects.get_deleted(Article).get().pk)
        response = self.client.get(url, follow=True)
        self.assertRedirects(response, admin_url("article_recoverlist"))
        self.assertContains(response, "“Lost review” cannot be restored as it was")
        self.assertContains(response, f'href="{admin_url("film_recover", film_version.pk)}"')
        film_url = admin_url("film_recover", film_version.pk)
        self.client.post(film_url, form_data(self.client.get(film_url), "film_form"))
        self.client.post(url, form_data(self.client.get(url), "article_form"))
        self.assertEqual(list(Article.objects.get(title="Lost review").films.all()), [film])

    def test_a_quote_whose_exchange_was_deleted_since_says_how_to_bring_it_back(self):
        """An exchange has no page of its own to recover it from: it comes back with its
        interview, reverted to a version that has it, which the message links to."""
        interview, exchange = self.quoted_interview()
        url = admin_url("article_change", interview.pk)
        self.client.post(url, form_data(self.client.get(url), "article_form"))
        quote = interview.quotes.get()
        self.client.post(admin_url("quote_delete", quote.pk), {"post": "yes"})
        data = form_data(self.client.get(url), "article_form")
        data["exchanges-0-DELETE"] = ["on"]
        self.assertRedirects(self.client.post(url, data), admin_url("article_changelist"))
        self.assertFalse(Exchange.objects.exists())
        deleted = Version.objects.get_deleted(Quote).get()
        response = self.client.get(admin_url("quote_recover", deleted.pk), follow=True)
        self.assertContains(response, "cannot be restored as it was")
        self.assertContains(response, f'href="{admin_url("article_history", interview.pk)}"')
        self.assertContains(response, "reverted to a version with it")

    def test_a_version_naming_a_film_deleted_since_says_so(self):
        gone = make_film(title="Gone film")
        article = make_article(films=[self.film, gone], title="Two films")
        url = admin_url("article_change", article.pk)
        self.client.post(url, form_data(self.client.get(url), "article_form"))
        ArticleFilm.objects.filter(film=gone).delete()
        self.client.post(url, form_data(self.client.get(url), "article_form"))
        self.client.post(admin_url("film_delete", gone.pk), {"post": "yes"})
        before = Version.objects.get_for_object(article).last()
        response = self.client.get(
            admin_url("article_revision", article.pk, before.pk), follow=True
        )
        self.assertRedirects(response, admin_url("article_history", article.pk))
        self.assertContains(response, "“Two films” cannot be restored as it was")
        self.assertContains(response, "film “Gone film (2017)”")
        self.assertEqual(list(article.films.all()), [self.film])


class SharedRevisionTests(AdminTestCase):
    """A revision holds everything saved together: the films "delete selected" deleted, the
    articles a list action changed, an article and the quotes saved with it. Reverting or
    recovering one item restores that item and its parts, never the others."""

    def setUp(self):
        self.login(self.editor)

    def test_recovering_one_of_films_deleted_together(self):
        kept = make_film(title="Recovered film")
        make_credit(kept, self.director)
        other = make_film(title="Still deleted")
        make_credit(other, self.film_critic)
        data = {
            "action": "delete_selected",
            ACTION_CHECKBOX_NAME: [str(kept.pk), str(other.pk)],
            "post": "yes",
        }
        self.client.post(admin_url("film_changelist"), data)
        version = Version.objects.get_deleted(Film).get(object_id=str(kept.pk))
        url = admin_url("film_recover", version.pk)
        response = self.client.post(url, form_data(self.client.get(url), "film_form"))
        self.assertRedirects(response, admin_url("film_changelist"))
        self.assertEqual(
            Film.objects.get(title="Recovered film").credits.get().person, self.director
        )
        self.assertFalse(Film.objects.filter(title="Still deleted").exists())
        self.assertContains(self.client.get(admin_url("film_recoverlist")), "Still deleted")

    def test_reverting_one_of_articles_changed_by_a_list_action(self):
        reverted = make_article(title="Reverted piece", films=[self.film])
        other = make_article(title="Other piece", films=[self.film])
        self.client.post(
            admin_url("article_changelist"),
            {
                "action": "add_themes",
                ACTION_CHECKBOX_NAME: [str(reverted.pk), str(other.pk)],
                "apply": "Add the themes",
                "themes": ["Syria"],
            },
        )
        together = Version.objects.get_for_object(reverted).get()
        self.assertEqual(together.revision, Version.objects.get_for_object(other).get().revision)
        for article in (reverted, other):
            url = admin_url("article_change", article.pk)
            data = self.open_form(url, "article_form")
            data["standfirst"] = ["Changed since."]
            self.assertRedirects(self.client.post(url, data), admin_url("article_changelist"))
        revert = admin_url("article_revision", reverted.pk, together.pk)
        response = self.client.post(revert, form_data(self.client.get(revert), "article_form"))
        self.assertRedirects(response, admin_url("article_changelist"))
        reverted.refresh_from_db()
        other.refresh_from_db()
        self.assertEqual(reverted.standfirst, "")
        self.assertEqual(other.standfirst, "Changed since.")

    def test_reverting_a_quote_saved_with_its_article(self):
        interview, exchange = self.quoted_interview()
        other = make_quote(interview, self.film, "a hundred", speaker=self.director)
        url = admin_url("article_change", interview.pk)
        self.assertRedirects(
            self.client.post(url, self.open_form(url, "article_form")),
            admin_url("article_changelist"),
        )
        quote = interview.quotes.exclude(pk=other.pk).get()
        saved_with_it = Version.objects.get_for_object(quote).get()
        data = self.open_form(url, "article_form")
        data["title"] = ["Retitled since"]
        self.assertRedirects(self.client.post(url, data), admin_url("article_changelist"))
        for changed in (quote, other):
            quote_url = admin_url("quote_change", changed.pk)
            data = self.open_form(quote_url, "quote_form")
            data["featured"] = ["on"]
            self.assertRedirects(self.client.post(quote_url, data), admin_url("quote_changelist"))
        revert = admin_url("quote_revision", quote.pk, saved_with_it.pk)
        response = self.client.post(revert, form_data(self.client.get(revert), "quote_form"))
        self.assertRedirects(response, admin_url("quote_changelist"))
        quote.refresh_from_db()
        other.refresh_from_db()
        interview.refresh_from_db()
        self.assertFalse(quote.featured)
        self.assertTrue(other.featured)
        self.assertEqual(interview.title, "Retitled since")


class VersionAddressTests(AdminTestCase):
    """The address of a version to revert to names the item and the version: a version of
    another item, or of an item of another kind with the same number, is no version of this
    one. A recovery is of an item that is deleted."""

    def setUp(self):
        self.login(self.editor)

    def saved(self, obj, name):
        url = admin_url(f"{name}_change", obj.pk)
        self.assertRedirects(
            self.client.post(url, self.open_form(url, f"{name}_form")),
            admin_url(f"{name}_changelist"),
        )
        return Version.objects.get_for_object(obj).first()

    def test_a_version_of_another_item_is_not_found(self):
        film = make_film(title="This film")
        other = make_film(title="Another film")
        # A person with the film's number.
        namesake = Person.objects.filter(pk=film.pk).first() or make_person(pk=film.pk)
        self.saved(film, "film")
        other_version, namesake_version = self.saved(other, "film"), self.saved(namesake, "person")
        Film.objects.filter(pk=other.pk).update(title="Another film, changed")
        Person.objects.filter(pk=namesake.pk).update(name="Same number, changed")
        for version in (other_version, namesake_version):
            revert = admin_url("film_revision", film.pk, version.pk)
            self.assertEqual(self.client.get(revert).status_code, 404)
            self.assertEqual(self.client.post(revert, {"title": "x"}).status_code, 404)
        recover = admin_url("film_recover", namesake_version.pk)
        self.assertEqual(self.client.get(recover).status_code, 404)
        self.assertEqual(self.client.post(recover, {"title": "x"}).status_code, 404)
        self.assertEqual(Film.objects.get(pk=other.pk).title, "Another film, changed")
        self.assertEqual(Person.objects.get(pk=namesake.pk).name, "Same number, changed")
        self.assertEqual(Film.objects.get(pk=film.pk).title, "This film")

    def test_recovering_an_item_that_is_there_is_reverting_it(self):
        """A version of a film that is not deleted (recovered since, or never deleted) offers
        to revert the film to it, with a revert's checks, rather than recover it."""
        film = make_film(title="Still here")
        version = self.saved(film, "film")
        response = self.client.get(admin_url("film_recover", version.pk))
        self.assertRedirects(response, admin_url("film_revision", film.pk, version.pk))

    def test_reverting_a_deleted_item_is_recovering_it(self):
        """The address of a version of a deleted film leads to its recovery, which asks for
        the permission to add films: it recovered the film for anyone who may change films,
        past the recover page that refuses them."""
        film = make_film(title="Deleted since")
        version = self.saved(film, "film")
        self.client.post(admin_url("film_delete", film.pk), {"post": "yes"})
        revert = admin_url("film_revision", film.pk, version.pk)
        recover = admin_url("film_recover", version.pk)
        self.assertRedirects(self.client.get(revert), recover)
        data = self.open_form(recover, "film_form")

        may_change = make_user("chang")
        may_change.user_permissions.add(
            *Permission.objects.filter(codename__in=["view_film", "change_film"])
        )
        self.login(may_change)
        self.assertEqual(self.client.get(recover).status_code, 403)
        self.assertEqual(self.client.post(revert, data).status_code, 403)
        self.assertFalse(Film.objects.filter(pk=film.pk).exists())

        self.login(self.editor)
        self.assertRedirects(self.client.post(revert, data), admin_url("film_changelist"))
        self.assertEqual(Film.objects.get(pk=film.pk).title, "Deleted since")


class RevertConflictTests(AdminTestCase):
    """A revert form carries the last change time of the item it was opened on, as the change
    form does: another editor's change made meanwhile is not written over without a word."""

    def setUp(self):
        self.film = make_film(title="Of Fathers and Sons")
        self.url = admin_url("film_change", self.film.pk)
        self.login(self.editor)
        self.client.post(self.url, self.open_form(self.url, "film_form"))
        self.first = Version.objects.get_for_object(self.film).get()
        data = self.open_form(self.url, "film_form")
        data["title"] = ["Of Fathers and Sons (2017)"]
        self.assertRedirects(self.client.post(self.url, data), admin_url("film_changelist"))

    def change_synopsis(self, user):
        self.login(user)
        data = self.open_form(self.url, "film_form")
        data["synopsis"] = ["Their change."]
        self.assertRedirects(self.client.post(self.url, data), admin_url("film_changelist"))

    def test_a_change_made_while_the_revert_was_open_is_not_reverted_unseen(self):
        revert = admin_url("film_revision", self.film.pk, self.first.pk)
        mine = self.open_form(revert, "film_form")
        self.change_synopsis(self.second_editor)
        self.login(self.editor)
        response = self.client.post(revert, mine)
        self.assertContains(response, "Max Second changed this film at")
        self.assertContains(response, "after you opened it")
        self.film.refresh_from_db()
        self.assertEqual(
            (self.film.title, self.film.synopsis), ("Of Fathers and Sons (2017)", "Their change.")
        )
        # Saved again, knowing, the revert is made.
        response = self.client.post(revert, form_data(response, "film_form"))
        self.assertRedirects(response, admin_url("film_changelist"))
        self.film.refresh_from_db()
        self.assertEqual((self.film.title, self.film.synopsis), ("Of Fathers and Sons", ""))

    def test_a_revert_left_open_is_made_when_nothing_changed_meanwhile(self):
        revert = admin_url("film_revision", self.film.pk, self.first.pk)
        response = self.client.post(revert, self.open_form(revert, "film_form"))
        self.assertRedirects(response, admin_url("film_changelist"))
        self.film.refresh_from_db()
        self.assertEqual(self.film.title, "Of Fathers and Sons")

    def test_a_revert_that_changes_nothing_records_nothing(self):
        """Reverting to the version the film is at already: the history keeps no version of
        it, and the film's last change time stays (an editor who has it open is not told it
        changed)."""
        latest = Version.objects.get_for_object(self.film).first()
        self.film.refresh_from_db()
        changed_at = self.film.updated_at
        revert = admin_url("film_revision", self.film.pk, latest.pk)
        response = self.client.post(revert, self.open_form(revert, "film_form"), follow=True)
        self.assertRedirects(response, admin_url("film_changelist"))
        self.assertContains(response, "is already as in this version: nothing was changed")
        self.assertEqual(Version.objects.get_for_object(self.film).count(), 2)
        self.film.refresh_from_db()
        self.assertEqual(self.film.updated_at, changed_at)

    def test_a_revert_that_changes_nothing_records_nothing_whatever_the_time(self):
        """A piece whose publication time has microseconds (published outside the admin's form,
        which shows and saves it to the second): reverted to the version it is at, it counted
        as changed, its time saved to the second. Nothing is recorded now, and the piece keeps
        its time, whether that version was kept by the admin (the form saved unchanged, as the
        demo keeps the first) or by the import."""
        published_at = timezone.now().replace(microsecond=123456) - dt.timedelta(days=1)
        article = make_article(title="Published elsewhere", published_at=published_at)
        url = admin_url("article_change", article.pk)
        self.client.post(url, self.open_form(url, "article_form"))
        for kept_by in ("admin", "import"):
            if kept_by == "import":
                record_history([Article.objects.get(pk=article.pk)], None, "Imported.")
            versions = Version.objects.get_for_object(article)
            count = versions.count()
            revert = admin_url("article_revision", article.pk, versions.first().pk)
            response = self.client.post(revert, self.open_form(revert, "article_form"), follow=True)
            self.assertContains(
                response, "is already as in this version: nothing was changed", msg_prefix=kept_by
            )
            self.assertEqual(versions.count(), count, kept_by)
            article.refresh_from_db()
            self.assertEqual(article.published_at, published_at, kept_by)

    def test_a_film_recovered_twice(self):
        """Two editors open the deleted film to recover it; the second to save is told the
        first brought it back (and changed it), rather than writing over it."""
        self.client.post(admin_url("film_delete", self.film.pk), {"post": "yes"})
        recover = admin_url("film_recover", Version.objects.get_deleted(Film).get().pk)
        mine = self.open_form(recover, "film_form")
        mine["synopsis"] = ["My synopsis."]
        self.login(self.second_editor)
        self.client.post(recover, self.open_form(recover, "film_form"))
        self.change_synopsis(self.second_editor)
        self.login(self.editor)
        response = self.client.post(recover, mine)
        self.assertContains(response, "Max Second changed this film at")
        self.film.refresh_from_db()
        self.assertEqual(self.film.synopsis, "Their change.")
        response = self.client.post(recover, form_data(response, "film_form"))
        self.assertRedirects(response, admin_url("film_changelist"))
        self.film.refresh_from_db()
        self.assertEqual(self.film.synopsis, "My synopsis.")
        self.assertEqual(Film.objects.filter(title="Of Fathers and Sons (2017)").count(), 1)


class ThemesRenamedOrMergedSinceTests(AdminTestCase):
    """A version keeps the names its themes had. Reverting to one, or recovering from one, after
    a theme was renamed or merged gives the theme it became, not the old one again."""

    def setUp(self):
        self.login(self.editor)
        self.interview = make_article(
            films=[self.film], kind=Article.Kind.INTERVIEW, title="Fayyad on the press"
        )
        self.interview.themes.add("journalism", "civil defence", "Syria")
        make_exchange(self.interview, self.director, question="Why?", answer="Because.")
        self.url = admin_url("article_change", self.interview.pk)
        self.client.post(self.url, self.open_form(self.url, "article_form"))
        self.before = Version.objects.get_for_object(self.interview).get()
        Theme.objects.create(name="civil war", slug="civil-war")
        self.client.post(
            admin_url("theme_rename", Theme.objects.get(name="journalism").pk),
            {"name": "Press freedom", "confirm": "yes"},
        )
        merged = Theme.objects.filter(name__in=["civil defence", "civil war"])
        self.client.post(
            admin_url("theme_merge", query="?ids=" + ",".join(str(t.pk) for t in merged)),
            {"into": str(Theme.objects.get(name="civil war").pk), "confirm": "yes"},
        )
        self.themes = ["Press freedom", "Syria", "civil war"]
        self.assertEqual(names(self.interview), self.themes)

    def assertThemesAsTheyAreNow(self, article):
        self.assertEqual(names(article), self.themes)
        self.assertFalse(Theme.objects.filter(name__in=["journalism", "civil defence"]).exists())
        self.assertRedirects(
            self.client.get("/themes/journalism/"), "/themes/press-freedom/", status_code=301
        )
        self.assertRedirects(
            self.client.get("/themes/civil-defence/"), "/themes/civil-war/", status_code=301
        )

    def test_reverting_to_a_version_from_before(self):
        url = admin_url("article_revision", self.interview.pk, self.before.pk)
        response = self.client.get(url)
        self.assertContains(response, '<option value="Press freedom" selected>', html=False)
        self.assertNotContains(response, 'value="journalism"', html=False)
        self.assertRedirects(
            self.client.post(url, form_data(response, "article_form")),
            admin_url("article_changelist"),
        )
        self.assertThemesAsTheyAreNow(self.interview)

    def test_recovering_a_version_from_before(self):
        self.client.post(admin_url("article_delete", self.interview.pk), {"post": "yes"})
        # Recovering the version from before the rename and the merge, not the last one.
        Version.objects.get_for_object_reference(Article, self.interview.pk).exclude(
            pk=self.before.pk
        ).delete()
        url = admin_url("article_recover", self.before.pk)
        self.client.post(url, form_data(self.client.get(url), "article_form"))
        self.assertThemesAsTheyAreNow(Article.objects.get(title="Fayyad on the press"))

    def test_a_theme_taking_a_renamed_themes_old_name_is_that_name(self):
        """A version's name is first the theme that has it now, whatever it had been."""
        Theme.objects.create(name="Journalism", slug="journalism-2")
        url = admin_url("article_revision", self.interview.pk, self.before.pk)
        self.client.post(url, form_data(self.client.get(url), "article_form"))
        self.assertEqual(names(self.interview), ["Journalism", "Syria", "civil war"])

    def test_comparing_across_the_rename_and_merge_shows_no_change_of_themes(self):
        """Saved unchanged after the rename and the merge, the article has the themes it had."""
        self.client.post(self.url, self.open_form(self.url, "article_form"))
        newer = Version.objects.get_for_object(self.interview).first()
        response = self.client.get(
            admin_url(
                "article_compare",
                self.interview.pk,
                query=f"?older={self.before.pk}&newer={newer.pk}",
            )
        )
        self.assertContains(response, "Nothing an editor can see changed")


def as_a_browser_sends_it(data):
    """Form data with the line endings a browser sends from a textarea: CRLF."""
    return {
        name: [value.replace("\n", "\r\n") for value in values] for name, values in data.items()
    }


class TruthfulHistoryTests(AdminTestCase):
    """A save records what an editor changed and nothing else: the CRLF line endings a browser
    sends where the stored text has LF are no change."""

    def setUp(self):
        self.login(self.editor)
        self.interview = make_article(
            films=[self.film],
            kind=Article.Kind.INTERVIEW,
            title="Feras Fayyad on Aleppo",
            body="An introduction.\n\nIn two paragraphs.",
        )
        self.interview.themes.add("Syria")
        make_exchange(
            self.interview,
            self.director,
            question="Why Aleppo?",
            answer="Because nobody else was filming there.\n\nNot then.",
        )
        self.url = admin_url("article_change", self.interview.pk)
        # The first version, as the demo makes it.
        self.client.post(self.url, self.open_form(self.url, "article_form"))

    def save_from_the_browser(self, **changes):
        data = as_a_browser_sends_it(self.open_form(self.url, "article_form"))
        data.update(changes)
        response = self.client.post(self.url, data)
        self.assertRedirects(response, admin_url("article_changelist"))
        newer, older = Version.objects.get_for_object(self.interview)[:2]
        return newer, older

    def compare(self, older, newer):
        return self.client.get(
            admin_url(
                "article_compare", self.interview.pk, query=f"?older={older.pk}&newer={newer.pk}"
            )
        )

    def test_adding_a_theme_records_only_the_theme(self):
        newer, older = self.save_from_the_browser(themes=["Syria", "civil defence"])
        self.assertEqual(newer.revision.get_comment(), "Changed Themes.")
        response = self.compare(older, newer)
        self.assertContains(response, "civil defence")
        self.assertNotContains(response, "Body")
        self.assertNotContains(response, "Exchange “")
        self.assertEqual(len(response.context["fields"]), 1)
        self.assertEqual(response.context["rows"], [])
        self.interview.refresh_from_db()
        self.assertNotIn("\r", self.interview.body)
        self.assertNotIn("\r", self.interview.exchanges.get().answer)

    def test_a_piece_published_now_saves_unchanged_as_it_was(self):
        """Published with no time (now), a piece's time is kept to the second, as the form
        shows it: saving the form unchanged afterwards changes nothing, and the comparison
        shows no time changed (it kept the microseconds and showed the same minute twice)."""
        data = as_a_browser_sends_it(self.open_form(self.url, "article_form"))
        data.update({"status": "published", "published_at_0": "", "published_at_1": ""})
        self.client.post(self.url, data)
        self.interview.refresh_from_db()
        published_at = self.interview.published_at
        self.assertEqual(published_at.microsecond, 0)
        newer, older = self.save_from_the_browser()
        self.assertEqual(newer.revision.get_comment(), "No fields changed.")
        self.assertNotContains(self.compare(older, newer), "Publication time")
        self.interview.refresh_from_db()
        self.assertEqual(self.interview.published_at, published_at)

    def test_a_time_stored_with_microseconds_is_kept_when_the_form_leaves_it(self):
        """A piece published outside the admin's form has its time to the microsecond; the
        form shows it to the second. Retitled, the piece kept that time cut to the second, and
        the comparison showed its publication time changed, the same minute before and after."""
        published_at = timezone.now().replace(microsecond=123456) - dt.timedelta(days=1)
        Article.objects.filter(pk=self.interview.pk).update(published_at=published_at)
        record_history([Article.objects.get(pk=self.interview.pk)], None, "Imported.")
        newer, older = self.save_from_the_browser(title=["Retitled"])
        self.assertEqual(newer.revision.get_comment(), "Changed Title.")
        response = self.compare(older, newer)
        self.assertContains(response, "Retitled")
        self.assertNotContains(response, "Publication time")
        self.interview.refresh_from_db()
        self.assertEqual(self.interview.published_at, published_at)

    def test_saving_unchanged_records_a_version_without_changes(self):
        """The save is kept (who saved, when), and says that nothing changed."""
        newer, older = self.save_from_the_browser()
        self.assertEqual(newer.revision.get_comment(), "No fields changed.")
        response = self.compare(older, newer)
        self.assertContains(response, "Nothing an editor can see changed")
