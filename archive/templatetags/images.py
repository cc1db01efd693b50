from django import template

register = template.Library()

# The text column is at most 42rem wide (static/css/site.css), within 1rem of page margin.
SIZES = "(min-width: 44rem) 42rem, calc(100vw - 2rem)"


@register.inclusion_tag("includes/picture.html")
def picture(obj, lazy=True):
    """A film's or article's image with its alt text and credit, in responsive sizes.

    WebP for browsers that take it, JPEG otherwise. `lazy=False` for an image near the top of
    the page, which the browser should fetch at once; an image without renditions (its file
    missing, say) is shown as it is.
    """
    return {"obj": obj, "renditions": obj.image_renditions, "lazy": lazy, "sizes": SIZES}


@register.simple_tag(takes_context=True)
def share_image(context, obj):
    """The picture a shared link to this page shows: the image, else the title card."""
    return obj.share_image(context["request"])
