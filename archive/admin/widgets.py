"""Widgets of the editors' admin that are not the admin's own."""

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError


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


class ReadableValues:
    """An autocomplete that shows a form again whatever was posted in it: Django's looks the
    chosen values up in the database as they came, and a value that is no id ("abc", from a
    crafted or damaged form) made the form's page, shown again with its error, a server error.
    Such a value is left out of what is shown; the form's field refuses it with its message."""

    def optgroups(self, name, value, attr=None):
        opts = self.field.remote_field.model._meta
        target = opts.get_field(getattr(self.field.remote_field, "field_name", opts.pk.attname))

        def readable(choice):
            try:
                target.to_python(choice)
            except ValidationError:
                return False
            return True

        return super().optgroups(name, [choice for choice in value if readable(choice)], attr)


class ReadableAutocompleteSelect(ReadableValues, AutocompleteSelect):
    pass


class ReadableAutocompleteSelectMultiple(ReadableValues, AutocompleteSelectMultiple):
    pass


class ReadableAutocompletes:
    """For a ModelAdmin or inline: its autocomplete fields show whatever was posted in them
    (ReadableValues)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = ReadableAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = ReadableAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)
