"""Attachments to submissions: refused by size, count and content (not by name), stored under
generated names, and only ever downloaded, byte for byte, by the author and the judges."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from app.extensions import db
from challenges.models import Attachment, Submission
from challenges.services import solving
from tests.support.challenges import make_challenge
from tests.support.factories import add_member, login, make_user

LIMIT = 4096
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
TEXT = "Measurements on a 2019 phone: cold start 6.1 s → 3.2 s.\n".encode()
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="4"/></svg>'
BODY = "Defer the analytics and map SDKs until first use; details in the files."


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "inside")
    return buffer.getvalue()


@pytest.fixture
def app_config(app_config):
    app_config["UPLOAD_MAX_BYTES"] = LIMIT
    return app_config


@pytest.fixture
def upload_dir(app) -> Path:
    return Path(app.config["UPLOAD_DIR"])


@pytest.fixture
def challenge(app):
    return make_challenge()


@pytest.fixture
def solver(app, challenge):
    user = make_user(name="Sam Solver")
    solving.accept_agreement(user, challenge)
    client = app.test_client()
    login(client, user)
    client.user = user
    return client


def stored_files(upload_dir: Path) -> list[Path]:
    return [p for p in upload_dir.rglob("*") if p.is_file()] if upload_dir.exists() else []


def post(client, challenge, files, title="Lazy-load the heavy modules", body=BODY, **extra):
    data = {"title": title, "body": body, "files": [(io.BytesIO(content), name) for name, content in files]}
    data.update(extra)
    return client.post(f"/challenges/{challenge.id}/submit", data=data, content_type="multipart/form-data")


def test_good_files_are_accepted_and_downloaded_byte_for_byte_by_author_and_judge(app, challenge, solver, upload_dir):
    response = post(solver, challenge, [("report.pdf", PDF), ("chart.png", PNG), ("notes.txt", TEXT)])
    assert response.status_code == 303
    submission = db.session.query(Submission).one()
    assert {a.filename: a.content_type for a in submission.attachments} == {
        "report.pdf": "application/pdf",
        "chart.png": "image/png",
        "notes.txt": "text/plain",
    }
    judge = add_member(challenge.organisation, make_user(), "judge")
    judge_client = app.test_client()
    login(judge_client, judge)
    for client in (solver, judge_client):
        page = client.get(f"/submissions/{submission.id}").get_data(as_text=True)
        for attachment, content in zip(submission.attachments, (PDF, PNG, TEXT)):
            link = f"/submissions/{submission.id}/attachments/{attachment.id}"
            assert link in page
            download = client.get(link)
            assert download.status_code == 200 and download.data == content
            assert download.headers["Content-Disposition"].startswith("attachment")
            assert attachment.filename in download.headers["Content-Disposition"]
    # Stored in the challenge's folder under generated names, never the solver's.
    files = stored_files(upload_dir)
    assert len(files) == 3 and {p.parent.name for p in files} == {str(challenge.id)}
    assert not any(name in p.name for p in files for name in ("report", "chart", "notes"))


def test_oversize_is_refused_and_nothing_is_written(challenge, solver, upload_dir):
    response = post(solver, challenge, [("small.pdf", PDF), ("big.pdf", PDF + b"0" * LIMIT)])
    assert response.status_code == 422
    assert "larger than the limit of 4 KB" in response.get_data(as_text=True)
    assert stored_files(upload_dir) == []
    assert db.session.query(Submission).count() == 0 and db.session.query(Attachment).count() == 0


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("report.pdf", HTML, "named .pdf but its content is text"),
        ("chart.png", zip_bytes(), "named .png but its content is ZIP"),
        ("notes.txt", HTML, "looks like a web page"),
        ("drawing.txt", SVG, "looks like a web page"),
        ("drawing.svg", SVG, "named .svg"),
        ("page.html", b"Just words.", "named .html"),
        ("data.csv", "caf\xe9".encode("latin-1"), "neither plain text"),
        ("empty.txt", b"", "is empty"),
    ],
)
def test_content_decides_the_type_not_the_name(challenge, solver, upload_dir, name, content, message):
    response = post(solver, challenge, [(name, content)])
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert stored_files(upload_dir) == [] and db.session.query(Submission).count() == 0


def test_markup_split_across_chunks_is_still_found(challenge, solver, upload_dir, monkeypatch):
    from challenges import uploads

    monkeypatch.setattr(uploads, "CHUNK", 16)
    text = b"a" * 14 + b"<scr" + b"ipt>alert(1)</script>"
    response = post(solver, challenge, [("notes.txt", text)])
    assert "looks like a web page" in response.get_data(as_text=True)
    assert stored_files(upload_dir) == []


def test_office_documents_are_zip_inside_and_named_for_their_program(challenge, solver):
    assert post(solver, challenge, [("plan.docx", zip_bytes()), ("data.zip", zip_bytes())]).status_code == 303
    types = {a.filename: a.content_type for a in db.session.query(Submission).one().attachments}
    assert types["plan.docx"].endswith("wordprocessingml.document") and types["data.zip"] == "application/zip"


def test_path_traversal_names_are_stored_safely(challenge, solver, upload_dir):
    response = post(
        solver, challenge, [("../../../etc/passwd", TEXT), ("..\\..\\windows\\boot.txt", TEXT), ("/tmp/evil.pdf", PDF)]
    )
    assert response.status_code == 303
    names = sorted(a.filename for a in db.session.query(Attachment))
    assert "passwd.txt" in names and "evil.pdf" in names and names[-1].endswith("boot.txt")
    assert not any("/" in name or "\\" in name or ".." in name for name in names)
    files = stored_files(upload_dir)
    assert len(files) == 3
    for path in files:
        assert path.resolve().is_relative_to(upload_dir.resolve())
        assert len(path.name) == 32 and path.parent.name == str(challenge.id)
    assert not (upload_dir.parent / "etc").exists()


@pytest.mark.parametrize(
    "opener",
    [
        b"<!-- x -->",
        b"<a href=x>",
        b"<p>",
        b"<b>",
        b"<br>",
        b"<div>",
        b"<h1>",
        b"<font>",
        b"<table>",
        b"<title>",
        b"</b>",
        b"<IMG src=x>",
    ],
)
def test_any_tag_a_browser_could_sniff_as_html_is_refused(challenge, solver, upload_dir, opener):
    response = post(solver, challenge, [("notes.md", b"Some results " + opener + b" more words\n")])
    assert response.status_code == 422 and "looks like a web page" in response.get_data(as_text=True)
    assert stored_files(upload_dir) == []


def test_text_is_only_ever_downloaded(challenge, solver):
    """Accepted text (comparisons included) is sent as an attachment that cannot render."""
    sneaky = b"Results: a < b, 3 <= 4, x -> y and <5 ms everywhere\n"
    assert post(solver, challenge, [("results.md", sneaky)]).status_code == 303
    submission = db.session.query(Submission).one()
    [attachment] = submission.attachments
    response = solver.get(f"/submissions/{submission.id}/attachments/{attachment.id}")
    assert response.data == sneaky
    assert response.headers["Content-Disposition"] == "attachment; filename=results.md"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"].startswith("sandbox")
    assert response.headers["Content-Type"] == "text/markdown; charset=utf-8"  # one charset, not two


def test_at_most_five_files_counting_those_already_attached(challenge, solver, upload_dir):
    assert post(solver, challenge, [(f"part{i}.txt", TEXT) for i in range(3)]).status_code == 303
    response = post(solver, challenge, [(f"more{i}.txt", TEXT) for i in range(3)])
    assert response.status_code == 422
    assert "at most 5 files" in response.get_data(as_text=True)
    assert len(stored_files(upload_dir)) == 3
    submission = db.session.query(Submission).one()
    assert submission.version == 1 and len(submission.attachments) == 3
    # Removing one makes room for the three.
    remove = submission.attachments[0].id
    assert post(solver, challenge, [(f"more{i}.txt", TEXT) for i in range(3)], remove=[remove]).status_code == 303
    db.session.refresh(submission)
    assert len(submission.attachments) == 5 and remove not in {a.id for a in submission.attachments}


def test_files_are_deleted_when_the_submission_is_refused(challenge, solver, upload_dir):
    response = post(solver, challenge, [("report.pdf", PDF)], title="")
    assert response.status_code == 422
    assert stored_files(upload_dir) == [] and db.session.query(Attachment).count() == 0


def test_removed_and_foreign_attachments_answer_404(app, challenge, solver):
    post(solver, challenge, [("report.pdf", PDF), ("notes.txt", TEXT)])
    submission = db.session.query(Submission).one()
    pdf, notes = submission.attachments
    other = make_user()
    solving.accept_agreement(other, challenge)
    other_client = app.test_client()
    login(other_client, other)
    post(other_client, challenge, [("theirs.txt", TEXT)])
    theirs = db.session.query(Attachment).filter_by(filename="theirs.txt").one()
    # Another submission's file through mine: 404.
    assert solver.get(f"/submissions/{submission.id}/attachments/{theirs.id}").status_code == 404
    post(solver, challenge, [], remove=[pdf.id])
    assert solver.get(f"/submissions/{submission.id}/attachments/{pdf.id}").status_code == 404
    # The earlier version still lists it, and serves it from there.
    version = solving.versions(db.session.get(Submission, submission.id))[0]
    kept = solver.get(f"/submissions/{submission.id}/versions/{version.version}/attachments/{pdf.id}")
    assert kept.status_code == 200 and kept.data == PDF
    assert (
        solver.get(f"/submissions/{submission.id}/versions/{version.version}/attachments/{theirs.id}").status_code
        == 404
    )
