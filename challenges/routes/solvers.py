"""solvers routes."""
