"""solving routes."""
