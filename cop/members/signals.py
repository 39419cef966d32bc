"""Signals the members app sends for other apps to follow.

``member_name_changed`` (sender: the user model; ``user_id``): a member's display
name changed. Pages that show names (discussions, the home page) drop their cached
copies; sent inside the transaction that saves the name.
"""

from __future__ import annotations

from django.dispatch import Signal

member_name_changed = Signal()
