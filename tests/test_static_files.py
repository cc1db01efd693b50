"""In production, static files are collected once, hashed and compressed, served by whitenoise."""

import json
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

    started = subprocess.run(
        [sys.executable, "-c", "import site_config.wsgi, site_config.asgi; print('started')"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert started.stdout == "started\n", started.stderr

    # A manifest from before a file was added (collectstatic not run again after an upgrade).
    manifest = tmp_path / "staticfiles.json"
    collected = json.loads(manifest.read_text())
    del collected["paths"]["css/site.css"]
    manifest.write_text(json.dumps(collected))
    refused = subprocess.run(
        [sys.executable, "-c", "import site_config.wsgi"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode != 0
    assert "css/site.css is missing" in refused.stderr
    assert "collectstatic" in refused.stderr


@pytest.mark.once
@pytest.mark.parametrize("entry_point", ["site_config.wsgi", "site_config.asgi"])
def test_the_site_refuses_to_start_without_its_collected_static_files(tmp_path, entry_point):
    """Started before `collectstatic` (or with DJANGO_STATIC_ROOT naming another directory),
    every page and the site's own error pages were a bare "Internal Server Error", while
    /healthz said "ok" and a load balancer sent readers there. The server now refuses to start,
    saying what to run."""
    env = {**os.environ, **PRODUCTION, "DJANGO_STATIC_ROOT": str(tmp_path / "nothing-here")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-c", f"import {entry_point}; print('started')"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert "The static files are not collected in DJANGO_STATIC_ROOT" in result.stderr
    assert "python manage.py collectstatic --no-input" in result.stderr
