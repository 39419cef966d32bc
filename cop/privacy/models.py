"""Privacy models."""
