"""Load run: the app and the bare Flask yardstick, both under gunicorn with the same settings, measured
side by side with wrk on loopback, scenario by scenario, in alternating rounds.

    .venv/bin/python -m bench.run --db sqlite --db postgres

Scenarios (on the big board of the bench seed, sort Top):
  board-first      the first page, anonymous
  board-p200       page 200, reached by following next_cursor links from the first page
  board-last       the last page (its cursor made like the app makes it: signed, from the row before)
  board-signed-in  the first page, signed in (one client per connection)
  healthz          the app's own /healthz (one SELECT 1): the app's fixed cost per request
  vote             POST /ideas/<id>/vote by N clients (one connection and one user each) all on ONE
                   idea, each toggling value=1 / value=0 so that every request writes

The yardstick gets the very same requests (paths, headers, bodies, connections). Each scenario runs
`--rounds` times yardstick-then-app, `--seconds` each, so both see the same background load.
Afterwards the voted idea's counters are checked against the votes table.
"""

from __future__ import annotations

import argparse
import html
import json
import logging
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

from bench.common import (
    BIG_BOARD,
    ORG_SLUG,
    RESULTS_DIR,
    ROOT,
    VENV_BIN,
    BenchError,
    app_env,
    database_url,
    loadavg,
    machine_facts,
    read_seed_state,
)

USER_AGENT = "ideaforge-bench"  # bench/wrk.lua sends this; the session identifier is bound to it
PAGE_SIZE = 20  # ideas.routes.boards.PAGE_SIZE
GUNICORN_SETTINGS = ["--workers", "2", "--worker-class", "sync", "--backlog", "2048", "--timeout", "60"]


# --------------------------------------------------------------------------- tools


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing Debian's wrk ...", file=sys.stderr)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "wrk"],
            check=False,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
        path = shutil.which("wrk")
        if path:
            return path
    raise BenchError("wrk is needed: sudo apt-get install wrk")


def wait_until_up(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    raise BenchError(f"nothing answers on 127.0.0.1:{port}")


@contextmanager
def gunicorn(target: str, port: int, env: dict, log: Path):
    """gunicorn with the bench settings; stopped (the master, by its pid) on the way out."""
    check_port_free(port)
    handle = log.open("w")
    proc = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), *GUNICORN_SETTINGS, "--bind", f"127.0.0.1:{port}", target],
        cwd=ROOT,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_up(port)
        yield proc
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        handle.close()


def check_port_free(port: int) -> None:
    import socket

    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise BenchError(f"port {port} is taken; pass --port") from None


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_tree(pid: int) -> list[int]:
    """`pid` and its children (a gunicorn master and its workers)."""
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return pids
    return pids + [int(child) for child in children]


def cpu_ticks(pids: list[int]) -> dict[int, int]:
    """User + system CPU of each process, in clock ticks (processes gone are left out)."""
    ticks = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks[pid] = int(fields[11]) + int(fields[12])  # utime, stime
    return ticks


class CpuMeter:
    """CPU seconds spent by a server (gunicorn master + workers) and, on PostgreSQL, by the
    backends serving the bench database, between start() and stop()."""

    def __init__(self, server_pid: int, pg_url: str | None = None):
        self.server_pid, self.pg_url = server_pid, pg_url

    def _pids(self) -> tuple[list[int], list[int]]:
        backends = []
        if self.pg_url:
            import psycopg

            from bench.common import pg_admin_url, pg_dbname

            with psycopg.connect(pg_admin_url(self.pg_url)) as conn:
                backends = [
                    row[0]
                    for row in conn.execute(
                        "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                        (pg_dbname(self.pg_url),),
                    )
                ]
        return process_tree(self.server_pid), backends

    def start(self) -> None:
        server, backends = self._pids()
        self.before = (cpu_ticks(server), cpu_ticks(backends))

    def stop(self) -> dict:
        server, backends = self._pids()
        after = (cpu_ticks(server), cpu_ticks(backends))
        used = [sum(t - b.get(pid, 0) for pid, t in a.items()) / CLOCK_TICKS for a, b in zip(after, self.before)]
        return {"server_cpu_s": used[0], "db_cpu_s": used[1]}


