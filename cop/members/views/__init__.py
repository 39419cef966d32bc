"""Member views, one module per area (accounts, profiles, organisations)."""
