"""Encrypted backups of the database and media (crypto, archive and database layers).

The services that use them live in :mod:`cop.privacy.services.backup`.
"""
