"""The declarative base every model shares, with constraint names Alembic can rely on."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, Enum, MetaData, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Named constraints, so batch migrations on SQLite can find and alter them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


__all__ = ["Base", "StrEnum", "created_at_column", "enum_column", "updated_at_column"]


class Base(DeclarativeBase):
    """Declarative base with a naming convention."""

    metadata = MetaData(naming_convention=NAMING)


def created_at_column() -> Mapped[datetime]:
    """A timestamp set by the database when the row is inserted."""
    return mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)


def updated_at_column() -> Mapped[datetime]:
    """A timestamp set by the database on insert and refreshed on every ORM update."""
    return mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False
    )


def enum_column(cls: type[StrEnum], name: str, length: int) -> Enum:
    """A portable enum type (a checked VARCHAR on every engine) storing the members' values."""
    return Enum(cls, name=name, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])
