"""Boards: create, configure, categories, and the customers invited to a private board."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import audit, events
from app.auth.models import User
from app.auth.services import normalise_email
from app.db_types import writes
from app.errors_domain import Conflict, NotFound, ValidationFailed
from app.extensions import db
from app.orgs.models import Organisation
from app.orgs.services import SLUG_RE, slugify
from ideas.invitations import enqueue_invitation
from ideas.models import Board, BoardMember, Category


def boards_of(organisation: Organisation) -> list[Board]:
    return list(db.session.scalars(select(Board).where(Board.organisation_id == organisation.id).order_by(Board.name)))


def _check(name: str, slug: str, vote_budget: int | None) -> tuple[str, str]:
    name = (name or "").strip()
    if not 2 <= len(name) <= 120:
        raise ValidationFailed("The name needs 2 to 120 characters.", {"name": ["2 to 120 characters."]})
    slug = (slug or "").strip().lower() or slugify(name)
    if not SLUG_RE.match(slug) or not 2 <= len(slug) <= 64:
        raise ValidationFailed(
            "Use lower-case letters, digits and dashes for the address.", {"slug": ["Letters, digits and dashes only."]}
        )
    if vote_budget is not None and not 1 <= vote_budget <= 1000:
        raise ValidationFailed("A vote budget is between 1 and 1000.", {"vote_budget": ["Between 1 and 1000."]})
    return name, slug


@writes
def create_board(
    actor: User,
    organisation: Organisation,
    name: str,
    slug: str = "",
    description: str = "",
    is_private: bool = False,
    allow_downvotes: bool = False,
    vote_budget: int | None = None,
    categories: list[str] | None = None,
) -> Board:
    name, slug = _check(name, slug, vote_budget)
    board = Board(
        organisation_id=organisation.id,
        name=name,
        slug=slug,
        description=(description or "")[:5000],
        is_private=is_private,
        allow_downvotes=allow_downvotes,
        vote_budget=vote_budget,
        created_by_id=actor.id,
    )
    for category in _clean_categories(categories or []):
        board.categories.append(Category(name=category, slug=slugify(category)))
    db.session.add(board)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ValidationFailed(
            "This organisation already has a board at that address.", {"slug": ["Already taken."]}
        ) from None
    audit.event("board.created", board_id=board.id, org_id=organisation.id, actor_id=actor.id)
    return board


@writes
def update_board(
    board: Board, name: str, description: str, is_private: bool, allow_downvotes: bool, vote_budget: int | None
) -> None:
    name, _ = _check(name, board.slug, vote_budget)
    old_budget = board.vote_budget
    board.name = name
    board.description = (description or "")[:5000]
    board.is_private = is_private
    board.allow_downvotes = allow_downvotes
    board.vote_budget = vote_budget
    if vote_budget != old_budget:
        events.publish(events.BoardBudgetChanged(board.id, old_budget, vote_budget))
    db.session.commit()


def _clean_categories(names: list[str]) -> list[str]:
    seen, result = set(), []
    for raw in names:
        name = " ".join((raw or "").split())[:60]
        if name and slugify(name) and slugify(name) not in seen:
            seen.add(slugify(name))
            result.append(name)
    return result


@writes
def add_category(board: Board, name: str) -> Category:
    cleaned = _clean_categories([name])
    if not cleaned:
        raise ValidationFailed("Enter a category name.", {"name": ["Enter a name."]})
    category = Category(board_id=board.id, name=cleaned[0], slug=slugify(cleaned[0]))
    db.session.add(category)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("That category exists already.", {"name": ["Already exists."]}) from None
    return category


@writes
def remove_category(board: Board, category_id: int) -> None:
    category = db.session.get(Category, category_id)
    if category is None or category.board_id != board.id:
        raise NotFound("No such category.")
    db.session.delete(category)  # its ideas keep existing, without a category
    db.session.commit()


@writes
def invite_customer(actor: User, board: Board, email: str) -> tuple[BoardMember, bool]:
    """Give an address access to a private board (once its owner confirms it) and mail it the
    invitation (after the commit). Returns the member and whether it is new: inviting an address
    again changes and sends nothing. Raises ValidationFailed for an impossible address."""
    address = normalise_email(email)
    existing = db.session.scalar(
        select(BoardMember).where(BoardMember.board_id == board.id, BoardMember.email == address)
    )
    if existing is not None:
        db.session.commit()  # ends the write transaction: invited already
        return existing, False
    member = BoardMember(board_id=board.id, email=address, added_by_id=actor.id)
    db.session.add(member)
    db.session.flush()
    enqueue_invitation(member)  # mailed once this commits
    db.session.commit()
    audit.event("board.customer_added", board_id=board.id, actor_id=actor.id, email=audit.email_fingerprint(address))
    return member, True


@writes
def remove_customer(actor: User, board: Board, member_id: int) -> None:
    member = db.session.get(BoardMember, member_id)
    if member is None or member.board_id != board.id:
        raise NotFound("No such customer on this board.")
    db.session.delete(member)
    db.session.commit()


def customers(board: Board) -> list[BoardMember]:
    return list(
        db.session.scalars(select(BoardMember).where(BoardMember.board_id == board.id).order_by(BoardMember.email))
    )
