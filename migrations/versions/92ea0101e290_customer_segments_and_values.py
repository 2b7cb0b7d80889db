"""customer segments and values: segment weights, customer accounts by email domain and one by one

Revision ID: 92ea0101e290
Revises: 3057ef938a28
Create Date: 2026-11-23 18:34:45.844093

"""
from alembic import op
import sqlalchemy as sa

import app.db_types


# revision identifiers, used by Alembic.
revision = '92ea0101e290'
down_revision = '3057ef938a28'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('customer_segments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.Column('created_at', app.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('weight >= 0 AND weight <= 10000', name=op.f('ck_customer_segments_weight_in_range')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_customer_segments_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_segments')),
    sa.UniqueConstraint('organisation_id', 'name', name=op.f('uq_customer_segments_organisation_id_name'))
    )
    op.create_table('customer_domains',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('domain', sa.String(length=253), nullable=False),
    sa.Column('segment_id', sa.Integer(), nullable=True),
    sa.Column('yearly_revenue', sa.BigInteger(), nullable=True),
    sa.Column('created_at', app.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('yearly_revenue IS NULL OR (yearly_revenue >= 0 AND yearly_revenue <= 1000000000000000)', name=op.f('ck_customer_domains_revenue_in_range')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_customer_domains_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['segment_id'], ['customer_segments.id'], name=op.f('fk_customer_domains_segment_id_customer_segments'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_domains')),
    sa.UniqueConstraint('organisation_id', 'domain', name=op.f('uq_customer_domains_organisation_id_domain'))
    )
    with op.batch_alter_table('customer_domains', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_domains_segment_id'), ['segment_id'], unique=False)

    op.create_table('customer_values',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('segment_id', sa.Integer(), nullable=True),
    sa.Column('yearly_revenue', sa.BigInteger(), nullable=True),
    sa.Column('updated_at', app.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('yearly_revenue IS NULL OR (yearly_revenue >= 0 AND yearly_revenue <= 1000000000000000)', name=op.f('ck_customer_values_revenue_in_range')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_customer_values_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['segment_id'], ['customer_segments.id'], name=op.f('fk_customer_values_segment_id_customer_segments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_customer_values_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_values')),
    sa.UniqueConstraint('organisation_id', 'user_id', name=op.f('uq_customer_values_organisation_id_user_id'))
    )
    with op.batch_alter_table('customer_values', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_values_segment_id'), ['segment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_values_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('customer_values', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_values_user_id'))
        batch_op.drop_index(batch_op.f('ix_customer_values_segment_id'))

    op.drop_table('customer_values')
    with op.batch_alter_table('customer_domains', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_domains_segment_id'))

    op.drop_table('customer_domains')
    op.drop_table('customer_segments')
