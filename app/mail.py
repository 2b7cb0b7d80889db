"""Outgoing mail. `smtp` sends through the configured server; `console` (development) prints
each message and writes it to instance/mail/ so links in it can be followed."""

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
    message.set_content(text)

    backend = config["MAIL_BACKEND"]
    if backend == "console":
        _write_to_console(message)
    elif backend == "smtp":
        _send_smtp(message)
    elif backend != "null":
        raise MailError(f"unknown MAIL_BACKEND {backend!r}")
    audit.event("mail.sent", subject=subject, to=audit.email_fingerprint(to), backend=backend)
    return message


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    try:
        with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        audit.event("mail.failed", logging.ERROR, error=type(exc).__name__)
        raise MailError(str(exc)) from exc


def _write_to_console(message: EmailMessage) -> None:
    folder = Path(current_app.config["MAIL_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^a-z0-9]+", "-", message["Subject"].lower()).strip("-")[:40]
    path = folder / f"{utcnow():%Y%m%dT%H%M%S%f}-{slug}.eml"
    path.write_bytes(bytes(message))
    print(
        f"\n----- mail to {message['To']}: {message['Subject']} ({path}) -----\n{message.get_content()}\n-----",
        file=sys.stderr,
    )
