"""A soak: minutes of mixed traffic from many clients against gunicorn, then a report of what broke.

    .venv/bin/python -m bench.soak --db sqlite              # 10 minutes, 50 clients
    .venv/bin/python -m bench.soak --db postgres --minutes 2

On a fresh database (instance/soak.db, or PostgreSQL's `ideaforge_soak`) seeded with the demo data,
signed-in clients browse boards and ideas, vote and take votes back, and comment; meanwhile one
challenge is funded through Checkout on the local Stripe emulator, confirmed by its webhooks, awarded
and paid by the settle job. Then: requests and errors by status (target: no 5xx), p50/p99 latency per
kind, counters against the tables, the ledger reconciled with Stripe and every job finished. The
report is printed and written to bench/results/soak-<time>-<db>/report.json (gunicorn's log beside
it). Not part of `make test`.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import requests

from bench.common import INSTANCE, RESULTS_DIR, ROOT, SECRET_KEY, VENV_BIN, machine_facts, pg_admin_url, run
from bench.run import GUNICORN_SETTINGS, cookie_interface, gunicorn

PORT = 5091
PG_SOAK_URL = "postgresql://postgres@127.0.0.1:5432/ideaforge_soak"
WEBHOOK_SECRET = "whsec_soak_only"
# What a member does on a feedback board, roughly: mostly reading.
MIX = (("board", 50), ("idea", 22), ("vote", 18), ("comment", 10))
CSRF = re.compile(r'"X-CSRFToken":\s*"([^"]+)"')


def fresh_database(kind: str) -> str:
    if kind == "sqlite":
        path = INSTANCE / "soak.db"
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    with psycopg.connect(pg_admin_url(PG_SOAK_URL), autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS ideaforge_soak WITH (FORCE)")
        admin.execute("CREATE DATABASE ideaforge_soak")
    return PG_SOAK_URL


def environment(url: str, stripe_url: str) -> dict:
    import os

    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": SECRET_KEY,
            "FLASK_APP": "wsgi.py",
            "RATELIMIT_ENABLED": "0",  # the load comes from one address
            "JOBS_BACKEND": "thread",
            "MAIL_BACKEND": "console",
            "MAIL_DIR": str(INSTANCE / "soak-mail"),
            "LOG_LEVEL": "WARNING",
            "STRIPE_SECRET_KEY": "sk_test_soak",
            "STRIPE_API_BASE": stripe_url,
            "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "UPLOAD_DIR": str(INSTANCE / "soak-uploads"),
            "PAGE_CACHE_SECONDS": "5",
        }
    )
    return env


class Client:
    """One signed-in member with a browser's cookie and CSRF token."""

    def __init__(self, base: str, cookie: str):
        self.base, self.http = base, requests.Session()
        name, _, value = cookie.partition("=")
        self.http.cookies.set(name, value, domain=urlsplit(base).hostname)
        self.csrf = ""

    def get(self, path: str):
        response = self.http.get(self.base + path, timeout=60)
        found = CSRF.search(response.text)
        if found:
            self.csrf = found.group(1)
        return response

    def post(self, path: str, form: dict):
        return self.http.post(
            self.base + path, data=form, headers={"X-CSRFToken": self.csrf}, timeout=60, allow_redirects=False
        )


def prepare(app, n_clients: int) -> dict:
    """Members signed in (their cookies), the public boards and their open ideas."""
    from sqlalchemy import select

    from app.auth import services as auth
    from app.extensions import db
    from ideas.models import Board, Idea, Status

    signing = cookie_interface(app).get_signing_serializer(app)
    with app.app_context():
        cookies = []
        for n in range(n_clients):
            user = auth.create_user(f"soak{n}@example.com", f"soak-password-{n}-x", f"Soak client {n}")
            token = auth.start_session(user, remember=True)
            cookies.append(f"session={signing.dumps({'_user_id': token, '_fresh': True})}")
        boards = list(db.session.scalars(select(Board).where(Board.is_private.is_(False))))
        pages = [f"/boards/{b.organisation.slug}/{b.slug}" for b in boards]
        ideas = list(
            db.session.scalars(
                select(Idea.id).where(Idea.board_id.in_([b.id for b in boards]), Idea.status == Status.OPEN)
            )
        )
        db.session.remove()
    return {"cookies": cookies, "boards": pages, "ideas": ideas}


