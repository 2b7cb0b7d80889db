"""Routes of the challenges blueprint, one module a topic."""

from challenges.routes import browse, judging, posting, questions, solvers, solving  # noqa: F401
