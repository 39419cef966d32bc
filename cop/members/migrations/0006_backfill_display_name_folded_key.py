"""Fill ``display_name_folded_key`` for the accounts that have a display name.

The key is computed here as ``cop.members.validators.display_name_folded_key`` did
when this migration was written (migrations never import app code). Two existing
names that only now turn out to be the same (e.g. "Anna Lee" and "ANNA LEE") both
keep their name: the older account gets the key, the newer one keeps NULL until its
member next edits the profile, when the check refuses the clash. Safe to re-run:
only rows still without a key are read, in batches.
"""

import re
import unicodedata

from django.db import migrations

BATCH_SIZE = 2000  # a few hundred kB of names per query; the table is read once
_SPACES = re.compile(r"\s+")


def _folded_key(checker, name):
    normalised = unicodedata.normalize("NFKC", _SPACES.sub(" ", name).strip())
    first = checker.getSkeleton(0, normalised.casefold())
    return str(checker.getSkeleton(0, first.casefold()))


def backfill(apps, schema_editor):
    import icu

    user_model = apps.get_model("members", "User")
    checker = icu.SpoofChecker()
    taken = set(
        user_model.objects.exclude(display_name_folded_key=None).values_list(
            "display_name_folded_key", flat=True
        )
    )
    last_pk = 0
    while True:
        batch = list(
            user_model.objects.filter(pk__gt=last_pk, display_name_folded_key=None)
            .exclude(display_name="")
            .order_by("pk")
            .values_list("pk", "display_name")[:BATCH_SIZE]
        )
        if not batch:
            return
        for pk, name in batch:
            key = _folded_key(checker, name)
            if key not in taken:
                taken.add(key)
                user_model.objects.filter(pk=pk).update(display_name_folded_key=key)
        last_pk = batch[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0005_display_name_folded_key"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