def traffic(base: str, info: dict, seconds: float, results: list, stop: threading.Event) -> None:
    def one_client(cookie: str, seed: int) -> None:
        rng = random.Random(seed)
        client = Client(base, cookie)
        client.get(info["boards"][0])
        kinds, weights = zip(*MIX)
        my_votes: dict[int, int] = {}
        while not stop.is_set():
            kind = rng.choices(kinds, weights)[0]
            idea = rng.choice(info["ideas"])
            started = time.perf_counter()
            try:
                if kind == "board":
                    sort = rng.choice(("", "?sort=new", "?sort=trending"))
                    status = client.get(rng.choice(info["boards"]) + sort).status_code
                elif kind == "idea":
                    status = client.get(f"/ideas/{idea}").status_code
                elif kind == "vote":
                    value = 0 if my_votes.get(idea) else 1
                    status = client.post(f"/ideas/{idea}/vote", {"value": str(value)}).status_code
                    if status < 400:
                        my_votes[idea] = value
                else:
                    body = f"Soak comment {rng.randrange(10**6)}: this would help our team."
                    status = client.post(f"/ideas/{idea}/comments", {"body": body}).status_code
            except requests.RequestException as error:
                status = f"error: {type(error).__name__}"
            results.append((kind, status, time.perf_counter() - started))

    threads = [
        threading.Thread(target=one_client, args=(cookie, n), daemon=True) for n, cookie in enumerate(info["cookies"])
    ]
    for thread in threads:
        thread.start()
    stop.wait(seconds)
    stop.set()
    for thread in threads:
        thread.join(90)


def fund_award_and_pay(app, ctl) -> dict:
    """One challenge through the money path: Checkout on the emulator, its webhooks to the served
    app, two solvers who onboard, an award after the deadline, and the settle job's transfers."""
    from sqlalchemy import select

    from app.auth import services as auth
    from app.clock import utcnow
    from app.extensions import db
    from app.orgs.models import Organisation
    from challenges.models import Challenge, State
    from challenges.payments import connect, funding
    from challenges.payments.models import Payout
    from challenges.services import awards, posting, solving
    from challenges.services.posting import ChallengeInput

    started = time.perf_counter()
    with app.app_context():
        organisation = db.session.scalars(select(Organisation).order_by(Organisation.id)).first()
        owner = organisation.memberships[0].user
        ten_days_ago = utcnow() - timedelta(days=10)
        spec = ChallengeInput(
            title="Soak: halve the export time",
            summary="Exports of large boards take minutes.",
            statement="Find a way to make **exports** of a large board twice as fast.",
            reward_amount=100_000,
            currency="usd",
            deadline=utcnow() + timedelta(days=2),
            criteria=[("Speed", 3, ""), ("Simplicity", 1, "")],
            split=[60, 40],
            confidential_material="",
            eligibility="Everyone.",
        )
        challenge = posting.create_challenge(owner, organisation, spec, now=ten_days_ago)
        posting.request_funding(owner, challenge, now=ten_days_ago)
        funding.start_checkout(owner, challenge, "http://soak.test/done?s={CHECKOUT_SESSION_ID}", "http://soak.test/")
        ctl.pay_checkout(funding.latest_payment(challenge).session_id)
        challenge_id = challenge.id
        _wait(lambda: db.session.get(Challenge, challenge_id).state == State.OPEN, "the webhook opened the challenge")
        entries = []
        for n in range(2):
            solver = auth.create_user(f"soak-solver{n}@example.com", f"soak-password-{n}-y", f"Solver {n}")
            solving.accept_agreement(solver, challenge, now=ten_days_ago + timedelta(days=1))
            entries.append(
                solving.submit(solver, challenge, f"Entry {n}", "Stream the rows; measured 2.3x.", now=ten_days_ago)
            )
            connect.onboarding_link(solver, "http://soak.test/refresh", "http://soak.test/return")
            ctl.complete_onboarding(connect.account_of(solver).account_id)
        deadline = db.session.get(Challenge, challenge_id).deadline
        awards.award(owner, challenge, [(entries[0].id, 60_000), (entries[1].id, 40_000)], now=deadline + timedelta(1))
        _wait(
            lambda: (
                {p.state for p in db.session.scalars(select(Payout).where(Payout.challenge_id == challenge_id))}
                == {"paid"}
            ),
            "the settle job paid both winners",
            timeout=120,
        )
        db.session.remove()
    return {
        "challenge_id": challenge_id,
        "seconds": round(time.perf_counter() - started, 1),
        "transfers": len(ctl.objects("transfer")),
    }


