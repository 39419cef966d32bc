"""Discussion models."""
