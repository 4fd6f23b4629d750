"""users.grammatical_form: Polish verbs about a person follow the form they state

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 12:10:00

Issue 17: "przekazała" or "przekazał" when the person has said which; nothing guessed from
the name, so NULL (not stated) for everyone until they choose.

"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grammatical_form', sa.String(length=10), nullable=True))
        batch_op.create_check_constraint(
            'grammatical_form', "grammatical_form IN ('feminine', 'masculine')"
        )


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint('grammatical_form', type_='check')
        batch_op.drop_column('grammatical_form')
