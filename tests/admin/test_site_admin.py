import pytest

from tests.support.factories import login, make_org, make_user


@pytest.mark.parametrize("path", ["/admin/users", "/admin/organisations"])
def test_admin_pages_are_404_for_everyone_else(user_client, client, path):
    assert user_client.get(path).status_code == 404
    assert client.get(path).status_code == 303  # anonymous: sign in first


def test_admin_lists_and_searches_users(site_admin_client):
    make_user("findme@example.com", name="Findable Person")
    make_user("other@example.com")
    page = site_admin_client.get("/admin/users?q=findme").get_data(as_text=True)
    assert "findme@example.com" in page and "other@example.com" not in page


def test_deactivating_a_user_signs_them_out_and_blocks_sign_in(app, site_admin_client, db):
    victim = make_user("victim@example.com")
    their_browser = app.test_client()
    login(their_browser, victim)
    assert site_admin_client.post(f"/admin/users/{victim.id}/active", data={"active": "0"}).status_code == 303
    assert their_browser.get("/settings/profile").status_code == 303
    assert site_admin_client.post(f"/admin/users/{victim.id}/active", data={"active": "1"}).status_code == 303
    db.session.refresh(victim)
    assert victim.active


def test_admin_cannot_lock_themselves_out(site_admin_client, db):
    me = site_admin_client.user
    site_admin_client.post(f"/admin/users/{me.id}/active", data={"active": "0"})
    site_admin_client.post(f"/admin/users/{me.id}/site-admin", data={"site_admin": "0"})
    db.session.refresh(me)
    assert me.active and me.is_site_admin


def test_admin_sees_every_organisation_with_member_counts(site_admin_client):
    make_org(name="Initech", slug="initech")
    page = site_admin_client.get("/admin/organisations").get_data(as_text=True)
    assert "Initech" in page


def test_non_admin_cannot_use_admin_actions(user_client, db):
    target = make_user()
    assert user_client.post(f"/admin/users/{target.id}/site-admin", data={"site_admin": "1"}).status_code == 404
    db.session.refresh(target)
    assert not target.is_site_admin
