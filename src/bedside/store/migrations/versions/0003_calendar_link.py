"""calendar link: the hashed token of a workspace's secret ICS address

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bedside.store.models

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('calendar_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', bedside.store.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'],
                            name=op.f('fk_calendar_link_created_by_user_account'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'],
                            name=op.f('fk_calendar_link_workspace_id_workspace'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_link')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_link_token_hash')),
    sa.UniqueConstraint('workspace_id', name=op.f('uq_calendar_link_workspace_id'))
    )


def downgrade() -> None:
    op.drop_table('calendar_link')
