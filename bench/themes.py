"""Times renaming and merging large themes, and a large theme's deletion page, through the
admin's own views, on the archive of DATABASE_URL (one from generate_archive.py).

Each is done by a superuser made for it inside a transaction that is then rolled back: the
archive is left as it was, and the runs can be repeated. Prints the time and the number of
queries of each.
"""

import argparse
import os
import sys
import time
from collections import deque
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from archive.models import Theme  # noqa: E402


class RolledBack(Exception):
    pass


def measure(label, request):
    try:
        with transaction.atomic():
            user = User.objects.create_superuser("bench-themes", "bench@example.org", "x")
            client = Client(HTTP_HOST="localhost")
            client.force_login(user)
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = request(client)
                elapsed = time.perf_counter() - start
            print(f"{label}: {elapsed:.2f} s, {len(queries):,} queries, {response.status_code}")
            raise RolledBack
    except RolledBack:
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rename", type=int, default=2742, help="items of the theme renamed")
    parser.add_argument("--merge", type=int, default=1891, help="items of the theme merged")
    args = parser.parse_args()
    connection.ensure_connection()
    connection.queries_log = deque(maxlen=10**7)  # every query counted, however many

    themes = list(Theme.objects.annotate(items=Count("themed_items")).order_by("-items"))
    largest = themes[0]
    renamed = min(themes[1:], key=lambda theme: abs(theme.items - args.rename))
    merged = min(themes[1:], key=lambda theme: abs(theme.items - args.merge))
    measure(
        f"deletion page of “{largest}” ({largest.items:,} items)",
        lambda client: client.get(reverse("admin:archive_theme_delete", args=[largest.pk])),
    )
    measure(
        f"rename “{renamed}” ({renamed.items:,} items)",
        lambda client: client.post(
            reverse("admin:archive_theme_rename", args=[renamed.pk]),
            {"name": f"{renamed.name} renamed", "confirm": "yes"},
        ),
    )
    merge = f"{reverse('admin:archive_theme_merge')}?ids={merged.pk},{largest.pk}"
    measure(
        f"merge “{merged}” ({merged.items:,} items) into “{largest}” ({largest.items:,})",
        lambda client: client.post(merge, {"into": str(largest.pk), "confirm": "yes"}),
    )


if __name__ == "__main__":
    main()
