"""The `baogao` command line: a thin face over the flows (cli.app)."""
