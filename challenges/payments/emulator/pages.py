"""The pages a person sees: hosted checkout, Connect onboarding and a small overview.

Plain HTML forms with labelled buttons; no scripts, no external assets, so they work in any
browser and in Playwright without network access.
"""

from html import escape

from werkzeug.routing import Map, Rule
from werkzeug.utils import redirect
from werkzeug.wrappers import Response

from . import flows
from .errors import StripeError
from .state import new_id

ZERO_DECIMAL = {"jpy", "krw", "vnd", "clp", "isk", "ugx", "xof", "xaf"}

URLS = Map(
    [
        Rule("/", endpoint="overview", methods=["GET"]),
        Rule("/overview/<action>/<object_id>", endpoint="overview_action", methods=["POST"]),
        Rule("/pay/<session_id>", endpoint="checkout", methods=["GET", "POST"]),
        Rule("/connect/onboard/<token>", endpoint="onboard", methods=["GET", "POST"]),
    ]
)


def money(amount, currency):
    if currency in ZERO_DECIMAL:
        return f"{amount} {currency.upper()}"
    return f"{amount / 100:,.2f} {currency.upper()}"


def page(title, body, status=200):
    html = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · Stripe emulator</title>
<style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5}}
button{{font:inherit;padding:.5rem 1rem;margin:.25rem .25rem .25rem 0}}.error{{color:#b00020}}
table{{border-collapse:collapse}}td,th{{padding:.25rem .75rem .25rem 0;text-align:left}}</style>
</head><body><main>
<p><small>Local Stripe emulator (test mode). No real money moves.</small></p>
<h1>{escape(title)}</h1>
{body}
</main></body></html>"""
    return Response(html, status=status, mimetype="text/html")


def dispatch(store, request):
    try:
        endpoint, args = URLS.bind_to_environ(request.environ).match()
    except Exception:
        return None
    with store.lock:
        store.request = {"id": None, "idempotency_key": None}  # Events from pages have no API request
        return globals()[endpoint](store, request, **args)


# -- hosted checkout ------------------------------------------------------------------------


def checkout(store, request, session_id):
    flows.sweep_expired(store)
    session = store.objects.get(session_id)
    if session is None or session["object"] != "checkout.session":
        return page("Checkout not found", "<p>This payment page does not exist.</p>", 404)
    if request.method == "POST":
        action = request.form.get("action", "")
        if action == "cancel":
            return _leave(session["cancel_url"], "Payment cancelled")
        try:
            flows.pay_session(store, session_id, action)
        except StripeError as error:
            return _checkout_page(store, session, error.message, 402 if error.status == 402 else 400)
        url = (session["success_url"] or "").replace("{CHECKOUT_SESSION_ID}", session_id)
        return _leave(url, "Payment submitted")
    return _checkout_page(store, session)


def _checkout_page(store, session, error=None, status=200):
    total = money(session["amount_total"], session["currency"])
    if session["status"] == "expired":
        return page("Checkout expired", "<p>This payment page has expired. Return to the site to start again.</p>", 410)
    if session["status"] == "complete":
        return page("Already paid", f"<p>This payment of {escape(total)} has been submitted.</p>")
    rows = "".join(
        f"<tr><td>{escape(str(line['name']))}</td><td>{line['quantity']}</td><td>{escape(money(line['unit_amount'], session['currency']))}</td></tr>"
        for line in store.private[session["id"]]["lines"]
    )
    alert = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    email = session["customer_email"] or "test customer"
    body = f"""{alert}
<table><caption>Order</caption><thead><tr><th scope="col">Item</th><th scope="col">Quantity</th><th scope="col">Unit price</th></tr></thead>
<tbody>{rows}</tbody></table>
<p>Total due: <strong>{escape(total)}</strong>, paid by {escape(email)}.</p>
<form method="post" action="/pay/{escape(session["id"])}">
<fieldset><legend>Payment method</legend>
<button type="submit" name="action" value="card">Pay</button> with the test card 4242 4242 4242 4242<br>
<button type="submit" name="action" value="bank_success">Pay by bank (succeeds later)</button><br>
<button type="submit" name="action" value="bank_fail">Pay by bank (fails later)</button><br>
<button type="submit" name="action" value="decline">Decline card</button>
</fieldset>
<button type="submit" name="action" value="cancel">Cancel</button>
</form>"""
    return page(f"Pay {total}", body, status)


def _leave(url, title):
    if url:
        return redirect(url, 303)
    return page(title, "<p>You can close this page.</p>")


# -- Connect onboarding ---------------------------------------------------------------------


def onboard(store, request, token):
    link = store.links.get(token)
    if link is None:
        return page("Link not valid", "<p>This onboarding link does not exist.</p>", 404)
    if request.method == "POST":
        visit = store.onboarding.pop(request.form.get("visit", ""), None)
        if visit is None or visit != token or request.form.get("action") != "complete":
            return redirect(link["refresh_url"], 303)
        flows.complete_onboarding(store, link["account"])
        return redirect(link["return_url"], 303)
    # Account Links are single-use and short-lived; a stale one sends the user to refresh_url.
    if link["used"] or store.now() >= link["expires_at"]:
        return redirect(link["refresh_url"], 303)
    link["used"] = True
    visit = new_id("", 24)
    store.onboarding[visit] = token
    account = store.objects[link["account"]]
    body = f"""<p>Account <code>{escape(account["id"])}</code>{" for " + escape(account["email"]) if account["email"] else ""}.</p>
<p>In test mode the identity and bank details are filled in for you.</p>
<form method="post" action="/connect/onboard/{escape(token)}">
<input type="hidden" name="visit" value="{escape(visit)}">
<button type="submit" name="action" value="complete">Complete onboarding</button>
<button type="submit" name="action" value="leave">Leave</button>
</form>"""
    return page("Set up payouts", body)


# -- overview -------------------------------------------------------------------------------


def overview(store, request):
    waiting = [
        s
        for s in store.all("checkout.session")
        if s["status"] == "complete"
        and s["payment_status"] == "unpaid"
        and (store.objects.get(s["payment_intent"] or "") or {}).get("status") == "processing"
    ]
    pending = [a for a in store.all("account") if not a["details_submitted"]]
    events = store.all("event")[:20] + [e for a in store.all("account") for e in store.all("event", a["id"])][:20]
    sections = ["<h2>Bank payments waiting to settle</h2>"]
    sections += [
        _buttons(
            "settle",
            s["id"],
            f"{s['id']} · {money(s['amount_total'], s['currency'])}",
            [("succeed", "Payment succeeds"), ("fail", "Payment fails")],
        )
        for s in waiting
    ] or ["<p>None.</p>"]
    sections.append("<h2>Accounts not yet onboarded</h2>")
    sections += [
        _buttons("onboard", a["id"], f"{a['id']} · {a['email'] or ''}", [("complete", "Complete onboarding")])
        for a in pending
    ] or ["<p>None.</p>"]
    items = "".join(
        f"<li><code>{escape(e['id'])}</code> {escape(e['type'])}</li>"
        for e in sorted(events, key=lambda e: e["created"], reverse=True)[:20]
    )
    sections.append(f"<h2>Recent events</h2><ul>{items or '<li>None yet.</li>'}</ul>")
    return page("Overview", "\n".join(sections))


def _buttons(action, object_id, label, choices):
    buttons = "".join(f'<button type="submit" name="choice" value="{v}">{escape(t)}</button>' for v, t in choices)
    return (
        f'<form method="post" action="/overview/{action}/{escape(object_id)}"><p>{escape(label)} {buttons}</p></form>'
    )


def overview_action(store, request, action, object_id):
    try:
        if action == "settle":
            flows.settle_session(store, object_id, request.form.get("choice") == "succeed")
        elif action == "onboard":
            flows.complete_onboarding(store, object_id)
    except StripeError as error:
        return page(
            "Not done",
            f'<p class="error" role="alert">{escape(error.message)}</p><p><a href="/">Back</a></p>',
            400,
        )
    return redirect("/", 303)
