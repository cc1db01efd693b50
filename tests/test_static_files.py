"""In production, static files are collected once, hashed and compressed, served by whitenoise."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "static-files-test-key-3kQ9v7Lm2xP8wR5tY1nB6cZ4hJ0gF-long-enough",
    "DJANGO_ALLOWED_HOSTS": "testserver",
}


@pytest.mark.once
def test_collected_files_are_hashed_compressed_and_served(tmp_path):
    env = {**os.environ, **PRODUCTION, "DJANGO_STATIC_ROOT": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    collect = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert collect.returncode == 0, collect.stderr
    hashed = [p.name for p in (tmp_path / "css").glob("site.*.css")]
    assert len(hashed) == 1
    assert (tmp_path / "css" / f"{hashed[0]}.gz").exists()
    assert (tmp_path / "css" / f"{hashed[0]}.br").exists()

    serve = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); "
            "from django.test import Client; from django.templatetags.static import static; "
            "url = static('css/site.css'); "
            "r = Client().get(url, HTTP_ACCEPT_ENCODING='br', secure=True); "
            "print(url, r.status_code, r.get('Content-Encoding'), r.get('Cache-Control'))",
        ],
        cwd=PROJECT,
        env={**env, "DJANGO_SETTINGS_MODULE": "site_config.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert serve.returncode == 0, serve.stderr
    url, status, encoding, cache_control = serve.stdout.split(maxsplit=3)
    assert url == f"/static/css/{hashed[0]}"
    assert (status, encoding) == ("200", "br")
    assert "immutable" in cache_control
