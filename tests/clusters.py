"""A throwaway PostgreSQL primary with a streaming replica, each on a free local port.

Used by the replica tests and by bench/load.py. PostgreSQL refuses to run as root, so its
programs run as the `postgres` user, in a directory that user owns.
"""

import os
import shutil
import signal
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg2

from .processes import free_port

DATABASE = "archive"


def postgres_programs():
    """Where initdb, pg_ctl and pg_basebackup are: Debian keeps them out of PATH."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda path: int(path.parts[-3])
    )
    if versions:
        return versions[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class Cluster:
    """A throwaway PostgreSQL primary and its streaming replica, each on a free local port."""

    def __init__(self, programs, directory):
        self.programs = programs
        self.directory = directory
        self.ports = {"primary": free_port(), "replica": free_port()}

    def command(self, program, *args):
        """The command running a PostgreSQL program as the `postgres` user: PostgreSQL refuses
        to run as root."""
        command = [str(self.programs / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return command

    def run(self, program, *args):
        result = subprocess.run(
            self.command(program, *args), capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, f"{program} failed: {result.stdout}{result.stderr}"

    def url(self, server):
        return f"postgres://postgres@127.0.0.1:{self.ports[server]}/{DATABASE}"

    def create(self):
        primary = self.directory / "primary"
        self.run("initdb", "-D", str(primary), "-A", "trust", "-U", "postgres", "--no-sync")
        with open(primary / "pg_hba.conf", "a") as hba:
            hba.write("host replication all 127.0.0.1/32 trust\n")
        self.start("primary", "-c fsync=off")
        self.sql("primary", f"CREATE DATABASE {DATABASE}", database="postgres")
        self.run(
            "pg_basebackup",
            *("-h", "127.0.0.1", "-p", str(self.ports["primary"]), "-U", "postgres"),
            *("-D", str(self.directory / "replica"), "-R", "-X", "stream", "--checkpoint=fast"),
            *("--create-slot", "--slot", "replica"),
        )
        self.start("replica")

    def start(self, server, options=""):
        self.run(
            "pg_ctl",
            *("-D", str(self.directory / server), "-l", str(self.directory / f"{server}.log")),
            "-o",
            f"-p {self.ports[server]} -k {self.directory} -c listen_addresses=127.0.0.1 {options}",
            *("-w", "-t", "30", "start"),
        )

    def stop(self, server):
        self.run("pg_ctl", "-D", str(self.directory / server), "-m", "fast", "-w", "stop")

    def running(self, server):
        return (self.directory / server / "postmaster.pid").exists()

    def destroy(self):
        for server in ("replica", "primary"):
            if self.running(server):
                self.stop(server)
        shutil.rmtree(self.directory, ignore_errors=True)

    def sql(self, server, statement, params=(), database=DATABASE):
        connection = psycopg2.connect(
            host="127.0.0.1", port=self.ports[server], user="postgres", dbname=database
        )
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement, params)
                return cursor.fetchone() if cursor.description else None
        finally:
            connection.close()

    def wait_for_replay(self, timeout=15):
        """Until the replica has replayed everything the primary has written so far."""
        (written,) = self.sql("primary", "SELECT pg_current_wal_lsn()::text")
        deadline = time.monotonic() + timeout
        while not self.sql("replica", "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (written,))[
            0
        ]:
            assert time.monotonic() < deadline, "the replica did not catch up"
            time.sleep(0.05)

    def pause_replay(self):
        """Until resumed (or restarted), the replica stays as it is now: what the primary
        writes meanwhile waits."""
        self.wait_for_replay()
        self.sql("replica", "SELECT pg_wal_replay_pause()")
        deadline = time.monotonic() + 15
        while self.sql("replica", "SELECT pg_get_wal_replay_pause_state()")[0] != "paused":
            assert time.monotonic() < deadline, "the replica's replay did not pause"
            time.sleep(0.05)

    @contextmanager
    def replay_paused(self):
        """The replica stays as it is now: what the primary writes meanwhile waits."""
        self.pause_replay()
        try:
            yield
        finally:
            self.sql("replica", "SELECT pg_wal_replay_resume()")
            self.wait_for_replay()

    @contextmanager
    def frozen(self, server):
        """The server's processes stopped (SIGSTOP) and then resumed: it keeps its connections
        open and takes new ones (the kernel answers for it) but answers nothing, as a server
        whose host is paused or swamped."""
        postmaster = int((self.directory / server / "postmaster.pid").read_text().split()[0])
        children = subprocess.run(
            ["pgrep", "-P", str(postmaster)], capture_output=True, text=True
        ).stdout.split()
        processes = [postmaster, *map(int, children)]
        for pid in processes:
            os.kill(pid, signal.SIGSTOP)
        try:
            yield
        finally:
            for pid in processes:
                os.kill(pid, signal.SIGCONT)

    def has_article(self, server, slug):
        (count,) = self.sql(server, "SELECT count(*) FROM archive_article WHERE slug = %s", (slug,))
        return count > 0
