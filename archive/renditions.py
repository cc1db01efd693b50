"""
Responsive sizes of an editor's image: a few widths, each in WebP and in JPEG, made with Pillow
when the film or article is saved, and stored in MEDIA_ROOT beside the image.

A rendition is a media file like the image itself: the web server or CDN serves it in
production, Django's static view while DEBUG is on. The renditions of `films/still.jpg` live in
`renditions/films/still.jpg/`, one file per width and format named `<width>x<height>.<ext>`, so
a page learns their sizes from one directory listing, without opening the image.
"""

import io
import logging
import re
from dataclasses import dataclass

from django.core.files.base import ContentFile
from PIL import Image, ImageOps

logger = logging.getLogger(__name__)

WIDTHS = (480, 960, 1440)
# Transparent parts of an image are laid on the page's paper colour (static/css/site.css).
PAPER = "#fdfcf9"
FORMATS = {
    "webp": ("WEBP", {"quality": 80, "method": 4}),
    "jpg": ("JPEG", {"quality": 82, "optimize": True, "progressive": True}),
}
# WebP holds at most 16,383 pixels a side: a rendition of a long strip (an infographic 1,500
# by 18,000) is made only in the widths that keep it within.
LARGEST_SIDE = 16383
FILE_NAME = re.compile(r"([1-9][0-9]*)x([1-9][0-9]*)\.(webp|jpg)")


@dataclass(frozen=True)
class Rendition:
    width: int
    height: int
    webp_url: str
    jpeg_url: str


def folder(image):
    return f"renditions/{image.name}"


def renditions(image):
    """The renditions of `image` (a FieldFile) made so far, narrowest first."""
    if not image:
        return []
    storage, base = image.storage, folder(image)
    try:
        _, files = storage.listdir(base)
    except (FileNotFoundError, NotADirectoryError):
        return []
    formats = {}
    for name in files:
        match = FILE_NAME.fullmatch(name)
        if match:
            width, height, ext = match.groups()
            formats.setdefault((int(width), int(height)), {})[ext] = storage.url(f"{base}/{name}")
    return [
        Rendition(width, height, urls["webp"], urls["jpg"])
        for (width, height), urls in sorted(formats.items())
        if len(urls) == len(FORMATS)
    ]


def widths_for(original_width):
    """The widths to make: those of WIDTHS the image reaches, or its own if it is narrower."""
    return [width for width in WIDTHS if width <= original_width] or [original_width]


def make_renditions(image):
    """Make the renditions of `image` unless they exist; return them.

    An image that cannot be read (a file missing after a restore without media, a file Pillow
    does not know) is logged and left without renditions: its page shows the image itself.
    """
    existing = renditions(image)
    if existing or not image:
        return existing
    try:
        with image.storage.open(image.name, "rb") as source:
            picture = ImageOps.exif_transpose(Image.open(source))
            picture.load()
    except (OSError, Image.DecompressionBombError) as error:
        logger.warning("No renditions of %s: %s", image.name, error)
        return []
    if picture.mode != "RGB":
        picture = picture.convert("RGBA")
        flat = Image.new("RGB", picture.size, PAPER)
        flat.paste(picture, mask=picture.getchannel("A"))
        picture = flat
    storage, base = image.storage, folder(image)
    for width in widths_for(picture.width):
        height = max(1, round(picture.height * width / picture.width))
        if height > LARGEST_SIDE:
            continue  # a long strip: only its narrower renditions, or the image itself
        resized = picture.resize((width, height), Image.Resampling.LANCZOS)
        try:
            encoded = {ext: encode(resized, *FORMATS[ext]) for ext in FORMATS}
        except (OSError, ValueError) as error:
            logger.warning("No %spx rendition of %s: %s", width, image.name, error)
            continue
        for ext, data in encoded.items():
            name = f"{base}/{width}x{height}.{ext}"
            if storage.exists(name):
                storage.delete(name)
            storage.save(name, ContentFile(data))
    return renditions(image)


def encode(picture, pillow_format, options):
    buffer = io.BytesIO()
    picture.save(buffer, pillow_format, **options)
    return buffer.getvalue()
