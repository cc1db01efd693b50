"""
Text as editors type it, stored one way only.

A browser sends a textarea's line breaks as CRLF, a fixture or an import has LF, a pasted
passage may carry trailing spaces or decomposed accents. Stored as sent, the same words would
differ byte for byte, and the history would report an unchanged interview as edited. So every
text field an editor types is normalised by `normalise_text()`: when it is saved (however it is
saved: the admin, a command, an import, `loaddata`, a revert) and when a form compares what was
sent with what is stored, so that a form saved unchanged has no changed fields.
"""

import re
import unicodedata

from anyascii import anyascii
from django import forms
from django.db import models
from django.db.models import signals

# Control characters a pasted passage brings along, which neither HTML (a "forbidden code
# point") nor XML may hold: a word processor's line break within a paragraph (a vertical tab)
# and its page break (a form feed) stand between two words, as a space; the others, C0 but tab,
# line feed and carriage return, DEL and C1, are dropped. So are Unicode's noncharacters
# (U+FDD0–U+FDEF and the last two code points of each plane), which are never text: U+FFFE is
# a byte order mark read the wrong way round, and neither it nor U+FFFF may be in XML at all.
NONCHARACTERS = [
    *range(0xFDD0, 0xFDF0),
    *(plane + last for plane in range(0, 0x110000, 0x10000) for last in (0xFFFE, 0xFFFF)),
]
CONTROL_CHARACTERS = {
    **dict.fromkeys([*range(0x00, 0x09), *range(0x0E, 0x20), *range(0x7F, 0xA0)]),
    **dict.fromkeys(NONCHARACTERS),
    0x0B: " ",
    0x0C: " ",
}


CONTROL = re.compile("[" + "".join(re.escape(chr(code)) for code in CONTROL_CHARACTERS) + "]")


def without_controls(text):
    """`text` with its control characters a space or dropped, as CONTROL_CHARACTERS says.
    Found by a regular expression: in a body of 10,000 characters that has none, 30 µs, where
    `str.translate` with the table looks each character up (600 µs)."""
    return CONTROL.sub(lambda match: CONTROL_CHARACTERS[ord(match.group())] or "", text)


def normalise_text(text):
    """`text` with LF line endings, no spaces at the end of a line, no blank lines or spaces
    at either end, no control characters but tabs and line breaks (see CONTROL_CHARACTERS),
    in Unicode NFC.

    Markdown's hard line break written as two trailing spaces does not survive; a backslash at
    the end of the line does the same and does.
    """
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = without_controls(text)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


NON_ASCII = re.compile(r"[^\x00-\x7f]")


def fold_character(match):
    character = match.group(0)
    if "LATIN" in unicodedata.name(character, ""):
        return anyascii(character)
    return character


def fold(text):
    """Latin letters spelt in ASCII (ø → o, æ → ae, ß → ss, é → e), other scripts kept.

    FTS5's `remove_diacritics` folds only letters that decompose; transliterating other
    scripts would make an Arabic or Japanese title match unrelated Latin words.
    """
    if text.isascii():
        return text
    return NON_ASCII.sub(fold_character, text)


# Punctuation a title or a name may open with ("¡Alambrista!", "...And Justice for All",
# "“Weird Al” Yankovic", "#MeToo"), up to its first letter or digit.
LEADING_PUNCTUATION = re.compile(r"^[\W_]+(?=\w)")


def sort_key(text):
    """Where `text` (a name, a title) goes in an A–Z list: its Latin letters folded to ASCII
    and to one case, so that "bell hooks" comes before "Zelda", and "Émile" among the Es
    (in a byte-wise order, accented and lower-case initials came after Z), read from its first
    letter or digit ("¡Alambrista!" among the As, not after Z). Other scripts keep their own
    letters, after the Latin ones."""
    return LEADING_PUNCTUATION.sub("", fold(text).casefold())


# Characters that take no room on a page besides spaces and format characters (Unicode's Cf:
# zero-width space and joiners, word joiner, byte order mark, soft hyphen, direction marks): the
# combining grapheme joiner, the Hangul fillers and the Braille blank.
BLANK_CHARACTERS = frozenset("\u034f\u115f\u1160\u3164\uffa0\u2800")


def shows(text):
    """Whether `text` has a character a reader would see: a title of zero-width spaces alone
    is an empty link in a list, and no title."""
    return not all(
        c.isspace() or c in BLANK_CHARACTERS or unicodedata.category(c) == "Cf" for c in text
    )


class NormalisedFormField(forms.CharField):
    """A form's text field that cleans to the normalised text, and has changed only if that
    differs from the normalised stored value. A text of only characters that do not show is
    no text: refused where one is required, empty where it is not."""

    def to_python(self, value):
        value = super().to_python(value)
        if not isinstance(value, str):
            return value
        value = normalise_text(value)
        return value if shows(value) else self.empty_value

    def clean(self, value):
        typed = normalise_text(value) if isinstance(value, str) else ""
        if self.required and typed and not shows(typed):
            raise forms.ValidationError(
                "This field is required: what was typed has only characters that do not "
                "show, such as zero-width spaces.",
                code="required",
            )
        return super().clean(value)

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


class SortKeyField(models.CharField):
    """Where an object goes in an A–Z list: `sort_key()` of its `source` field, kept by every
    save: its own `pre_save` (saves, `bulk_create`), and, as ImageField keeps its dimensions, a
    signal it connects itself for raw saves (`loaddata`, the demo's fixture), which skip the
    fields' `pre_save` but not the model's `pre_save` signal."""

    def __init__(self, *args, source, **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 250)
        kwargs.setdefault("default", "")
        kwargs["editable"] = False
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("editable", None)
        return name, path, args, {**kwargs, "source": self.source}

    def contribute_to_class(self, cls, name, **kwargs):
        super().contribute_to_class(cls, name, **kwargs)
        if not cls._meta.abstract:
            signals.pre_save.connect(self.fill, sender=cls)

    def pre_save(self, model_instance, add):
        self.fill(type(model_instance), model_instance)
        return super().pre_save(model_instance, add)

    def fill(self, sender, instance, **kwargs):
        setattr(instance, self.attname, sort_key(getattr(instance, self.source) or ""))


# What sets the direction of the text after it until closed: embeddings and overrides
# (U+202A–U+202E) and isolates (U+2066–U+2069).
DIRECTION_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def isolated(text):
    """`text` set apart from the plain text around it (a page's title, a shared link's title)
    when it holds direction controls, between a first strong isolate and its pop (U+2068,
    U+2069, the plain-text <bdi>): a right-to-left override an editor left open at the end of
    a title reverses only the title, not the "(2019) — Film Archive" after it. The editor's text
    itself is shown as typed; other text is returned unchanged."""
    text = str(text)
    return f"\u2068{text}\u2069" if DIRECTION_CONTROLS.search(text) else text
