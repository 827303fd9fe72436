"""The store: SQLAlchemy Core tables, reads, audited writes and loaders, on DuckDB or PostgreSQL."""
