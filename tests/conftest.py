import os

# Playwright's sync API and pytest-django's live server share one process in the browser tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
