"""The newsroom's roles as groups: Reporter, Editor and Moderator.

Used by the migration that creates them (with historical models) and by
anything that must be sure they exist (tests that flush the database).
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

REPORTER = {
    "articles": ["add_article", "change_article", "delete_article", "view_article",
                 "add_byline", "change_byline", "delete_byline", "view_byline",
                 "view_section", "view_source", "view_author"],
    "taggit": ["view_tag"],
}  # fmt: skip

EDITOR_MODELS = {
    "articles": ["article", "byline", "correction", "section", "source", "author", "taggedarticle"],
    "taggit": ["tag"],
    "flatpages": ["flatpage"],
}
EDITOR_EXTRA = {
    "articles": ["publish_article"],
    "auth": ["view_user"],
    # The newsletter: subscribers (no adding by hand: double opt-in), digests (add = send by hand).
    "subscriptions": ["view_subscriber", "change_subscriber", "delete_subscriber",
                      "view_digest", "add_digest", "view_delivery"],
    # Moving in from WordPress: the old addresses that redirect, and what was imported.
    "wordpress": ["view_oldaddress", "add_oldaddress", "change_oldaddress", "delete_oldaddress",
                  "view_importedobject"],
}  # fmt: skip

# Apps whose permissions above their own later migration grants (it calls create_roles again).
EXTRA_GRANTED_LATER = {"subscriptions": "Subscriber", "wordpress": "OldAddress"}

# Moderators see comments and nothing else: the queue, reports, the log and the blocklist.
MODERATOR = {
    "comments": ["view_comment", "change_comment", "moderate_comment",
                 "view_report", "view_decision",
                 "add_blockedterm", "change_blockedterm", "delete_blockedterm", "view_blockedterm"],
}  # fmt: skip


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


def create_roles(apps=global_apps) -> None:
    """Create or update the role groups and their permissions; safe to run again."""
    for app_config in apps.get_app_configs():
        if apps is global_apps:
            create_permissions(app_config, verbosity=0)
            continue
        # Historical app configs have no models module, which create_permissions needs.
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")

    editor_wanted = {
        app: [f"{action}_{model}" for model in models for action in ("add", "change", "delete", "view")]
        for app, models in EDITOR_MODELS.items()
    }
    for app, codenames in EDITOR_EXTRA.items():
        if app in EXTRA_GRANTED_LATER and not _has_model(apps, app, EXTRA_GRANTED_LATER[app]):
            continue  # an early migration: that app's own migration grants these
        editor_wanted.setdefault(app, []).extend(codenames)

    for name, wanted in (("Reporter", REPORTER), ("Editor", editor_wanted)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(_permissions(apps, wanted))
    moderator, _ = Group.objects.get_or_create(name="Moderator")
    if _has_model(apps, "comments", "Comment"):  # else an early migration: comments' own grants these
        moderator.permissions.set(_permissions(apps, MODERATOR))


def _has_model(apps, app_label: str, model: str) -> bool:
    try:
        apps.get_model(app_label, model)
    except LookupError:
        return False
    return True
