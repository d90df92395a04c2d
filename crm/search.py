"""Searching a list for text.

A term of three characters or more finds every row with it anywhere in the
searched columns, whatever the case: exactly the rows `col ILIKE '%term%'`
finds, with LIKE's wildcards taken literally. Trigram indexes find them
without reading every row:

- PostgreSQL: `pg_trgm` GIN indexes on the searched columns, which serve
  ILIKE itself (migration 0003), so the condition stays plain ILIKE;
- SQLite: an FTS5 table per searchable table with the `trigram` tokenizer,
  kept current by triggers (migration 0003). Its phrase match ("the term's
  trigrams, one after another", case folded) finds a superset of the ILIKE
  rows; ILIKE then checks each, so the answer is ILIKE's to the letter
  (SQLite's ILIKE folds ASCII letters only, the index every letter).

A shorter term has no trigram, so it matches the beginning of the name
instead, case-insensitively, through the index the name sort uses (see
`crm.database.folded`): on SQLite `name LIKE 'ab%'` (LIKE folds ASCII), on
PostgreSQL `lower(name) COLLATE "C" LIKE lower('ab%')`.

`indexed=False` gives the same rows through plain ILIKE, for walking a list
in its sort order a stretch at a time (`crm.pagination`): an FTS5 match is
worked out whole before the first row comes back, so it suits finding the
rows, not stepping through them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Integer, Select, column, func, literal_column, or_, table
from sqlalchemy.orm import InstrumentedAttribute

from crm.database import escape_like, folded, like_pattern
from crm.extensions import db

TRIGRAM = 3  # the shortest term the trigram indexes can find
# SQLite's FTS5 tables (migrations 0003 to 0005), each `<table>_search`.
SEARCH_TABLES = (
    "organisations_search",
    "contacts_search",
    "meetings_search",
    "actions_search",
    "community_issues_search",
)


def fts5_statements(table_name: str, columns: list[str]) -> list[str]:
    """SQLite DDL for `<table>_search`: an FTS5 trigram table over `columns` of
    `table_name` (an external content table, rowid = the row's id), triggers
    that replace a row's entry on each change to a searched column, and a
    rebuild from the rows already there. For migrations."""
    search = f"{table_name}_search"
    names = ", ".join(columns)
    new = ", ".join(f"new.{name}" for name in columns)
    old = ", ".join(f"old.{name}" for name in columns)
    remove = f"INSERT INTO {search}({search}, rowid, {names}) VALUES ('delete', old.id, {old});"
    add = f"INSERT INTO {search}(rowid, {names}) VALUES (new.id, {new});"
    return [
        f"CREATE VIRTUAL TABLE {search} USING fts5({names}, "
        f"content='{table_name}', content_rowid='id', tokenize='trigram')",
        f"CREATE TRIGGER {search}_insert AFTER INSERT ON {table_name} BEGIN {add} END",
        f"CREATE TRIGGER {search}_delete AFTER DELETE ON {table_name} BEGIN {remove} END",
        f"CREATE TRIGGER {search}_update AFTER UPDATE OF {names} ON {table_name} BEGIN {remove} {add} END",
        f"INSERT INTO {search}({search}) VALUES ('rebuild')",
    ]


def fts5_drop_statements(table_name: str) -> list[str]:
    search = f"{table_name}_search"
    triggers = [f"DROP TRIGGER IF EXISTS {search}_{event}" for event in ("insert", "delete", "update")]
    return [*triggers, f"DROP TABLE IF EXISTS {search}"]


@dataclass(frozen=True)
class FullText:
    """SQLite's FTS5 trigram table over some of a table's text columns (rowid = the row's id)."""

    name: str
    id: InstrumentedAttribute
    columns: dict[str, InstrumentedAttribute]  # the FTS column name -> the model's column

    def table(self):
        return table(self.name, column("rowid", Integer))

    def phrase(self, term: str, columns: tuple[str, ...]) -> str:
        """An FTS5 query for `term` as one phrase (its quotes doubled), in `columns` only."""
        quoted = '"' + term.replace('"', '""') + '"'
        if set(columns) == set(self.columns):
            return quoted
        return "{" + " ".join(columns) + "} : " + quoted


@dataclass(frozen=True)
class TextSearch:
    """`term` in any of `columns` of `index` (three characters or more), or at the start of `prefix` (fewer)."""

    term: str
    index: FullText
    columns: tuple[str, ...]
    prefix: InstrumentedAttribute

    @property
    def is_prefix(self) -> bool:
        return len(self.term) < TRIGRAM

    def served_by(self, key) -> bool:
        """Whether an index on the sort `key` finds this search's rows in order (a prefix of the sort column)."""
        if not (self.is_prefix and isinstance(key, folded)):
            return False
        (sorted_column,) = key.clauses.clauses
        prefix = self.prefix.expression
        return sorted_column.table is prefix.table and sorted_column.name == prefix.name

    def apply(self, query: Select, *, indexed: bool = True) -> Select:
        dialect = db.engine.dialect.name
        if self.is_prefix:
            return query.where(self._starts_with(dialect))
        pattern = like_pattern(self.term)
        matches = or_(*(self.index.columns[name].ilike(pattern, escape="\\") for name in self.columns))
        if indexed and dialect == "sqlite":
            fts = self.index.table()
            query = query.join(fts, fts.c.rowid == self.index.id).where(
                literal_column(self.index.name).op("MATCH")(self.index.phrase(self.term, self.columns))
            )
        return query.where(matches)

    def _starts_with(self, dialect: str):
        pattern = escape_like(self.term) + "%"
        if dialect == "sqlite":
            # The column itself on the left, so that SQLite's LIKE optimisation
            # reads the `folded` (COLLATE NOCASE) index as a range.
            return self.prefix.like(pattern, escape="\\")
        return folded(self.prefix).like(func.lower(pattern), escape="\\")
