"""signoffs.document_id: the version each organisation signed

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 12:15:00

Issue 17: signing shows the version (number, date, checksum) and records it, so the adopted
document lists the version each organisation signed. NULL for signatures made before.

"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('signoffs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('document_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_signoffs_document_id_documents'), 'documents', ['document_id'], ['id'],
            ondelete='SET NULL',
        )


def downgrade():
    with op.batch_alter_table('signoffs', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_signoffs_document_id_documents'), type_='foreignkey')
        batch_op.drop_column('document_id')
