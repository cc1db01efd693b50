"""
Text as editors type it, stored one way only.

A browser sends a textarea's line breaks as CRLF, a fixture or an import has LF, a pasted
passage may carry trailing spaces or decomposed accents. Stored as sent, the same words would
differ byte for byte, and the history would report an unchanged interview as edited. So every
text field an editor types is normalised by `normalise_text()`: when it is saved (however it is
saved: the admin, a command, an import, `loaddata`, a revert) and when a form compares what was
sent with what is stored, so that a form saved unchanged has no changed fields.
"""

import unicodedata

from django import forms
from django.db import models


def normalise_text(text):
    """`text` with LF line endings, no spaces at the end of a line, no blank lines or spaces
    at either end, in Unicode NFC.

    Markdown's hard line break written as two trailing spaces does not survive; a backslash at
    the end of the line does the same and does.
    """
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


class NormalisedFormField(forms.CharField):
    """A form's text field that cleans to the normalised text, and has changed only if that
    differs from the normalised stored value."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_text(value) if isinstance(value, str) else value

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        return self.to_python(initial) != self.to_python(data)


class NormalisedText:
    """What the archive's text model fields add to Django's: the value normalised when read
    from a fixture or a version (`to_python`), when validated, and when saved (`pre_save`)."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_text(value) if isinstance(value, str) else value

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        if isinstance(value, str):
            value = normalise_text(value)
            setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": NormalisedFormField, **kwargs})


class NormalisedCharField(NormalisedText, models.CharField):
    """A one-line text an editor types: a title, a name."""


class NormalisedTextField(NormalisedText, models.TextField):
    """A longer text an editor types: a body, a synopsis, an answer."""