def wrk(
    url: str,
    connections: int,
    seconds: int,
    mode: str = "get",
    clients_file: Path | None = None,
    threads: int | None = None,
    meter: CpuMeter | None = None,
) -> dict:
    threads = threads or min(connections, 2)
    args = [
        "wrk",
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{seconds}s",
        "--timeout",
        "30s",
        "-s",
        str(ROOT / "bench" / "wrk.lua"),
        url,
        "--",
        mode,
    ]
    if clients_file:
        args.append(str(clients_file))
    before = loadavg()
    if meter:
        meter.start()
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    cpu = meter.stop() if meter else {}
    line = next((line for line in out.splitlines() if line.startswith("RESULT ")), None)
    if line is None:
        raise BenchError(f"wrk gave no result:\n{out}")
    result = json.loads(line[len("RESULT ") :])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["load_before"], result["load_after"] = before, loadavg()
    result.update(cpu)
    return result


# --------------------------------------------------------------------------- preparation (in process)


def make_app(kind: str):
    os.environ.update(app_env(kind))
    from app import create_app

    app = create_app()
    logging.getLogger("ideaforge.audit").setLevel(logging.WARNING)  # quiet for the preparation only
    return app


class StatementCounter:
    def __init__(self, engine):
        self.engine, self.statements = engine, []

    def __enter__(self):
        from sqlalchemy import event

        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._record)

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA")):
            self.statements.append((statement, parameters))


