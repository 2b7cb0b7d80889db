"""The JSON shapes of votes in the API (`voting/api.py`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from voting.services import VoteResult


class VoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    value: Literal[1, -1] = Field(description="1 for up, -1 for down (on boards that allow down-votes).")

    @field_validator("value", mode="before")
    @classmethod
    def _not_a_boolean(cls, value):
        if isinstance(value, bool):  # Python's True == 1; JSON's true is not a number
            raise ValueError("Use 1 or -1.")
        return int(value) if isinstance(value, float) and value.is_integer() else value


class VoteOut(BaseModel):
    idea_id: int
    upvotes: int
    downvotes: int
    score: int = Field(description="upvotes - downvotes.")
    my_vote: Literal[-1, 0, 1] = Field(description="Your vote now: 1, -1, or 0 for none.")
    remaining_votes: int | None = Field(description="Votes you have left on the board; null without a vote budget.")


def vote_out(result: VoteResult) -> VoteOut:
    idea = result.idea
    return VoteOut(
        idea_id=idea.id,
        upvotes=idea.upvotes,
        downvotes=idea.downvotes,
        score=idea.score,
        my_vote=result.my_vote,
        remaining_votes=result.remaining,
    )
