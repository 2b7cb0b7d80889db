"""The kudos statements, as the vote's (voting/statements.py): INSERT ... ON CONFLICT DO NOTHING
RETURNING in the syntax SQLite (>= 3.35) and PostgreSQL share, so a second click, or two
requests racing, add one row at most; the counter moves only when a row was added or removed."""

from __future__ import annotations

from sqlalchemy import bindparam, delete, text, update

from ideas.questions.models import Answer, AnswerKudos

_answers, _kudos = Answer.__table__, AnswerKudos.__table__

INSERT_KUDOS = text(
    "INSERT INTO answer_kudos (answer_id, user_id, created_at) VALUES (:answer_id, :user_id, :now) "
    "ON CONFLICT (answer_id, user_id) DO NOTHING RETURNING id"
).bindparams(bindparam("now", type_=_kudos.c.created_at.type))
DELETE_KUDOS = (
    delete(_kudos)
    .where(_kudos.c.answer_id == bindparam("answer_id"), _kudos.c.user_id == bindparam("user_id"))
    .returning(_kudos.c.id)
)
BUMP_KUDOS = (
    update(_answers)
    .where(_answers.c.id == bindparam("of_answer"))
    .values(kudos_count=_answers.c.kudos_count + bindparam("step"))
    .returning(_answers.c.kudos_count)
)
