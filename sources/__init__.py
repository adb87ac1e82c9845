"""Reading inputs: one module per input kind, and the registry of kinds (sources.registry)."""