def prepare(kind: str, n_clients: int, work: Path) -> dict:
    """Target idea, signed-in clients (session cookie + CSRF token each, made by the app's own
    sign-in steps), page cursors, statements per request and the listing query's plan."""
    from flask import g, session
    from flask_login import login_user
    from flask_wtf.csrf import generate_csrf
    from sqlalchemy import delete, select

    from app.api.pagination import encode_cursor
    from app.auth.models import AuthSession, User
    from app.auth.services import start_session
    from app.extensions import db
    from ideas.counters import actual_counts
    from ideas.models import Board, Idea, Status, Visibility, Vote
    from ideas.services.votes import my_vote
    from voting import services as voting

    state = read_seed_state(kind)
    if not state:
        raise BenchError(f"no bench seed for {kind}: run `.venv/bin/python -m bench.seed --db {kind}`")
    client_ids = state["client_user_ids"][:n_clients]
    if len(client_ids) < n_clients:
        raise BenchError(f"the seed has {len(client_ids)} clients; reseed with --clients {n_clients}")
    app = make_app(kind)
    info: dict = {"seed": state}
    with app.app_context():
        board = db.session.scalar(select(Board).where(Board.slug == BIG_BOARD))
        visible = (Idea.board_id == board.id, Idea.visibility == Visibility.VISIBLE, Idea.status != Status.MERGED)
        target = db.session.scalar(
            select(Idea)
            .where(*visible, Idea.status == Status.OPEN)
            .order_by(Idea.score.desc(), Idea.id.desc())
            .limit(1)
        )
        clients = list(db.session.scalars(select(User).where(User.id.in_(client_ids)).order_by(User.id)))
        # Start clean: no votes of the clients on the target, no sessions left from earlier runs.
        for user in clients:
            if my_vote(user, target):
                voting.retract_vote(user, target)
        db.session.execute(delete(AuthSession).where(AuthSession.user_id.in_(client_ids)))
        db.session.commit()
        lines = []
        for user in clients:
            with app.test_request_context(
                "/", environ_base={"REMOTE_ADDR": "127.0.0.1"}, headers={"User-Agent": USER_AGENT}
            ):
                g.pop("csrf_token", None)  # g belongs to the app context, shared by the loop
                session.clear()  # as app.auth.routes._sign_in does
                start_session(user, remember=False, user_agent=USER_AGENT, ip_address="127.0.0.1")
                login_user(user)
                token = generate_csrf()
                cookie = cookie_interface(app).get_signing_serializer(app).dumps(dict(session))
            lines.append(f"{cookie} {token}")
        clients_file = work / "clients.txt"
        clients_file.write_text("\n".join(lines) + "\n")

        keys = db.session.execute(
            select(Idea.score, Idea.id).where(*visible).order_by(Idea.score.desc(), Idea.id.desc())
        ).all()
        last_page = math.ceil(len(keys) / PAGE_SIZE)

        def cursor_for(page: int) -> str | None:
            if page <= 1:
                return None
            score, idea_id = keys[(page - 1) * PAGE_SIZE - 1]
            return encode_cursor("ideas.top", [score, idea_id])

        base = f"/boards/{ORG_SLUG}/{BIG_BOARD}"

        def page_url(page: int) -> str:
            cursor = cursor_for(page)
            return f"{base}?" + urlencode({"sort": "top", **({"cursor": cursor} if cursor else {})})

        stored_before = db.session.execute(
            select(Idea.upvotes, Idea.downvotes, Idea.score).where(Idea.id == target.id)
        ).one()
        info.update(
            {
                "board": {"id": board.id, "slug": board.slug, "visible_ideas": len(keys), "pages": last_page},
                "target": {
                    "id": target.id,
                    "title": target.title,
                    "before": dict(zip(("upvotes", "downvotes", "score"), stored_before)),
                    "actual_before": actual_counts(target.id),
                },
                "clients_file": str(clients_file),
                "urls": {
                    "first": page_url(1),
                    "p200": page_url(200),
                    "last": page_url(last_page),
                    "vote": f"/ideas/{target.id}/vote",
                },
                "pages": {"p200": 200, "last": last_page},
            }
        )

        engine = db.engine
        target_id = target.id
        db.session.remove()

    # Statements per request, through the whole app (test client, outside any app context so
    # that each request gets its own session and `g`, as under gunicorn), and the listing's plan.
    counts, plans = {}, {}

    def measure(name, url, cookie=None, explain=False):
        client = app.test_client()
        if cookie:
            client.set_cookie("session", cookie)
        client.get(url, headers={"User-Agent": USER_AGENT})  # warm the app's caches
        with StatementCounter(engine) as counter:
            response = client.get(url, headers={"User-Agent": USER_AGENT})
        if response.status_code != 200:
            raise BenchError(f"{name}: GET {url} answered {response.status_code}")
        counts[name] = len(counter.statements)
        if explain:
            listing = next(s for s in counter.statements if "FROM ideas" in s[0] and "ORDER BY" in s[0])
            plans[name] = explain_plan(engine, kind, *listing)

    cookie, csrf = lines[-1].split()
    cache_seconds = app.config["PAGE_CACHE_SECONDS"]
    app.config["PAGE_CACHE_SECONDS"] = 0  # what rendering a page costs; a cache hit is counted below
    measure("board page 1 (anonymous)", info["urls"]["first"], explain=True)
    measure("board page 200 (anonymous)", info["urls"]["p200"], explain=True)
    measure(f"board page {last_page} = last (anonymous)", info["urls"]["last"], explain=True)
    measure("board page 1 (signed in)", info["urls"]["first"], cookie=cookie)
    if cache_seconds:
        app.config["PAGE_CACHE_SECONDS"] = cache_seconds
        measure("board page 1 (anonymous, from the page cache)", info["urls"]["first"])
    voter = app.test_client()
    voter.set_cookie("session", cookie)
    headers = {"User-Agent": USER_AGENT, "X-CSRFToken": csrf, "HX-Request": "true"}
    for value in ("1", "0", "1", "0"):  # a warm-up pair, then the counted pair
        with StatementCounter(engine) as counter:
            response = voter.post(info["urls"]["vote"], headers=headers, data={"value": value, "context": "list"})
        if response.status_code != 200:
            raise BenchError(f"vote {value}: answered {response.status_code}")
        counts["vote: cast (value=1)" if value == "1" else "vote: retract (value=0)"] = len(counter.statements)
    info["statements_per_request"] = counts
    info["plans"] = plans
    with app.app_context():
        assert db.session.scalar(select(Vote.id).where(Vote.idea_id == target_id, Vote.user_id.in_(client_ids))) is None
        db.session.remove()
        db.engine.dispose()
    return info


def cookie_interface(app):
    """The signed-cookie session interface under any wrappers (the API's TokenAwareSessions)."""
    interface = app.session_interface
    while not hasattr(interface, "get_signing_serializer"):
        interface = interface.inner
    return interface


def explain_plan(engine, kind: str, statement: str, parameters) -> str:
    with engine.connect() as conn:
        if kind == "sqlite":
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            return "\n".join(row[-1] for row in rows)
        rows = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + statement, parameters).all()
        return "\n".join(row[0] for row in rows)


