"""Create the "Disclosure review" workflow (one moderator review task) for disclosures."""

from django.db import migrations

WORKFLOW_NAME = "Disclosure review"
TASK_NAME = "Moderator review"


def create_workflow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    DisclosureReviewTask = apps.get_model("vendors", "DisclosureReviewTask")

    task_ct, _ = ContentType.objects.get_or_create(
        app_label="vendors", model="disclosurereviewtask"
    )
    disclosure_ct, _ = ContentType.objects.get_or_create(
        app_label="vendors", model="disclosure"
    )
    task = DisclosureReviewTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = DisclosureReviewTask.objects.create(
            name=TASK_NAME, content_type=task_ct, active=True
        )
    workflow, _ = Workflow.objects.get_or_create(
        name=WORKFLOW_NAME, defaults={"active": True}
    )
    WorkflowTask.objects.get_or_create(
        workflow=workflow, task_id=task.pk, defaults={"sort_order": 0}
    )
    WorkflowContentType.objects.update_or_create(
        content_type=disclosure_ct, defaults={"workflow": workflow}
    )


def remove_workflow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    WorkflowContentType.objects.filter(
        content_type__in=ContentType.objects.filter(
            app_label="vendors", model="disclosure"
        )
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("vendors", "0002_disclosures_versions_roadmap"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_workflow, remove_workflow)]
