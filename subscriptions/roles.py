"""What subscriptions grants the roles: editors run the newsletter.

They see, change and delete subscribers (no adding by hand: double opt-in), see digests
and their deliveries, and add a digest (which sends it by hand). Granted by
subscriptions/migrations/0002_editor_role.py (see articles/roles.py).
"""

from django.apps import apps as global_apps

from articles.roles import grant

EDITOR = {
    "subscriptions": ["view_subscriber", "change_subscriber", "delete_subscriber",
                      "view_digest", "add_digest", "view_delivery"],
}  # fmt: skip


def grant_roles(apps=global_apps) -> None:
    grant(apps, "Editor", EDITOR)
