"""Readers of input files researchers hand the importers (not the project's database).

The project's own database is crawler/storage's alone. Files here open *other people's* files,
read-only, and hand their records to a pure parser: today a MediaCrawler SQLite export
(sqlite_export.py), which needs the sqlite3 module like the storage layer does.
"""
