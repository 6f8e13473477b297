"""The newsroom's roles as groups: Reporter, Editor and Moderator.

Permissions are created here rather than left to post_migrate, so a fresh
database has working roles as soon as migrations finish.
"""

from django.db import migrations

from articles.roles import create_roles as _create_roles


def create_roles(apps, schema_editor):
    _create_roles(apps)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Reporter", "Editor", "Moderator"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("flatpages", "0001_initial"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
