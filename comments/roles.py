"""What comments grants the roles: moderators see comments and nothing else.

The queue, readers' reports, the log of decisions and the blocklist. Granted by
comments/migrations/0002_moderator_role.py (see articles/roles.py).
"""

from django.apps import apps as global_apps

from articles.roles import grant

MODERATOR = {
    "comments": ["view_comment", "change_comment", "moderate_comment",
                 "view_report", "view_decision",
                 "add_blockedterm", "change_blockedterm", "delete_blockedterm", "view_blockedterm"],
}  # fmt: skip


def grant_roles(apps=global_apps) -> None:
    grant(apps, "Moderator", MODERATOR)
