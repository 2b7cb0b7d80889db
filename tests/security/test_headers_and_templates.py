"""Security headers on every response, and templates the strict CSP can serve."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_pages_carry_a_strict_csp_and_the_other_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers  # development serves plain HTTP


def test_error_pages_and_json_carry_the_headers_too(client):
    assert "Content-Security-Policy" in client.get("/no-such-page").headers
    assert client.get("/api/v1/me").headers["X-Content-Type-Options"] == "nosniff"


def test_no_template_has_inline_script_handlers_or_styles():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        # A JSON-LD data block is not executed, so the CSP allows it (the browser tests check it).
        for _match in re.finditer(r'<script(?![^>]*\b(?:src=|type="application/ld\+json"))[^>]*>', text):
            offenders.append(f"{path.name}: inline <script>")
        if re.search(r"\son[a-z]+\s*=\s*[\"']", text):
            offenders.append(f"{path.name}: inline event handler")
        if re.search(r"\sstyle\s*=\s*[\"']", text) or "<style" in text:
            offenders.append(f"{path.name}: inline style")
        if re.search(r"(src|href)=\"(https?:)?//", text):
            offenders.append(f"{path.name}: loads from another origin")
    assert offenders == []


def test_htmx_is_vendored_with_eval_off(client):
    page = client.get("/").get_data(as_text=True)
    assert '"allowEval": false' in page
    src = re.search(r'<script src="([^"]*htmx[^"]*)"', page).group(1)
    assert src.startswith("/static/vendor/htmx/")
    assert client.get(src).status_code == 200


def test_csp_reports_are_accepted_and_logged(client, caplog):
    report = {
        "csp-report": {"blocked-uri": "inline", "violated-directive": "script-src", "document-uri": "http://localhost/"}
    }
    response = client.post("/csp-report", json=report)
    assert response.status_code == 204


def test_signed_in_pages_and_api_answers_are_kept_by_no_cache(app, client, user_client, org_admin_client, org):
    from tests.support.factories import make_board, token_client

    board = make_board(org)
    board_page = f"/boards/{org.slug}/{board.slug}"
    for signed_in in (
        user_client.get("/settings/profile"),
        org_admin_client.get(f"/orgs/{org.slug}/billing"),
        user_client.get(board_page),
    ):
        assert signed_in.status_code == 200 and signed_in.headers["Cache-Control"] == "private, no-store"
    api = token_client(app, user_client.user)
    assert api.get("/api/v1/me").headers["Cache-Control"] == "private, no-store"
    assert api.get("/api/v1/tokens").headers["Cache-Control"] == "private, no-store"
    # What anyone may see may be cached; the stylesheet too, whoever asks.
    assert "no-store" not in client.get(board_page).headers.get("Cache-Control", "")
    assert "no-store" not in user_client.get("/static/app.css").headers.get("Cache-Control", "")
