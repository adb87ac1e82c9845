"""Prefect flows, tasks and the CLI: everything in baogao that does I/O."""
