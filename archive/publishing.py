"""
The rules of publication, in one place: who may publish, what time a piece is published at,
and the operations that publish, schedule and unpublish an article.

`Article.objects.published()` decides what readers see; these functions decide what may be
written. The admin (its article form, its save and its list actions), the import and
management commands all call them, so none of them can publish by another rule:

- Only editors (the "publish_article" permission) publish, schedule and unpublish. Everyone
  else writes drafts, and cannot change or delete a published or scheduled piece, nor its
  quotes: whatever they did would be public at once.
- A draft carries no publication time; going back to draft clears it.
- Publishing with no time publishes now; a future time schedules the piece.
- A time already past is refused, unless the piece is already public (correcting its date) or
  was first published elsewhere (keeping its original date): anything else is a scheduling
  mistake that would publish the piece at once, under an old date. The admin's "Now" button
  fills in the current time, which has passed by the time the editor saves: a time up to
  PUBLISH_NOW_GRACE ago still means now.

Refusals are Django's exceptions, with messages written for editors: PermissionDenied for what
the user may not do, ValidationError (on the field concerned) for a time that cannot be.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from .models import Article

PUBLISH_NOW_GRACE = dt.timedelta(minutes=5)

ONLY_EDITORS_PUBLISH = "Only editors may publish or schedule articles."
ONLY_EDITORS_UNPUBLISH = "Only editors may unpublish articles."
ONLY_EDITORS_CHANGE = (
    "Only editors may change or delete an article that is published or scheduled, or its "
    "quotes: readers see it."
)
ONLY_EDITORS_QUOTE = (
    "Only editors can add quotes to an article that is published or scheduled: it would appear "
    "on the site at once. Choose a draft."
)
DRAFT_HAS_NO_TIME = (
    "A draft has no publication time. To schedule the article for this time, set its status to "
    "“Published”; to keep it a draft, clear the time."
)
TIME_HAS_PASSED = (
    "This time has already passed. Leave it empty to publish now, or choose a time in the "
    "future to schedule the article. (A piece first published elsewhere keeps its original "
    "date: fill in “first published in”.)"
)
SCHEDULE_IN_THE_FUTURE = (
    "A piece is scheduled for a time in the future. To publish it now, publish it instead."
)


# Who may do what --------------------------------------------------------------------------------


def may_publish(user):
    """Whether `user` may publish, schedule and unpublish (editors may; contributors may not)."""
    return user.has_perm("archive.publish_article")


def may_change(user, article):
    """Whether `user` may change or delete `article` (as saved) and its parts and quotes.

    Everyone who may edit articles may change a draft; a published or scheduled piece only
    those who may publish. `article` None (a new article) may always be written.
    """
    return article is None or article.status == Article.Status.DRAFT or may_publish(user)


def check_save(article, *, by):
    """Refuse (PermissionDenied) a save of `article`, with its new values, that `by` may not
    make: publishing or scheduling it, or changing a piece that is published or scheduled."""
    if may_publish(by):
        return
    if article.status != Article.Status.DRAFT:
        raise PermissionDenied(ONLY_EDITORS_PUBLISH)
    if article.pk is not None and not may_change(by, Article.objects.filter(pk=article.pk).first()):
        raise PermissionDenied(ONLY_EDITORS_CHANGE)


def check_quote_source(article, *, by):
    """Refuse (ValidationError) a quote from `article` if `by` may not add quotes to it: a
    published or scheduled article's quotes appear on the site at once."""
    if article is not None and not may_change(by, article):
        raise ValidationError(ONLY_EDITORS_QUOTE, code="locked")


# The publication time ---------------------------------------------------------------------------


def publication_time(
    status, when, *, time_changed=True, was_public=False, first_published_elsewhere=False
):
    """The time an article with `status` and the time asked for, `when`, is saved with.

    None for a draft; now for publishing without a time; `when` otherwise. Raises
    ValidationError on "published_at" for a time given to a draft or a time already past (see
    the module's docstring). `time_changed` says whether `when` is new (a form's unchanged
    value is not checked again), `was_public` whether the piece is public as saved, and
    `first_published_elsewhere` whether it names the publication it first appeared in.
    """
    if status == Article.Status.DRAFT:
        if when and time_changed:
            raise ValidationError({"published_at": DRAFT_HAS_NO_TIME}, code="draft_time")
        return None
    if status != Article.Status.PUBLISHED:
        return when
    now = timezone.now()
    if not when:
        # To the second, as the admin's time field shows it: the form saved again unchanged
        # must give back the very time stored.
        return now.replace(microsecond=0)
    if (
        time_changed
        and when < now - PUBLISH_NOW_GRACE
        and not was_public
        and not first_published_elsewhere
    ):
        raise ValidationError({"published_at": TIME_HAS_PASSED}, code="time_passed")
    return when


# Publishing, scheduling, unpublishing -----------------------------------------------------------


def publish(article, at=None, *, by):
    """Publish `article` now, or at `at`: a future time schedules it. Saves it.

    An article that is public already stays as it is unless `at` gives it another date.
    Returns whether anything changed.
    """
    if not may_publish(by):
        raise PermissionDenied(ONLY_EDITORS_PUBLISH)
    if at is None and article.is_public:
        return False
    when = publication_time(
        Article.Status.PUBLISHED,
        at,
        was_public=article.is_public,
        first_published_elsewhere=bool(article.source_name),
    )
    if article.status == Article.Status.PUBLISHED and article.published_at == when:
        return False
    article.status, article.published_at = Article.Status.PUBLISHED, when
    article.save()
    return True


def schedule(article, at, *, by):
    """Schedule `article` to become public by itself at `at`, a time in the future."""
    if not may_publish(by):
        raise PermissionDenied(ONLY_EDITORS_PUBLISH)
    if at is None or at <= timezone.now():
        raise ValidationError({"published_at": SCHEDULE_IN_THE_FUTURE}, code="not_future")
    return publish(article, at, by=by)


def unpublish(article, *, by):
    """Take `article` back to draft, clearing its time. Returns whether it was published."""
    if not may_publish(by):
        raise PermissionDenied(ONLY_EDITORS_UNPUBLISH)
    if article.status == Article.Status.DRAFT and article.published_at is None:
        return False
    was_published = article.status == Article.Status.PUBLISHED
    article.status, article.published_at = Article.Status.DRAFT, None
    article.save()
    return was_published


def save_draft(article, *, by):
    """Save `article` as a draft, as an import creates pieces: a draft carries no time.

    Saving a published or scheduled piece as a draft unpublishes it, which only editors may.
    """
    if article.pk is not None and not may_change(by, Article.objects.filter(pk=article.pk).first()):
        raise PermissionDenied(ONLY_EDITORS_UNPUBLISH)
    article.status, article.published_at = Article.Status.DRAFT, None
    article.save()
    return article
