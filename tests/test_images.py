"""Images: a film's or article's image in responsive sizes with its description and credit, and
the picture a shared link shows — the image, or a title card where there is none."""

import io
import json
import re
import shutil
import tempfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import TestCase, override_settings
from PIL import Image, ImageDraw

from archive import cards
from archive.models import Article
from archive.models.images import CARD_SIZE

from .factories import make_article, make_credit, make_film, make_person
from .test_pages import PublicPageTestCase


def upload(name="still.jpg", size=(2000, 1000), image_format="JPEG", mode="RGB"):
    """An image made with Pillow, as an editor's upload."""
    buffer = io.BytesIO()
    Image.new(mode, size, "#336699" if mode == "RGB" else (51, 102, 153, 0)).save(
        buffer, image_format
    )
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{image_format}")


class TemporaryMedia:
    """Uploads and renditions go to a throwaway MEDIA_ROOT."""

    @classmethod
    def setUpClass(cls):
        cls.media_root = tempfile.mkdtemp(prefix="film-archive-media-")
        cls.media = override_settings(MEDIA_ROOT=cls.media_root)
        cls.media.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.media.disable()
        shutil.rmtree(cls.media_root, ignore_errors=True)


def opened(path):
    with Image.open(path) as image:
        return image.format, image.size


