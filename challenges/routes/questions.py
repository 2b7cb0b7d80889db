"""questions routes."""
