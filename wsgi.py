"""The WSGI entry point: `gunicorn wsgi:app`."""

import gc

from app import create_app

app = create_app()

# What the app builds at start-up (modules, mappers, routes, configuration) lives as
# long as the worker: moved out of the collector's generations, no collection scans it again.
gc.freeze()
