"""Celery tasks: notifications (thin: each calls one service).

Owner while the discussions are built: H5.
"""

from __future__ import annotations
