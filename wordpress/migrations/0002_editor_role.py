from django.db import migrations


def create_roles(apps, schema_editor):
    from articles.roles import create_roles

    create_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("wordpress", "0001_initial"),
        ("subscriptions", "0002_editor_role"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
