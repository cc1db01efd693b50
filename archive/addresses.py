"""The addresses of public pages, reversed once per worker.

A film page links to dozens of people, pieces and themes, and a list to a page of them; each
link is a `reverse()`, which costs tens of microseconds, more than the rest of the link's
rendering. An address depends only on the view's name, its arguments, the URLconf and the
script prefix, so each worker remembers the ones it has made (keyed by all four; a renamed slug
is a new key). Changing ROOT_URLCONF (in tests) forgets them.
"""

import functools

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse


def page_path(viewname, **kwargs):
    """`reverse(viewname, kwargs=kwargs)`, remembered."""
    return _reversed(viewname, tuple(sorted(kwargs.items())), get_urlconf(), get_script_prefix())


class PagePaths:
    """`page_path` for the many links of one list, with the URLconf and the script prefix read
    once: each is a lookup of the request's context (a context-local variable), and the two
    cost more than the rest of a remembered address. Models take one as `get_absolute_url(path)`.
    """

    def __init__(self):
        self.urlconf, self.prefix = get_urlconf(), get_script_prefix()

    def __call__(self, viewname, **kwargs):
        return _reversed(viewname, tuple(sorted(kwargs.items())), self.urlconf, self.prefix)


@functools.lru_cache(maxsize=8192)
def _reversed(viewname, kwargs, urlconf, prefix):
    return reverse(viewname, urlconf=urlconf, kwargs=dict(kwargs))


@receiver(setting_changed)
def forget_addresses(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _reversed.cache_clear()
