"""Forms of the challenges pages, one module a topic."""
