"""Give the Moderators group the guides tree and a peer-review workflow, out of the box.

So that a fresh production install works without anyone editing groups by hand:

- the ``Moderators`` group (created if missing) may add, edit, lock and unlock pages
  under the home page, and add, edit and choose documents in the root collection;
- it has no publish permission (the one Wagtail's initial data gives it on the root
  page is removed): a change goes live through the "Moderator review"
  workflow (on the home page, so on every page below it), whose one task is a
  :class:`cop.guides.models.PeerReviewTask` that another moderator approves.

Admins keep every right. Idempotent; the reverse removes what it added.
"""

from django.db import migrations

GROUP = "Moderators"
WORKFLOW = "Moderator review"
TASK = "Another moderator approves"
PAGE_PERMISSIONS = ("add", "change", "lock", "unlock")
DOCUMENT_PERMISSIONS = ("add", "change", "choose")


def _permission(apps, app_label, model, codename):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": f"Can {codename.replace('_', ' ')}"},
    )
    return permission


def grant(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    HomePage = apps.get_model("guides.HomePage")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    Collection = apps.get_model("wagtailcore.Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore.GroupCollectionPermission")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowTask = apps.get_model("wagtailcore.WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    PeerReviewTask = apps.get_model("guides.PeerReviewTask")
    ContentType = apps.get_model("contenttypes.ContentType")

    group, _ = Group.objects.get_or_create(name=GROUP)
    home = HomePage.objects.order_by("pk").first()
    if home is None:
        return
    for kind in PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=group,
            page_id=home.pk,
            permission=_permission(apps, "wagtailcore", "page", f"{kind}_page"),
        )
    # Publishing directly would bypass the peer review.
    GroupPagePermission.objects.filter(
        group=group, permission__codename="publish_page"
    ).delete()
    root = Collection.objects.filter(depth=1).order_by("pk").first()
    if root is not None:
        for kind in DOCUMENT_PERMISSIONS:
            GroupCollectionPermission.objects.get_or_create(
                group=group,
                collection=root,
                permission=_permission(apps, "wagtaildocs", "document", f"{kind}_document"),
            )

    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW, defaults={"active": True})
    task = PeerReviewTask.objects.filter(name=TASK).first()
    if task is None:
        content_type, _ = ContentType.objects.get_or_create(
            app_label="guides", model="peerreviewtask"
        )
        task = PeerReviewTask.objects.create(
            name=TASK, active=True, content_type=content_type
        )
    task.groups.add(group)
    WorkflowTask.objects.get_or_create(workflow=workflow, task_id=task.pk, defaults={"sort_order": 0})
    WorkflowPage.objects.get_or_create(page_id=home.pk, defaults={"workflow": workflow})


def revoke(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    apps.get_model("wagtailcore.WorkflowPage").objects.filter(workflow__name=WORKFLOW).delete()
    apps.get_model("wagtailcore.Workflow").objects.filter(name=WORKFLOW).delete()
    apps.get_model("guides.PeerReviewTask").objects.filter(name=TASK).delete()
    group = Group.objects.filter(name=GROUP).first()
    if group is not None:
        apps.get_model("wagtailcore.GroupPagePermission").objects.filter(group=group).delete()
        apps.get_model("wagtailcore.GroupCollectionPermission").objects.filter(group=group).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("guides", "0003_guides_standard_pages_peer_review"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
