"""Database plumbing shared by every area: column types and connection set-up."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, Index, String, event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A moment in time, stored as naive UTC and always read back aware.

    SQLite has no time zones and PostgreSQL does; storing naive UTC on both
    and attaching UTC on the way out gives one behaviour on each.
    """

    impl = DateTime
    cache_ok = True

    @property
    def python_type(self):
        return datetime

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs an aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class Timestamps:
    """When a record was created and last changed."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class Archivable:
    """Records that others point at are archived, never deleted."""

    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def archive(self) -> None:
        self.archived_at = utcnow()

    def restore(self) -> None:
        self.archived_at = None


def escape_like(text: str) -> str:
    """`text` with LIKE's wildcards (and the escape character, a backslash) taken literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with its wildcards taken literally."""
    return f"%{escape_like(text)}%"


class folded(FunctionElement):
    """Text as lists sort it, compare it and match its beginning: case folded, in code point order.

    `folded(Organisation.name)` is `name COLLATE NOCASE` on SQLite and
    `lower(name) COLLATE "C"` on PostgreSQL: the same order on both (SQLite's
    NOCASE folds ASCII letters only, PostgreSQL's lower() every letter). One
    index on it serves the sort, the keyset comparison `(folded(name), id) >
    (...)` and a prefix search `LIKE 'ab%'` together; on PostgreSQL only a
    "C" collation lets a plain index serve LIKE (this server's default,
    C.UTF-8, does not), and a text_pattern_ops index could not serve the sort.
    Indexes and queries must use this same expression to meet.
    """

    type = String()
    name = "folded"
    inherit_cache = True


def while_active(model) -> dict:
    """Keyword arguments for an index that leaves archived rows out, as the lists do."""
    return {"sqlite_where": model.archived_at.is_(None), "postgresql_where": model.archived_at.is_(None)}


def trigram_indexes(*columns) -> None:
    """GIN trigram indexes on PostgreSQL for substring search (crm/search.py);
    SQLite has an FTS5 table per searchable table instead (migration 0003)."""
    for column in columns:
        Index(
            f"ix_{column.class_.__tablename__}_{column.key}_trgm",
            column,
            postgresql_using="gin",
            postgresql_ops={column.key: "gin_trgm_ops"},
            postgresql_with={"fastupdate": "off"},
            info={"dialect": "postgresql"},  # for autogenerate (migrations/env.py)
        ).ddl_if(dialect="postgresql")


@compiles(folded)
def _folded_sqlite(element, compiler, **kw):
    return f"{compiler.process(element.clauses, **kw)} COLLATE NOCASE"


@compiles(folded, "postgresql")
def _folded_postgresql(element, compiler, **kw):
    return f'lower({compiler.process(element.clauses, **kw)}) COLLATE "C"'


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record):
    """WAL, foreign keys and a busy timeout on every SQLite connection."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 5000")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()
