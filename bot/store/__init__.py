"""The SQL store: typed models, the per-user deal space, transactions and migrations."""

from bot.store.database import Database, StorageUnavailable
from bot.store.space import SqlDealSpace

__all__ = ["Database", "SqlDealSpace", "StorageUnavailable"]
