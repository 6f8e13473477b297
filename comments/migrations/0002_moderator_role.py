from django.db import migrations


def create_roles(apps, schema_editor):
    """Nothing any more: comments/roles.py names models this state does not have yet, so the
    roles are granted by 0005, once they exist (a database that ran this before keeps what it got)."""


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("articles", "0006_comment_count"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
