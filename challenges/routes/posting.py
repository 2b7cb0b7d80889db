"""posting routes."""
