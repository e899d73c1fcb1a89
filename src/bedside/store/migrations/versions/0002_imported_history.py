"""imported history: post origin, replies, one remote id per account, metric snapshots

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02

Columns are added with plain ALTER TABLE, never by copying a table: on SQLite (foreign keys on)
dropping the old copy of `post` would cascade and delete every version, target and ledger row.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bedside.store.models

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    _refuse_duplicate_remote_ids()
    # One statement both databases accept; the check is the model's ck_post_origin.
    op.execute(
        "ALTER TABLE post ADD COLUMN origin VARCHAR(16) DEFAULT 'composed' NOT NULL "
        "CONSTRAINT ck_post_origin CHECK (origin IN ('composed', 'imported'))"
    )
    op.add_column('publication', sa.Column('reply_to', sa.String(length=300), nullable=True))
    op.create_index('ix_publication_account_remote_id', 'publication',
                    ['account_id', 'remote_id'], unique=True)
    op.create_table('metric_snapshot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('publication_id', sa.Integer(), nullable=False),
    sa.Column('fetched_at', bedside.store.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('likes', sa.BigInteger(), nullable=True),
    sa.Column('replies', sa.BigInteger(), nullable=True),
    sa.Column('reposts', sa.BigInteger(), nullable=True),
    sa.Column('quotes', sa.BigInteger(), nullable=True),
    sa.Column('impressions', sa.BigInteger(), nullable=True),
    sa.Column('clicks', sa.BigInteger(), nullable=True),
    sa.CheckConstraint("source IN ('api', 'archive')", name=op.f('ck_metric_snapshot_source')),
    sa.CheckConstraint(
        " AND ".join(f"({m} IS NULL OR {m} >= 0)" for m in bedside.store.models.METRICS),
        name=op.f('ck_metric_snapshot_counts')),
    sa.ForeignKeyConstraint(['publication_id'], ['publication.id'], name=op.f('fk_metric_snapshot_publication_id_publication'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_metric_snapshot'))
    )
    op.create_index('ix_metric_snapshot_publication_fetched', 'metric_snapshot',
                    ['publication_id', 'fetched_at'], unique=False)


def _refuse_duplicate_remote_ids() -> None:
    """A network post recorded twice on one account is a ledger fault a human must look at."""
    dup = op.get_bind().execute(sa.text(
        "SELECT account_id, remote_id FROM publication WHERE remote_id IS NOT NULL "
        "GROUP BY account_id, remote_id HAVING COUNT(*) > 1 LIMIT 5")).all()
    if dup:
        listed = ", ".join(f"account {a}: {r}" for a, r in dup)
        raise RuntimeError(f"the ledger holds the same network post twice ({listed}); "
                           "resolve these rows before upgrading")


def downgrade() -> None:
    op.drop_index('ix_metric_snapshot_publication_fetched', table_name='metric_snapshot')
    op.drop_table('metric_snapshot')
    op.drop_index('ix_publication_account_remote_id', table_name='publication')
    # Native DROP COLUMN (SQLite 3.35+), again so no table is copied.
    op.execute("ALTER TABLE publication DROP COLUMN reply_to")
    op.execute("ALTER TABLE post DROP COLUMN origin")
