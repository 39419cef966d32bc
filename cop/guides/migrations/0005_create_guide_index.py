"""Create the guide index at /guides/ on a fresh install, so the "Guides" link works.

Moderators then add guides under it. Skipped when any guide index exists already.
"""

from django.db import migrations
from django.utils import timezone

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_STEP = 4


def _next_child_path(Page, parent):
    last = (
        Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    if last is None:
        return parent.path + "0001"
    number = int(last[-_STEP:], 36) + 1
    digits = ""
    while number:
        number, rest = divmod(number, 36)
        digits = _ALPHABET[rest] + digits
    return parent.path + digits.rjust(_STEP, "0")


def create_guide_index(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    HomePage = apps.get_model("guides.HomePage")
    GuideIndexPage = apps.get_model("guides.GuideIndexPage")

    home = HomePage.objects.order_by("pk").first()
    if home is None or GuideIndexPage.objects.exists():
        return
    if Page.objects.filter(path__startswith=home.path, depth=home.depth + 1, slug="guides").exists():
        return
    content_type, _ = ContentType.objects.get_or_create(app_label="guides", model="guideindexpage")
    now = timezone.now()
    GuideIndexPage.objects.create(
        title="Guides",
        draft_title="Guides",
        slug="guides",
        content_type=content_type,
        path=_next_child_path(Page, home),
        depth=home.depth + 1,
        numchild=0,
        url_path=f"{home.url_path}guides/",
        locale_id=home.locale_id,
        live=True,
        first_published_at=now,
        last_published_at=now,
        intro="<p>Practical guides written and reviewed by the working group.</p>",
    )
    Page.objects.filter(pk=home.pk).update(numchild=home.numchild + 1)


class Migration(migrations.Migration):
    dependencies = [("guides", "0004_moderator_permissions_and_workflow")]

    operations = [migrations.RunPython(create_guide_index, migrations.RunPython.noop)]