class ArticleImageTests(TestCase):
    def test_an_image_needs_its_description(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            make_article(image="articles/still.jpg")
        article = Article(title="Seen", image="articles/still.jpg")
        with self.assertRaisesMessage(ValidationError, "Describe the image"):
            article.validate_constraints()
        make_article(image="articles/still.jpg", image_alt="A man in the rubble")


class RenditionTests(TemporaryMedia, TestCase):
    def test_widths_in_webp_and_jpeg_from_an_uploaded_image(self):
        """Saving a film with a 2000 px image makes it 480, 960 and 1440 px wide, twice each."""
        film = make_film(image=upload(), image_alt="Rescuers", image_credit="Photo: Grasshopper")
        renditions = film.image_renditions
        self.assertEqual(
            [(r.width, r.height) for r in renditions], [(480, 240), (960, 480), (1440, 720)]
        )
        for rendition in renditions:
            base = f"{self.media_root}/renditions/{film.image.name}/{rendition.width}x"
            size = (rendition.width, rendition.height)
            self.assertEqual(opened(f"{base}{rendition.height}.webp"), ("WEBP", size))
            self.assertEqual(opened(f"{base}{rendition.height}.jpg"), ("JPEG", size))
            self.assertTrue(rendition.webp_url.startswith(f"/media/renditions/{film.image.name}/"))

    def test_a_small_image_is_not_enlarged(self):
        article = make_article(image=upload(size=(300, 200)), image_alt="A still")
        self.assertEqual([(r.width, r.height) for r in article.image_renditions], [(300, 200)])

    def test_a_transparent_image_gets_the_page_colour_in_jpeg(self):
        film = make_film(
            image=upload("poster.png", (600, 900), "PNG", "RGBA"), image_alt="A poster"
        )
        (rendition,) = film.image_renditions
        path = f"{self.media_root}/renditions/{film.image.name}/480x720.jpg"
        with Image.open(path) as image:
            pixel = image.convert("RGB").getpixel((10, 10))
        # The paper colour #fdfcf9, give or take JPEG's rounding; not black.
        for channel, paper in zip(pixel, (253, 252, 249), strict=True):
            self.assertAlmostEqual(channel, paper, delta=3)
        self.assertEqual(rendition.width, 480)

    def test_a_long_strip_gets_the_renditions_webp_can_hold(self):
        """WebP holds at most 16,383 pixels a side: a 1000 × 18000 strip is made 480 px wide
        (8640 high) but not 960 (17280); saving it no longer fails."""
        film = make_film(image=upload("strip.jpg", (1000, 18000)), image_alt="An infographic")
        self.assertEqual([(r.width, r.height) for r in film.image_renditions], [(480, 8640)])

    def test_an_unreadable_image_has_no_renditions(self):
        film = make_film(image="films/missing.jpg", image_alt="Lost")
        self.assertEqual(film.image_renditions, [])


class ImagePageTests(TemporaryMedia, PublicPageTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.film.image = upload()
        cls.film.image_alt = "Rescuers carry a child from the rubble"
        cls.film.image_credit = "Photo: Larm Film"
        cls.film.save()
        cls.review.image = upload("lead.jpg", (1000, 600))
        cls.review.image_alt = "Khaled in the ruins"
        cls.review.image_credit = "Photo: Fady Al Halabi"
        cls.review.save()

    def test_film_still_in_responsive_sizes_with_description_and_credit(self):
        response = self.client.get(self.film.get_absolute_url())
        name = self.film.image.name
        self.assertContains(
            response,
            f'<source type="image/webp" srcset="/media/renditions/{name}/480x240.webp 480w, '
            f"/media/renditions/{name}/960x480.webp 960w, "
            f'/media/renditions/{name}/1440x720.webp 1440w"',
        )
        img = re.search(r"<img [^>]*>", response.content.decode()).group()
        self.assertIn(f'src="/media/renditions/{name}/1440x720.jpg"', img)
        self.assertIn(f"/media/renditions/{name}/480x240.jpg 480w", img)
        self.assertIn('alt="Rescuers carry a child from the rubble"', img)
        self.assertIn('width="1440" height="720"', img)
        # Near the top of the page: fetched at once.
        self.assertNotIn("loading", img)
        self.assertContains(response, "<figcaption>Photo: Larm Film</figcaption>")

    def test_article_lead_image_at_the_head_of_the_piece(self):
        response = self.client.get(self.review.get_absolute_url())
        self.assertContains(response, "<picture>")
        img = re.search(r"<img [^>]*>", response.content.decode()).group()
        self.assertIn('alt="Khaled in the ruins"', img)
        self.assertIn('width="960" height="576"', img)
        # Under the byline, before the text: fetched at once, as a film's image is.
        self.assertNotIn("loading", img)
        self.assertContains(response, "<figcaption>Photo: Fady Al Halabi</figcaption>")

    def test_shared_links_show_the_image(self):
        for obj, size in ((self.film, "1440x720"), (self.review, "960x576")):
            with self.subTest(obj=obj):
                response = self.client.get(obj.get_absolute_url())
                url = f"http://testserver/media/renditions/{obj.image.name}/{size}.jpg"
                self.assertContains(response, f'<meta property="og:image" content="{url}">')
                width, height = size.split("x")
                self.assertContains(response, f'<meta property="og:image:width" content="{width}">')
                self.assertContains(
                    response, f'<meta property="og:image:height" content="{height}">'
                )
                self.assertContains(
                    response, f'<meta property="og:image:alt" content="{obj.image_alt}">'
                )
                self.assertEqual(structured_data(response)["image"], url)


class TitleCardTests(PublicPageTestCase):
    def test_without_an_image_shared_links_show_the_title_card(self):
        cases = [
            (self.film, "Title card: Last Men in Aleppo (2017)"),
            (self.interview, f"Title card: {self.interview.title}"),
        ]
        for obj, alt in cases:
            with self.subTest(obj=obj):
                response = self.client.get(obj.get_absolute_url())
                url = f"http://testserver{obj.get_absolute_url()}card.png"
                self.assertContains(response, f'<meta property="og:image" content="{url}">')
                self.assertContains(response, '<meta property="og:image:width" content="1200">')
                self.assertContains(response, '<meta property="og:image:height" content="630">')
                self.assertContains(response, f'<meta property="og:image:alt" content="{alt}">')
                self.assertNotContains(response, "<picture>")

    def test_a_card_is_a_png_of_1200_by_630(self):
        for obj in (self.film, self.other_film, self.review, self.interview):
            with self.subTest(obj=obj):
                response = self.client.get(f"{obj.get_absolute_url()}card.png")
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["Content-Type"], "image/png")
                self.assertEqual(opened(io.BytesIO(response.content)), ("PNG", (1200, 630)))

    def test_a_long_title_still_fits(self):
        film = make_film(title=" ".join(["Remembrance"] * 16), year=1999)
        make_credit(film, make_person(name="A Director"))
        response = self.client.get(f"{film.get_absolute_url()}card.png")
        self.assertEqual(opened(io.BytesIO(response.content)), ("PNG", (1200, 630)))

    def test_a_word_too_long_for_a_line_is_broken_within(self):
        """No line of a card runs past its margin, not even a title of one long word."""
        draw = ImageDraw.Draw(Image.new("RGB", CARD_SIZE))
        width = CARD_SIZE[0] - 2 * cards.MARGIN
        typeface = cards.font(cards.TITLE_SIZES[-1])
        lines = cards.wrapped(draw, "A" * 200 + " and more", typeface, width)
        self.assertGreater(len(lines), 3)
        self.assertTrue(all(draw.textlength(line, font=typeface) <= width for line in lines))
        self.assertEqual("".join(lines).replace(" ", ""), "A" * 200 + "andmore")

    def test_a_title_in_arabic_or_hebrew_is_drawn_in_its_letters_from_the_right(self):
        """The serif face has no Arabic or Hebrew letters (each would be the same empty box):
        such a title is set in DejaVu Sans, which has them, joined and from the right margin."""
        draw = ImageDraw.Draw(Image.new("RGB", CARD_SIZE))
        width = CARD_SIZE[0] - 2 * cards.MARGIN
        for title, letters in (("آخر الرجال في حلب", "بت"), ("הבית של אבא", "בת")):
            with self.subTest(title=title):
                typeface, lines = cards.title_lines(draw, title, True, width)
                first, second = (drawn(letter, typeface) for letter in letters)
                self.assertTrue(first != second, "two letters drawn as the same box")
                film = make_film(title=title, year=2017)
                response = self.client.get(f"{film.get_absolute_url()}card.png")
                card = Image.open(io.BytesIO(response.content)).convert("L")
                # The title's band, below the kind: its ink ends at the right margin.
                band = card.crop((0, 220, CARD_SIZE[0], 300)).point(lambda v: v < 128 and 255)
                left, _, right, _ = band.getbbox()
                self.assertGreater(right, CARD_SIZE[0] - cards.MARGIN - 10)
                self.assertGreater(left, CARD_SIZE[0] // 3)

    def test_only_what_the_public_may_see_has_a_card(self):
        for url in (
            f"/articles/{self.draft.slug}/card.png",
            f"/articles/{self.scheduled.slug}/card.png",
            "/films/no-such-film/card.png",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)


def drawn(text, typeface):
    """`text` drawn alone in `typeface`, as bytes of its pixels."""
    image = Image.new("L", (200, 200))
    ImageDraw.Draw(image).text((20, 20), text, font=typeface, fill=255)
    return image.tobytes()


def structured_data(response):
    block = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    return json.loads(block.group(1))


@pytest.mark.django_db(transaction=True)
def test_a_card_is_kept_by_the_page_cache_like_a_page(client):
    """Drawn once, then served from the cache until the content changes."""
    film = make_film(title="Cached", year=2020)
    url = f"{film.get_absolute_url()}card.png"
    first = client.get(url)
    assert first["Cache-Status"] == "film-archive; fwd=miss; stored"
    second = client.get(url)
    assert second["Cache-Status"] == "film-archive; hit"
    assert second["Content-Type"] == "image/png"
    assert second.content == first.content
    film.title = "Renamed"
    film.save()
    assert client.get(url).content != first.content
