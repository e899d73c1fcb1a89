"""review request: a draft whose author asked a reviewer to look at it

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27

A plain ALTER TABLE ADD COLUMN (never a table copy: see 0002).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bedside.store.models

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('post', sa.Column('review_requested_at',
                                    bedside.store.models.UTCDateTime(timezone=True),
                                    nullable=True))


def downgrade() -> None:
    # Native DROP COLUMN (SQLite 3.35+): a table copy would cascade-delete the versions.
    op.execute("ALTER TABLE post DROP COLUMN review_requested_at")
