"""The ideas resources of the JSON API under /api/v1: boards, ideas, comments, and the product
managers' status changes and merges. The JSON twin of `ideas/routes/`: each operation finds
what its path names, calls a service, and shapes the answer with `ideas/schemas.py`.

Order of checks on every operation here (and in `voting/api.py`): credentials (401), then the
board or idea in the path (404 for one the caller may not see, exactly as for one that does not
exist), and only then the query and body (422). So a private board's ideas answer 404 to an
outsider whatever the request, and a validation message never confirms that they exist.
"""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.api.pagination import PageQuery, keyset_page
from app.api.paths import caller, guard, remembered
from app.api.spec import operation
from app.errors_domain import Conflict, NotFound
from app.extensions import db
from app.orgs import policy as org_policy
from app.orgs.models import Organisation
from app.orgs.services import get_by_slug
from ideas import budgets, policy
from ideas.models import Board, Comment, Idea, Visibility
from ideas.schemas import (
    MAX_ID,
    BoardCreate,
    BoardDetail,
    BoardPage,
    BoardQuery,
    CommentCreate,
    CommentOut,
    CommentPage,
    IdeaCreate,
    IdeaListQuery,
    IdeaOut,
    IdeaPage,
    IdeaUpdate,
    MergeIn,
    MergeOut,
    SimilarIdeas,
    SimilarQuery,
    StatusChangeIn,
    StatusHistory,
    board_detail,
    board_out,
    comment_out,
    idea_out,
    idea_summary,
    status_change_out,
)
from ideas.services import boards as board_services
from ideas.services import comments as comment_services
from ideas.services import ideas as idea_services
from ideas.services import listing, merging, statuses
from ideas.services.votes import my_vote
from ideas.statements import board_by_slugs

ideas_api = Blueprint("ideas_api", __name__, url_prefix="/api/v1")

# The app's `int` converter refuses ids beyond the database INTEGER range, but werkzeug turns that
# refusal into a 405 (not a 404) on an address several rules share with different methods, such
# as /ideas/<id> (GET, PATCH, DELETE). So these take any number, and `visible_board` and
# `visible_idea` answer 404 for one beyond the range.
BOARD_ID = "<int(max=None):board_id>"
IDEA_ID = "<int(max=None):idea_id>"
NO_BOARD = "No such board, or it is not yours to see."
NO_IDEA = "No such idea, or it is not yours to see."


# ---- finding what a path names --------------------------------------------------------------------


def visible_board(board_id: int) -> Board:
    """The board, if the caller may see it. Raises NotFound otherwise, alike for a board that
    does not exist and one that is private. Remembered for the rest of the request."""

    def find(ident: int) -> Board:
        board = db.session.get(Board, ident) if 0 < ident <= MAX_ID else None
        if board is None or not policy.can_view(current_user, board):
            raise NotFound(NO_BOARD)
        return board

    return remembered("boards", board_id, find)


def visible_idea(idea_id: int) -> Idea:
    """The idea, if the caller may see it (its board, and a pending or hidden idea only for its
    author and the moderators). Raises NotFound otherwise. Remembered for the rest of the request."""

    def find(ident: int) -> Idea:
        idea = db.session.get(Idea, ident) if 0 < ident <= MAX_ID else None
        if idea is None or not policy.can_see_idea(current_user, idea):
            raise NotFound(NO_IDEA)
        return idea

    return remembered("ideas", idea_id, find)


# Registered on this blueprint and voting's: the same path arguments, the same 404s.
IDEA_FINDERS = {"board_id": visible_board, "idea_id": visible_idea}
guard(ideas_api, IDEA_FINDERS)


def _idea_json(idea: Idea) -> IdeaOut:
    return idea_out(idea, my_vote(caller(), idea))


# ---- boards --------------------------------------------------------------------------------------


@operation(ideas_api, "GET", "/boards", summary="List boards", query=BoardQuery, response=BoardPage, tags=("Boards",))
def list_boards(query: BoardQuery) -> BoardPage:
    """The boards you may see (public ones, your organisations' and those you were invited to),
    newest first, each with its categories."""
    stmt = (
        select(Board)
        .where(Board.id.in_(policy.visible_board_ids(caller())))
        .options(selectinload(Board.organisation), selectinload(Board.categories))
    )
    if query.organisation:
        stmt = stmt.where(
            Board.organisation_id.in_(select(Organisation.id).where(Organisation.slug == query.organisation))
        )
    boards, next_cursor = keyset_page(
        db.session, stmt, kind="boards", columns=(Board.created_at, Board.id), query=query
    )
    return BoardPage(data=[board_out(board) for board in boards], next_cursor=next_cursor)


