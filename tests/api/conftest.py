"""API fixtures: a personal access token for the signed-in `user`, and bearer headers."""

from __future__ import annotations

import pytest

from app.api import services


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def token_secret(user) -> str:
    """A fresh token of `user` (Casey Customer); only this secret can use it."""
    _token, secret = services.create_token(user, "test script")
    return secret


@pytest.fixture
def api(client, token_secret):
    """A client calling the API with `user`'s token."""
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token_secret}"
    return client
