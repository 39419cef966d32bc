"""Recompute a topic's posts document only after locking the topic row (PostgreSQL).

Two transactions changing posts of one topic at once (two members editing their
posts) each recompute the topic's document. Under READ COMMITTED the second
``UPDATE`` waits for the first one's row lock but then writes what its own,
older snapshot saw, losing the first change. Locking the rows in one statement
and recomputing in the next gives the recomputation a snapshot taken after the
lock, which holds every committed change (each statement of a volatile SQL
function takes a fresh snapshot).
"""

from django.db import migrations

REFRESH = """
CREATE OR REPLACE FUNCTION discussions_topic_posts_search_refresh(topic_ids bigint[])
RETURNS void LANGUAGE sql AS $$
    SELECT 1 FROM discussions_topic WHERE id = ANY(topic_ids) ORDER BY id FOR UPDATE;
    UPDATE discussions_topic AS t
    SET posts_search_vector = coalesce((
        SELECT discussions_tsvector_agg(strip(p.search_vector))
        FROM discussions_post AS p
        WHERE p.topic_id = t.id AND p.review_state = 'approved' AND p.hidden_at IS NULL
    ), ''::tsvector)
    WHERE t.id = ANY(topic_ids)
$$
"""

PREVIOUS = """
CREATE OR REPLACE FUNCTION discussions_topic_posts_search_refresh(topic_ids bigint[])
RETURNS void LANGUAGE sql AS $$
    UPDATE discussions_topic AS t
    SET posts_search_vector = coalesce((
        SELECT discussions_tsvector_agg(strip(p.search_vector))
        FROM discussions_post AS p
        WHERE p.topic_id = t.id AND p.review_state = 'approved' AND p.hidden_at IS NULL
    ), ''::tsvector)
    WHERE t.id = ANY(topic_ids)
$$
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REFRESH)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PREVIOUS)


class Migration(migrations.Migration):
    dependencies = [("discussions", "0008_topic_posts_search_documents")]

    operations = [migrations.RunPython(forward, backward)]
