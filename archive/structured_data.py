"""
schema.org JSON-LD for the public pages: Movie, Review, NewsArticle/Article and Person.

Built only from what the page itself shows (public articles, the film's own facts), so that
structured data never says more than a reader may see. Nothing is invented: an unsigned piece
is the publication's (its author is the publishing Organization, never a made-up person), a
review without a rating has no reviewRating, and only what has an image names one.
"""

import json

from django.utils.safestring import mark_safe

from .markup import plain_text
from .models import Article

SITE_NAME = "Film Archive"
JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def as_script(data):
    """JSON-LD in a data block; <, > and & escaped so the text can never close the element."""
    text = json.dumps(data, ensure_ascii=False, indent=None).translate(JSON_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308


def absolute(request, path):
    return request.build_absolute_uri(path)


def person_reference(request, person):
    return {
        "@type": "Person",
        "name": person.name,
        "url": absolute(request, person.get_absolute_url()),
    }


def iso_duration(minutes):
    hours, minutes = divmod(minutes, 60)
    return f"PT{hours}H{minutes}M" if hours else f"PT{minutes}M"


def publisher():
    return {"@type": "Organization", "name": SITE_NAME}


def authors(request, article):
    """The byline's people; an unsigned piece is the publication's own."""
    byline = [person_reference(request, person) for person in article.author_list]
    return byline or publisher()


def image_url(request, obj):
    """The absolute address of a film's or article's own image; None without one, since a
    generated title card is no picture of it. Where the model offers its share image
    (`share_image_url(request)`, a rendition sized for sharing), that one."""
    image = getattr(obj, "image", None)
    if not image:
        return None
    share_image_url = getattr(obj, "share_image_url", None)
    return share_image_url(request) if share_image_url else absolute(request, image.url)


def movie_reference(request, film):
    data = {
        "@type": "Movie",
        "name": film.title,
        "url": absolute(request, film.get_absolute_url()),
        "dateCreated": str(film.year),
    }
    directors = [
        person_reference(request, credit.person)
        for credit in film.credits.all()
        if credit.schema_org_property == "director"
    ]
    if directors:
        data["director"] = directors
    return data


def movie(request, film, reviews):
    """A film page's Movie: facts, people from its credits, won awards and public reviews."""
    data = {"@context": "https://schema.org", **movie_reference(request, film)}
    if film.original_title:
        data["alternateName"] = film.original_title
    if film.runtime_minutes:
        data["duration"] = iso_duration(film.runtime_minutes)
    if film.countries:
        data["countryOfOrigin"] = [
            {"@type": "Country", "name": country.name} for country in film.countries
        ]
    languages = [language.code for language in film.language_list]
    if languages:
        data["inLanguage"] = languages
    if film.synopsis:
        data["description"] = plain_text(film.synopsis)
    image = image_url(request, film)
    if image:
        data["image"] = image
    for credit in film.credits.all():
        prop = credit.schema_org_property
        if prop == "director":
            continue
        # Two roles may be one property: a cinematographer who also edited is one contributor.
        people = data.setdefault(prop, [])
        reference = person_reference(request, credit.person)
        if reference not in people:
            people.append(reference)
    awards = [
        f"{award.category}, {award.event}"
        for award in film.awards.all()
        if award.outcome == award.Outcome.WON
    ]
    if awards:
        data["award"] = awards
    themes = [theme.name for theme in film.theme_list]
    if themes:
        data["keywords"] = ", ".join(themes)
    same_as = identifier_urls(film.wikidata_id, film.imdb_id, "title")
    if same_as:
        data["sameAs"] = same_as
    if reviews:
        data["review"] = [review_reference(request, review) for review in reviews]
    return data


def identifier_urls(wikidata_id, imdb_id, imdb_kind):
    urls = []
    if wikidata_id:
        urls.append(f"https://www.wikidata.org/wiki/{wikidata_id}")
    if imdb_id:
        urls.append(f"https://www.imdb.com/{imdb_kind}/{imdb_id}/")
    return urls


def review_reference(request, review):
    return {
        "@type": "Review",
        "name": review.title,
        "url": absolute(request, review.get_absolute_url()),
        "datePublished": review.published_at.isoformat(),
        "author": authors(request, review),
        "publisher": publisher(),
    }


def article(request, article):
    """An article page: a Review of its film, or a NewsArticle (interview) / Article (feature)."""
    films = article.film_list
    data = {
        "@context": "https://schema.org",
        "@type": {
            Article.Kind.REVIEW: "Review",
            Article.Kind.INTERVIEW: "NewsArticle",
        }.get(article.kind, "Article"),
        "headline": article.title,
        "url": absolute(request, article.get_absolute_url()),
        "datePublished": article.published_at.isoformat(),
        "dateModified": article.modified_at.isoformat(),
        "author": authors(request, article),
        "publisher": publisher(),
        "mainEntityOfPage": absolute(request, article.get_absolute_url()),
    }
    if article.standfirst:
        data["description"] = article.standfirst
    # The piece's own image, else its title card: an image of the article (never offered as a
    # picture of a film: a Movie's image is only ever the film's own).
    data["image"] = image_url(request, article) or article.share_image_url(request)
    themes = [theme.name for theme in article.theme_list]
    if themes:
        data["keywords"] = ", ".join(themes)
    if article.kind == Article.Kind.REVIEW and films:
        data["itemReviewed"] = movie_reference(request, films[0])
    about = [movie_reference(request, film) for film in films]
    about += [person_reference(request, person) for person in article.people_list]
    if about and article.kind != Article.Kind.REVIEW:
        data["about"] = about
    if article.source_link:
        data["isBasedOn"] = article.source_link
    return data


def person(request, person):
    data = {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": person.name,
        "url": absolute(request, person.get_absolute_url()),
    }
    alternate = person.alternative_name_list + ([person.native_name] if person.native_name else [])
    if alternate:
        data["alternateName"] = alternate
    if person.biography:
        data["description"] = plain_text(person.biography)
    if person.birth_date:
        data["birthDate"] = person.birth_date.isoformat()
    if person.death_date:
        data["deathDate"] = person.death_date.isoformat()
    same_as = identifier_urls(person.wikidata_id, person.imdb_id, "name")
    if same_as:
        data["sameAs"] = same_as
    return data
