"""The reputation ledger: points as events, totals per community, levels, badges and the Super Fan
flags. What earns points is decided above every feature (app.community.rules)."""

from flask import Flask


def init_app(app: Flask) -> None:
    from app.reputation import models  # noqa: F401  (tables)
