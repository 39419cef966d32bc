"""Member services: every change to accounts, profiles and organisations goes through here.

One module per concept; callers import from ``cop.members.services``.
"""
