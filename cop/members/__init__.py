"""Members: accounts, profiles, organisations, memberships and roles."""