def verify_target(kind: str, info: dict, full: bool) -> dict:
    """Counters of the voted idea against the votes table (ideas.counters.actual_counts), rank
    keys against their formulas, and the clients' votes against the counter's change."""
    from sqlalchemy import func, select

    from app.extensions import db
    from ideas import counters, ranking
    from ideas.models import Idea, Vote

    app = make_app(kind)
    target_id = info["target"]["id"]
    client_ids = info["seed"]["client_user_ids"][: info["clients"]]
    with app.app_context():
        idea = db.session.get(Idea, target_id)
        stored = {field: getattr(idea, field) for field in counters.COUNTERS}
        actual = counters.actual_counts(target_id)
        client_votes = db.session.scalar(
            select(func.count()).where(Vote.idea_id == target_id, Vote.user_id.in_(client_ids))
        )
        trending = counters.trending_from_history(target_id)
        result = {
            "idea_id": target_id,
            "stored": stored,
            "actual": actual,
            "counters_match": stored == actual,
            "upvotes_before": info["target"]["before"]["upvotes"],
            "client_votes_left": client_votes,
            "delta_matches_client_votes": stored["upvotes"] - info["target"]["before"]["upvotes"] == client_votes,
            "hot_rank_matches": abs(idea.hot_rank - ranking.hot(idea.score, idea.created_at)) < 1e-6,
            "confidence_rank_matches": abs(
                idea.confidence_rank - ranking.wilson_lower_bound(idea.upvotes, idea.downvotes)
            )
            < 1e-12,
            "trending_rank_drift": abs(idea.trending_rank - trending),
        }
        if full:
            started = time.perf_counter()
            differences = counters.verify()
            result["full_verify"] = {
                "differences": len(differences),
                "examples": [d.__dict__ for d in differences[:5]],
                "seconds": round(time.perf_counter() - started, 1),
            }
        db.session.remove()
        db.engine.dispose()
    return result


# --------------------------------------------------------------------------- the run


def scenario_list(info: dict, n_clients: int, read_connections: int) -> list[dict]:
    urls, clients_file = info["urls"], Path(info["clients_file"])
    return [
        {
            "name": "board-first",
            "label": "Board page, Top, page 1",
            "path": urls["first"],
            "connections": read_connections,
        },
        {
            "name": "board-p200",
            "label": "Board page, Top, page 200 (followed links)",
            "path": urls["p200"],
            "connections": read_connections,
        },
        {
            "name": "board-last",
            "label": f"Board page, Top, page {info['pages']['last']} (last)",
            "path": urls["last"],
            "connections": read_connections,
        },
        {
            "name": "board-signed-in",
            "label": "Board page, Top, page 1, signed in",
            "path": urls["first"],
            "connections": read_connections,
            "threads": read_connections,
            "clients_file": clients_file,
        },
        {"name": "healthz", "label": "App /healthz (SELECT 1)", "path": "/healthz", "connections": read_connections},
        {
            "name": "vote",
            "label": f"Vote/unvote, {n_clients} clients, one idea",
            "path": urls["vote"],
            "connections": n_clients,
            "threads": n_clients,
            "mode": "vote",
            "clients_file": clients_file,
        },
    ]


def follow_links(port: int, first: str, pages: int) -> tuple[str, float]:
    """Walk next_cursor links from the first page, as a reader clicking "Load more" would."""
    url = first
    started = time.perf_counter()
    for _ in range(pages - 1):
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}{url}", timeout=30).read().decode()
        match = re.search(r'<li class="load-more">\s*<a[^>]*href="([^"]+)"', body)
        if not match:
            raise BenchError(f"no next page link on {url}")
        url = html.unescape(match.group(1))
    return url, time.perf_counter() - started


def combine(rounds: list[dict]) -> dict:
    requests = sum(r["requests"] for r in rounds)
    seconds = sum(r["duration_us"] for r in rounds) / 1e6
    statuses: dict[str, int] = {}
    for r in rounds:
        for status, n in r["statuses"].items():
            statuses[status] = statuses.get(status, 0) + n
    errors = {key: sum(r["errors"][key] for r in rounds) for key in rounds[0]["errors"]}
    # Percentiles: the per-round values weighted by requests (wrk gives no merged histogram).
    p50 = sum(r["p50_us"] * r["requests"] for r in rounds) / max(requests, 1)
    p99 = max(r["p99_us"] for r in rounds)
    server_cpu = sum(r.get("server_cpu_s", 0.0) for r in rounds)
    db_cpu = sum(r.get("db_cpu_s", 0.0) for r in rounds)
    return {
        "requests": requests,
        "seconds": round(seconds, 1),
        "rps": requests / seconds if seconds else 0.0,
        "server_cpu_ms_per_request": 1000 * server_cpu / max(requests, 1),
        "db_cpu_ms_per_request": 1000 * db_cpu / max(requests, 1),
        "p50_ms": p50 / 1000,
        "p99_ms": p99 / 1000,
        "statuses": statuses,
        "errors": errors,
        "rounds_rps": [round(r["rps"], 1) for r in rounds],
        "load": [f"{r['load_before']} -> {r['load_after']}" for r in rounds],
    }