def _wait(condition, what: str, timeout: float = 60.0) -> None:
    from app.extensions import db

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.commit()  # a fresh snapshot
        if condition():
            return
        time.sleep(0.5)
    raise RuntimeError(f"timed out waiting until {what}")


def audit_after(app) -> dict:
    """Counters against the tables, the ledger against Stripe, and the jobs' states."""
    from sqlalchemy import func, select

    from app.extensions import db
    from app.jobs.models import Job, JobState
    from challenges.payments import ledger, reports
    from ideas import counters

    with app.app_context():
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:  # jobs started by the last requests finish
            db.session.commit()
            busy = db.session.scalar(
                select(func.count()).where(Job.state.in_((JobState.QUEUED, JobState.RUNNING, JobState.RETRYING)))
            )
            if not busy:
                break
            time.sleep(1)
        states = dict(db.session.execute(select(Job.state, func.count()).group_by(Job.state)).all())
        differences = counters.verify()
        return {
            "jobs": states,
            "counter_differences": len(differences),
            "unbalanced_journals": len(ledger.unbalanced_journals()),
            "reconcile_differences": len(reports.reconcile()),
        }


def summarise(results: list, seconds: float) -> dict:
    by_status = Counter(str(status) for _, status, _ in results)
    per_kind = {}
    for kind, _ in MIX:
        times = sorted(t for k, _, t in results if k == kind)
        if times:
            per_kind[kind] = {
                "requests": len(times),
                "p50_ms": round(statistics.median(times) * 1000, 1),
                "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))] * 1000, 1),
            }
    server_errors = sum(n for status, n in by_status.items() if status.startswith(("5", "error")))
    return {
        "requests": len(results),
        "per_second": round(len(results) / seconds, 1),
        "by_status": dict(sorted(by_status.items())),
        "server_errors": server_errors,
        "per_kind": per_kind,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=50)
    args = parser.parse_args(argv)

    from challenges.payments.emulator import serve_in_thread

    url = fresh_database(args.db)
    stripe_url, ctl = serve_in_thread(
        webhooks=[(f"http://127.0.0.1:{PORT}/payments/webhook", WEBHOOK_SECRET)], webhook_backoff=0.5
    )
    env = environment(url, stripe_url)
    print(f"soak on {args.db}: migrating and seeding the demo data ...", flush=True)
    run([str(VENV_BIN / "flask"), "db", "upgrade"], env=env)
    run([str(VENV_BIN / "flask"), "seed-demo"], env=env, capture=True)

    import os

    os.environ.update(env)
    from app import create_app

    app = create_app()
    info = prepare(app, args.clients)
    results: list = []
    stop = threading.Event()
    seconds = args.minutes * 60
    started = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    folder = RESULTS_DIR / f"soak-{started}-{args.db}"
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "gunicorn.log"
    with gunicorn("wsgi:app", PORT, env, log):
        print(f"{args.clients} clients for {args.minutes:g} minutes against gunicorn ...", flush=True)
        load = threading.Thread(target=traffic, args=(f"http://127.0.0.1:{PORT}", info, seconds, results, stop))
        load.start()
        time.sleep(min(30, seconds / 4))
        money = fund_award_and_pay(app, ctl)
        load.join()
        after = audit_after(app)
    ctl.shutdown()
    report = {
        "db": args.db,
        "started": started,
        "minutes": args.minutes,
        "clients": args.clients,
        "gunicorn": GUNICORN_SETTINGS,
        "traffic": summarise(results, seconds),
        "money": money,
        "after": after,
        "machine": machine_facts(),
    }
    out = folder / "report.json"
    out.write_text(json.dumps(report, indent=2))
    print(json.dumps({k: report[k] for k in ("traffic", "money", "after")}, indent=2))
    print(f"written to {out.relative_to(ROOT)}")
    healthy = report["traffic"]["server_errors"] == 0 and not any(
        after[key] for key in ("counter_differences", "unbalanced_journals", "reconcile_differences")
    )
    return 0 if healthy else 1


if __name__ == "__main__":
    raise SystemExit(main())
