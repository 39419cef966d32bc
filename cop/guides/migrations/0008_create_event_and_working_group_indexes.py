"""Create /events/ and /working-groups/ on a fresh install.

So that the home page's "All events" link and the events feed work on a new
production site before anyone adds an event. A page whose slug is taken under the
home page, or an index that exists already, is skipped; the reverse keeps them.
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


INDEXES = (
    ("EventIndexPage", "Events", "events",
     "<p>Sessions at library conferences and online, for anyone who works on library "
     "user privacy.</p>"),
    ("WorkingGroupIndexPage", "Working groups", "working-groups",
     "<p>The groups that write the guides, review vendor disclosures and moderate "
     "the community.</p>"),
)


def create_indexes(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    HomePage = apps.get_model("guides.HomePage")

    home = HomePage.objects.order_by("pk").first()
    if home is None:
        return
    now = timezone.now()
    for class_name, title, slug, intro in INDEXES:
        model = apps.get_model("guides", class_name)
        taken = Page.objects.filter(
            path__startswith=home.path, depth=home.depth + 1, slug=slug
        ).exists()
        if taken or model.objects.exists():
            continue
        content_type, _ = ContentType.objects.get_or_create(
            app_label="guides", model=class_name.lower()
        )
        _add_child(
            Page, home, model, content_type, now, title=title, slug=slug, intro=intro
        )


class Migration(migrations.Migration):
    dependencies = [("guides", "0007_working_groups_and_events")]

    operations = [migrations.RunPython(create_indexes, migrations.RunPython.noop)]
