"""Forms of the discussions, one module per area (import from the module)."""
