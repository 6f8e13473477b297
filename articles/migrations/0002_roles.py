"""The newsroom's roles as groups, with what articles grants them (articles/roles.py).

Permissions are created here rather than left to post_migrate, so a fresh
database has working roles as soon as migrations finish. Comments, subscriptions
and wordpress grant theirs in their own 0002 migrations.
"""

from django.db import migrations


def create_roles(apps, schema_editor):
    from articles.roles import grant_roles

    grant_roles(apps)


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
