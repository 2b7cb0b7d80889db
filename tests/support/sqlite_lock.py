"""Another writer holding SQLite's write lock, for tests of what waits for it and what refuses."""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import contextmanager


@contextmanager
def another_writer(db, seconds: float = 0.2):
    """A second connection, as a background job would be, that holds SQLite's write lock with an
    uncommitted write for `seconds` while the block runs, then commits it."""
    locked, errors = threading.Event(), []
    path = db.engine.url.database

    def write():
        connection = sqlite3.connect(path, isolation_level=None, timeout=10)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("UPDATE users SET display_name = display_name")
            locked.set()
            time.sleep(seconds)
            connection.execute("COMMIT")
        except Exception as error:
            errors.append(error)
        finally:
            locked.set()
            connection.close()

    thread = threading.Thread(target=write)
    thread.start()
    assert locked.wait(5)
    try:
        yield
    finally:
        thread.join(10)
    assert not errors
