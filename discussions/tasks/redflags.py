"""Celery tasks: redflags (thin: each calls one service).

Owner while the discussions are built: H3.
"""

from __future__ import annotations
