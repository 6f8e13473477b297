"""The newsroom's roles as groups (Reporter, Editor, Moderator) and what articles grants them.

Each app grants its own permissions to the roles in a data migration of its own, so a
fresh database has working roles as soon as migrations finish: articles here, comments,
subscriptions and wordpress in their own `roles.py`. `grant` is the helper they share.
Every `grant_roles` takes the migration's historical apps, or the live registry when a
test has flushed the database (tests/factories.py calls them all).
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

REPORTER = {
    "articles": ["add_article", "change_article", "delete_article", "view_article",
                 "add_byline", "change_byline", "delete_byline", "view_byline",
                 "view_section", "view_source", "view_author"],
    "taggit": ["view_tag"],
}  # fmt: skip

# An editor adds, changes, deletes and views these, publishes, and sees the accounts.
EDITOR_MODELS = {
    "articles": ["article", "byline", "correction", "section", "source", "author", "taggedarticle"],
    "taggit": ["tag"],
    "flatpages": ["flatpage"],
}
EDITOR_EXTRA = {"articles": ["publish_article"], "auth": ["view_user"]}


def grant(apps, group_name: str, wanted: dict[str, list[str]]) -> None:
    """Create the group if missing and add the permissions `wanted` ({app_label: [codename]}).

    The permissions are created first (Django otherwise creates them only after the last
    migration); one that still does not exist is a mistake in `wanted`, so it raises.
    """
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    permissions = []
    for app_label, codenames in wanted.items():
        _create_permissions(apps, app_label)
        found = list(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
        missing = set(codenames) - {permission.codename for permission in found}
        if missing:
            raise RuntimeError(f"Missing permissions for {app_label}: {sorted(missing)}")
        permissions += found
    group, _ = Group.objects.get_or_create(name=group_name)
    group.permissions.add(*permissions)


def _create_permissions(apps, app_label: str) -> None:
    app_config = apps.get_app_config(app_label)
    if apps is global_apps:
        create_permissions(app_config, verbosity=0)
        return
    # A historical app config has no models module, without which create_permissions does nothing.
    app_config.models_module = True
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = None


def grant_roles(apps=global_apps) -> None:
    """Reporters write and submit stories; editors run the site's content and publish."""
    grant(apps, "Reporter", REPORTER)
    editor = {
        app_label: [f"{action}_{model}" for model in models for action in ("add", "change", "delete", "view")]
        for app_label, models in EDITOR_MODELS.items()
    }
    for app_label, codenames in EDITOR_EXTRA.items():
        editor.setdefault(app_label, []).extend(codenames)
    grant(apps, "Editor", editor)
