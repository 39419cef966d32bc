"""The platform's own privacy and the privacy reference data (frameworks, criteria, red flags)."""
