"""A job runner in a process of its own, for tests that kill it in the middle of a job:

    python -m tests.support.job_worker '{"SQLALCHEMY_DATABASE_URI": ...}'

It builds the app from the test's configuration (JSON) and runs whatever jobs are due, once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def start(config: dict) -> subprocess.Popen:
    """The runner, started; it prints "ready" once its app is built."""
    plain = {key: value for key, value in config.items() if isinstance(value, (str, int, float, bool, type(None)))}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.support.job_worker", json.dumps(plain)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )


def main() -> None:
    from app import create_app
    from app.jobs import run_due

    app = create_app(json.loads(sys.argv[1]))
    with app.app_context():
        print("ready", flush=True)
        done, failed = run_due()
        print(f"{done} done, {failed} failed", flush=True)


if __name__ == "__main__":
    main()
