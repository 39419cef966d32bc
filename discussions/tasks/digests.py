"""Celery tasks: digests (thin: each calls one service).

Owner while the discussions are built: H6.
"""

from __future__ import annotations
