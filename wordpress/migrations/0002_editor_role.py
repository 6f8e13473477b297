from django.db import migrations


def create_roles(apps, schema_editor):
    """What wordpress grants the roles (wordpress/roles.py)."""
    from wordpress.roles import grant_roles

    grant_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("wordpress", "0001_initial"),
        ("subscriptions", "0002_editor_role"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
