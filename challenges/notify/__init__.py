"""Who hears about what happens to a challenge: subscribers to the domain events in app.events,
one module a part of a challenge's life."""

from challenges.notify import judging, posting, solving  # noqa: F401
