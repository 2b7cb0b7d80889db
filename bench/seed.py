"""Seed the bench database: 100,000 ideas on a few boards (one big) and 5,000,000 votes, in bulk.

    .venv/bin/python -m bench.seed --db sqlite      # instance/bench.db
    .venv/bin/python -m bench.seed --db postgres    # database `bench` (BENCH_PG_URL), created here

The schema comes from the migrations (`flask db upgrade`) into a fresh bench database, never the
development one. Rows go in with executemany (SQLite, one transaction, journal off while loading)
or COPY (PostgreSQL). Secondary indexes and foreign keys of the big tables are dropped for the
load and re-created from the exact DDL the migrations made, so the schema ends identical.

Every idea's counters (upvotes, downvotes, score) and rank keys (hot, trending, confidence) are
computed from its votes in the same pass that writes them, so they match the votes table exactly
(`ideas.counters.verify` finds nothing). Voters are distinct per idea by construction: idea i
takes the voters start_i + k * step_i (mod the number of voters) with step_i coprime to it.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sqlite3
import sys
import time
from bisect import bisect_left
from datetime import UTC, datetime, timedelta
from math import gcd

from app.community.rules import POINTS as REPUTATION_POINTS
from app.reputation import levels as reputation_levels
from bench.common import (
    ORG_SLUG,
    SQLITE_PATH,
    VENV_BIN,
    BenchError,
    Progress,
    app_env,
    database_url,
    loadavg,
    pg_admin_url,
    pg_dbname,
    read_seed_state,
    run,
    seed_state_path,
)
from ideas import ranking  # the app's own formulas

# slug, name, share of the ideas, down-votes allowed
BOARDS = [
    ("platform", "Platform", 0.64, True),
    ("mobile", "Mobile apps", 0.18, False),
    ("integrations", "API and integrations", 0.11, False),
    ("docs", "Documentation", 0.07, False),
]
CATEGORIES = ["Reporting", "Admin", "Billing", "Notifications", "Performance"]
STATUSES = [
    ("open", 0.90),
    ("under_review", 0.03),
    ("planned", 0.03),
    ("in_progress", 0.01),
    ("delivered", 0.02),
    ("declined", 0.01),
]
VERBS = [
    "Export",
    "Import",
    "Filter",
    "Share",
    "Schedule",
    "Archive",
    "Search",
    "Sync",
    "Customise",
    "Bulk edit",
    "Duplicate",
    "Pin",
    "Tag",
    "Comment on",
    "Preview",
    "Print",
    "Translate",
    "Lock",
]
OBJECTS = [
    "dashboards",
    "reports",
    "invoices",
    "tickets",
    "user roles",
    "notifications",
    "projects",
    "calendars",
    "documents",
    "custom fields",
    "saved views",
    "audit logs",
    "webhooks",
    "forms",
]
QUALIFIERS = [
    "to CSV",
    "by date range",
    "with Slack",
    "on mobile",
    "for whole teams",
    "in dark mode",
    "from the API",
    "offline",
    "with keyboard shortcuts",
    "per workspace",
    "in bulk",
    "as PDF",
]
PERSONAS = ["team lead", "admin", "new customer", "accountant", "support agent", "developer"]
TAGS = [
    "ux",
    "api",
    "mobile",
    "security",
    "export",
    "search",
    "a11y",
    "performance",
    "billing",
    "sso",
    "reports",
    "integrations",
    "email",
    "sharing",
    "permissions",
    "offline",
    "i18n",
    "dark-mode",
]

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)  # ideas.ranking.EPOCH; times are minutes from it


def _minutes(at: datetime) -> int:
    return int((at - EPOCH).total_seconds() // 60)


class Stamps(dict):
    """Minute offsets from EPOCH to the text each database takes, made once per minute."""

    def __init__(self, fmt: str):
        super().__init__()
        self.fmt = fmt

    def __missing__(self, minute: int) -> str:
        text = (EPOCH + timedelta(minutes=minute)).strftime(self.fmt)
        self[minute] = text
        return text


# --------------------------------------------------------------------------- writers


class SqliteWriter:
    """One connection, one transaction, no journal while loading; WAL again at the end."""

    kind = "sqlite"
    time_format = "%Y-%m-%d %H:%M:%S.000000"  # SQLAlchemy's SQLite DATETIME text
    true, false = 1, 0

    def __init__(self, path):
        self.conn = sqlite3.connect(str(path), isolation_level=None)
        for pragma in (
            "journal_mode=OFF",
            "synchronous=OFF",
            "cache_size=-1000000",
            "temp_store=MEMORY",
            "locking_mode=EXCLUSIVE",
            "foreign_keys=OFF",
        ):
            self.conn.execute(f"PRAGMA {pragma}")
        self.conn.execute("BEGIN")
        self.dropped: list[str] = []

    def insert(self, table: str, columns: list[str], rows) -> None:
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        self.conn.executemany(sql, rows)

    def drop_indexes(self, table: str) -> None:
        """Drop the table's explicit indexes (the UNIQUE constraint is part of the table and
        stays: votes arrive sorted by (idea, user), so its index only ever appends)."""
        for name, sql in self.conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", (table,)
        ).fetchall():
            self.conn.execute(f"DROP INDEX {name}")
            self.dropped.append(sql)

    def restore(self) -> None:
        for sql in self.dropped:
            self.conn.execute(sql)
        self.dropped = []

    def execute(self, sql: str, params=()) -> None:
        self.conn.execute(sql, params)

    def finish(self, analyse: bool) -> None:
        self.conn.execute("COMMIT")
        if analyse:
            self.conn.execute("ANALYZE")
        self.conn.execute("PRAGMA locking_mode=NORMAL")
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.close()


class PgWriter:
    """COPY into the tables in one transaction, constraints and indexes re-created after."""

    kind = "postgres"
    time_format = "%Y-%m-%d %H:%M:%S+00"
    true, false = True, False

    def __init__(self, url: str):
        import psycopg

        self.conn = psycopg.connect(url)
        self.conn.execute("SET maintenance_work_mem = '512MB'")
        self.conn.execute("SET synchronous_commit = off")
        self.dropped: list[str] = []

    def insert(self, table: str, columns: list[str], rows) -> None:
        with self.conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def open_copy(self, table: str, columns: list[str]):
        return self.conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN")

    def drop_indexes(self, table: str) -> None:
        """Drop foreign keys, unique constraints and plain indexes (not the primary key), keeping
        their exact definitions to re-create."""
        constraints = self.conn.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('f', 'u') ORDER BY contype",
            (table,),
        ).fetchall()
        indexes = self.conn.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)",
            (table,),
        ).fetchall()
        for name, definition in constraints:
            self.conn.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
            self.dropped.append(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
        for name, definition in indexes:
            self.conn.execute(f"DROP INDEX {name}")
            self.dropped.append(definition)

    def restore(self) -> None:
        # Unique constraints and indexes first, foreign keys (which need them) last.
        for sql in sorted(self.dropped, key=lambda s: "FOREIGN KEY" in s):
            self.conn.execute(sql)
        self.dropped = []

    def execute(self, sql: str, params=()) -> None:
        self.conn.execute(sql, params)

    def finish(self, analyse: bool) -> None:
        for table in (
            "users",
            "organisations",
            "boards",
            "categories",
            "tags",
            "ideas",
            "votes",
            "reputation_events",
            "reputation_totals",
        ):
            self.conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 1) FROM {table}))"
            )
        self.conn.commit()
        self.conn.autocommit = True
        # Autovacuum would do this soon after a real load; the run should not race it.
        self.conn.execute("VACUUM ANALYZE" if analyse else "VACUUM")
        self.conn.close()


# --------------------------------------------------------------------------- database


def fresh_database(kind: str) -> None:
    url = database_url(kind)
    if kind == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            path = SQLITE_PATH.with_name(SQLITE_PATH.name + suffix)
            path.unlink(missing_ok=True)
        SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    else:
        import psycopg
        from psycopg import sql

        name = pg_dbname(url)
        with psycopg.connect(pg_admin_url(url), autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    run([str(VENV_BIN / "flask"), "db", "upgrade"], env=app_env(kind))


def open_writer(kind: str):
    return SqliteWriter(SQLITE_PATH) if kind == "sqlite" else PgWriter(database_url(kind))


# --------------------------------------------------------------------------- the data


def vote_counts(n_ideas: int, n_votes: int, n_voters: int, rng: random.Random) -> list[int]:
    """Votes per idea, heavy-tailed like real boards (weight 1 / (rank + 20)), summing to n_votes."""
    ranks = list(range(n_ideas))
    rng.shuffle(ranks)
    weights = [1.0 / (rank + 20) for rank in ranks]
    total = sum(weights)
    counts = [int(n_votes * w / total) for w in weights]
    by_rank = sorted(range(n_ideas), key=lambda i: ranks[i])
    missing = n_votes - sum(counts)
    for i in by_rank[:missing]:
        counts[i] += 1
    if max(counts) > n_voters:
        raise BenchError(f"an idea would need {max(counts)} distinct voters; raise --voters")
    return counts


def insert_reputation(writer, rows: list[tuple], now: str, true, false) -> None:
    """Events (one per idea and rule), each author's total and the Super Fan flags (the top
    0.5 %, ties to the older account), as the app's own services would have left them."""
    writer.insert(
        "reputation_events",
        ["id", "user_id", "organisation_id", "points", "kind", "subject_type", "subject_id", "note", "created_at"],
        [
            (n, author, 1, points, kind, "idea", idea_id, "", at)
            for n, (idea_id, kind, author, points, at) in enumerate(rows, start=1)
        ],
    )
    totals: dict[int, int] = {}
    for _idea_id, _kind, author, points, _at in rows:
        totals[author] = totals.get(author, 0) + points
    ranked = sorted((-points, user_id) for user_id, points in totals.items() if points > 0)
    fans = {user_id for _points, user_id in ranked[: reputation_levels.super_fan_count(len(ranked))]}
    writer.insert(
        "reputation_totals",
        ["id", "user_id", "organisation_id", "points", "super_fan", "updated_at"],
        [
            (n, user_id, 1, points, true if user_id in fans else false, now)
            for n, (user_id, points) in enumerate(sorted(totals.items()), start=1)
        ],
    )


