"""
The editors' admin: films, people, articles, quotes and themes.

Two groups (made by a migration) decide who may do what: Editors may do everything, including
publishing and managing themes; Contributors write drafts. What a contributor may not do to a
particular article (publish, schedule, unpublish, change or delete a published piece) is
refused here, in the permission methods and forms, not only by hiding buttons.

Every save of a film, person, article or quote is kept by django-reversion (archive/history.py
says what a version holds): editors see who changed what and when, compare two versions, revert
to one, and recover deleted items.

One module per subject: films.py (films, people, languages), articles.py, quotes.py and
themes.py register their models; history.py holds what every model with a history shares, and
lists.py the theme filter and column of the lists of films, articles and quotes.
"""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.validators import MaxLengthValidator
from taggit.models import Tag

# Imported for their registrations.
from . import articles, films, quotes, themes  # noqa: F401


class SignInForm(AdminAuthenticationForm):
    """The admin's sign-in, refusing a username longer than any user's as a form error: passed
    on, it failed to fit the sign-in attempts' record (django-axes) on PostgreSQL, a 500."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


admin.site.login_form = SignInForm

# The archive's themes live in Theme; taggit's own tag model is unused.
admin.site.unregister(Tag)
admin.site.site_header = "Film Archive"
admin.site.site_title = "Film Archive"
admin.site.index_title = "Editing the archive"
