"""attendance.guest_email: a guest's e-mail address from the imported sign-in sheet is kept

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attendance') as batch:
        batch.add_column(sa.Column('guest_email', sa.String(length=254), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('attendance') as batch:
        batch.drop_column('guest_email')
