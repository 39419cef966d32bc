"""HTML fragments the discussion pages repeat many times, rendered in Python.

Registered as template tags in ``discussions.templatetags.discussions_tags``.
"""
