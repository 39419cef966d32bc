"""Member services: every change to accounts, profiles and organisations goes through here.

One module per concept; callers import from ``cop.members.services``.
"""

# ``name as name``: an explicit re-export (mypy strict, no implicit re-export).
from cop.members.services.invitations import (
    invitation_accept as invitation_accept,
)
from cop.members.services.invitations import (
    invitation_create as invitation_create,
)
from cop.members.services.organisations import (
    affiliation_approve as affiliation_approve,
)
from cop.members.services.organisations import (
    affiliation_decline as affiliation_decline,
)
from cop.members.services.organisations import (
    affiliation_leave as affiliation_leave,
)
from cop.members.services.organisations import (
    affiliation_request as affiliation_request,
)
from cop.members.services.organisations import (
    affiliation_revoke as affiliation_revoke,
)
from cop.members.services.organisations import (
    affiliation_withdraw as affiliation_withdraw,
)
from cop.members.services.organisations import (
    email_domains_clean as email_domains_clean,
)
from cop.members.services.organisations import (
    organisation_profile_update as organisation_profile_update,
)
from cop.members.services.suspensions import (
    member_suspend as member_suspend,
)
from cop.members.services.suspensions import (
    member_unsuspend as member_unsuspend,
)
from cop.members.services.suspensions import (
    sessions_end_for_user as sessions_end_for_user,
)
