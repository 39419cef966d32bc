"""Member models, one module per concept; import them from here."""

from cop.members.models.conduct import CodeOfConductAcceptance, CodeOfConductVersion
from cop.members.models.invitations import AffiliationInvitation
from cop.members.models.organisations import Membership, Organisation
from cop.members.models.sessions import MemberSession
from cop.members.models.suspensions import ModeratedMember, Suspension
from cop.members.models.users import User

__all__ = [
    "AffiliationInvitation",
    "CodeOfConductAcceptance",
    "CodeOfConductVersion",
    "MemberSession",
    "Membership",
    "ModeratedMember",
    "Organisation",
    "Suspension",
    "User",
]
