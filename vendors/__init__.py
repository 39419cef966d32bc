"""Vendors: products, privacy disclosures, roadmaps and comparisons."""
