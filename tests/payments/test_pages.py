"""Earnings, onboarding links, billing, the overview and the command line."""

from challenges.payments import webhooks
from challenges.payments.models import Payout
from challenges.services import awards
from tests.payments.flows import after_deadline, funded, owner
from tests.support.factories import login, make_user

SETTLE_BY_HAND = True


def test_connecting_a_payout_account_with_stale_links_and_return(app, client, db, ctl):
    solver = make_user()
    login(client, solver)
    page = client.get("/earnings").get_data(as_text=True)
    assert "Connect a payout account" in page
    first = client.post("/earnings/connect")
    assert first.status_code == 303 and first.location.startswith(ctl.url)
    # A stale link sends the solver to refresh_url, which makes a new one for the same account.
    fresh = client.get("/earnings/connect/refresh")
    assert fresh.status_code == 302 and fresh.location.startswith(ctl.url) and fresh.location != first.location
    assert len(ctl.objects("account")) == 1
    unfinished = client.get("/earnings/connect/return", follow_redirects=True).get_data(as_text=True)
    assert "Stripe still needs some details" in unfinished
    ctl.complete_onboarding(ctl.objects("account")[0]["id"])
    done = client.get("/earnings/connect/return", follow_redirects=True).get_data(as_text=True)
    assert "Your payout account is connected" in done and "Connected: awards are paid" in done


def test_winner_sees_pending_then_paid_and_org_sees_billing(app, client, db, ctl):
    challenge, entries, payment = funded(ctl, submissions=1)
    awards.award(owner(challenge), challenge, [(entries[0].id, 80_000)], now=after_deadline(challenge))
    from challenges.payments import settle

    settle.settle(challenge.id)
    winner = entries[0].solver
    login(client, winner)
    page = client.get("/earnings").get_data(as_text=True)
    assert "$800" in page and "Pending" in page and "Waiting for the winner to connect" in page
    client.post("/earnings/connect")
    ctl.complete_onboarding(ctl.objects("account")[0]["id"])
    webhooks.sync()
    page = client.get("/earnings").get_data(as_text=True)
    assert "Paid" in page and "Pending" not in page

    login(client, owner(challenge))
    billing = client.get(f"/orgs/{challenge.organisation.slug}/billing").get_data(as_text=True)
    for figure in ("$1,000", "$800", "$200", "$1,050", "$50"):  # funded, awarded+paid, refunded, receipt, fee
        assert figure in billing
    stranger = app.test_client()
    login(stranger, make_user())
    assert stranger.get(f"/orgs/{challenge.organisation.slug}/billing").status_code == 404
    assert stranger.get("/admin/money").status_code == 404
    assert stranger.post(f"/payouts/{db.session.query(Payout).one().id}/retry").status_code == 404


def test_overview_and_reconcile_report_differences(app, runner, site_admin_client, db, ctl):
    challenge, entries, payment = funded(ctl, submissions=1)
    assert "Every journal balances" in site_admin_client.get("/admin/money").get_data(as_text=True)
    assert runner.invoke(args=["payments", "reconcile"]).exit_code == 0
    # A charge Stripe has that the ledger does not know about is reported.
    from tests.payments.flows import awaiting, checkout

    other = checkout(awaiting())
    ctl.pay_checkout(other.session_id)
    result = runner.invoke(args=["payments", "reconcile"])
    assert result.exit_code == 1 and "has no payment here" in result.output
    synced = runner.invoke(args=["payments", "sync"])
    assert synced.exit_code == 0 and "applied" in synced.output
    assert runner.invoke(args=["payments", "reconcile"]).exit_code == 0


def test_billing_offers_to_retry_a_refused_refund_to_its_people_only(app, client, db, ctl):
    from challenges.payments.models import Refund
    from challenges.services import posting

    challenge, _, _ = funded(ctl, submissions=0)
    ctl.refuse_refunds()
    posting.cancel(owner(challenge), challenge, "The team was reorganised, sorry.")
    from challenges.payments import settle

    settle.settle(challenge.id)
    refund = db.session.query(Refund).one()
    billing_url = f"/orgs/{challenge.organisation.slug}/billing"

    stranger = app.test_client()
    login(stranger, make_user())
    assert stranger.post(f"/refunds/{refund.id}/retry").status_code == 404

    login(client, owner(challenge))
    page = client.get(billing_url).get_data(as_text=True)
    assert "Failed. Stripe refused it: Your platform" in page and "Try the refund again" in page
    again = client.post(
        f"/refunds/{refund.id}/retry", headers={"Referer": f"http://localhost{billing_url}"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Stripe refused the refund again" in again  # still refused: nothing changed but the attempt
    ctl.refuse_refunds(False)
    done = client.post(
        f"/refunds/{refund.id}/retry", headers={"Referer": f"http://localhost{billing_url}"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "The refund has been made." in done and "Refunded" in done and "Try the refund again" not in done
    db.session.refresh(refund)
    assert (refund.state, refund.attempt) == ("succeeded", 3)
