"""Member models, one module per concept; import them from here."""

from cop.members.models.organisations import Membership, Organisation
from cop.members.models.users import User

__all__ = ["Membership", "Organisation", "User"]
