"""Reports weigh by the reporter's level: flags keep the level and the weight

Revision ID: c3d5e7f9a1b2
Revises: b7e2f4a9c1d3
Create Date: 2026-11-25 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c3d5e7f9a1b2'
down_revision = 'b7e2f4a9c1d3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reporter_level', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('weight', sa.Integer(), nullable=False, server_default='0'))
    # Earlier flags needed level 1 (Member) but for product managers': count each as a Member's report.
    op.execute("UPDATE flags SET reporter_level = 1, weight = 2 WHERE reporter_id IS NOT NULL")


def downgrade():
    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.drop_column('weight')
        batch_op.drop_column('reporter_level')
