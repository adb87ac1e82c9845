"""The warehouse on disk: Parquet parts and manifests, the DuckDB build, checks, publishing, locks."""
