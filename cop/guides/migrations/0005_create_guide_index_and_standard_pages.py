"""Create /guides/ and the platform's standard pages on a fresh install.

So that the "Guides" link and the footer's links (about, privacy policy,
law-enforcement requests, code of conduct) work on a new production site, and the
cop platform's own disclosure can cite them as evidence. The text comes from
``cop.guides.seeding_standard`` as it was when this migration first ran; moderators
edit it afterwards. A page whose slug is taken under the home page is skipped.
"""

import json

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


def _add_child(Page, home, model, content_type, now, **fields):
    Page.objects.filter(pk=home.pk).update(
        numchild=Page.objects.get(pk=home.pk).numchild + 1
    )
    return model.objects.create(
        draft_title=fields["title"],
        content_type=content_type,
        path=_next_child_path(Page, home),
        depth=home.depth + 1,
        numchild=0,
        url_path=f"{home.url_path}{fields['slug']}/",
        locale_id=home.locale_id,
        live=True,
        first_published_at=now,
        last_published_at=now,
        **fields,
    )


def create_pages(apps, schema_editor):
    from cop.guides.seeding_standard import STANDARD_PAGES

    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    HomePage = apps.get_model("guides.HomePage")
    GuideIndexPage = apps.get_model("guides.GuideIndexPage")
    StandardPage = apps.get_model("guides.StandardPage")

    home = HomePage.objects.order_by("pk").first()
    if home is None:
        return
    now = timezone.now()
    taken = set(
        Page.objects.filter(
            path__startswith=home.path, depth=home.depth + 1
        ).values_list("slug", flat=True)
    )
    if "guides" not in taken and not GuideIndexPage.objects.exists():
        content_type, _ = ContentType.objects.get_or_create(
            app_label="guides", model="guideindexpage"
        )
        _add_child(
            Page,
            home,
            GuideIndexPage,
            content_type,
            now,
            title="Guides",
            slug="guides",
            intro="<p>Practical guides written and reviewed by the working group.</p>",
        )
    content_type, _ = ContentType.objects.get_or_create(
        app_label="guides", model="standardpage"
    )
    for spec in STANDARD_PAGES:
        if spec["slug"] in taken:
            continue
        _add_child(
            Page,
            home,
            StandardPage,
            content_type,
            now,
            title=spec["title"],
            slug=spec["slug"],
            intro=spec["intro"],
            body=json.dumps(spec["body"]),
        )


class Migration(migrations.Migration):
    dependencies = [("guides", "0004_moderator_permissions_and_workflow")]

    operations = [migrations.RunPython(create_pages, migrations.RunPython.noop)]
