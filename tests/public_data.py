"""A small public archive for the reading-site tests: what readers may and may not see."""

import datetime as dt

from django.utils import timezone

from archive.models import Article, ArticlePerson, Credit, Language

from .factories import make_article, make_credit, make_exchange, make_film, make_person, make_quote


def build_archive(test):
    """Set the archive's objects as attributes of `test` (a TestCase class)."""
    now = timezone.now()
    arabic = Language.objects.create(code="ar", name="Arabic")
    test.director = make_person(name="Feras Fayyad", biography="Syrian filmmaker.")
    test.subject = make_person(
        name="Khaled Omar Harrah",
        alternative_names="Umar Harah",
        native_name="خالد عمر حرح",
        native_name_language="ar",
        death_date=dt.date(2016, 8, 11),
    )
    test.critic = make_person(name="Ada Critic")
    test.film = make_film(
        title="Last Men in Aleppo",
        original_title="آخر الرجال في حلب",
        original_title_language="ar",
        year=2017,
        runtime_minutes=104,
        countries=["DK", "SY"],
        kind="documentary",
        synopsis="Rescuers in *Aleppo*.",
    )
    test.film.languages.add(arabic)
    test.film.themes.add("Syria", "civil defence")
    make_credit(test.film, test.director, Credit.Role.DIRECTOR, order=0)
    make_credit(test.film, test.subject, Credit.Role.SELF, order=1)
    test.film.awards.create(
        body="Sundance Film Festival",
        year=2017,
        category="World Cinema Grand Jury Prize: Documentary",
        outcome="won",
    )
    test.film.awards.create(
        body="Academy Awards",
        edition="90th",
        year=2018,
        category="Best Documentary Feature",
        outcome="nominated",
    )
    test.other_film = make_film(title="The White Helmets", year=2016, kind="short-documentary")
    test.other_film.themes.add("civil defence")
    make_credit(test.other_film, test.director, Credit.Role.PRODUCER)

    test.review = make_article(
        films=[test.film],
        title="An unforgettable portrait",
        standfirst="A review of the rescuers' film.",
        body="The raw footage in itself is an *amazing* accomplishment.\n\n"
        "Last Men in Aleppo is an unforgettable portrait of Syrian civilians.",
        published_at=now - dt.timedelta(days=2),
    )
    test.review.bylines.create(person=test.critic)
    test.review.themes.add("Syria", "cinematography")
    ArticlePerson.objects.create(article=test.review, person=test.subject)
    test.interview = make_article(
        films=[test.film, test.other_film],
        kind=Article.Kind.INTERVIEW,
        title="Fayyad on filming",
        standfirst="The director talks.",
        body="An introduction to the interview.",
        published_at=now - dt.timedelta(days=1),
    )
    test.interview.themes.add("documentary ethics")
    test.exchange = make_exchange(
        test.interview,
        test.director,
        question="Did you put the cameras down?",
        answer="Yes, many times.\n\nIt's not about journalism. It's about humanity.",
    )
    test.second_exchange = make_exchange(
        test.interview, test.director, question="Are you hopeful?", answer="Conflicts end."
    )
    test.draft = make_article(
        films=[test.film],
        title="Secret draft review",
        status=Article.Status.DRAFT,
        body="Unpublished words here.",
    )
    test.draft.themes.add("draft-only theme")
    ArticlePerson.objects.create(article=test.draft, person=test.subject)
    test.scheduled = make_article(
        films=[test.film],
        kind=Article.Kind.INTERVIEW,
        title="Scheduled interview",
        body="Future words.",
        published_at=now + dt.timedelta(days=3),
    )
    make_exchange(test.scheduled, test.subject, question="Scheduled question?", answer="Later.")

    test.body_quote = make_quote(
        test.review,
        test.film,
        "Last Men in Aleppo is an unforgettable portrait of Syrian civilians.",
        featured=True,
    )
    test.body_quote.themes.add("Syria")
    test.answer_quote = make_quote(
        test.interview,
        test.film,
        "It's not about journalism. It's about humanity.",
        speaker=test.director,
        exchange=test.exchange,
        featured=True,
    )
    test.draft_quote = make_quote(test.draft, test.film, "Unpublished words here.", featured=True)
    test.scheduled_quote = make_quote(
        test.scheduled, test.film, "Later.", speaker=test.subject, featured=True
    )


# A film, a person and a piece whose slugs are in other scripts, as the site makes them from an
# Arabic title and a name written in Chinese (set here, so that the addresses are tested apart
# from how slugs are made); on the wire each is percent-encoded UTF-8.
BAYT = "%D8%A8%D9%8A%D8%AA"  # بيت
WONG = "%E7%8E%8B%E5%AE%B6%E5%8D%AB"  # 王家卫
BAYT_REVIEW = "%D9%85%D8%B1%D8%A7%D8%AC%D8%B9%D8%A9-%D8%A8%D9%8A%D8%AA"  # مراجعة-بيت


def build_other_scripts(test):
    """Set `bayt` (a film), `wong` (its director, who also wrote about it and is quoted) and
    `bayt_review` as attributes of `test` (a TestCase class)."""
    test.wong = make_person(name="王家卫", slug="王家卫")
    test.bayt = make_film(
        title="بيت",
        slug="بيت",
        original_title="بيت",
        original_title_language="ar",
        year=2019,
    )
    make_credit(test.bayt, test.wong, Credit.Role.DIRECTOR)
    test.bayt_review = make_article(
        films=[test.bayt],
        title="مراجعة: بيت",
        slug="مراجعة-بيت",
        body="A house in Aleppo, filmed from inside.",
    )
    test.bayt_review.bylines.create(person=test.wong)
    make_quote(test.bayt_review, test.bayt, "filmed from inside", speaker=test.wong)
