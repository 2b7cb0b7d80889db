"""judging routes."""
