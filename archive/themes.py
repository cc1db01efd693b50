"""
How editors type themes, and how themes are shown back to them.

django-taggit's default parser splits on spaces when a string has no comma, which would turn
"civil defence" into two themes. Here only commas, semicolons and line breaks separate themes,
so a theme keeps every word it was given.
"""

import re
import unicodedata

from .text import CONTROL_CHARACTERS

SEPARATORS = re.compile(r"[,;\n\r]+")
QUOTED = re.compile(r'"([^"]*)"')


def parse_themes(text):
    """Split an editor's theme string into distinct theme names, in the order typed.

    Commas (or semicolons, or line breaks) separate themes; so do double quotes, as in
    django-taggit's own syntax: `"civil defence" Syria` is two themes. Control characters are
    not kept (`tidied`).
    """
    parts = []
    for index, piece in enumerate(QUOTED.split(tidied(text))):
        parts.extend([piece] if index % 2 else SEPARATORS.split(piece))
    names = []
    seen = set()
    for part in parts:
        name = " ".join(part.strip().strip("'").split())
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names


# NUL stays, for the themes field to refuse it as Django's text fields do.
NAME_CONTROLS = {code: to for code, to in CONTROL_CHARACTERS.items() if code}


def tidied(text):
    """`text` without control characters (a vertical tab or form feed is a space), which a
    name pasted from a word processor may hold and no page may show (archive.text), and in
    Unicode's composed form (NFC), as all text is saved: "é" typed as "e" and an accent is the
    same theme as "é"."""
    return unicodedata.normalize("NFC", (text or "").translate(NAME_CONTROLS))


def spaced(text):
    """A theme's name as typed, `tidied` and its spacing made single: as it is stored, and as
    a name typed to find one is read."""
    return " ".join(tidied(text).split())


def split_names(text):
    """The theme names in `text`, a theme chosen in the admin's themes field: split only where
    it holds a comma, semicolon or line break (which no theme has), spacing tidied, and
    otherwise as typed. Quotes and apostrophes are part of the name there: the theme was
    typed whole (`The "Arab Spring"` is one theme, not taggit's quoting of two)."""
    names = []
    for part in SEPARATORS.split(tidied(text)):
        name = " ".join(part.split())
        if name and name.casefold() not in {seen.casefold() for seen in names}:
            names.append(name)
    return names


def themes_to_string(themes):
    """The string an editor sees in a theme field: names in alphabetical order, comma-separated."""
    return ", ".join(sorted((theme.name for theme in themes), key=str.casefold))
