"""Routes of the ideas blueprint, one module a topic."""

from ideas.routes import boards, comments, community, feeds, ideas, me, moderation  # noqa: F401
