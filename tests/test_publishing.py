"""The rules of publication, called directly as the admin, an import or a command calls them:
who may publish, what time a piece is published at, and publishing, scheduling and
unpublishing themselves."""

import datetime as dt

import time_machine
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase

from archive import publishing
from archive.models import Article

from .factories import make_article

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
Status = Article.Status


def make_user(username, group):
    user = User.objects.create_user(username, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


class PublishingTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("ed", "Editors")
        cls.contributor = make_user("cora", "Contributors")

    def setUp(self):
        traveller = time_machine.travel(NOW, tick=False)
        traveller.start()
        self.addCleanup(traveller.stop)

    def assertRefused(self, error, field, words):
        self.assertIn(words, " ".join(error.exception.message_dict[field]))

    def assertStored(self, article, status, published_at):
        article = Article.objects.get(pk=article.pk)
        self.assertEqual((article.status, article.published_at), (status, published_at))


class PublicationTimeTests(PublishingTestCase):
    """The time a piece is saved with, for each status and time an editor may ask for."""

    def test_a_draft_carries_no_time(self):
        self.assertIsNone(publishing.publication_time(Status.DRAFT, None))
        with self.assertRaises(ValidationError) as error:
            publishing.publication_time(Status.DRAFT, NOW + dt.timedelta(days=1))
        self.assertRefused(error, "published_at", "A draft has no publication time")

    def test_going_back_to_draft_clears_the_time_it_had(self):
        when = NOW - dt.timedelta(days=3)
        self.assertIsNone(publishing.publication_time(Status.DRAFT, when, time_changed=False))

    def test_publishing_without_a_time_publishes_now(self):
        self.assertEqual(publishing.publication_time(Status.PUBLISHED, None), NOW)

    def test_a_future_time_schedules(self):
        when = NOW + dt.timedelta(days=2)
        self.assertEqual(publishing.publication_time(Status.PUBLISHED, when), when)

    def test_a_time_already_past_is_refused(self):
        with self.assertRaises(ValidationError) as error:
            publishing.publication_time(Status.PUBLISHED, NOW - dt.timedelta(days=2))
        self.assertRefused(error, "published_at", "This time has already passed")

    def test_a_time_just_past_still_means_now(self):
        """The admin's "Now" button fills in a time that has passed by the time of saving."""
        just_past = NOW - dt.timedelta(minutes=4, seconds=59)
        self.assertEqual(publishing.publication_time(Status.PUBLISHED, just_past), just_past)
        too_old = NOW - dt.timedelta(minutes=5, seconds=1)
        with self.assertRaises(ValidationError):
            publishing.publication_time(Status.PUBLISHED, too_old)

    def test_a_past_time_is_kept_for_a_public_piece_or_one_first_published_elsewhere(self):
        when = NOW - dt.timedelta(days=400)
        for allowed in (
            {"was_public": True},
            {"first_published_elsewhere": True},
            {"time_changed": False},
        ):
            with self.subTest(**allowed):
                self.assertEqual(
                    publishing.publication_time(Status.PUBLISHED, when, **allowed), when
                )


class PublishTests(PublishingTestCase):
    def test_publishing_a_draft_now(self):
        draft = make_article(status=Status.DRAFT)
        self.assertTrue(publishing.publish(draft, by=self.editor))
        self.assertStored(draft, Status.PUBLISHED, NOW)
        self.assertIn(draft, Article.objects.published())

    def test_publishing_a_public_piece_again_changes_nothing(self):
        public = make_article(published_at=NOW - dt.timedelta(days=5))
        self.assertFalse(publishing.publish(public, by=self.editor))
        self.assertStored(public, Status.PUBLISHED, NOW - dt.timedelta(days=5))

    def test_publishing_a_scheduled_piece_now(self):
        scheduled = make_article(published_at=NOW + dt.timedelta(days=5))
        self.assertTrue(publishing.publish(scheduled, by=self.editor))
        self.assertStored(scheduled, Status.PUBLISHED, NOW)

    def test_a_past_time_is_refused_and_nothing_saved(self):
        draft = make_article(status=Status.DRAFT)
        with self.assertRaises(ValidationError):
            publishing.publish(draft, NOW - dt.timedelta(days=2), by=self.editor)
        self.assertStored(draft, Status.DRAFT, None)

    def test_a_piece_first_published_elsewhere_keeps_its_date(self):
        draft = make_article(status=Status.DRAFT, source_name="Cineuropa")
        publishing.publish(draft, NOW - dt.timedelta(days=400), by=self.editor)
        self.assertStored(draft, Status.PUBLISHED, NOW - dt.timedelta(days=400))

    def test_scheduling(self):
        draft = make_article(status=Status.DRAFT)
        publishing.schedule(draft, NOW + dt.timedelta(days=1), by=self.editor)
        self.assertStored(draft, Status.PUBLISHED, NOW + dt.timedelta(days=1))
        self.assertTrue(Article.objects.get(pk=draft.pk).is_scheduled)
        for not_future in (None, NOW, NOW - dt.timedelta(minutes=1)):
            with self.subTest(at=not_future), self.assertRaises(ValidationError):
                publishing.schedule(make_article(status=Status.DRAFT), not_future, by=self.editor)

    def test_unpublishing_goes_back_to_draft_without_a_time(self):
        for article in (
            make_article(),
            make_article(published_at=NOW + dt.timedelta(days=1)),
        ):
            self.assertTrue(publishing.unpublish(article, by=self.editor))
            self.assertStored(article, Status.DRAFT, None)
        self.assertFalse(publishing.unpublish(article, by=self.editor))


class ContributorTests(PublishingTestCase):
    """A contributor writes drafts; publishing and what readers see are for editors."""

    def test_who_may_publish(self):
        self.assertTrue(publishing.may_publish(self.editor))
        self.assertFalse(publishing.may_publish(self.contributor))

    def test_a_contributor_cannot_publish_schedule_or_unpublish(self):
        draft, public = make_article(status=Status.DRAFT), make_article()
        for operation, article, args in (
            (publishing.publish, draft, ()),
            (publishing.schedule, draft, (NOW + dt.timedelta(days=1),)),
            (publishing.unpublish, public, ()),
        ):
            with self.subTest(operation.__name__), self.assertRaises(PermissionDenied):
                operation(article, *args, by=self.contributor)
        self.assertStored(draft, Status.DRAFT, None)
        self.assertStored(public, Status.PUBLISHED, public.published_at)

    def test_published_and_scheduled_pieces_are_the_editors(self):
        draft = make_article(status=Status.DRAFT)
        public = make_article()
        scheduled = make_article(published_at=NOW + dt.timedelta(days=1))
        self.assertTrue(publishing.may_change(self.contributor, draft))
        self.assertTrue(publishing.may_change(self.contributor, None))
        for article in (public, scheduled):
            self.assertFalse(publishing.may_change(self.contributor, article))
            self.assertTrue(publishing.may_change(self.editor, article))

    def test_saves_a_contributor_may_not_make(self):
        draft = make_article(status=Status.DRAFT)
        publishing.check_save(draft, by=self.contributor)
        draft.status = Status.PUBLISHED
        with self.assertRaises(PermissionDenied):
            publishing.check_save(draft, by=self.contributor)
        publishing.check_save(draft, by=self.editor)
        # Changing a public piece, even sent back as a draft, is refused by what is stored.
        public = make_article()
        public.status, public.title = Status.DRAFT, "Changed"
        with self.assertRaises(PermissionDenied):
            publishing.check_save(public, by=self.contributor)

    def test_quotes_of_published_or_scheduled_pieces_are_the_editors(self):
        publishing.check_quote_source(make_article(status=Status.DRAFT), by=self.contributor)
        for article in (make_article(), make_article(published_at=NOW + dt.timedelta(days=1))):
            with self.assertRaises(ValidationError) as error:
                publishing.check_quote_source(article, by=self.contributor)
            self.assertIn("Only editors can add quotes", error.exception.messages[0])
            publishing.check_quote_source(article, by=self.editor)


class SaveDraftTests(PublishingTestCase):
    """How an import creates pieces: as drafts, whatever they arrive with."""

    def test_a_new_piece_is_saved_as_a_draft_without_a_time(self):
        article = Article(
            title="Imported", status=Status.PUBLISHED, published_at=NOW - dt.timedelta(days=1)
        )
        publishing.save_draft(article, by=self.contributor)
        self.assertStored(article, Status.DRAFT, None)

    def test_a_contributor_cannot_unpublish_by_saving_a_draft(self):
        public = make_article()
        with self.assertRaises(PermissionDenied):
            publishing.save_draft(public, by=self.contributor)
        self.assertStored(public, Status.PUBLISHED, public.published_at)
        publishing.save_draft(public, by=self.editor)
        self.assertStored(public, Status.DRAFT, None)
