from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import cached_property

from ..renditions import make_renditions, renditions

CARD_SIZE = (1200, 630)


@dataclass(frozen=True)
class ShareImage:
    """The picture a shared link shows (og:image, JSON-LD `image`): width and height None when
    unknown."""

    url: str
    alt: str
    width: int | None = None
    height: int | None = None
    is_card: bool = False


class Illustrated:
    """A film or an article with an editor's image (`image`, `image_alt`, `image_credit`).

    Saving it makes the image's renditions (archive/renditions.py) if they are missing. Where
    there is no image, a shared link shows the object's title card (archive/cards.py), which
    its alt text calls a title card: it is never passed off as a picture of the film.
    """

    card_url_name = None  # the title card's URL name, set by each model

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        if self.image:
            make_renditions(self.image)
        self.__dict__.pop("image_renditions", None)

    @cached_property
    def image_renditions(self):
        return renditions(self.image)

    def card_url(self):
        return reverse(self.card_url_name, kwargs={"slug": self.slug})

    def card_alt(self):
        return f"Title card: {self}"

    def share_image(self, request):
        if self.image:
            if self.image_renditions:
                largest = self.image_renditions[-1]
                return ShareImage(
                    request.build_absolute_uri(largest.jpeg_url),
                    self.image_alt,
                    largest.width,
                    largest.height,
                )
            return ShareImage(request.build_absolute_uri(self.image.url), self.image_alt)
        width, height = CARD_SIZE
        return ShareImage(
            request.build_absolute_uri(self.card_url()), self.card_alt(), width, height, True
        )

    def share_image_url(self, request):
        """The absolute address of the image a shared link shows: the image, else the card."""
        return self.share_image(request).url