def seed(
    kind: str, n_ideas: int, n_votes: int, n_voters: int, n_clients: int, analyse: bool, rng_seed: int = 20260101
) -> dict:
    timings: dict[str, float] = {}
    load_before = loadavg()
    t0 = time.perf_counter()
    fresh_database(kind)
    timings["schema (flask db upgrade)"] = time.perf_counter() - t0

    rng = random.Random(rng_seed)
    rnd = rng.random
    writer = open_writer(kind)
    stamps = Stamps(writer.time_format)
    now_min = _minutes(datetime.now(UTC))
    year = 365 * 24 * 60
    T, F = writer.true, writer.false

    # Users: the voters, then the bench clients (who start with no votes).
    t = time.perf_counter()
    n_users = n_voters + n_clients
    bar = Progress(n_users, "users")

    def users():
        for uid in range(1, n_users + 1):
            client = uid > n_voters
            email = f"client{uid - n_voters}@bench.invalid" if client else f"voter{uid}@bench.invalid"
            joined = now_min - year - int(rnd() * year)
            yield (
                uid,
                email,
                "!bench-no-password",
                f"{'Client' if client else 'Voter'} {uid}",
                "",
                stamps[joined],
                F,
                T,
                stamps[joined],
            )
            if uid % 10_000 == 0:
                bar.update(10_000)
        bar.update(n_users % 10_000)

    writer.drop_indexes("users")
    writer.insert(
        "users",
        [
            "id",
            "email",
            "password_hash",
            "display_name",
            "bio",
            "email_verified_at",
            "is_site_admin",
            "active",
            "created_at",
        ],
        users(),
    )
    writer.restore()
    bar.close()
    timings["users"] = time.perf_counter() - t

    # Organisation, boards, categories, tags.
    created = stamps[now_min - 2 * year]
    writer.insert(
        "organisations",
        ["id", "name", "slug", "description", "website", "created_at"],
        [(1, "Bench Corp", ORG_SLUG, "The benchmark's organisation.", "", created)],
    )
    board_ids = list(range(1, len(BOARDS) + 1))
    categories: dict[int, list[int]] = {}
    tags: dict[int, list[int]] = {}
    category_rows, tag_rows = [], []
    for board_id in board_ids:
        categories[board_id] = []
        for name in CATEGORIES:
            category_rows.append((len(category_rows) + 1, board_id, name, name.lower()))
            categories[board_id].append(len(category_rows))
        tags[board_id] = []
        for name in TAGS:
            tag_rows.append((len(tag_rows) + 1, board_id, name))
            tags[board_id].append(len(tag_rows))

    # Plan the ideas: board, status, visibility, creation time, vote count.
    counts = vote_counts(n_ideas, n_votes, n_voters, rng)
    board_of = rng.choices(board_ids, weights=[share for _, _, share, _ in BOARDS], k=n_ideas)
    status_names, status_weights = zip(*STATUSES)
    statuses = rng.choices(status_names, weights=status_weights, k=n_ideas)
    steps = [s for s in (rng.randrange(1, n_voters) for _ in range(1000)) if gcd(s, n_voters) == 1][:64] or [1]

    idea_rows, idea_tag_rows, reputation_rows = [], [], []
    ideas_per_board = dict.fromkeys(board_ids, 0)
    vote_columns = ["id", "idea_id", "user_id", "value", "created_at", "updated_at"]
    writer.drop_indexes("votes")
    writer.drop_indexes("ideas")
    t = time.perf_counter()
    bar = Progress(n_votes, "votes")
    vote_id = 0
    batch: list[tuple] = []
    copy_cm = writer.open_copy("votes", vote_columns) if kind == "postgres" else None
    copy = copy_cm.__enter__() if copy_cm is not None else None

    def flush():
        if copy is not None:
            for row in batch:
                copy.write_row(row)
        else:
            writer.insert("votes", vote_columns, batch)
        bar.update(len(batch))
        batch.clear()

    for i in range(n_ideas):
        idea_id = i + 1
        board_id = board_of[i]
        allow_down = BOARDS[board_id - 1][3]
        created_min = now_min - 60 - int(rnd() * year)
        n = counts[i]
        start, step = int(rnd() * n_voters), steps[int(rnd() * len(steps))]
        voters = sorted((start + k * step) % n_voters for k in range(n))
        span = now_min - created_min
        times = [created_min + int(rnd() * span) for _ in range(n)]
        p_down = rnd() * 0.3 if allow_down else 0.0
        if p_down:
            values = [-1 if rnd() < p_down else 1 for _ in range(n)]
        else:
            values = [1] * n
        for k in range(n):
            vote_id += 1
            stamp = stamps[times[k]]
            batch.append((vote_id, idea_id, voters[k] + 1, values[k], stamp, stamp))
        if len(batch) >= 50_000:
            flush()

        down = values.count(-1)
        up = n - down
        score = up - down
        up_times = [times[k] for k in range(n) if values[k] == 1]
        if up_times:
            top = max(up_times)
            trending = top / 2880 + math.log2(sum(2.0 ** ((m - top) / 2880) for m in up_times))
        else:
            trending = ranking.EMPTY
        created_at = EPOCH + timedelta(minutes=created_min)
        status = statuses[i]
        visibility = "pending" if rnd() < 0.005 else "visible"
        if visibility == "visible":
            ideas_per_board[board_id] += 1
        changed = stamps[created_min + span // 2] if status != "open" else None
        delivered = changed if status == "delivered" else None
        verb, obj, qual = rng.choice(VERBS), rng.choice(OBJECTS), rng.choice(QUALIFIERS)
        title = f"{verb} {obj} {qual} (#{idea_id})"
        body = (
            f"As a {rng.choice(PERSONAS)} I want to {verb.lower()} {obj} {qual}, so that I spend less "
            f"time on busywork. Today we work around it by hand every week."
        )
        author = 1 + int(rnd() * n_voters)
        # Reputation the author earned from the idea, as app.reputation.rules derives it: the votes
        # of everybody but the author, and the delivery.
        earned = up * REPUTATION_POINTS["vote_up"] + down * REPUTATION_POINTS["vote_down"]
        at = bisect_left(voters, author - 1)
        if at < n and voters[at] == author - 1:
            earned -= REPUTATION_POINTS["vote_up" if values[at] == 1 else "vote_down"]
        if earned:
            reputation_rows.append((idea_id, "vote", author, earned, stamps[max(times)]))
        if status == "delivered":
            reputation_rows.append((idea_id, "delivered", author, REPUTATION_POINTS["delivered"], changed))
        category = rng.choice(categories[board_id]) if rnd() < 0.7 else None
        idea_rows.append(
            (
                idea_id,
                board_id,
                author,
                category,
                title,
                body,
                status,
                visibility,
                stamps[created_min],
                changed,
                stamps[max(times) if times else created_min],
                up,
                down,
                score,
                0,
                0,
                ranking.hot(score, created_at),
                trending,
                ranking.wilson_lower_bound(up, down),
                delivered,
            )
        )
        if rnd() < 0.3:
            for tag_id in rng.sample(tags[board_id], 1 + int(rnd() * 2)):
                idea_tag_rows.append((idea_id, tag_id))
    flush()
    if copy_cm is not None:
        copy_cm.__exit__(None, None, None)
    timings["votes (generate + insert)"] = bar.close()

    t = time.perf_counter()
    writer.insert(
        "boards",
        [
            "id",
            "organisation_id",
            "name",
            "slug",
            "description",
            "is_private",
            "allow_downvotes",
            "idea_count",
            "created_at",
        ],
        [
            (board_id, 1, name, slug, f"Ideas for {name}.", F, T if down else F, ideas_per_board[board_id], created)
            for board_id, (slug, name, _, down) in zip(board_ids, BOARDS)
        ],
    )
    writer.insert("categories", ["id", "board_id", "name", "slug"], category_rows)
    writer.insert("tags", ["id", "board_id", "name"], tag_rows)
    writer.insert(
        "ideas",
        [
            "id",
            "board_id",
            "author_id",
            "category_id",
            "title",
            "body",
            "status",
            "visibility",
            "created_at",
            "status_changed_at",
            "last_activity_at",
            "upvotes",
            "downvotes",
            "score",
            "comment_count",
            "follower_count",
            "hot_rank",
            "trending_rank",
            "confidence_rank",
            "delivered_at",
        ],
        idea_rows,
    )
    writer.insert("idea_tags", ["idea_id", "tag_id"], idea_tag_rows)
    insert_reputation(writer, reputation_rows, stamps[now_min], T, F)
    timings["ideas, boards, tags"] = time.perf_counter() - t

    t = time.perf_counter()
    print("re-creating indexes and constraints ...", file=sys.stderr, flush=True)
    writer.restore()
    timings["indexes + constraints"] = time.perf_counter() - t
    t = time.perf_counter()
    writer.finish(analyse)
    timings["commit" + (" + analyse" if analyse else "") + (" + vacuum" if kind == "postgres" else "")] = (
        time.perf_counter() - t
    )
    timings["total"] = time.perf_counter() - t0

    big = max(ideas_per_board, key=ideas_per_board.get)
    state = {
        "kind": kind,
        "ideas": n_ideas,
        "votes": n_votes,
        "voters": n_voters,
        "clients": n_clients,
        "client_user_ids": [n_voters + k for k in range(1, n_clients + 1)],
        "ideas_per_board": {BOARDS[b - 1][0]: c for b, c in ideas_per_board.items()},
        "big_board": BOARDS[big - 1][0],
        "analysed": analyse,
        "seeded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "timings_s": {k: round(v, 1) for k, v in timings.items()},
        "load_average": f"{load_before} -> {loadavg()}",
    }
    seed_state_path(kind).write_text(json.dumps(state, indent=2))
    return state


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgres"), required=True)
    parser.add_argument("--ideas", type=int, default=100_000)
    parser.add_argument("--votes", type=int, default=5_000_000)
    parser.add_argument("--voters", type=int, default=50_000)
    parser.add_argument("--clients", type=int, default=64, help="extra users the load run signs in as")
    parser.add_argument(
        "--analyse",
        choices=("auto", "yes", "no"),
        default="auto",
        help="collect planner statistics: auto = on PostgreSQL (autovacuum would, soon "
        "after a load) and not on SQLite (the app never runs ANALYZE there)",
    )
    parser.add_argument(
        "--if-missing",
        action="store_true",
        help="do nothing when a seed of the same size is recorded and the database has it",
    )
    args = parser.parse_args(argv)
    database_url(args.db)  # refuses a non-bench database before anything is touched
    if args.if_missing and _already_seeded(args):
        print(f"bench {args.db} database already seeded ({seed_state_path(args.db)}); skipping", file=sys.stderr)
        return 0
    analyse = args.analyse == "yes" or (args.analyse == "auto" and args.db == "postgres")
    state = seed(args.db, args.ideas, args.votes, args.voters, args.clients, analyse)
    print(json.dumps({**state["timings_s"], "load_average": state["load_average"]}, indent=2))
    return 0


def _already_seeded(args) -> bool:
    state = read_seed_state(args.db)
    if not state or (state["ideas"], state["votes"], state["voters"], state["clients"]) != (
        args.ideas,
        args.votes,
        args.voters,
        args.clients,
    ):
        return False
    try:
        if args.db == "sqlite":
            if not SQLITE_PATH.exists():
                return False
            with sqlite3.connect(str(SQLITE_PATH)) as conn:
                ideas = conn.execute("SELECT count(*) FROM ideas").fetchone()[0]
        else:
            import psycopg

            with psycopg.connect(database_url(args.db), connect_timeout=5) as conn:
                ideas = conn.execute("SELECT count(*) FROM ideas").fetchone()[0]
    except Exception:
        return False
    return ideas == args.ideas


if __name__ == "__main__":
    sys.exit(main())
