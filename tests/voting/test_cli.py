from sqlalchemy import update

from ideas import ranking
from ideas.models import Idea
from tests.support.factories import make_idea, seasoned_user
from voting.services import cast_vote


def test_verify_reports_and_fix_repairs_drifted_counters(runner, db):
    idea = make_idea()
    for _ in range(3):
        cast_vote(seasoned_user(), idea, 1)
    clean = runner.invoke(args=["votes", "verify"])
    assert clean.exit_code == 0 and "0 differences" in clean.output

    db.session.execute(update(Idea).where(Idea.id == idea.id).values(upvotes=7, score=7))
    db.session.commit()
    found = runner.invoke(args=["votes", "verify"])
    assert found.exit_code == 1
    assert f"idea {idea.id}: upvotes stored 7, actual 3" in found.output

    fixed = runner.invoke(args=["votes", "verify", "--fix"])
    assert fixed.exit_code == 0 and "repaired" in fixed.output
    db.session.refresh(idea)
    assert (idea.upvotes, idea.score) == (3, 3)
    assert runner.invoke(args=["votes", "verify"]).exit_code == 0


def test_ranking_refresh_recomputes_keys(runner, db):
    idea = make_idea()
    cast_vote(seasoned_user(), idea, 1)
    expected = idea.hot_rank
    db.session.execute(update(Idea).values(hot_rank=0, trending_rank=ranking.EMPTY))
    db.session.commit()
    result = runner.invoke(args=["ranking", "refresh"])
    assert result.exit_code == 0 and "1 ideas" in result.output
    db.session.refresh(idea)
    assert idea.hot_rank == expected and idea.trending_rank > ranking.EMPTY
