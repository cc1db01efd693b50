from django import template

from archive.markup import plain_text, render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """Editor Markdown as sanitised HTML (see archive.markup)."""
    return render_markdown(text)


@register.filter(name="plain")
def plain_filter(text):
    """Editor Markdown as plain words, for meta descriptions and the like."""
    return plain_text(text)
