"""One throwaway PostgreSQL server and one local SparkSession per test session (`make
test-engines`); the server has the role a
run should use: it can log in, make temporary tables, and read the tables it is granted.

The tests here are marked `engines` and left out of a plain `pytest` (see pyproject.toml)."""

from __future__ import annotations

import pytest

from . import postgres_server

RUNNER = "specc_runner"

SETUP = f"""
CREATE ROLE {RUNNER} LOGIN;
REVOKE ALL ON DATABASE postgres FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE postgres TO {RUNNER};
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
CREATE SCHEMA delivery;
CREATE TABLE delivery.t (id text);
INSERT INTO delivery.t VALUES ('a'), ('b'), ('c');
CREATE TABLE delivery.secrets (secret text);
INSERT INTO delivery.secrets VALUES ('s3cr3t');
CREATE SEQUENCE delivery.counter;
GRANT USAGE, CREATE ON SCHEMA delivery TO {RUNNER};  -- CREATE: quarantine tables beside the input
GRANT SELECT ON delivery.t TO {RUNNER};
GRANT USAGE, SELECT, UPDATE ON SEQUENCE delivery.counter TO {RUNNER};
"""


@pytest.fixture(scope="session")
def postgres():
    import psycopg

    if postgres_server.binary("initdb") is None:
        pytest.fail("PostgreSQL's initdb is not installed: run `make test-engines`, which installs it")
    server = postgres_server.start()
    try:
        with psycopg.connect(server.url(), autocommit=True) as admin:
            admin.execute(SETUP)
        yield server
    finally:
        postgres_server.stop(server)


@pytest.fixture(scope="session")
def postgres_url(postgres):
    """Connect as the restricted role, never as the superuser."""
    return postgres.url(RUNNER)


@pytest.fixture(scope="session")
def spark(tmp_path_factory):
    from pyspark.sql import SparkSession

    from specc.engines.spark_engine import session_settings

    builder = SparkSession.builder.master("local[2]").appName("specc-tests")
    warehouse = str(tmp_path_factory.mktemp("spark-warehouse"))
    for key, value in {**session_settings(), "spark.ui.showConsoleProgress": "false",
                       "spark.sql.warehouse.dir": warehouse}.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    yield session
    session.stop()
