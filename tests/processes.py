"""Running Django in a fresh interpreter, configured only by the environment a test gives it."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
CONFIG_VARIABLES = ("DATABASE_URL", "REDIS_URL")


def run_django(code, setup=True, timeout=120, **environ):
    """Run `code` with the settings module and `environ` as the only configuration.

    With `setup`, Django is set up first (the settings are read); without, `code` does it.
    """
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("DJANGO_") and name not in CONFIG_VARIABLES
    }
    env.update(environ, DJANGO_SETTINGS_MODULE="site_config.settings")
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}" if setup else code],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
