"""Mail to a customer invited to a private board, sent by a job after the inviting transaction
commits. Its link leads to the board through sign-in, or through sign-up when the address has no
account yet (confirming the new address then opens the board)."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from app.jobs import enqueue, job
from app.mail import send_mail
from app.urls import external_url, path_for
from ideas.models import Board, BoardMember
from ideas.urls import board_args

KIND = "boards.invitation_mail"


def enqueue_invitation(member: BoardMember) -> None:
    """Called in the inviting transaction (the outbox): the mail goes once it commits."""
    enqueue(KIND, member_id=member.id)


def invitation_link(board: Board, email: str) -> tuple[str, bool]:
    """Sign-in (or sign-up, for an address without an account) leading on to the board, and
    whether the address has an account."""
    board_path = path_for("ideas.board", **board_args(board))
    has_account = db.session.scalar(select(User.id).where(User.email == email)) is not None
    return external_url("auth.login" if has_account else "auth.signup", next=board_path), has_account


@job(KIND)
def mail_invitation(payload: dict) -> None:
    """Raises MailError (so the job is retried) when the mail server refuses. An invitation
    withdrawn before the job runs sends nothing."""
    member = db.session.get(BoardMember, payload["member_id"])
    if member is None:
        return
    board = db.session.get(Board, member.board_id)
    inviter = db.session.get(User, member.added_by_id) if member.added_by_id else None
    link, has_account = invitation_link(board, member.email)
    text = current_app.jinja_env.get_template("mail/board_invitation.txt").render(
        board=board,
        inviter=inviter,
        email=member.email,
        link=link,
        has_account=has_account,
        site_name=current_app.config["SITE_NAME"],
    )
    send_mail(member.email, f"You are invited to the {board.name} board of {board.organisation.name}", text)
