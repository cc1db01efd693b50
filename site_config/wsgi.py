"""
WSGI entry point, used by gunicorn in production.

Unlike manage.py, it defaults to production mode: DEBUG stays off unless DJANGO_DEBUG says
otherwise, so a server started without configuration refuses the development secret key.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings")
os.environ.setdefault("DJANGO_DEBUG", "false")

application = get_wsgi_application()
