"""
A PostgreSQL read replica (DATABASE_REPLICA_URL) for the pages anonymous readers ask for.

Reads go to the replica only in a request that ReplicaReadsMiddleware lets read from it; the
admin, every write, a signed-in editor's requests, previews, and everything outside a request
(management commands, the shell) use the primary. An editor therefore always sees what they
have just saved, while readers see it after the replica's lag.
"""

import contextvars
import logging
import select
import time
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, connections
from psycopg2 import OperationalError, extensions

logger = logging.getLogger(__name__)

REPLICA = "replica"

# How long a process reads from the primary after the replica failed to answer.
RETRY_SECONDS = 5
# How long the check waits for the replica's answer, on a new connection or an open one.
ANSWER_SECONDS = 3

# Where the current request reads: the primary, unless the middleware lets it use the replica;
# whether the replica answers is then settled by the request's first read, so that a request
# that reads nothing (a page served from a cache) does not wait on it.
REPLICA_IF_IT_ANSWERS = "replica, if it answers"
request_reads = contextvars.ContextVar("request_reads", default=DEFAULT_DB_ALIAS)


class ReplicaRouter:
    """Reads on the replica in a request allowed to use it; everything else on the primary."""

    def db_for_read(self, model, **hints):
        reads = request_reads.get()
        if reads == REPLICA_IF_IT_ANSWERS:
            reads = REPLICA if replica_status.available() else DEFAULT_DB_ALIAS
            request_reads.set(reads)
        return reads

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the primary's rows: objects read from either may be linked.
        databases = {DEFAULT_DB_ALIAS, REPLICA}
        if obj1._state.db in databases and obj2._state.db in databases:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary's schema through replication; it is read-only.
        return db == DEFAULT_DB_ALIAS


@contextmanager
def answered_within(seconds):
    """Give up on the PostgreSQL server after `seconds` without an answer, on a connection
    being made or one already open.

    libpq's `connect_timeout` bounds only a new connection: a server that stops answering on
    an open one (frozen, or its host paused) held the request until gunicorn killed the worker,
    thirty seconds later. Within the block psycopg2 runs its calls asynchronously and waits for
    each answer here (its wait callback), with a deadline; past it the call raises and the
    connection is left broken, to be closed. The callback is psycopg2's, for the whole process,
    so this is for a process that serves one request at a time (gunicorn's sync workers).
    """
    deadline = time.monotonic() + seconds

    def wait(connection):
        while (state := connection.poll()) != extensions.POLL_OK:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise OperationalError(f"no answer within {seconds} s")
            reading = state == extensions.POLL_READ
            fileno = connection.fileno()
            select.select([fileno] if reading else [], [] if reading else [fileno], [], remaining)

    previous = extensions.get_wait_callback()
    extensions.set_wait_callback(wait)
    try:
        yield
    finally:
        extensions.set_wait_callback(previous)


class ReplicaStatus:
    """Whether the replica answers, checked when a request first reads from it.

    With the persistent connection alive the check is a `SELECT 1` on it; a connection the
    replica dropped is replaced (Django's health check). A check that gets no answer within
    ANSWER_SECONDS fails, whether connecting (or refused at once) or on an open connection. A
    replica that fails is not asked again by this process for RETRY_SECONDS: readers are served
    from the primary meanwhile, and an outage costs each worker one failed attempt every few
    seconds, not one per request.
    """

    def __init__(self):
        self.down_until = 0.0

    def available(self):
        if time.monotonic() < self.down_until:
            return False
        connection = connections[REPLICA]
        try:
            with answered_within(ANSWER_SECONDS), connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except (DatabaseError, InterfaceError, OperationalError) as error:
            self.failed(error)
            return False
        return True

    def failed(self, error):
        """Give up on the replica for RETRY_SECONDS: `error` is how it failed."""
        logger.warning(
            "Read replica unavailable, reading from the primary for %d s: %s",
            RETRY_SECONDS,
            error,
        )
        try:
            connections[REPLICA].close()
        except DatabaseError:
            pass
        self.down_until = time.monotonic() + RETRY_SECONDS


replica_status = ReplicaStatus()


def replica_failed(request, error):
    """Whether `error`, which says a database cannot be reached, came from the replica this
    request was reading from, once its first read had found it answering (a replica stopped or
    restarted, or its connection cut, in the middle of a page). The replica is then given up on
    as when it fails a first read, and the request reads from the primary from now on: its view,
    a GET or HEAD, may be run once more there (DatabaseUnavailableMiddleware)."""
    if request_reads.get() != REPLICA or not connections[REPLICA].errors_occurred:
        return False
    replica_status.failed(error)
    request_reads.set(DEFAULT_DB_ALIAS)
    request.reads_from_primary = True
    return True
