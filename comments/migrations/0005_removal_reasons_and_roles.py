from django.db import migrations

REASONS = [
    ("Off topic", "Comments should be about the story they are under. Yours was about something else."),
    ("Abuse", "Comments must not attack, threaten or demean anyone, including other commenters."),
    ("Spam", "Comments must not advertise or repeat the same message."),
    ("Personal data", "Comments must not publish anyone's address, phone number or other private details."),
    ("Legal", "We could not publish this comment for legal reasons, such as defamation or contempt of court."),
]


def add_reasons(apps, schema_editor):
    RemovalReason = apps.get_model("comments", "RemovalReason")
    for position, (label, explanation) in enumerate(REASONS, start=1):
        RemovalReason.objects.get_or_create(
            label=label, defaults={"explanation": explanation, "position": position * 10}
        )


def grant(apps, schema_editor):
    """What comments grants the roles now (comments/roles.py)."""
    from comments.roles import grant_roles

    grant_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("comments", "0004_moderators_desk")]

    operations = [
        migrations.RunPython(add_reasons, migrations.RunPython.noop),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
