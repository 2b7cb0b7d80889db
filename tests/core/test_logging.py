"""One log pipeline: every logger writes one JSON object a line to stderr, with the request id (echoed in
the X-Request-ID response header) inside a request and the job id inside a job."""

from __future__ import annotations

import json
import logging
import sys

import pytest

from app import audit, jobs, logs

settle_log = logging.getLogger("challenges.payments.settle")


@jobs.job("test.logging.settle")
def _settle(payload: dict) -> None:
    settle_log.info("settling inside a job")


@pytest.fixture
def app_config(app_config):
    # INFO must come through whatever LOG_LEVEL the environment running the tests sets.
    return {**app_config, "LOG_LEVEL": "INFO"}


@pytest.fixture
def logging_app(app):
    @app.get("/logging-probe")
    def probe():
        settle_log.info("settled", extra={"amount_cents": 500})
        audit.event("probe.seen", user_id=3)
        return "ok"

    return app


def json_lines(capsys) -> list[dict]:
    """The JSON objects written to stderr so far (other output, if any, is not ours to judge)."""
    lines = []
    for line in capsys.readouterr().err.splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    return lines


def lines_with_message(capsys, message: str) -> list[dict]:
    return [line for line in json_lines(capsys) if line["message"] == message]


def test_a_requests_lines_carry_the_request_id_its_response_echoes(logging_app, client, capsys):
    capsys.readouterr()
    response = client.get("/logging-probe")
    request_id = response.headers["X-Request-ID"]
    lines = json_lines(capsys)
    settled = [line for line in lines if line["message"] == "settled"]
    seen = [line for line in lines if line["message"] == "probe.seen"]
    assert len(settled) == 1 and len(seen) == 1  # the audit logger is not written twice
    assert settled[0]["request_id"] == seen[0]["request_id"] == request_id
    assert settled[0]["logger"] == "challenges.payments.settle" and settled[0]["level"] == "info"
    assert settled[0]["amount_cents"] == 500
    assert seen[0]["logger"] == "ideaforge.audit"
    assert seen[0]["event"] == "probe.seen" and seen[0]["user_id"] == 3 and seen[0]["path"] == "/logging-probe"
    assert settled[0]["time"].endswith("+00:00")


def test_each_request_gets_a_new_id(logging_app, client):
    first = client.get("/logging-probe").headers["X-Request-ID"]
    second = client.get("/logging-probe").headers["X-Request-ID"]
    assert first != second and len(first) == 32


def test_a_sane_incoming_request_id_is_kept(logging_app, client, capsys):
    capsys.readouterr()
    response = client.get("/logging-probe", headers={"X-Request-ID": "edge-42.a_B"})
    assert response.headers["X-Request-ID"] == "edge-42.a_B"
    assert lines_with_message(capsys, "settled")[0]["request_id"] == "edge-42.a_B"


@pytest.mark.parametrize("incoming", ["has space", "semi;colon", "x" * 65, "<script>", ""])
def test_an_insane_incoming_request_id_is_replaced(logging_app, client, incoming):
    echoed = client.get("/logging-probe", headers={"X-Request-ID": incoming}).headers["X-Request-ID"]
    assert echoed != incoming and len(echoed) == 32 and echoed.isalnum()


def test_lines_outside_requests_and_jobs_carry_neither_id(app, capsys):
    capsys.readouterr()
    settle_log.info("outside")
    [line] = lines_with_message(capsys, "outside")
    assert "request_id" not in line and "job_id" not in line


def test_records_inside_a_job_context_carry_the_job_id(app, capsys):
    capsys.readouterr()
    with logs.job_context(7):
        settle_log.info("inside the job")
    settle_log.info("after the job")
    by_message = {line["message"]: line for line in json_lines(capsys)}
    assert by_message["inside the job"]["job_id"] == 7
    assert "job_id" not in by_message["after the job"]


@pytest.fixture
def settle_job(app):
    jobs.connect(app, sys.modules[__name__])


def test_the_job_runner_gives_a_handlers_records_the_job_id(app, db, settle_job, capsys):
    app.config["JOBS_BACKEND"] = "manual"
    job = jobs.enqueue("test.logging.settle")
    db.session.commit()
    capsys.readouterr()
    assert jobs.run_due() == (1, 0)
    [line] = lines_with_message(capsys, "settling inside a job")
    assert line["job_id"] == job.id


def test_an_exception_is_one_json_line_with_its_traceback(app, capsys):
    capsys.readouterr()
    try:
        raise ValueError("the ledger does not balance")
    except ValueError:
        settle_log.exception("settlement failed")
    raw = [line for line in capsys.readouterr().err.splitlines() if "settlement failed" in line]
    assert len(raw) == 1
    entry = json.loads(raw[0])
    assert entry["level"] == "error"
    assert "Traceback (most recent call last)" in entry["exception"]
    assert "ValueError: the ledger does not balance" in entry["exception"]


def test_configuring_again_adds_no_second_handler(app):
    logs.configure(app)
    handlers = [handler for handler in logging.getLogger().handlers if isinstance(handler, logs.JsonStderrHandler)]
    assert len(handlers) == 1
