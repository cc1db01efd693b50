"""Validators for identifiers in shared databases (Wikidata, IMDb) and standards (BCP 47)."""

from django.core.validators import RegexValidator

wikidata_item = RegexValidator(
    r"^Q[1-9][0-9]*$", "A Wikidata identifier is a Q followed by digits, such as Q42."
)
imdb_title = RegexValidator(
    r"^tt[0-9]{7,}$", "An IMDb title identifier is tt followed by at least seven digits."
)
imdb_name = RegexValidator(
    r"^nm[0-9]{7,}$", "An IMDb name identifier is nm followed by at least seven digits."
)

# A BCP 47 language tag as pages use it in `lang`: a language (two or three letters), then
# perhaps a script (four letters), a region (two letters or three digits) and variants
# ("ar", "fa-IR", "zh-Hant-TW", "es-419", "sl-rozaj"). A language's name ("Arabic") is no tag.
language_tag = RegexValidator(
    r"^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?"
    r"(-([A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*\Z",
    "Enter a language code (BCP 47), such as ar for Arabic, fa for Persian or zh-Hant for "
    "Chinese in traditional characters, not the language's name.",
)