def run_db(kind: str, args, work: Path) -> dict:
    print(f"\n=== {kind}: preparing ===", file=sys.stderr, flush=True)
    # A bench database seeded before the latest migrations gets their (empty) tables first.
    subprocess.run(
        [str(VENV_BIN / "flask"), "db", "upgrade"], cwd=ROOT, env=app_env(kind), check=True, stdout=subprocess.DEVNULL
    )
    info = prepare(kind, args.clients, work)
    info["clients"] = args.clients
    print(json.dumps(info["statements_per_request"], indent=2), file=sys.stderr)
    env = app_env(kind)
    scenarios = [
        s for s in scenario_list(info, args.clients, args.read_connections) if not args.only or s["name"] in args.only
    ]
    results = []
    with (
        gunicorn("wsgi:app", args.port, env, work / f"gunicorn-app-{kind}.log") as app_server,
        gunicorn("bench.yardstick:app", args.port + 1, env, work / f"gunicorn-yardstick-{kind}.log") as yard_server,
    ):
        meters = {
            args.port: CpuMeter(app_server.pid, database_url(kind) if kind == "postgres" else None),
            args.port + 1: CpuMeter(yard_server.pid),
        }
        followed, seconds = follow_links(args.port, info["urls"]["first"], 200)
        constructed = info["urls"]["p200"]
        same = parse_qs(urlsplit(followed).query)["cursor"] == parse_qs(urlsplit(constructed).query)["cursor"]
        info["follow"] = {
            "pages": 200,
            "seconds": round(seconds, 1),
            "url": followed,
            "matches_constructed_cursor": same,
        }
        for s in scenarios:
            if s["name"] == "board-p200":
                s["path"] = followed  # the page a reader reaches by following the links
        # Warm both servers (every worker imports and connects) before measuring.
        for port in (args.port, args.port + 1):
            wrk(f"http://127.0.0.1:{port}{info['urls']['first']}", 4, 3)
        for s in scenarios:
            print(f"--- {kind} {s['name']}: {s['label']}", file=sys.stderr, flush=True)
            yard, app_rounds = [], []
            for _ in range(args.rounds):
                for port, bucket in ((args.port + 1, yard), (args.port, app_rounds)):
                    r = wrk(
                        f"http://127.0.0.1:{port}{s['path']}",
                        s["connections"],
                        args.seconds,
                        mode=s.get("mode", "get"),
                        clients_file=s.get("clients_file"),
                        threads=s.get("threads"),
                        meter=meters[port],
                    )
                    bucket.append(r)
                    print(
                        f"    {'yardstick' if bucket is yard else 'app      '} {r['rps']:9.1f} req/s  "
                        f"p50 {r['p50_us'] / 1000:7.1f} ms  p99 {r['p99_us'] / 1000:7.1f} ms  "
                        f"cpu/req {1000 * (r['server_cpu_s'] + r['db_cpu_s']) / max(r['requests'], 1):5.2f} ms  "
                        f"statuses {r['statuses']}  errors {r['errors']}  load {r['load_after']}",
                        file=sys.stderr,
                        flush=True,
                    )
            a, y = combine(app_rounds), combine(yard)
            results.append(
                {
                    **{k: v for k, v in s.items() if k != "clients_file"},
                    "app": a,
                    "yardstick": y,
                    "ratio": a["rps"] / y["rps"] if y["rps"] else 0.0,
                }
            )
    info["verification"] = verify_target(kind, info, args.full_verify)
    print(json.dumps(info["verification"], indent=2, default=str), file=sys.stderr)
    return {"kind": kind, "info": info, "scenarios": results}


