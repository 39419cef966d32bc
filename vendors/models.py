"""Vendor models."""
