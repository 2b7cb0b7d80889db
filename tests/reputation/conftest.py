import pytest


@pytest.fixture(autouse=True)
def _jobs_wait(app_config):
    """Mail jobs wait for `flask jobs run`: these tests are about points, not mail, and a
    mail thread writing between two statements would only make them slower."""
    app_config["JOBS_BACKEND"] = "manual"
