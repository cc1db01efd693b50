#!/usr/bin/env python
"""Django's command-line utility for the Film Archive."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:
        if settings.configured:  # raised by a command, not by reading the environment
            raise
        # A variable site_config/settings.py refuses says what to set; Django's traceback of
        # fifty lines around it hid that sentence at the bottom.
        sys.exit(f"Error: {error}")


if __name__ == "__main__":
    main()
