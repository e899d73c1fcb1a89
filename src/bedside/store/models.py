"""The store's tables: SQLAlchemy 2 typed models, the same on SQLite and PostgreSQL.

Times are stored in UTC and come back timezone-aware; wall-clock times in a practice's zone are
computed at the edges. Alembic migrations in `migrations/` must agree with these models (a test
compares them).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

ROLES = ("owner", "editor", "reviewer")
ACCOUNT_KINDS = ("practice", "personal")
ACCOUNT_STATUSES = ("active", "paused")
POST_STATUSES = ("draft", "scheduled", "cancelled")
# composed: written in bedside; imported: read from a network's own data export (published
# history: its one ledger row says published, it is never scheduled or sent).
POST_ORIGINS = ("composed", "imported")
DECISIONS = ("approved", "rejected", "override")
# The ledger's states. scheduled → publishing (claimed, leased) → published | failed;
# a lease that expires with no answer from the network → uncertain (a human checks);
# approval after the due time → expired; an edit or unschedule → cancelled.
LEDGER_STATES = ("scheduled", "publishing", "published", "failed", "uncertain", "expired",
                 "cancelled")
# The counts a metric snapshot holds (the names of networks.base.PostMetrics), and where they
# came from: the network's API, or the counts written in its data export.
METRICS = ("likes", "replies", "reposts", "quotes", "impressions", "clicks")
METRIC_SOURCES = ("api", "archive")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out; naive datetimes are refused (a bug)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use an aware one")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON}


class Workspace(Base):
    """A practice: its profile (the practice TOML), its zone, whether posts need sign-off."""

    __tablename__ = "workspace"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    timezone: Mapped[str] = mapped_column(String(64))
    profile_toml: Mapped[str] = mapped_column(Text, default="")
    require_signoff: Mapped[bool] = mapped_column(Boolean, default=False)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class User(Base):
    __tablename__ = "user_account"  # "user" is reserved in PostgreSQL
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(200), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Membership(Base):
    __tablename__ = "membership"
    __table_args__ = (
        UniqueConstraint("workspace_id", "user_id"),
        CheckConstraint(_in("role", ROLES), name="role"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))
    user: Mapped[User] = relationship(lazy="joined")


class Account(Base):
    """One account on one network. Credentials are sealed (see store/secrets.py), never plain."""

    __tablename__ = "account"
    __table_args__ = (
        UniqueConstraint("workspace_id", "network", "handle"),
        CheckConstraint(_in("kind", ACCOUNT_KINDS), name="kind"),
        CheckConstraint(_in("status", ACCOUNT_STATUSES), name="status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    network: Mapped[str] = mapped_column(String(32))
    handle: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    credentials: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="active")
    paused_reason: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Strategy(Base):
    """The strategy document (see bedside.strategy), validated before it is stored."""

    __tablename__ = "strategy"
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), unique=True
    )
    document: Mapped[dict[str, Any]] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)


class Post(Base):
    """What a doctor composed once; its versions hold the text, its targets the accounts.

    An imported post (origin `imported`) came from a network's data export: one version, one
    target, and one ledger row already `published` with the network's id and date; its status
    stays `draft` because bedside never planned it.
    """

    __tablename__ = "post"
    __table_args__ = (
        CheckConstraint(_in("status", POST_STATUSES), name="status"),
        CheckConstraint(_in("origin", POST_ORIGINS), name="origin"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="draft")
    origin: Mapped[str] = mapped_column(String(16), default="composed",
                                        server_default="composed")
    scheduled_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
    # Set when the author asks a reviewer to look (the post is held until a sign-off, whatever
    # the workspace requires); cleared by the reviewer's approval or rejection.
    review_requested_at: Mapped[datetime | None] = mapped_column(default=None)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    versions: Mapped[list[PostVersion]] = relationship(
        back_populates="post", order_by="PostVersion.number"
    )
    targets: Mapped[list[PostTarget]] = relationship(cascade="all, delete-orphan")


class PostTarget(Base):
    __tablename__ = "post_target"
    post_id: Mapped[int] = mapped_column(
        ForeignKey("post.id", ondelete="CASCADE"), primary_key=True
    )
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), primary_key=True
    )
    account: Mapped[Account] = relationship(lazy="joined")


class PostVersion(Base):
    """An immutable saved text: a new edit is a new version, with its own findings."""

    __tablename__ = "post_version"
    __table_args__ = (UniqueConstraint("post_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(Text, default=None)
    images: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"items": [{path, alt}]}
    promotional: Mapped[bool] = mapped_column(Boolean, default=False)
    worst_severity: Mapped[str | None] = mapped_column(String(8), default=None)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    post: Mapped[Post] = relationship(back_populates="versions")
    variants: Mapped[list[Variant]] = relationship(
        cascade="all, delete-orphan", order_by="Variant.network"
    )
    findings: Mapped[list[StoredFinding]] = relationship(
        cascade="all, delete-orphan", order_by="StoredFinding.id"
    )


class Variant(Base):
    """A network's own wording of a version (shorter for X, say); absent = the version's text."""

    __tablename__ = "variant"
    __table_args__ = (UniqueConstraint("version_id", "network"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("post_version.id", ondelete="CASCADE"))
    network: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)


class StoredFinding(Base):
    """One guard finding of one version, for the text one network and account kind receive."""

    __tablename__ = "finding"
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("post_version.id", ondelete="CASCADE"), index=True
    )
    network: Mapped[str | None] = mapped_column(String(32), default=None)
    account_kind: Mapped[str] = mapped_column(String(16))
    rule: Mapped[str] = mapped_column(String(80))
    category: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(8))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    excerpt: Mapped[str] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)
    suggestion: Mapped[str | None] = mapped_column(Text, default=None)
    source: Mapped[str | None] = mapped_column(Text, default=None)


class Approval(Base):
    """A reviewer's decision on one exact version; an override names the rule and a reason."""

    __tablename__ = "approval"
    __table_args__ = (CheckConstraint(_in("decision", DECISIONS), name="decision"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("post_version.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    decision: Mapped[str] = mapped_column(String(16))
    rule: Mapped[str | None] = mapped_column(String(80), default=None)
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Publication(Base):
    """The ledger: the truth about one post on one account, claimed before the network is called.

    One row per (post, account), so however often a post is edited or rescheduled it can reach an
    account once; `version_id` names the exact version that goes (or went) out. A remote id is
    unique on its account, so the same network post is never held twice (an archive imported
    again, or one holding posts bedside published itself).
    """

    __tablename__ = "publication"
    __table_args__ = (
        UniqueConstraint("post_id", "account_id"),
        CheckConstraint(_in("state", LEDGER_STATES), name="state"),
        Index("ix_publication_state_due", "state", "due_at"),
        Index("ix_publication_account_remote_id", "account_id", "remote_id", unique=True),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(ForeignKey("post_version.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    state: Mapped[str] = mapped_column(String(16), default="scheduled")
    due_at: Mapped[datetime] = mapped_column()
    next_attempt_at: Mapped[datetime] = mapped_column()
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(default=None)
    claimed_by: Mapped[str | None] = mapped_column(String(120), default=None)
    remote_id: Mapped[str | None] = mapped_column(String(300), default=None)
    remote_url: Mapped[str | None] = mapped_column(Text, default=None)
    # The remote id of the post this one answers (a reply, or the next post of a thread).
    reply_to: Mapped[str | None] = mapped_column(String(300), default=None)
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    account: Mapped[Account] = relationship(lazy="joined")


class MetricSnapshot(Base):
    """The counts of one published post on one account at one moment; None: not reported.

    Snapshots accumulate (insights reads trends from them); `source` says whether the counts came
    from the network's API or from its data export, whose counts date from the export.
    """

    __tablename__ = "metric_snapshot"
    __table_args__ = (
        CheckConstraint(_in("source", METRIC_SOURCES), name="source"),
        CheckConstraint(" AND ".join(f"({m} IS NULL OR {m} >= 0)" for m in METRICS),
                        name="counts"),
        Index("ix_metric_snapshot_publication_fetched", "publication_id", "fetched_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(
        ForeignKey("publication.id", ondelete="CASCADE"))
    fetched_at: Mapped[datetime] = mapped_column()
    source: Mapped[str] = mapped_column(String(16))
    likes: Mapped[int | None] = mapped_column(BigInteger, default=None)
    replies: Mapped[int | None] = mapped_column(BigInteger, default=None)
    reposts: Mapped[int | None] = mapped_column(BigInteger, default=None)
    quotes: Mapped[int | None] = mapped_column(BigInteger, default=None)
    impressions: Mapped[int | None] = mapped_column(BigInteger, default=None)
    clicks: Mapped[int | None] = mapped_column(BigInteger, default=None)


class AuditEntry(Base):
    """Append-only (database triggers refuse UPDATE and DELETE): who did what, to what, why."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    action: Mapped[str] = mapped_column(String(64))
    post_id: Mapped[int | None] = mapped_column(Integer, default=None)
    version_id: Mapped[int | None] = mapped_column(Integer, default=None)
    account_id: Mapped[int | None] = mapped_column(Integer, default=None)
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class CalendarLink(Base):
    """A workspace's secret calendar (ICS) address: only a SHA-256 of its token is kept, so the
    database cannot give the address away; the feed is read as the member who made it."""

    __tablename__ = "calendar_link"
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), unique=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
