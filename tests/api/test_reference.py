"""/api/docs: the API reference, rendered on the server from the same OpenAPI document."""

import re


def test_the_reference_shows_every_operation_with_its_details(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    page = response.get_data(as_text=True)

    assert re.search(r'api-method-get">GET</span>\s*<code class="api-path">/api/v1/me</code>', page)
    assert re.search(r'api-method-patch">PATCH</span>\s*<code class="api-path">/api/v1/me</code>', page)
    assert "Who you are" in page and "organisations you belong to" in page
    # the query parameters of a list, with their rules
    assert "<code>limit</code>" in page and "1 to 100; default 20" in page
    # the body of a write, field by field
    assert "<code>display_name</code>" in page and "1 to 80 characters" in page
    # what each failure means to a client
    assert "<code>fields</code> says which" in page
    # schemas are described field by field, and linked from the operations
    assert 'id="schema-MeOut"' in page and 'href="#schema-MeOut"' in page
    assert "<code>email_verified</code>" in page
    assert 'id="schema-Error"' in page
    # the conventions from the document's description, as HTML
    assert "<strong>Pagination.</strong>" in page and "<code>next_cursor</code>" in page


def test_the_reference_respects_the_content_security_policy(client):
    page = client.get("/api/docs").get_data(as_text=True)
    assert 'style="' not in page and "<style" not in page
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", page))
    assert not re.search(r"\son[a-z]+=", page)  # no inline event handlers
    assert "//cdn" not in page and "https://" not in page.split("<main")[1].split("</main>")[0]


def test_the_footer_links_to_the_api_reference(client):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/api/docs"' in page


def test_signed_in_readers_are_pointed_to_their_tokens(user_client):
    assert 'href="/settings/tokens"' in user_client.get("/api/docs").get_data(as_text=True)
