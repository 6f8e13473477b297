"""Readers, editors and the admin call an Article a story: its names, and its permissions' names."""

from django.db import migrations, models

ACTIONS = ("add", "change", "delete", "view")


def rename_permissions(apps, schema_editor, old="article", new="story"):
    Permission = apps.get_model("auth", "Permission")
    for action in ACTIONS:
        Permission.objects.filter(
            content_type__app_label="articles", codename=f"{action}_article", name=f"Can {action} {old}"
        ).update(name=f"Can {action} {new}")


def rename_back(apps, schema_editor):
    rename_permissions(apps, schema_editor, old="story", new="article")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_tag_slugs"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="article",
            options={
                "ordering": [
                    models.OrderBy(models.F("published_at"), descending=True, nulls_last=True),
                    models.OrderBy(models.F("id"), descending=True),
                ],
                "permissions": [("publish_article", "Can publish, schedule and unpublish stories")],
                "verbose_name": "story",
                "verbose_name_plural": "stories",
            },
        ),
        migrations.RunPython(rename_permissions, rename_back),
    ]
