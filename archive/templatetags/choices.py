from html import escape

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


def rendered_options(choices, current=None):
    """The `<option>`s of `choices` (pairs of value and label, or plain values that are their
    own label), the `current` one selected.

    The theme and year filters offer a few hundred choices on a large archive; written here they
    cost a few microseconds each, where a template loop costs ten times more. What every page of
    a list offers is kept rendered with nothing selected (see `ThemeFilterForm.theme_options`).
    """
    current = "" if current is None else str(current)
    html = []
    for choice in choices:
        value, label = choice if isinstance(choice, (tuple, list)) else (choice, choice)
        value = "" if value is None else str(value)
        selected = " selected" if value == current else ""
        html.append(f'<option value="{escape(value)}"{selected}>{escape(str(label))}</option>')
    return "".join(html)


@register.simple_tag
def options(choices, current=None):
    """A select's `<option>`s for `choices`, the `current` one selected. `choices` is a list of
    choices or a string of options `rendered_options` wrote with nothing selected."""
    if isinstance(choices, str):
        value = escape("" if current is None else str(current))
        html = choices.replace(f'<option value="{value}">', f'<option value="{value}" selected>', 1)
    else:
        html = rendered_options(choices, current)
    return mark_safe(html)  # noqa: S308 - every value and label is escaped
