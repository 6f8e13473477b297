"""What wordpress grants the roles: editors look after the move from WordPress.

They manage the old addresses that redirect to stories and see what was imported.
Granted by wordpress/migrations/0002_editor_role.py (see articles/roles.py).
"""

from django.apps import apps as global_apps

from articles.roles import grant

EDITOR = {
    "wordpress": ["view_oldaddress", "add_oldaddress", "change_oldaddress", "delete_oldaddress",
                  "view_importedobject"],
}  # fmt: skip


def grant_roles(apps=global_apps) -> None:
    grant(apps, "Editor", EDITOR)
