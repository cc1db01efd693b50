"""Validators for identifiers in shared databases (Wikidata, IMDb)."""

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
