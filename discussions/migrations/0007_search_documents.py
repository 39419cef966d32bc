"""Give posts and topic titles a stored full-text document with a GIN index (PostgreSQL).

``search_vector`` is a generated column (``to_tsvector('english', …)``), so
PostgreSQL keeps it in step with every write: the posting services' saves, edits,
``bulk_create`` of the large seed and the ``update()`` of an erasure alike. It is not
a model field, so no ordinary query reads it; ``discussions.selectors.fulltext``
refers to it by name. SQLite has no ``tsvector``: there search keeps to Wagtail's
backend and this migration does nothing.

Adding a stored generated column rewrites the table (measured: about 2 s for 100,000
posts), under a lock that blocks writes meanwhile.
"""

from django.db import migrations

DOCUMENTS = (
    ("discussions_post", "body", "disc_post_search"),
    ("discussions_topic", "title", "disc_topic_search"),
)


def add_documents(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column, index in DOCUMENTS:
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_vector tsvector "
            f"GENERATED ALWAYS AS (to_tsvector('english'::regconfig, "
            f"coalesce({column}, ''))) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {index} ON {table} USING gin (search_vector)"
        )


def drop_documents(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, _column, index in DOCUMENTS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")


class Migration(migrations.Migration):
    dependencies = [("discussions", "0006_notification_event_red_flag_released")]

    operations = [migrations.RunPython(add_documents, drop_documents)]
