"""Pure transforms: values in, values out.

Nothing in this package may import prefect or duckdb, read environment variables or settings,
or decide where files live: the flows in `flows/` do I/O and hand values in. A test
(tests/test_boundaries.py) and an import-linter contract in pyproject.toml hold that line.
"""

# Bump when a change to any transform changes the rows it produces: documents loaded under an
# older version are processed again on the next ingest (their doc_id, from content, stays).
TRANSFORM_VERSION = "1"
