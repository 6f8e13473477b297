from django.db import migrations


def create_roles(apps, schema_editor):
    """What subscriptions grants the roles (subscriptions/roles.py)."""
    from subscriptions.roles import grant_roles

    grant_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("subscriptions", "0001_initial"),
        ("comments", "0002_moderator_role"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
