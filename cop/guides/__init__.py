"""Editor-curated pages: home, privacy guides, checklists, working groups and events."""
