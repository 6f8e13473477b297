"""Migrations: they match the models, and a fresh database gets the roles as they have always been."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from tests.factories import create_roles

ROOT = Path(__file__).resolve().parents[2]

# Every role's permissions after `migrate` on a fresh database, as they were when one
# migration in articles granted everything; each app now grants its own (articles/roles.py).
ROLES = {
    "Editor": {
        "articles": ["add_article", "add_author", "add_byline", "add_correction", "add_section",
                     "add_source", "add_taggedarticle", "change_article", "change_author",
                     "change_byline", "change_correction", "change_section", "change_source",
                     "change_taggedarticle", "delete_article", "delete_author", "delete_byline",
                     "delete_correction", "delete_section", "delete_source", "delete_taggedarticle",
                     "publish_article", "view_article", "view_author", "view_byline", "view_correction",
                     "view_section", "view_source", "view_taggedarticle"],
        "auth": ["view_user"],
        "comments": ["view_comment", "view_decision", "view_report"],
        "flatpages": ["add_flatpage", "change_flatpage", "delete_flatpage", "view_flatpage"],
        "subscriptions": ["add_digest", "change_subscriber", "delete_subscriber", "view_delivery",
                          "view_digest", "view_subscriber"],
        "taggit": ["add_tag", "change_tag", "delete_tag", "view_tag"],
        "wordpress": ["add_oldaddress", "change_oldaddress", "delete_oldaddress", "view_importedobject",
                      "view_oldaddress"],
    },
    "Moderator": {
        "comments": ["add_blockedterm", "add_commenterrule", "add_removalreason", "change_blockedterm",
                     "change_comment", "change_removalreason", "delete_blockedterm", "moderate_comment",
                     "view_blockedterm", "view_comment", "view_commenterrule", "view_decision",
                     "view_removalreason", "view_report"],
    },
    "Reporter": {
        "articles": ["add_article", "add_byline", "change_article", "change_byline", "delete_article",
                     "delete_byline", "view_article", "view_author", "view_byline", "view_section",
                     "view_source"],
        "taggit": ["view_tag"],
    },
}  # fmt: skip
EXPECTED = {
    group: sorted(f"{app}.{codename}" for app, codenames in apps.items() for codename in codenames)
    for group, apps in ROLES.items()
}
GROUPS = """
import json
from django.contrib.auth.models import Group
print(json.dumps({
    group.name: sorted(f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all())
    for group in Group.objects.all()
}))
"""


def groups() -> dict[str, list[str]]:
    return {
        group.name: sorted(f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all())
        for group in Group.objects.prefetch_related("permissions__content_type")
    }


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_a_fresh_database_gets_every_role_with_its_permissions(tmp_path):
    """`migrate` on an empty database, as `make run` does on a fresh clone."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
    }

    def manage(*args):
        result = subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    manage("migrate", "--noinput", "--verbosity", "0")
    found = json.loads(manage("shell", "--no-imports", "--command", GROUPS).strip().splitlines()[-1])
    assert found == EXPECTED


@pytest.mark.django_db
def test_create_roles_rebuilds_the_same_roles_after_a_flush():
    Group.objects.all().delete()
    create_roles()
    assert groups() == EXPECTED
    create_roles()  # safe to run again
    assert groups() == EXPECTED
