"""HR rosters: parse and validate CSV/JSON files, and import them into PostgreSQL.

`roster.parse` and `roster.model` are pure; `roster.importer` writes to the database.
"""
