"""Index for the Super Fan boundary of a community

Revision ID: a4c1d2e3f5b6
Revises: 7ef3130c3c4c
Create Date: 2026-11-23 23:45:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a4c1d2e3f5b6'
down_revision = '7ef3130c3c4c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reputation_totals', schema=None) as batch_op:
        batch_op.create_index('ix_reputation_totals_fans', ['organisation_id', 'super_fan', 'points'], unique=False)


def downgrade():
    with op.batch_alter_table('reputation_totals', schema=None) as batch_op:
        batch_op.drop_index('ix_reputation_totals_fans')
