"""Refund attempts: a refused refund can be tried again under a new idempotency key

Revision ID: b7e2f4a9c1d3
Revises: a4c1d2e3f5b6
Create Date: 2026-11-24 04:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b7e2f4a9c1d3'
down_revision = 'a4c1d2e3f5b6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempt', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_column('attempt')
