"""Test data builders: `make_user`, `make_org`, `login`."""

from __future__ import annotations

import itertools

from app.auth import passwords
from app.auth import services as auth_services
from app.auth.models import User
from app.clock import utcnow
from app.db_types import begin_write
from app.extensions import db
from app.orgs.models import Membership, Organisation

PASSWORD = "correct-horse-battery-9"
_PASSWORD_HASH = passwords.hash_password(PASSWORD)  # hashed once: Argon2 is slow on purpose
_counter = itertools.count(1)


def make_user(
    email: str | None = None,
    name: str | None = None,
    *,
    verified: bool = True,
    site_admin: bool = False,
    active: bool = True,
) -> User:
    n = next(_counter)
    user = User(
        email=(email or f"user{n}@example.com").lower(),
        password_hash=_PASSWORD_HASH,
        display_name=name or f"User {n}",
        is_site_admin=site_admin,
        active=active,
        email_verified_at=utcnow() if verified else None,
    )
    _save(user)
    return user


def _save(*objects) -> None:
    """Written as the services write: the write lock first, so that on SQLite a background job
    writing at the same moment makes this wait instead of fail."""
    begin_write(db.session)
    db.session.add_all(objects)
    db.session.commit()


def make_org(owner: User | None = None, name: str | None = None, slug: str | None = None) -> Organisation:
    n = next(_counter)
    owner = owner or make_user()
    organisation = Organisation(name=name or f"Org {n}", slug=slug or f"org-{n}", created_by_id=owner.id)
    organisation.memberships.append(Membership(user_id=owner.id, is_admin=True, is_pm=True))
    _save(organisation)
    return organisation


def add_member(organisation: Organisation, user: User | None = None, *roles: str) -> User:
    user = user or make_user()
    membership = Membership(organisation_id=organisation.id, user_id=user.id)
    membership.set_roles(roles)
    _save(membership)
    return user


def login(client, user: User, remember: bool = True) -> str:
    """Sign `client` in as `user` without the login form (and its rate limit), as a member who
    ticked "keep me signed in": tests that move the clock days ahead keep them signed in."""
    token = auth_services.start_session(user, remember=remember, user_agent="pytest")
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
    return token


def make_board(
    organisation: Organisation | None = None,
    *,
    name: str | None = None,
    slug: str | None = None,
    private: bool = False,
    downvotes: bool = False,
    budget: int | None = None,
    categories: tuple[str, ...] = (),
):
    from ideas.models import Board, Category

    n = next(_counter)
    organisation = organisation or make_org()
    board = Board(
        organisation_id=organisation.id,
        name=name or f"Board {n}",
        slug=slug or f"board-{n}",
        is_private=private,
        allow_downvotes=downvotes,
        vote_budget=budget,
    )
    for category in categories:
        board.categories.append(Category(name=category, slug=category.lower().replace(" ", "-")))
    db.session.add(board)
    db.session.commit()
    return board


def make_idea(board=None, author: User | None = None, title: str | None = None, body: str = "", **fields):
    """An idea through the real service (counters, follows, search index), on a seasoned
    author's account so the new-account spam filter stays out of the way."""
    from datetime import timedelta

    from ideas.services.ideas import IdeaInput, submit_idea

    n = next(_counter)
    board = board or make_board()
    if author is None:
        author = make_user()
        author.created_at = utcnow() - timedelta(days=30)
        db.session.commit()
    if board.is_private:
        invite_to_board(board, author)
    idea = submit_idea(
        author,
        board,
        IdeaInput(
            title=title or f"Idea number {n} for testing",
            body=body,
            **{k: v for k, v in fields.items() if k in ("category_id", "tags")},
        ),
    )
    for key, value in fields.items():
        if key not in ("category_id", "tags"):
            setattr(idea, key, value)
    db.session.commit()
    return idea


def seasoned_user(**kwargs) -> User:
    """A member whose account is old enough to post without the new-account spam hold."""
    from datetime import timedelta

    user = make_user(**kwargs)
    user.created_at = utcnow() - timedelta(days=30)
    db.session.commit()
    return user


def invite_to_board(board, user: User) -> None:
    """Give `user` access to a private board as an invited customer."""
    from sqlalchemy import select

    from ideas.models import BoardMember

    if (
        db.session.scalar(
            select(BoardMember.id).where(BoardMember.board_id == board.id, BoardMember.email == user.email)
        )
        is None
    ):
        db.session.add(BoardMember(board_id=board.id, email=user.email))
        db.session.commit()


def token_client(app, user: User):
    """A client calling the API with a fresh personal access token of `user`."""
    from app.api import services as token_services

    _token, secret = token_services.create_token(user, "tests")
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    client.user = user
    return client
