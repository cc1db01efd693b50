"""The path converter of the site's and the API's addresses of films, people, articles and
themes, registered when this module is imported (by either URLconf, whichever is first)."""

from django.urls import register_converter


class UnicodeSlugConverter:
    """A slug that keeps the letters of other scripts ("بيت", an Arabic theme's "حلب"), as
    slugs are made (archive.models.slugs): Django's `<slug:>` matches ASCII only. A request's
    path arrives decoded, so `/films/%D8%A8%D9%8A%D8%AA/` matches; `reverse()` percent-encodes
    the slug again in the addresses it makes."""

    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(UnicodeSlugConverter, "unicode_slug")
