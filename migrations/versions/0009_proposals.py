"""proposals: suggested new contents of a section; revisions record who accepted them

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 11:55:00

Issue 15: a proposal is based on a revision and becomes one when accepted (credited to its
author, recorded as accepted by the person who accepted it); two notification kinds.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

KINDS_BEFORE = (
    'review_requested', 'stage_changed', 'reply', 'mention', 'objection', 'document_ready',
    'poll_opened', 'poll_closing',
)
KINDS_WITH_PROPOSALS = (*KINDS_BEFORE, 'proposal', 'proposal_decided')


def _kinds(kinds):
    return "kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")"


def upgrade():
    op.create_table('proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cluster_id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('base_revision', sa.Integer(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('open', 'accepted', 'rejected', 'withdrawn', 'outdated')", name=op.f('ck_proposals_status')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_proposals_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['cluster_id'], ['clusters.id'], name=op.f('fk_proposals_cluster_id_clusters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_proposals_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['section_id'], ['sections.id'], name=op.f('fk_proposals_section_id_sections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposals'))
    )
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposals_cluster_id'), ['cluster_id'], unique=False)
        batch_op.create_index('ix_proposals_section_status', ['section_id', 'status'], unique=False)

    with op.batch_alter_table('section_revisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('accepted_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_section_revisions_accepted_by_id_users'), 'users', ['accepted_by_id'], ['id'],
            ondelete='SET NULL',
        )

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notifications_kind'), type_='check')
        batch_op.create_check_constraint('kind', _kinds(KINDS_WITH_PROPOSALS))


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notifications_kind'), type_='check')
        batch_op.create_check_constraint('kind', _kinds(KINDS_BEFORE))

    with op.batch_alter_table('section_revisions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_section_revisions_accepted_by_id_users'), type_='foreignkey')
        batch_op.drop_column('accepted_by_id')

    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_index('ix_proposals_section_status')
        batch_op.drop_index(batch_op.f('ix_proposals_cluster_id'))

    op.drop_table('proposals')
