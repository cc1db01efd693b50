"""`bench/scale.py` refuses what it cannot measure, and leaves nothing of its own behind."""

import subprocess
import sys

import pytest

from .processes import PROJECT, django_environment


def scale(tmp_path, *args, **environ):
    return subprocess.run(
        [sys.executable, "bench/scale.py", *args],
        cwd=PROJECT,
        env=django_environment(TMPDIR=str(tmp_path), **environ),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.once  # refused before any database is touched
@pytest.mark.parametrize(
    ("database_url", "refusal"),
    [("sqlite://", "no such SQLite file"), ("mysql://nowhere/x", "Set DATABASE_URL")],
)
def test_a_run_refused_leaves_no_temporary_directory(tmp_path, database_url, refusal):
    """An operator who named a --large file that is not there (or no database it measures)
    was told so, and found a film-archive-scale-… directory left in the temporary directory
    for each try."""
    result = scale(
        tmp_path, "--large", str(tmp_path / "missing.sqlite3"), DATABASE_URL=database_url
    )
    assert result.returncode != 0
    assert refusal in result.stderr
    assert list(tmp_path.iterdir()) == []
