"""Routes of the ideas blueprint, one module a topic."""

from ideas.routes import boards, comments, community, feeds, ideas, me, merging, moderation  # noqa: F401
