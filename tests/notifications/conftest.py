import pytest


@pytest.fixture
def app_config(app_config):
    return {**app_config, "NOTIFICATION_MAIL": True}
