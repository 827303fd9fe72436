"""Numbers that arrive by themselves: KPI sources that are queried (SQL, files DuckDB reads, HTTP in
the Prometheus shape) and recipes that compute CX measures from raw events."""
