"""Vote budgets: how many active votes a member holds on a board that limits them. The votes
themselves are the idea's record (ideas.models.Vote)."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class VoteBudget(db.Model):
    """How many active votes a member holds on a board with a vote budget. Spending is one
    conditional UPDATE (`used < budget`), so two concurrent votes cannot overspend it."""

    __tablename__ = "vote_budgets"
    __table_args__ = (UniqueConstraint("board_id", "user_id"), CheckConstraint("used >= 0", name="used_not_negative"))

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    used: Mapped[int] = mapped_column(default=0)
