"""Check every idea's counters against the votes table on a bench database, with the app's own
`ideas.counters.verify()` (what `flask votes verify` runs):

    .venv/bin/python -m bench.verify --db sqlite
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

from bench.common import app_env, database_url


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=("sqlite", "postgres"), required=True)
    args = parser.parse_args(argv)
    database_url(args.db)
    os.environ.update(app_env(args.db))
    from app import create_app
    from app.extensions import db
    from ideas import counters

    app = create_app()
    with app.app_context():
        started = time.perf_counter()
        differences = counters.verify()
        result = {
            "db": args.db,
            "ideas_checked": db.session.scalar(db.text("SELECT count(*) FROM ideas")),
            "differences": len(differences),
            "examples": [d.__dict__ for d in differences[:5]],
            "seconds": round(time.perf_counter() - started, 1),
        }
    print(json.dumps(result))
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
