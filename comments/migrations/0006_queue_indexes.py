"""Indexes for the moderation queue at scale (docs/performance.md, "Moderation queue").

The queue lists and counts a few thousand waiting comments among hundreds of thousands:
- held comments, newest first (the Held and Waiting tabs, and their counts);
- removed and spam comments, newest first (their tabs and counts);
- one story's comments, newest first (a story's queue);
- open reports by comment (the Reported and Waiting tabs, and their counts).

The first three are on django_comments, the table of django-contrib-comments' model: an
app's migrations can only add indexes to its own models with AddIndex, so those are plain
SQL, in a form PostgreSQL and SQLite both accept (partial indexes: `CREATE INDEX … WHERE`),
each with its reverse. The reports are ours: a partial index declared on Report.
"""

from django.db import migrations, models

INDEXES = {
    "comments_held_by_date": "(submit_date) WHERE NOT is_public AND NOT is_removed",
    "comments_removed_by_date": "(submit_date) WHERE is_removed",
    "comments_story_by_date": "(object_pk, submit_date)",
}


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0005_removal_reasons_and_roles"),
        ("django_comments", "0004_add_object_pk_is_removed_index"),
    ]

    operations = [
        *(
            migrations.RunSQL(
                f"CREATE INDEX {name} ON django_comments {definition}",
                reverse_sql=f"DROP INDEX {name}",
            )
            for name, definition in INDEXES.items()
        ),
        migrations.AddIndex(
            model_name="report",
            index=models.Index(
                fields=["comment"], condition=models.Q(resolved_at__isnull=True), name="comments_report_open"
            ),
        ),
    ]
