"""`xml_text`: a value for an XML template (the sitemaps) without a character XML 1.0 refuses."""

from django import template

from newsroom import text

register = template.Library()


@register.filter(is_safe=True)
def xml_text(value) -> str:
    """Text stored before control characters were cleaned on save still makes valid XML."""
    return text.xml_text(value)
