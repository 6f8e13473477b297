"""Full-text search on PostgreSQL: a trigger keeps Article.search_vector current.

The vector weighs the headline 'A', the standfirst 'B' and the body 'C' (its
HTML tags replaced by spaces), all with the 'english' configuration, so that
"shipping" also finds "ships". A GIN index makes the match fast. Existing rows
are filled in by touching them, which fires the trigger.

The trigger also fires when search_vector itself is written, so Django's
save(), which writes the model's NULL into the column, can never leave it
stale or empty. On SQLite (and any other database) this migration does nothing;
articles/search.py falls back to a simple word match there.
"""

from django.db import migrations

FUNCTION = "articles_article_search_vector_update"
TRIGGER = "articles_article_search_vector_trigger"
INDEX = "article_search_vector_gin"


def create_search(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("articles", "Article")._meta.db_table)
    schema_editor.execute(
        f"""
        CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            NEW.search_vector :=
                setweight(to_tsvector('pg_catalog.english', coalesce(NEW.headline, '')), 'A')
                || setweight(to_tsvector('pg_catalog.english', coalesce(NEW.standfirst, '')), 'B')
                || setweight(
                    to_tsvector(
                        'pg_catalog.english',
                        regexp_replace(coalesce(NEW.body, ''), '<[^>]+>', ' ', 'g')
                    ),
                    'C'
                );
            RETURN NEW;
        END
        $$
        """
    )
    schema_editor.execute(
        f"""
        CREATE TRIGGER {TRIGGER}
        BEFORE INSERT OR UPDATE OF headline, standfirst, body, search_vector ON {table}
        FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()
        """
    )
    # Backfill: writing the column fires the trigger, which computes the real value.
    schema_editor.execute(f"UPDATE {table} SET search_vector = NULL")  # noqa: S608 - our own table
    schema_editor.execute(f"CREATE INDEX {INDEX} ON {table} USING gin (search_vector)")


def drop_search(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("articles", "Article")._meta.db_table)
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {table}")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
    # Nothing keeps the vectors current any more: do not leave stale ones behind.
    schema_editor.execute(f"UPDATE {table} SET search_vector = NULL")  # noqa: S608 - our own table


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_reader_site"),
    ]

    operations = [
        migrations.RunPython(create_search, drop_search, elidable=False),
    ]