@operation(
    ideas_api,
    "POST",
    "/boards",
    summary="Open a board",
    body=BoardCreate,
    response=BoardDetail,
    status=201,
    errors=(403, 404, 409),
    tags=("Boards",),
)
def create_board(body: BoardCreate) -> BoardDetail:
    """Open a board in an organisation where you are a product manager (403 for its other
    members, 404 for anyone else). A slug the organisation already uses answers 409."""
    user = caller()
    organisation = (
        db.session.get(Organisation, body.organisation)
        if isinstance(body.organisation, int)
        else get_by_slug(body.organisation)
    )
    if organisation is None:
        raise NotFound("No such organisation.", {"organisation": ["No such organisation."]})
    org_policy.require_role(user, organisation, "pm")
    if board_by_slugs(organisation.slug, body.slug) is not None:
        raise Conflict("This organisation already has a board at that address.", {"slug": ["Already taken."]})
    board = board_services.create_board(
        user,
        organisation,
        body.name,
        body.slug,
        body.description,
        body.is_private,
        body.allow_downvotes,
        body.vote_budget,
        body.categories,
    )
    return board_detail(
        board,
        remaining_votes=budgets.votes_left(user, board),
        can_participate=policy.can_participate(user, board),
        can_manage=True,
    )


@operation(
    ideas_api,
    "GET",
    f"/boards/{BOARD_ID}",
    summary="Get a board",
    response=BoardDetail,
    errors=(404,),
    tags=("Boards",),
)
def get_board(board_id: int) -> BoardDetail:
    """A board with its categories, and what you may do there."""
    board, user = visible_board(board_id), caller()
    return board_detail(
        board,
        remaining_votes=budgets.votes_left(user, board),
        can_participate=policy.can_participate(user, board),
        can_manage=policy.can_manage(user, board),
    )


# ---- ideas ---------------------------------------------------------------------------------------


@operation(
    ideas_api,
    "GET",
    f"/boards/{BOARD_ID}/ideas",
    summary="List a board's ideas",
    query=IdeaListQuery,
    response=IdeaPage,
    errors=(404,),
    tags=("Ideas",),
)
def list_ideas(board_id: int, query: IdeaListQuery) -> IdeaPage:
    """A board's visible ideas in the order `sort` names, filtered by status, category, tag and
    search words. A cursor belongs to its sort order: change the sort, start without one."""
    board = visible_board(board_id)
    flt = listing.IdeaFilter(sort=query.sort, status=query.status, category=query.category, tag=query.tag, q=query.q)
    ideas, next_cursor = listing.list_ideas(board, flt, query)
    votes = listing.votes_of(caller(), ideas)
    return IdeaPage(data=[idea_out(idea, votes.get(idea.id, 0)) for idea in ideas], next_cursor=next_cursor)


@operation(
    ideas_api,
    "POST",
    f"/boards/{BOARD_ID}/ideas",
    summary="Post an idea",
    body=IdeaCreate,
    response=IdeaOut,
    status=201,
    errors=(403, 404),
    tags=("Ideas",),
)
def create_idea(board_id: int, body: IdeaCreate) -> IdeaOut:
    """Post an idea; you follow it from then on. From a brand-new account, one that looks like
    spam waits for a moderator (`visibility: pending`). 403 if you were blocked on the board."""
    idea = idea_services.submit_idea(
        caller(), visible_board(board_id), idea_services.IdeaInput(body.title, body.body, body.category_id, body.tags)
    )
    return idea_out(idea)


@operation(
    ideas_api,
    "GET",
    f"/boards/{BOARD_ID}/ideas/similar",
    summary="Find similar ideas",
    query=SimilarQuery,
    response=SimilarIdeas,
    errors=(404,),
    tags=("Ideas",),
)
def similar_ideas(board_id: int, query: SimilarQuery) -> SimilarIdeas:
    """Up to 5 ideas on the board sharing words with `q`, best match first: ask before posting
    a duplicate. Merged ideas are left out."""
    ideas = listing.similar_ideas(visible_board(board_id), query.q, limit=5)
    return SimilarIdeas(data=[idea_summary(idea) for idea in ideas])


@operation(
    ideas_api, "GET", f"/ideas/{IDEA_ID}", summary="Get an idea", response=IdeaOut, errors=(404,), tags=("Ideas",)
)
def get_idea(idea_id: int) -> IdeaOut:
    """One idea. A merged idea answers as itself, with `merged_into_id` naming the idea kept."""
    return _idea_json(visible_idea(idea_id))


@operation(
    ideas_api,
    "PATCH",
    f"/ideas/{IDEA_ID}",
    summary="Edit an idea",
    body=IdeaUpdate,
    response=IdeaOut,
    errors=(403, 404),
    tags=("Ideas",),
)
def update_idea(idea_id: int, body: IdeaUpdate) -> IdeaOut:
    """Its author may edit it for 30 minutes and until the first vote, its board's product
    managers always (403 otherwise). The earlier text is kept in the idea's history."""
    idea = visible_idea(idea_id)
    data = idea_services.IdeaInput(
        title=idea.title if body.title is None else body.title,
        body=idea.body if body.body is None else body.body,
        category_id=body.category_id if "category_id" in body.model_fields_set else idea.category_id,
        tags=[tag.name for tag in idea.tags] if body.tags is None else body.tags,
    )
    return _idea_json(idea_services.edit_idea(caller(), idea, data))


