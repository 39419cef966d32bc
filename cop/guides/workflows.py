"""What happens when a workflow is approved (``WAGTAIL_FINISH_WORKFLOW_ACTION``).

Wagtail publishes the approved revision as the approver and, by default, requires
the approver to hold the publish permission. For pages that would defeat the peer
review: a moderator with publish permission could publish their own change without
anyone's approval. So moderators hold no publish permission on pages, and a page
whose workflow was approved — by a member of the task's groups other than the
change's author, as :class:`cop.guides.models.PeerReviewTask` checks — is published
without that check. Everything else (disclosures) keeps Wagtail's behaviour.
Imported while Wagtail's models load: nothing here may import models at module level.
"""

from __future__ import annotations

from typing import Any


def publish_approved(workflow_state: Any, user: Any = None) -> None:
    """Publish the object of an approved ``workflow_state``."""
    from wagtail.models import Page
    from wagtail.workflows import publish_workflow_state

    content = workflow_state.content_object
    if not isinstance(content, Page):
        publish_workflow_state(workflow_state, user=user)
        return
    content.get_latest_revision().publish(user=user, skip_permission_checks=True)
