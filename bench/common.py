"""What the bench scripts share: which database a run uses (never the development one), the
environment the app is started with, a small progress bar and the machine's facts."""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
INSTANCE = ROOT / "instance"
VENV_BIN = ROOT / ".venv" / "bin"
RESULTS_DIR = BENCH / "results"

SQLITE_PATH = Path(os.environ.get("BENCH_SQLITE_PATH", INSTANCE / "bench.db"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/bench")
# A fixed, bench-only secret: the run signs session cookies and page cursors with it.
SECRET_KEY = os.environ.get("BENCH_SECRET_KEY", "bench-only-secret-not-for-production-0123456789")

ORG_SLUG = "bench"
BIG_BOARD = "platform"


class BenchError(RuntimeError):
    pass


def database_url(kind: str) -> str:
    """The bench database of `kind` ("sqlite" or "postgres"); refuses anything that looks like
    the development or test databases."""
    if kind == "sqlite":
        path = SQLITE_PATH.resolve()
        if path == (INSTANCE / "app.db").resolve() or "bench" not in path.name:
            raise BenchError(f"refusing to seed {path}: the bench database's file name must contain 'bench'")
        return f"sqlite:///{path}"
    if kind == "postgres":
        name = urlsplit(PG_URL).path.lstrip("/")
        if "bench" not in name:
            raise BenchError(f"refusing to use PostgreSQL database {name!r}: its name must contain 'bench'")
        return PG_URL
    raise BenchError(f"unknown database kind {kind!r} (sqlite or postgres)")


def pg_admin_url(url: str) -> str:
    """The same server, database `postgres`: where CREATE/DROP DATABASE run."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres"))


def pg_dbname(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def app_env(kind: str, **extra: str) -> dict:
    """Environment for `flask` and `gunicorn` on the bench database: rate limits off (a load
    generator is one address), a fixed secret, production-like logging level."""
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url(kind),
            "SECRET_KEY": SECRET_KEY,
            "RATELIMIT_ENABLED": "0",
            "FLASK_APP": "wsgi.py",
        }
    )
    env.update(extra)
    return env


def seed_state_path(kind: str) -> Path:
    return INSTANCE / f"bench-{kind}.seed.json"


def read_seed_state(kind: str) -> dict | None:
    path = seed_state_path(kind)
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text())
    except ValueError:
        return None


class Progress:
    """A progress bar on stderr: redrawn in place on a terminal, a line per 10 % otherwise."""

    def __init__(self, total: int, label: str, width: int = 30):
        self.total, self.label, self.width = total, label, width
        self.done = 0
        self.start = time.perf_counter()
        self.tty = sys.stderr.isatty()
        self._last_draw = 0.0
        self._last_decile = -1

    def update(self, n: int) -> None:
        self.done += n
        now = time.perf_counter()
        if self.tty and now - self._last_draw >= 0.2:
            self._last_draw = now
            self._draw(now, "\r")
        elif not self.tty:
            decile = self.done * 10 // max(self.total, 1)
            if decile != self._last_decile:
                self._last_decile = decile
                self._draw(now, "", end="\n")

    def _draw(self, now: float, prefix: str, end: str = "") -> None:
        elapsed = now - self.start
        share = self.done / max(self.total, 1)
        filled = int(share * self.width)
        rate = self.done / elapsed if elapsed > 0 else 0.0
        eta = (self.total - self.done) / rate if rate > 0 else 0.0
        sys.stderr.write(
            f"{prefix}{self.label:<10} [{'#' * filled}{'.' * (self.width - filled)}] "
            f"{share:6.1%} {self.done:>10,}/{self.total:,} {rate:>10,.0f}/s eta {eta:5.0f}s{end}"
        )
        sys.stderr.flush()

    def close(self) -> float:
        elapsed = time.perf_counter() - self.start
        if self.tty:
            self._draw(time.perf_counter(), "\r", end="\n")
        return elapsed


def run(cmd: list[str], env: dict | None = None, check: bool = True, capture: bool = False) -> str:
    result = subprocess.run(
        cmd,
        cwd=ROOT,
        env=env,
        check=check,
        text=True,
        stdout=subprocess.PIPE if capture else None,
        stderr=subprocess.STDOUT if capture else None,
    )
    return result.stdout if capture else ""


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def machine_facts() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    facts = {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }
    try:
        import psycopg

        with psycopg.connect(pg_admin_url(PG_URL), connect_timeout=3) as conn:
            facts["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]
    except Exception as exc:
        facts["postgresql"] = f"unavailable ({exc.__class__.__name__})"
    try:
        facts["wrk"] = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    except OSError:
        facts["wrk"] = "not installed"
    try:
        import gunicorn

        facts["gunicorn"] = gunicorn.__version__
    except ImportError:
        pass
    return facts
