"""
WSGI entry point, used by gunicorn in production.

Unlike manage.py, it defaults to production mode: DEBUG stays off unless DJANGO_DEBUG says
otherwise, so a server started without configuration refuses the development secret key.
"""

import os

from django.core.wsgi import get_wsgi_application

from archive.checks import static_files_collected

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings")
if not os.environ.get("DJANGO_DEBUG", "").strip():
    # Blank (`DJANGO_DEBUG=` in an environment file) is unset, as settings.py reads it.
    os.environ["DJANGO_DEBUG"] = "false"

application = get_wsgi_application()

# Refused here rather than by every page: without the collected static files each page failed.
static_files_collected()
