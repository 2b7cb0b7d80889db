"""Peer support: questions, answers, kudos and their edit history

Revision ID: a01e9bfa0d84
Revises: c3d5e7f9a1b2
Create Date: 2026-12-04 19:24:45.378737

"""
from alembic import op
import sqlalchemy as sa

import app.db_types


# revision identifiers, used by Alembic.
revision = 'a01e9bfa0d84'
down_revision = 'c3d5e7f9a1b2'
branch_labels = None
depends_on = None


SOLUTION_FK = 'fk_questions_solution_answer_id_answers'


def upgrade():
    # questions.solution_answer_id and answers.question_id point at each other: SQLite takes the
    # foreign key inline (it checks references only when rows are written); PostgreSQL gets it
    # once both tables exist.
    sqlite = op.get_bind().dialect.name == 'sqlite'
    solution_fk = [sa.ForeignKeyConstraint(['solution_answer_id'], ['answers.id'], name=SOLUTION_FK, ondelete='SET NULL')] if sqlite else []
    op.create_table('questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('board_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('visibility', sa.String(length=10), nullable=False),
    sa.Column('created_at', app.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('edited_at', app.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deleted_at', app.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_activity_at', app.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('view_count', sa.Integer(), nullable=False),
    sa.Column('answer_count', sa.Integer(), nullable=False),
    sa.Column('solution_answer_id', sa.Integer(), nullable=True),
    sa.Column('solved_at', app.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('solved_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('answer_count >= 0', name=op.f('ck_questions_answer_count_not_negative')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_questions_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['board_id'], ['boards.id'], name=op.f('fk_questions_board_id_boards'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_questions_category_id_categories'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['solved_by_id'], ['users.id'], name=op.f('fk_questions_solved_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questions')),
    *solution_fk,
    )
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questions_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_questions_board_new', ['board_id', 'visibility', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_questions_board_solved', ['board_id', 'visibility', 'solved_at', 'id'], unique=False)
        batch_op.create_index('ix_questions_board_unanswered', ['board_id', 'visibility', 'answer_count', 'created_at', 'id'], unique=False)

    op.create_table('answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('visibility', sa.String(length=10), nullable=False),
    sa.Column('is_official', sa.Boolean(), nullable=False),
    sa.Column('created_at', app.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('edited_at', app.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deleted_at', app.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('kudos_count', sa.Integer(), nullable=False),
    sa.CheckConstraint('kudos_count >= 0', name=op.f('ck_answers_kudos_count_not_negative')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_answers_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_answers_question_id_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answers'))
    )
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answers_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_answers_question_created', ['question_id', 'created_at', 'id'], unique=False)
    if not sqlite:
        op.create_foreign_key(SOLUTION_FK, 'questions', 'answers', ['solution_answer_id'], ['id'], ondelete='SET NULL')

    op.create_table('question_tags',
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_question_tags_question_id_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['tags.id'], name=op.f('fk_question_tags_tag_id_tags'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('question_id', 'tag_id', name=op.f('pk_question_tags'))
    )
    with op.batch_alter_table('question_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_tags_tag_id'), ['tag_id'], unique=False)

    op.create_table('answer_kudos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['answers.id'], name=op.f('fk_answer_kudos_answer_id_answers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_answer_kudos_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_kudos')),
    sa.UniqueConstraint('answer_id', 'user_id', name=op.f('uq_answer_kudos_answer_id_user_id'))
    )
    with op.batch_alter_table('answer_kudos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_kudos_user_id'), ['user_id'], unique=False)

    op.create_table('question_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=True),
    sa.Column('editor_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=160), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', app.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['answers.id'], name=op.f('fk_question_revisions_answer_id_answers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['editor_id'], ['users.id'], name=op.f('fk_question_revisions_editor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_question_revisions_question_id_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_revisions'))
    )
    with op.batch_alter_table('question_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_revisions_answer_id'), ['answer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_revisions_question_id'), ['question_id'], unique=False)



def downgrade():
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(SOLUTION_FK, 'questions', type_='foreignkey')
    with op.batch_alter_table('question_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_revisions_question_id'))
        batch_op.drop_index(batch_op.f('ix_question_revisions_answer_id'))

    op.drop_table('question_revisions')
    with op.batch_alter_table('answer_kudos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_kudos_user_id'))

    op.drop_table('answer_kudos')
    with op.batch_alter_table('question_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_tags_tag_id'))

    op.drop_table('question_tags')
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_index('ix_answers_question_created')
        batch_op.drop_index(batch_op.f('ix_answers_author_id'))

    op.drop_table('answers')
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_index('ix_questions_board_unanswered')
        batch_op.drop_index('ix_questions_board_solved')
        batch_op.drop_index('ix_questions_board_new')
        batch_op.drop_index(batch_op.f('ix_questions_author_id'))

    op.drop_table('questions')
