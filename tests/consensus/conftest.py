"""Fixtures for the consensus tests: a fresh DuckDB connection per test."""

from __future__ import annotations

import duckdb
import pytest


@pytest.fixture
def con():
    connection = duckdb.connect()
    yield connection
    connection.close()
