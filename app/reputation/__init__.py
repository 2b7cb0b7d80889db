"""Reputation: points as events, levels, badges, Super Fans, leaderboards, the community's
health page, and the privileges reputation unlocks. The blueprint is `routes.bp` (importing
it here would tie this package's models and rules into the ideas package's import cycle)."""
