"""Widgets and choice fields of the editors' admin that are not the admin's own."""

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


def readable(model_field, value):
    """Whether `value`, as posted, reads as a value of `model_field` ("abc" is no id)."""
    try:
        model_field.to_python(value)
    except ValidationError:
        return False
    return True


def storable(model_field, value):
    """Whether `value`, as posted, reads as a value of `model_field` that the database can
    hold: not "abc" for an id, nor an id beyond the column's range ("9" * 30), which no row
    has and which SQLite's driver cannot even send (OverflowError) in a lookup of several
    values (`pk__in`; Django leaves an out-of-range `pk=` out of the query itself)."""
    try:
        model_field.run_validators(model_field.to_python(value))
    except ValidationError:
        return False
    return True


class ReadableValues:
    """An autocomplete that shows a form again whatever was posted in it: Django's looks the
    chosen values up in the database as they came, and a value that is no id ("abc", from a
    crafted or damaged form) or one too large for the database made the form's page, shown
    again with its error, a server error or a bare 400. Such a value is left out of what is
    shown; the form's field refuses it with its message."""

    def optgroups(self, name, value, attr=None):
        opts = self.field.remote_field.model._meta
        target = opts.get_field(getattr(self.field.remote_field, "field_name", opts.pk.attname))
        chosen = [choice for choice in value if storable(target, choice)]
        return super().optgroups(name, chosen, attr)


class ReadableAutocompleteSelect(ReadableValues, AutocompleteSelect):
    pass


class ReadableAutocompleteSelectMultiple(ReadableValues, AutocompleteSelectMultiple):
    pass


class StorableChoicesField(forms.ModelMultipleChoiceField):
    """Several choices among a queryset, refusing an id the database cannot hold as one that is
    not among them ("Select a valid choice"), with the form and everything typed in it shown
    again. Django checks the posted ids with one `pk__in` lookup, which SQLite's driver cannot
    send with such an id (OverflowError): the editor got a bare 400 page and lost the form.
    Other values are checked as Django checks them."""

    def _check_values(self, value):
        opts = self.queryset.model._meta
        target = opts.get_field(self.to_field_name) if self.to_field_name else opts.pk
        beyond = [
            choice for choice in value if readable(target, choice) and not storable(target, choice)
        ]
        queryset = super()._check_values([choice for choice in value if choice not in beyond])
        if beyond:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": beyond[0]},
            )
        return queryset


class ReadableAutocompletes:
    """For a ModelAdmin or inline: its autocomplete fields show whatever was posted in them
    (ReadableValues), and its fields of several choices refuse ids the database cannot hold
    as they refuse any other id of nothing (StorableChoicesField)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = ReadableAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", StorableChoicesField)
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = ReadableAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)
