"""meetings: the series kept by the database (one number, one conference) and a version

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 16:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.create_unique_constraint(batch_op.f('uq_meetings_cluster_id_number'), ['cluster_id', 'number'])
    op.create_index(
        'uq_meetings_one_conference',
        'meetings',
        ['cluster_id'],
        unique=True,
        sqlite_where=sa.text("kind = 'conference'"),
        postgresql_where=sa.text("kind = 'conference'"),
    )


def downgrade():
    op.drop_index('uq_meetings_one_conference', table_name='meetings')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_meetings_cluster_id_number'), type_='unique')
        batch_op.drop_column('version')
