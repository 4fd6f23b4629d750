"""documents.pdf and pdf_status: every version also as PDF, where LibreOffice is installed

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 07:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pdf', sa.LargeBinary(), nullable=True))
        batch_op.add_column(
            sa.Column('pdf_status', sa.String(length=20), server_default='none', nullable=False)
        )
        batch_op.create_check_constraint(
            op.f('ck_documents_pdf_status'), "pdf_status IN ('none', 'ready', 'unavailable', 'failed')"
        )


def downgrade():
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_documents_pdf_status'), type_='check')
        batch_op.drop_column('pdf_status')
        batch_op.drop_column('pdf')
