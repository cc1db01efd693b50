"""ASGI entry point; like wsgi.py it defaults to production mode (DEBUG off)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings")
os.environ.setdefault("DJANGO_DEBUG", "false")

application = get_asgi_application()
