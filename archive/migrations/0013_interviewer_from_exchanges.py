"""One interviewer per interview: where every exchange of an article was asked by the same person,
that person becomes the article's interviewer and the exchanges no longer name them.

An article whose exchanges name different people, or name someone only on some of them, is left
as it is: those exchanges keep their "asked by someone else". Going back copies the article's
interviewer onto each of its exchanges that does not name one.
"""

from django.db import migrations


def interviewer_to_article(apps, schema_editor):
    Article = apps.get_model("archive", "Article")
    Exchange = apps.get_model("archive", "Exchange")
    askers = {}
    for article_id, interviewer_id in Exchange.objects.values_list("article_id", "interviewer_id"):
        askers.setdefault(article_id, set()).add(interviewer_id)
    for article_id, interviewer_ids in askers.items():
        if len(interviewer_ids) != 1 or None in interviewer_ids:
            continue
        (interviewer_id,) = interviewer_ids
        Article.objects.filter(pk=article_id).update(interviewer_id=interviewer_id)
        Exchange.objects.filter(article_id=article_id).update(interviewer_id=None)


def interviewer_to_exchanges(apps, schema_editor):
    Article = apps.get_model("archive", "Article")
    Exchange = apps.get_model("archive", "Exchange")
    interviewers = Article.objects.exclude(interviewer=None).values_list("pk", "interviewer_id")
    for article_id, interviewer_id in interviewers:
        Exchange.objects.filter(article_id=article_id, interviewer=None).update(
            interviewer_id=interviewer_id
        )


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0012_article_interviewer"),
    ]

    operations = [
        migrations.RunPython(interviewer_to_article, interviewer_to_exchanges),
    ]
