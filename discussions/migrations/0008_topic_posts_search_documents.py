"""Give each topic one document of the posts every reader of it may read (PostgreSQL).

A common word is in tens of thousands of posts; reading each of them to find its
topic costs more than the search may take (measured at 100,000 posts: 33,000 post
rows, 60-110 ms). ``discussions_topic.posts_search_vector`` holds the lexemes of
the topic's approved, not hidden posts (``visible_post_q`` for a reader with no
rights of their own), so such a search reads at most one row per topic. The
posts only some viewers may read (their own pending posts; hidden and pending ones
for moderators) are still searched post by post, through a partial index that
holds only them.

Statement-level triggers on ``discussions_post`` recompute the document of every
topic whose posts a statement inserted, changed or deleted, so it is in step after
every write: the posting and moderation services, bulk inserts, an erasure's
``update()`` and ``delete()``. The document is stripped of positions: it is used to
match and rank topics, never to highlight. SQLite: nothing (Wagtail's backend).
"""

from django.db import migrations

PUBLIC_POST = "review_state = 'approved' AND hidden_at IS NULL"

FORWARD = [
    """
CREATE AGGREGATE discussions_tsvector_agg(tsvector) (
    SFUNC = tsvector_concat, STYPE = tsvector, INITCOND = ''
)""",
    """ALTER TABLE discussions_topic
    ADD COLUMN IF NOT EXISTS posts_search_vector tsvector NOT NULL DEFAULT ''::tsvector""",
    """CREATE FUNCTION discussions_topic_posts_search_refresh(topic_ids bigint[])
RETURNS void LANGUAGE sql AS $$
    UPDATE discussions_topic AS t
    SET posts_search_vector = coalesce((
        SELECT discussions_tsvector_agg(strip(p.search_vector))
        FROM discussions_post AS p
        WHERE p.topic_id = t.id AND p.review_state = 'approved' AND p.hidden_at IS NULL
    ), ''::tsvector)
    WHERE t.id = ANY(topic_ids)
$$""",
    """CREATE FUNCTION discussions_post_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM discussions_topic_posts_search_refresh(
        ARRAY(SELECT DISTINCT topic_id FROM new_rows));
    RETURN NULL;
END $$""",
    """CREATE FUNCTION discussions_post_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM discussions_topic_posts_search_refresh(ARRAY(
        SELECT n.topic_id FROM new_rows AS n JOIN old_rows AS o ON o.id = n.id
        WHERE n.search_vector IS DISTINCT FROM o.search_vector
           OR n.review_state IS DISTINCT FROM o.review_state
           OR n.hidden_at IS DISTINCT FROM o.hidden_at
           OR n.topic_id IS DISTINCT FROM o.topic_id
        UNION
        SELECT o.topic_id FROM new_rows AS n JOIN old_rows AS o ON o.id = n.id
        WHERE n.topic_id IS DISTINCT FROM o.topic_id));
    RETURN NULL;
END $$""",
    """CREATE FUNCTION discussions_post_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM discussions_topic_posts_search_refresh(
        ARRAY(SELECT DISTINCT topic_id FROM old_rows));
    RETURN NULL;
END $$""",
    """CREATE TRIGGER discussions_post_search_insert AFTER INSERT ON discussions_post
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION discussions_post_inserted()""",
    """CREATE TRIGGER discussions_post_search_update AFTER UPDATE ON discussions_post
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION discussions_post_updated()""",
    """CREATE TRIGGER discussions_post_search_delete AFTER DELETE ON discussions_post
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION discussions_post_deleted()""",
    "SELECT discussions_topic_posts_search_refresh(ARRAY(SELECT id FROM discussions_topic))",
    "CREATE INDEX IF NOT EXISTS disc_topic_posts_search "
    "ON discussions_topic USING gin (posts_search_vector)",
    "CREATE INDEX IF NOT EXISTS disc_post_search_restricted "
    f"ON discussions_post USING gin (search_vector) WHERE NOT ({PUBLIC_POST})",
]

BACKWARD = [
    "DROP INDEX IF EXISTS disc_post_search_restricted",
    "DROP INDEX IF EXISTS disc_topic_posts_search",
    "DROP TRIGGER IF EXISTS discussions_post_search_insert ON discussions_post",
    "DROP TRIGGER IF EXISTS discussions_post_search_update ON discussions_post",
    "DROP TRIGGER IF EXISTS discussions_post_search_delete ON discussions_post",
    "DROP FUNCTION IF EXISTS discussions_post_inserted()",
    "DROP FUNCTION IF EXISTS discussions_post_updated()",
    "DROP FUNCTION IF EXISTS discussions_post_deleted()",
    "DROP FUNCTION IF EXISTS discussions_topic_posts_search_refresh(bigint[])",
    "ALTER TABLE discussions_topic DROP COLUMN IF EXISTS posts_search_vector",
    "DROP AGGREGATE IF EXISTS discussions_tsvector_agg(tsvector)",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("discussions", "0007_search_documents")]

    operations = [migrations.RunPython(forward, backward)]
