"""Where a request's time goes: one scenario of the load run, served in process (no gunicorn,
no wrk) under cProfile, on the bench seed.

    .venv/bin/python -m bench.profile --db sqlite board-signed-in
    .venv/bin/python -m bench.profile --db sqlite vote --requests 400 --top 40

Prints the CPU milliseconds per request and the functions that take most of it (cumulative).
The absolute figures include the profiler's own overhead; compare them only with each other.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

from bench.common import database_url
from bench.run import USER_AGENT, prepare

SCENARIOS = ("board-first", "board-p200", "board-last", "board-signed-in", "vote")


def requests_for(scenario: str, info: dict, app):
    """A function that makes one request of the scenario with Flask's test client."""
    cookie, csrf = Path(info["clients_file"]).read_text().splitlines()[0].split()
    client = app.test_client()
    if scenario == "vote":
        client.set_cookie("session", cookie)
        headers = {"User-Agent": USER_AGENT, "X-CSRFToken": csrf, "HX-Request": "true"}
        values = iter(["1", "0"] * 1_000_000)
        return lambda: client.post(
            info["urls"]["vote"], headers=headers, data={"value": next(values), "context": "list"}
        )
    url = {"board-first": "first", "board-signed-in": "first", "board-p200": "p200", "board-last": "last"}[scenario]
    if scenario == "board-signed-in":
        client.set_cookie("session", cookie)
    return lambda: client.get(info["urls"][url], headers={"User-Agent": USER_AGENT})


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenario", choices=SCENARIOS)
    parser.add_argument("--db", default="sqlite", choices=("sqlite", "postgres"))
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--top", type=int, default=30, help="functions to list")
    parser.add_argument("--cache", action="store_true", help="keep the anonymous page cache on")
    parser.add_argument("--sort", default="cumulative", choices=("cumulative", "tottime", "ncalls"))
    parser.add_argument("--only", default="", help="list only functions whose file path matches this regex")
    args = parser.parse_args(argv)
    database_url(args.db)
    with tempfile.TemporaryDirectory() as work:
        info = prepare(args.db, 1, Path(work))
        from app import create_app

        app = create_app()
        if not args.cache:
            app.config["PAGE_CACHE_SECONDS"] = 0
        app.config["RATELIMIT_ENABLED"] = False
        one_request = requests_for(args.scenario, info, app)
        for _ in range(20):  # warm caches and connections
            assert one_request().status_code == 200
        started = time.process_time()
        for _ in range(args.requests):
            one_request()
        plain = (time.process_time() - started) * 1000 / args.requests
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.requests):
            one_request()
        profiler.disable()
        if args.scenario == "vote" and args.requests % 2:
            one_request()  # leave the client's vote retracted
    print(f"{args.scenario} on {args.db}: {plain:.2f} ms CPU per request without the profiler", file=sys.stderr)
    pstats.Stats(profiler).sort_stats(args.sort).print_stats(*([args.only] if args.only else []), args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
