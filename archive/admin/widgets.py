"""Widgets of the editors' admin that are not the admin's own."""

from django import forms
from django.conf import settings


class SearchableSelectMultiple(forms.SelectMultiple):
    """A long list of fixed choices (a film's countries) as a box to type in: the admin's
    Select2 over the options already in the page, set up by static/archive/admin/select.js (a
    script file: the admin allows no inline script)."""

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs=extra_attrs)
        attrs["class"] = f"{attrs.get('class', '')} archive-select".strip()
        attrs["data-placeholder"] = "Type to choose"
        attrs["data-theme"] = "admin-autocomplete"
        return attrs

    @property
    def media(self):
        extra = "" if settings.DEBUG else ".min"
        return forms.Media(
            js=[
                f"admin/js/vendor/jquery/jquery{extra}.js",
                f"admin/js/vendor/select2/select2.full{extra}.js",
                "admin/js/jquery.init.js",
                "archive/admin/select.js",
            ],
            css={
                "screen": [
                    f"admin/css/vendor/select2/select2{extra}.css",
                    "admin/css/autocomplete.css",
                ]
            },
        )
