"""Outgoing mail. `smtp` sends through the configured server; `console` (development) prints
each message and writes it to instance/mail/ so links in it can be followed: the message as
sent (`.eml`) and, beside it, its headers and text as plain UTF-8 (`.txt`).

The text goes as it is whenever the rules of mail allow: 7bit when it is ASCII, 8bit UTF-8 when
it is not and the server takes 8BITMIME, and no line breaks added inside a link (a line may be 998
octets long). Only text the rules forbid unencoded (a longer line, or 8bit text for a server
without 8BITMIME) is quoted-printable."""

from __future__ import annotations

import logging
import re
import smtplib
import sys
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app, render_template

from app import audit
from app.clock import utcnow


class MailError(RuntimeError):
    """Raised when the mail server refuses or cannot be reached."""


def send_template(to: str, subject: str, template: str, **context) -> EmailMessage:
    """Render `templates/mail/<template>.txt` (and `.html` if present) and send it."""
    text = render_template(f"mail/{template}.txt", **context)
    return send_mail(to, subject, text)


def send_mail(to: str, subject: str, text: str, headers: dict | None = None) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="ideaforge.local")
    for name, value in (headers or {}).items():
        message[name] = value
    backend = config["MAIL_BACKEND"]
    # Written to a file, 8bit is always readable; a server must say it takes it (see _send_smtp).
    _set_text(message, text, eight_bit=backend != "smtp")
    if backend == "console":
        _write_to_console(message)
    elif backend == "smtp":
        _send_smtp(message)
    elif backend != "null":
        raise MailError(f"unknown MAIL_BACKEND {backend!r}")
    audit.event("mail.sent", subject=subject, to=audit.email_fingerprint(to), backend=backend)
    return message


MAX_LINE_OCTETS = 998  # SMTP's limit on a line, without its CRLF (RFC 5321, 4.5.3.1.6)


def _set_text(message: EmailMessage, text: str, eight_bit: bool) -> None:
    """`text` as the message's body, in the plainest transfer encoding that is allowed."""
    fits = all(len(line.encode()) <= MAX_LINE_OCTETS for line in text.splitlines())
    if fits and text.isascii():
        cte = "7bit"
    elif fits and eight_bit:
        cte = "8bit"
    else:
        cte = "quoted-printable"
    message.set_content(text, cte=cte)


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    try:
        with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            options = []
            smtp.ehlo_or_helo_if_needed()
            if message["Content-Transfer-Encoding"] == "quoted-printable" and smtp.has_extn("8bitmime"):
                _set_text(message, message.get_content(), eight_bit=True)
            if message["Content-Transfer-Encoding"] == "8bit":
                options.append("BODY=8BITMIME")
            smtp.send_message(message, mail_options=options)
    except (OSError, smtplib.SMTPException) as exc:
        audit.event("mail.failed", logging.ERROR, error=type(exc).__name__)
        raise MailError(str(exc)) from exc


def _write_to_console(message: EmailMessage) -> None:
    folder = Path(current_app.config["MAIL_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^a-z0-9]+", "-", message["Subject"].lower()).strip("-")[:40]
    path = folder / f"{utcnow():%Y%m%dT%H%M%S%f}-{slug}.eml"
    path.write_bytes(bytes(message))
    path.with_suffix(".txt").write_text(_readable(message), encoding="utf-8")
    print(
        f"\n----- mail to {message['To']}: {message['Subject']} ({path}) -----\n{message.get_content()}\n-----",
        file=sys.stderr,
    )


def _readable(message: EmailMessage) -> str:
    """The message as a person reads it: its headers, decoded, and its text."""
    mime = {"content-type", "content-transfer-encoding", "mime-version"}
    headers = "".join(f"{name}: {value}\n" for name, value in message.items() if name.lower() not in mime)
    return f"{headers}\n{message.get_content()}"
