from django import template

from archive.markup import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """Editor Markdown as sanitised HTML (see archive.markup)."""
    return render_markdown(text)
