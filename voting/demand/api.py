"""The demand of a board for product managers, as JSON: `GET /api/v1/boards/{board_id}/demand`."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from flask import Blueprint, abort
from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field

from app.api.spec import operation
from app.extensions import db
from ideas import policy
from ideas.models import Board
from voting.demand import services as demand

bp = Blueprint("demand_api", __name__, url_prefix="/api/v1")

MAX_LIMIT = 200
MAX_ID = 2**31 - 1  # ids are 32-bit integers; a larger one names nothing


class DemandQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    mode: Literal["weight", "revenue"] = Field(
        default="weight",
        description="Rank by segment weight (Σ voters' weights) or by revenue "
        "(Σ yearly revenue of the voters' accounts, each once).",
    )
    limit: int = Field(default=50, ge=1, le=MAX_LIMIT, description="How many of the top ideas to return.")


class SegmentOut(BaseModel):
    id: int
    name: str
    weight: int


class SegmentShareOut(BaseModel):
    segment_id: int | None = Field(description="Null: voters without a segment.")
    name: str
    votes: int = Field(description="Up-votes from the segment.")
    weighted: int = Field(description="Σ of those voters' weights.")
    accounts: int = Field(description="Distinct accounts of the segment among the up-voters.")
    revenue: int = Field(description="Σ yearly revenue of those accounts.")


class TopCustomerOut(BaseModel):
    name: str = Field(description="A person's display name, or an email domain for a company account.")
    detail: str = Field(description="`@domain` for a person; the number of voters for a company account.")
    segment: str
    weight: int
    revenue: int
    voters: int


class IdeaDemandOut(BaseModel):
    id: int
    title: str
    status: str
    upvotes: int
    downvotes: int = Field(description="Shown beside demand; they never subtract from it.")
    weighted_demand: int
    revenue_demand: int
    demand: int = Field(description="The value ranked by: `weighted_demand` or `revenue_demand` per `mode`.")
    segments: list[SegmentShareOut]
    top_customers: list[TopCustomerOut]


class DayOut(BaseModel):
    date: dt.date
    up: int
    down: int


class BoardDemandOut(BaseModel):
    board_id: int
    mode: Literal["weight", "revenue"]
    default_weight: int = Field(description="The weight of a voter without a segment.")
    total_ideas: int = Field(description="Ideas with at least one vote; `ideas` holds the first `limit`.")
    segments: list[SegmentOut]
    ideas: list[IdeaDemandOut]
    daily_votes: list[DayOut] = Field(description="Votes by the UTC day they were cast, last 90 days, oldest first.")


@operation(
    bp,
    "GET",
    "/boards/<int:board_id>/demand",
    summary="Weighted demand on a board",
    query=DemandQuery,
    response=BoardDemandOut,
    errors=(403, 404),
    tags=("Demand",),
)
def board_demand(board_id: int, query: DemandQuery) -> BoardDemandOut:
    """The board's voted ideas ranked by weighted demand (or revenue), with the breakdown by
    customer segment, the top customers behind each, and the daily votes of the last 90 days.
    For the organisation's product managers; members without that role get 403, others 404."""
    board = db.session.get(Board, board_id) if board_id <= MAX_ID else None
    if board is None:
        abort(404)
    policy.require_manage(current_user, board)
    result = demand.board_demand(board, query.mode, limit=query.limit)
    return BoardDemandOut(
        board_id=board.id,
        mode=query.mode,
        default_weight=demand.DEFAULT_WEIGHT,
        total_ideas=result.total_ideas,
        segments=[SegmentOut(id=s.id, name=s.name, weight=s.weight) for s in result.segments.values()],
        ideas=[
            IdeaDemandOut(
                id=idea.idea_id,
                title=idea.title,
                status=idea.status,
                upvotes=idea.upvotes,
                downvotes=idea.downvotes,
                weighted_demand=idea.weighted,
                revenue_demand=idea.revenue,
                demand=idea.value(query.mode),
                segments=[
                    SegmentShareOut(
                        segment_id=s.segment_id,
                        name=result.segment_name(s.segment_id),
                        votes=s.votes,
                        weighted=s.weighted,
                        accounts=s.accounts,
                        revenue=s.revenue,
                    )
                    for s in idea.segments
                ],
                top_customers=[
                    TopCustomerOut(
                        name=c.name,
                        detail=c.detail,
                        segment=result.segment_name(c.segment_id),
                        weight=c.weight,
                        revenue=c.revenue,
                        voters=c.voters,
                    )
                    for c in idea.top_customers
                ],
            )
            for idea in result.ideas
        ],
        daily_votes=[DayOut(date=d.day, up=d.up, down=d.down) for d in demand.vote_history(board)],
    )
