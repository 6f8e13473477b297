"""The privacy page says what readership counts and what it does not.

The page is a flatpage editors may have rewritten (articles/migrations/0005_static_pages.py
made it): only the text Newsroom shipped is replaced; an edited page is left as it is.
"""

from django.db import migrations

SHIPPED = "<p>We load nothing from other companies on our pages: no trackers, no ads, no fonts.</p>"

PRIVACY = """\
<p>We load nothing from other companies on our pages: no trackers, no ads, no fonts.</p>
<h2>What we count</h2>
<p>When one of our stories is shown in your browser, our own page tells our own server
that the story was read once, with the name of the site whose link brought you here
(its domain only, such as example.org, never the address of the page). We add this to
two totals: how often each story was read in each hour, and how often people came to
it from each other site in each day. Editors use these totals to see what readers read,
and our “Most read” list is made from them.</p>
<p>The links in our daily newsletter pass through our own site, which adds one to a
total for that story in that newsletter before sending you on. The link is the same for
every subscriber, so it does not tell us who followed it, and the newsletter holds no
hidden image to tell us whether you opened it.</p>
<h2>What we do not count or keep</h2>
<ul>
<li>No cookie is set to count you, and nothing about you is kept: not your IP address,
not the name of your browser, not which stories you read. A total cannot be traced back
to a reader.</li>
<li>If your browser sends Global Privacy Control or Do Not Track, nothing you read is
counted.</li>
<li>Readers without JavaScript, search engines and other robots, and our own staff are
not counted.</li>
<li>The figures stay on our servers: no one else receives them.</li>
</ul>
"""


def page_write(apps, old: str, new: str) -> None:
    FlatPage = apps.get_model("flatpages", "FlatPage")
    FlatPage.objects.filter(url="/privacy/", content=old).update(content=new)


def forwards(apps, schema_editor):
    page_write(apps, SHIPPED, PRIVACY)


def backwards(apps, schema_editor):
    page_write(apps, PRIVACY, SHIPPED)


class Migration(migrations.Migration):
    dependencies = [
        ("readership", "0001_readership"),
        ("articles", "0005_static_pages"),
        ("flatpages", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
