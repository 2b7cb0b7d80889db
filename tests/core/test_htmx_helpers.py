"""The helpers every feature uses: fragments for htmx, full pages otherwise; redirects and the
sign-in redirect that htmx can follow."""

from flask import flash

from app.web import redirect_to, render

HX = {"HX-Request": "true", "HX-Current-URL": "http://localhost/orgs/acme?tab=ideas"}


def _register_demo_routes(app):
    @app.get("/_demo/fragment")
    def demo_fragment():
        return render("errors/error.html", partial="_partials/flashes.html", status=418, message="x")

    @app.post("/_demo/redirect")
    def demo_redirect():
        flash("Saved.", "success")
        return redirect_to("/orgs/")


def test_full_page_normally_fragment_for_htmx_and_vary_header(app, client):
    _register_demo_routes(app)
    full = client.get("/_demo/fragment")
    fragment = client.get("/_demo/fragment", headers=HX)
    assert "<html" in full.get_data(as_text=True)
    assert "<html" not in fragment.get_data(as_text=True)
    assert "HX-Request" in full.headers["Vary"] and "HX-Request" in fragment.headers["Vary"]


def test_redirect_is_303_for_browsers_and_hx_redirect_for_htmx(app, client):
    _register_demo_routes(app)
    browser = client.post("/_demo/redirect")
    assert browser.status_code == 303 and browser.headers["Location"] == "/orgs/"
    htmx = client.post("/_demo/redirect", headers=HX)
    assert htmx.status_code == 200 and htmx.headers["HX-Redirect"] == "/orgs/"


def test_sign_in_redirect_for_htmx_returns_to_the_page_not_the_fragment(client):
    response = client.post("/settings/profile", headers=HX)
    assert response.headers["HX-Redirect"] == "/login?next=/orgs/acme?tab%3Dideas"


def test_sign_in_redirect_for_browsers_keeps_the_requested_page(client):
    response = client.get("/settings/sessions")
    assert response.status_code == 303
    assert response.headers["Location"] == "/login?next=/settings/sessions"
