"""The storage layer: the schema, its migrations, and the one ``Store`` that reads and writes.

Nothing outside this package opens SQLite or reads the database path (tests/test_layout.py)."""

from crawler.storage.store import BatchResult, StorageError, Store, database_kind, db_setting, default_path

__all__ = ["BatchResult", "Store", "StorageError", "database_kind", "db_setting", "default_path"]
