"""An UPDATE's SET clause bound by name, for the statements built once and run often.

SQLAlchemy reserves a column's own name for the bind of that column in a SET clause, so a
prebuilt ``UPDATE ... SET status = :status`` cannot be given ``status`` as a parameter:
the binds here carry a ``new_`` prefix, and :func:`set_values` names the values to match.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.sql.elements import BindParameter

_PREFIX = "new_"


def bound_set(columns: Iterable[str]) -> dict[str, BindParameter[Any]]:
    """The SET clause ``{column: :new_column}`` for an update's ``values()``.

    Args:
        columns: the columns the update writes.

    """
    return {name: bindparam(_PREFIX + name) for name in columns}


def set_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters for a :func:`bound_set` clause: each column's value under its bind.

    Args:
        values: the new value of each column.

    """
    return {_PREFIX + name: value for name, value in values.items()}
