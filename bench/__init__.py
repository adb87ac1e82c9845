"""The throughput benchmark: `uv run python -m bench --mb 50` (README, "Benchmarks")."""
