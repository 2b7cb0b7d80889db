"""The yardstick: a bare Flask app, served by gunicorn with the very settings the real app gets.

Every path answers a few bytes for GET and POST, so the load generator can send the very same
requests (same paths, headers and bodies) to it and to the app; the difference is the app's own
cost: routing, sessions, CSRF, the database, templates. No database is touched here.
"""

from flask import Flask

app = Flask(__name__)


@app.route("/", defaults={"path": ""}, methods=["GET", "POST"])
@app.route("/<path:path>", methods=["GET", "POST"])
def ok(path: str):
    return "<p>ok</p>"
