"""Mail as it leaves the app: written to files in development, sent by SMTP otherwise. A link
stays one unbroken line, so it can be copied from the file or followed in any mail reader."""

from __future__ import annotations

from pathlib import Path

from app.mail import send_mail

LINK = "http://localhost/reset/" + "a1B2c3D4" * 20  # 183 characters: longer than a 78-column line
TEXT = f"Hello Zoë,\n\nChoose a new password here:\n{LINK}\n\n— Ideaforge\n"


def test_development_mail_is_written_as_plain_utf8_with_the_link_unbroken(app):
    app.config["MAIL_BACKEND"] = "console"
    send_mail("zoe@example.com", "Réinitialiser your password", TEXT)
    folder = Path(app.config["MAIL_DIR"])
    [eml] = folder.glob("*.eml")
    raw = eml.read_bytes()
    assert b"Content-Transfer-Encoding: 8bit" in raw
    assert LINK.encode() + b"\n" in raw and "Hello Zoë,".encode() in raw  # no =\n soft breaks, no =C3=AB
    readable = eml.with_suffix(".txt").read_text(encoding="utf-8")
    assert "To: zoe@example.com\n" in readable and "Subject: Réinitialiser your password\n" in readable
    assert f"\n\n{TEXT}" in readable  # the headers, a blank line, the text as written


def test_ascii_mail_goes_as_7bit_and_a_server_with_8bitmime_gets_8bit_unbroken(app, mailbox):
    send_mail("plain@example.com", "Plain", f"Follow {LINK} to go on.\n")
    plain = mailbox.last_to("plain@example.com")
    assert plain["Content-Transfer-Encoding"] == "7bit"
    assert LINK.encode() in plain.as_bytes()
    send_mail("zoe@example.com", "Accented", TEXT)
    accented = mailbox.last_to("zoe@example.com")
    assert accented["Content-Transfer-Encoding"] == "8bit"
    assert LINK.encode() + b"\n" in accented.as_bytes() and _text(accented) == TEXT


def test_a_line_too_long_for_smtp_is_quoted_printable(app, mailbox):
    endless = "x" * 1200
    send_mail("long@example.com", "Long", endless + "\n")
    received = mailbox.last_to("long@example.com")
    assert received["Content-Transfer-Encoding"] == "quoted-printable"
    assert all(len(line) <= 998 for line in received.as_bytes().splitlines())
    assert _text(received) == endless + "\n"


def _text(received) -> str:
    return received.get_content().replace("\r\n", "\n")  # as it came over SMTP, CRLF
