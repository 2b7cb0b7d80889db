"""browse routes."""