def markdown(run: dict) -> str:
    out = []
    for db in run["databases"]:
        out.append(f"\n### {db['kind']}\n")
        out.append(
            "| Scenario | Conns | App req/s | App p50 / p99 ms | Yardstick req/s | Yardstick p50 / p99 ms "
            "| App / yardstick | App CPU ms/req (server + db) | Yardstick CPU ms/req | Failed requests |"
        )
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        for s in db["scenarios"]:
            a, y = s["app"], s["yardstick"]
            bad = {k: v for k, v in a["statuses"].items() if not k.startswith(("2", "3"))}
            sock = {k: v for k, v in a["errors"].items() if v and k != "status"}
            out.append(
                f"| {s['label']} | {s['connections']} | {a['rps']:.0f} | {a['p50_ms']:.1f} / {a['p99_ms']:.1f} "
                f"| {y['rps']:.0f} | {y['p50_ms']:.1f} / {y['p99_ms']:.1f} | {s['ratio']:.3f} "
                f"| {a['server_cpu_ms_per_request']:.2f} + {a['db_cpu_ms_per_request']:.2f} "
                f"| {y['server_cpu_ms_per_request']:.2f} "
                f"| {bad or 0}{', ' + str(sock) if sock else ''} |"
            )
        loads = [load for s in db["scenarios"] for load in s["app"]["load"] + s["yardstick"]["load"]]
        out.append(f"\nLoad average (1/5/15 min) seen around the rounds: {loads[0]} ... {loads[-1]}")
        spr = db["info"]["statements_per_request"]
        out.append("\nSQL statements per request: " + "; ".join(f"{k}: {v}" for k, v in spr.items()))
        v = db["info"]["verification"]
        out.append(
            f"\nVoted idea {v['idea_id']}: stored {v['stored']}, votes table {v['actual']}: "
            f"{'MATCH' if v['counters_match'] else 'MISMATCH'}; clients' votes left {v['client_votes_left']}, "
            f"upvotes moved by {v['stored']['upvotes'] - v['upvotes_before']}: "
            f"{'consistent' if v['delta_matches_client_votes'] else 'INCONSISTENT'}."
        )
    return "\n".join(out) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", action="append", choices=("sqlite", "postgres"))
    parser.add_argument("--seconds", type=int, default=15, help="length of each measured round")
    parser.add_argument("--rounds", type=int, default=2, help="yardstick+app rounds per scenario")
    parser.add_argument("--clients", type=int, default=50, help="concurrent voters on the one idea")
    parser.add_argument("--read-connections", type=int, default=8, help="connections for the page scenarios")
    parser.add_argument("--port", type=int, default=8101, help="the app; the yardstick gets port + 1")
    parser.add_argument("--only", action="append", help="run only these scenarios (repeatable)")
    parser.add_argument(
        "--full-verify", action="store_true", help="also run ideas.counters.verify() over every idea after the load"
    )
    args = parser.parse_args(argv)
    kinds = args.db or ["sqlite", "postgres"]
    for kind in kinds:
        database_url(kind)
    ensure_wrk()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    work = RESULTS_DIR / stamp
    work.mkdir(parents=True, exist_ok=True)
    run = {
        "started": stamp,
        "machine": machine_facts(),
        "settings": {
            "gunicorn": GUNICORN_SETTINGS,
            "seconds_per_round": args.seconds,
            "rounds": args.rounds,
            "read_connections": args.read_connections,
            "vote_clients": args.clients,
            # The app's anonymous page cache (app/page_cache.py), as the servers were started.
            "page_cache_seconds": os.environ.get("PAGE_CACHE_SECONDS", "5 (default)"),
            "page_cache_store": "redis" if os.environ.get("REDIS_URL") else "in-process",
        },
        "databases": [],
    }
    print(json.dumps(run["machine"], indent=2), file=sys.stderr)
    for kind in kinds:
        run["databases"].append(run_db(kind, args, work))
        (work / "results.json").write_text(json.dumps(run, indent=2, default=str))
    settings = run["settings"]
    table = (
        f"Page cache: {settings['page_cache_seconds']} s, {settings['page_cache_store']}; "
        f"gunicorn {' '.join(GUNICORN_SETTINGS)} for the app and the yardstick alike.\n" + markdown(run)
    )
    (work / "results.md").write_text(table)
    (work / "clients.txt").unlink(missing_ok=True)  # live session cookies: not kept
    print(table)
    print(f"results in {work.relative_to(ROOT)}/", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