@operation(ideas_api, "DELETE", f"/ideas/{IDEA_ID}", summary="Delete an idea", errors=(403, 404, 409), tags=("Ideas",))
def delete_idea(idea_id: int) -> None:
    """Its author (or a product manager) may delete it while nobody has voted or commented on it
    (409 after that)."""
    idea_services.delete_idea(caller(), visible_idea(idea_id))


# ---- comments ------------------------------------------------------------------------------------


@operation(
    ideas_api,
    "GET",
    f"/ideas/{IDEA_ID}/comments",
    summary="List an idea's comments",
    query=PageQuery,
    response=CommentPage,
    errors=(404,),
    tags=("Comments",),
)
def list_comments(idea_id: int, query: PageQuery) -> CommentPage:
    """Comments and replies in one list, **newest first**; a reply names its `parent_id`, so
    threads can be rebuilt. Deleted comments stay as tombstones (`deleted: true`, empty body).
    Comments waiting for or removed by a moderator show only to their author and the moderators."""
    idea, user = visible_idea(idea_id), caller()
    stmt = select(Comment).where(Comment.idea_id == idea.id).options(selectinload(Comment.author))
    if not policy.can_moderate(user, idea.board):  # the rule of comments.thread()
        stmt = stmt.where(or_(Comment.visibility == Visibility.VISIBLE, Comment.author_id == user.id))
    comments, next_cursor = keyset_page(
        db.session, stmt, kind="comments", columns=(Comment.created_at, Comment.id), query=query
    )
    return CommentPage(data=[comment_out(comment) for comment in comments], next_cursor=next_cursor)


@operation(
    ideas_api,
    "POST",
    f"/ideas/{IDEA_ID}/comments",
    summary="Comment on an idea",
    body=CommentCreate,
    response=CommentOut,
    status=201,
    errors=(403, 404),
    tags=("Comments",),
)
def create_comment(idea_id: int, body: CommentCreate) -> CommentOut:
    """Comment, or reply with `parent_id` (a reply to a reply joins its thread). You follow the
    idea from then on. 404 when the comment you answer is gone; 403 if you were blocked."""
    comment = comment_services.post_comment(caller(), visible_idea(idea_id), body.body, body.parent_id)
    return comment_out(comment)


# ---- product managers --------------------------------------------------------------------------------


@operation(
    ideas_api,
    "POST",
    f"/ideas/{IDEA_ID}/status",
    summary="Change an idea's status",
    body=StatusChangeIn,
    response=IdeaOut,
    errors=(403, 404, 409),
    tags=("Ideas",),
)
def change_status(idea_id: int, body: StatusChangeIn) -> IdeaOut:
    """For the board's product managers (403 for other members of the organisation). The
    message becomes the official response, and followers and voters are told. A merged idea's
    status cannot change (409). Votes on a delivered or declined idea go back to their budgets."""
    idea, user = visible_idea(idea_id), caller()
    policy.require_manage(user, idea.board)
    statuses.change_status(user, idea, body.status, body.message, body.release_note)
    return _idea_json(idea)


@operation(
    ideas_api,
    "POST",
    f"/ideas/{IDEA_ID}/merge",
    summary="Merge a duplicate into another idea",
    body=MergeIn,
    response=MergeOut,
    errors=(403, 404, 409),
    tags=("Ideas",),
)
def merge_idea(idea_id: int, body: MergeIn) -> MergeOut:
    """For the board's product managers: this idea's voters (once each: who voted on both keeps
    the target vote), followers and comments move to `target_id` on the same board, and this
    idea becomes `merged`. 404 when the target is not found, 409 when either was merged already."""
    source, user = visible_idea(idea_id), caller()
    policy.require_manage(user, source.board)
    target = db.session.get(Idea, body.target_id)
    if target is None or not policy.can_see_idea(user, target):
        raise NotFound(f"There is no idea #{body.target_id} to merge into.", {"target_id": ["No such idea."]})
    merging.merge_ideas(user, source, target)
    votes = listing.votes_of(user, [source, target])
    return MergeOut(source=idea_out(source, votes.get(source.id, 0)), target=idea_out(target, votes.get(target.id, 0)))


@operation(
    ideas_api,
    "GET",
    f"/ideas/{IDEA_ID}/history",
    summary="An idea's status timeline",
    response=StatusHistory,
    errors=(404,),
    tags=("Ideas",),
)
def status_history(idea_id: int) -> StatusHistory:
    """Every status change, oldest first, with the product manager's message."""
    return StatusHistory(data=[status_change_out(change) for change in statuses.history(visible_idea(idea_id))])
