"""Helpers for the metric tests: published reliability data and tables built from DataFrames."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from specc.sqlsafe import identifier

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", p. 8: observers A-D, 12 units.
NAN = np.nan
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]


def long_form(matrix, coder_names=None) -> pd.DataFrame:
    """A coders x units reliability matrix (NaN = missing) as (unit, coder, value) rows."""
    matrix = np.asarray(matrix, dtype=object)
    names = coder_names or [f"c{index:02d}" for index in range(matrix.shape[0])]
    rows = [
        (unit, names[coder], matrix[coder, unit])
        for coder in range(matrix.shape[0])
        for unit in range(matrix.shape[1])
        if not (isinstance(matrix[coder, unit], float) and np.isnan(matrix[coder, unit]))
    ]
    return pd.DataFrame(rows, columns=["unit", "coder", "value"])


def table(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> str:
    """Materialise a DataFrame as a DuckDB table, so column types are DuckDB's own."""
    con.register("incoming_frame", frame)
    con.execute(f"CREATE OR REPLACE TABLE {identifier(name)} AS SELECT * FROM incoming_frame").fetchall()
    con.unregister("incoming_frame")
    return name
