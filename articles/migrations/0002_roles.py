"""The newsroom's roles as groups: Reporter, Editor and Moderator.

Permissions are created here rather than left to post_migrate, so a fresh
database has working roles as soon as migrations finish.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REPORTER = {
    "articles": ["add_article", "change_article", "delete_article", "view_article",
                 "add_byline", "change_byline", "delete_byline", "view_byline",
                 "view_section", "view_source", "view_author"],
    "taggit": ["view_tag"],
}  # fmt: skip

EDITOR_MODELS = {
    "articles": ["article", "byline", "correction", "section", "source", "author", "taggedarticle"],
    "taggit": ["tag"],
}
EDITOR_EXTRA = {"articles": ["publish_article"], "auth": ["view_user"]}


def _permissions(apps, wanted: dict[str, list[str]]):
    Permission = apps.get_model("auth", "Permission")
    found = []
    for app_label, codenames in wanted.items():
        perms = list(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
        missing = set(codenames) - {p.codename for p in perms}
        if missing:
            raise RuntimeError(f"Missing permissions for {app_label}: {sorted(missing)}")
        found += perms
    return found


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")

    editor_wanted = {
        app: [f"{action}_{model}" for model in models for action in ("add", "change", "delete", "view")]
        for app, models in EDITOR_MODELS.items()
    }
    for app, codenames in EDITOR_EXTRA.items():
        editor_wanted.setdefault(app, []).extend(codenames)

    for name, wanted in (("Reporter", REPORTER), ("Editor", editor_wanted)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(_permissions(apps, wanted))
    Group.objects.get_or_create(name="Moderator")


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Reporter", "Editor", "Moderator"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
