"""What comments grants the roles: moderators see comments and nothing else; editors look on.

Moderators: the queue, readers' reports, the log of decisions, the blocklist, bans and
trusts (added and lifted, never edited or deleted: the log keeps them) and the list of
removal reasons. Editors see the queue and its count, and decide nothing. Granted by
comments/migrations/0002_moderator_role.py and 0005 (see articles/roles.py).
"""

from django.apps import apps as global_apps

from articles.roles import grant

MODERATOR = {
    "comments": ["view_comment", "change_comment", "moderate_comment",
                 "view_report", "view_decision",
                 "add_blockedterm", "change_blockedterm", "delete_blockedterm", "view_blockedterm",
                 "add_commenterrule", "view_commenterrule",
                 "add_removalreason", "change_removalreason", "view_removalreason"],
}  # fmt: skip
EDITOR = {"comments": ["view_comment", "view_report", "view_decision"]}


def grant_roles(apps=global_apps) -> None:
    grant(apps, "Moderator", MODERATOR)
    grant(apps, "Editor", EDITOR)
