from django.db import migrations


def create_roles(apps, schema_editor):
    """What comments grants the roles (comments/roles.py)."""
    from comments.roles import grant_roles

    grant_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("articles", "0006_comment_count"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
