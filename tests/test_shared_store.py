"""The guard behind `reads_only` (tests/conftest.py): a test that shares the demo store but
writes to it is caught, and the next one gets a fresh copy."""

import pytest
import sqlalchemy as sa

from kpi.store import engine, schema
from tests.sharing import fingerprint, shared_copies_changed, shared_copy


@pytest.mark.reads_only
def test_a_write_to_the_shared_store_is_caught_and_the_copy_replaced(demo_url, request):
    backend = "duckdb" if engine.is_duckdb(demo_url) else "postgresql"
    assert shared_copy(request, backend) == demo_url  # the shared copy, not a private one
    before = fingerprint(demo_url)
    with engine.writing(engine.create(demo_url)) as conn:
        conn.execute(sa.insert(schema.meta).values(key="planted", value="a write"))
    assert shared_copies_changed() == [backend]
    fresh = shared_copy(request, backend)  # what the next reads_only test gets
    assert fresh != demo_url and fingerprint(fresh) == before
