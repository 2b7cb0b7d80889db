"""Benchmarks: a bulk seed of 100,000 ideas and 5,000,000 votes, and load runs under gunicorn
against a bare Flask yardstick. See bench/RESULTS.md; run with `make bench`."""
