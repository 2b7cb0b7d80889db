"""A hypothesis state machine drives votes, switches, retractions, status changes and merges
through the services, keeping a model of what the votes table should hold. After every step:
the table equals the model, every counter equals the table, and no budget is overspent."""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select

from app.errors_domain import DomainError
from app.extensions import db
from ideas.counters import verify
from ideas.models import Idea, Status, Vote
from ideas.services.merging import merge_ideas
from ideas.services.statuses import change_status
from tests.support.factories import make_board, make_idea, make_org, seasoned_user
from voting.models import VoteBudget
from voting.services import OverBudget, VotingClosed, cast_vote, retract_vote

USERS, IDEAS, BUDGET = 4, 4, 2


class VotingMachine(RuleBasedStateMachine):
    @initialize()
    def setup(self):
        # Each example gets an organisation, board and members of its own (no wipe: cheaper).
        db.session.commit()
        self.board = make_board(make_org(), downvotes=True, budget=BUDGET)
        self.pm = self.board.organisation.memberships[0].user
        self.users = [seasoned_user() for _ in range(USERS)]
        self.ideas = [make_idea(self.board) for _ in range(IDEAS)]
        self.model: dict[tuple[int, int], int] = {}  # (user index, idea index) -> value
        self.closed: set[int] = set()
        self.merged_into: dict[int, int] = {}

    def _open(self, i: int) -> bool:
        return i not in self.closed and i not in self.merged_into

    def _held(self, u: int) -> int:
        return sum(1 for (uu, i) in self.model if uu == u and self._open(i))

    @rule(u=st.integers(0, USERS - 1), i=st.integers(0, IDEAS - 1), value=st.sampled_from([1, -1]))
    def vote(self, u, i, value):
        try:
            cast_vote(self.users[u], self.ideas[i], value)
        except VotingClosed:
            assert not self._open(i)
            return
        except OverBudget:
            assert (u, i) not in self.model and self._held(u) >= BUDGET
            return
        assert self._open(i)
        assert (u, i) in self.model or self._held(u) < BUDGET
        self.model[(u, i)] = value

    @rule(u=st.integers(0, USERS - 1), i=st.integers(0, IDEAS - 1))
    def retract(self, u, i):
        try:
            retract_vote(self.users[u], self.ideas[i])
        except VotingClosed:
            assert not self._open(i)
            return
        self.model.pop((u, i), None)

    @rule(i=st.integers(0, IDEAS - 1))
    def decline(self, i):
        try:
            change_status(self.pm, self.ideas[i], Status.DECLINED, "No")
        except DomainError:
            assert i in self.merged_into or i in self.closed
            return
        self.closed.add(i)

    @rule(source=st.integers(0, IDEAS - 1), into=st.integers(0, IDEAS - 1))
    def merge(self, source, into):
        target = into
        try:
            merge_ideas(self.pm, self.ideas[source], self.ideas[target])
        except DomainError:
            assert source == target or source in self.merged_into or target in self.merged_into
            return
        for (u, i), value in list(self.model.items()):
            if i == source:
                del self.model[(u, i)]
                self.model.setdefault((u, target), value)  # a vote on both keeps the target's
        self.merged_into[source] = target

    @invariant()
    def table_matches_model_and_counters(self):
        if not hasattr(self, "ideas"):
            return
        db.session.commit()
        index = {idea.id: n for n, idea in enumerate(self.ideas)}
        user_index = {user.id: n for n, user in enumerate(self.users)}
        table = {
            (user_index[u], index[i]): v
            for u, i, v in db.session.execute(
                select(Vote.user_id, Vote.idea_id, Vote.value).where(Vote.idea_id.in_(index))
            )
        }
        assert table == self.model
        assert verify() == []
        for n, user in enumerate(self.users):
            used = (
                db.session.scalar(
                    select(VoteBudget.used).where(VoteBudget.user_id == user.id, VoteBudget.board_id == self.board.id)
                )
                or 0
            )
            assert used == self._held(n) <= BUDGET
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(Vote)
                .join(Idea)
                .where(Idea.board_id == self.board.id, Idea.status == Status.MERGED)
            )
            == 0
        )


def test_votes_merges_and_budgets_keep_their_invariants(app):
    run_state_machine_as_test(
        VotingMachine, settings=settings(max_examples=12, stateful_step_count=20, deadline=None, database=None)
    )
