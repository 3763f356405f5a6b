"""Fixtures for the metric tests: a fresh DuckDB connection, and Krippendorff's 2011 example in it."""

from __future__ import annotations

import duckdb
import pytest
from metric_tables import KRIPPENDORFF_2011, long_form, table


@pytest.fixture
def con():
    connection = duckdb.connect()
    yield connection
    connection.close()


@pytest.fixture
def reliability(con):
    """Krippendorff's 2011 example as table `reliability` with numeric values and coders A-D."""
    frame = long_form(KRIPPENDORFF_2011, list("ABCD"))
    frame["value"] = frame["value"].astype(float)
    return table(con, "reliability", frame)
