"""What the sign-up form under every story needs from the server: its signed stamp and the consent words.

Story and home pages are built by views that know nothing of the newsletter,
and cached for anonymous readers; a stamp cached with the page is simply older,
which the form accepts for a day.
"""

from django import template

from subscriptions import services
from subscriptions.forms import SignupForm

register = template.Library()


@register.simple_tag
def newsletter_form_stamp() -> str:
    return SignupForm().initial["stamp"]  # building the form runs no query


@register.simple_tag
def newsletter_consent() -> str:
    return services.consent_text()
