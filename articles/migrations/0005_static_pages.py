"""The pages every publication has, ready for editors to rewrite in the admin."""

from django.conf import settings
from django.db import migrations

PAGES = [
    ("/about/", "About us", "<p>We report on ports, shipping, logistics and trade. Tell readers who you are here.</p>"),
    ("/contact/", "Contact", "<p>Write to the newsroom at the address your editors choose. Put it here.</p>"),
    ("/privacy/", "Privacy", "<p>We load nothing from other companies on our pages: no trackers, no ads, no fonts.</p>"),
    ("/terms/", "Terms", "<p>The terms on which readers may use and share our journalism.</p>"),
]


def create_pages(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    FlatPage = apps.get_model("flatpages", "FlatPage")
    site, _ = Site.objects.get_or_create(pk=settings.SITE_ID, defaults={"domain": "localhost", "name": "Newsroom"})
    for url, title, content in PAGES:
        page, created = FlatPage.objects.get_or_create(url=url, defaults={"title": title, "content": content})
        if created:
            page.sites.add(site)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_search"),
        ("flatpages", "0001_initial"),
        ("sites", "0002_alter_domain_unique"),
    ]

    operations = [migrations.RunPython(create_pages, migrations.RunPython.noop)]
