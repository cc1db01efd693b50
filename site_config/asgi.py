"""ASGI entry point; like wsgi.py it defaults to production mode (DEBUG off)."""

import os

from django.core.asgi import get_asgi_application

from archive.checks import static_files_collected

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings")
if not os.environ.get("DJANGO_DEBUG", "").strip():
    # Blank (`DJANGO_DEBUG=` in an environment file) is unset, as settings.py reads it.
    os.environ["DJANGO_DEBUG"] = "false"

application = get_asgi_application()

# Refused here rather than by every page: without the collected static files each page failed.
static_files_collected()
