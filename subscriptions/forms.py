"""The sign-up form (the full page and the call to action under every story) and the preferences form.

The sign-up form sits on pages cached for every reader, so it carries the guard
for such forms (newsroom.forms_on_cached_pages), as the comment form does: a
honeypot, and a signed stamp saying when the form was shown and which consent
wording it showed. A form whose stamp was altered or is older than a day is
refused with the reader's values kept. Names and addresses with control
characters (a CR/LF smuggling mail headers, a NUL) are refused too.
"""

import unicodedata

from django import forms
from django.db.models import Count, Q, Subquery
from taggit.models import Tag

from articles.models import Article, Section
from newsroom.forms_on_cached_pages import HONEYPOT, TAMPERED, CachedPageFormGuard

from . import services

STAMP_MAX_AGE = 24 * 3600  # a page cached (minutes), then left open in a tab all day, still works
POPULAR_TAGS = 30

REJECTION_MESSAGES = {
    HONEYPOT: "You were not subscribed: a field that only automated programs fill in was filled in.",
    TAMPERED: "This form was changed or has expired. Please check your address and send it again.",
}
CONTROL_MESSAGE = "Use letters, digits and punctuation only."


def has_control_characters(value: str) -> bool:
    """Line breaks, NUL and other invisible controls: nothing a name or an address contains."""
    return any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in value)


def printable(value: str) -> str:
    return "".join(ch for ch in value if not has_control_characters(ch))


def popular_tags(limit: int = POPULAR_TAGS):
    """The tags most used on published stories, as a filterable queryset (one subquery, no slicing)."""
    used = (
        Tag.objects.filter(articles_taggedarticle_items__content_object__in=Article.objects.published())
        .annotate(uses=Count("articles_taggedarticle_items"))
        .order_by("-uses", "name")
        .values("pk")[:limit]
    )
    return Tag.objects.filter(pk__in=Subquery(used))


class AddressField(forms.EmailField):
    def to_python(self, value):
        value = super().to_python(value)
        if has_control_characters(value):
            raise forms.ValidationError("Enter a valid email address.", code="invalid")
        return value.lower()


class NameField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if has_control_characters(value):
            raise forms.ValidationError(CONTROL_MESSAGE, code="control")
        return value


class ChoicesField(forms.ModelMultipleChoiceField):
    """Ticked boxes by id; an id no box could send is refused before it reaches the database."""

    widget = forms.CheckboxSelectMultiple
    default_error_messages = {
        "invalid_choice": "Choose from the list: %(value)s is not on it.",
        "invalid_pk_value": "Choose from the list: “%(pk)s” is not on it.",
    }

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset, required=False, **kwargs)

    def clean(self, value):
        for pk in value if isinstance(value, (list, tuple)) else ():  # not a list: Django refuses it
            # isdecimal() alone lets other scripts' digits in; an id has at most 18 of them (bigint).
            if not (isinstance(pk, str) and pk.isascii() and pk.isdecimal() and len(pk) <= 18):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super().clean(value)


class ChoicesMixin:
    """Sections and tags to follow; none ticked means every story."""

    def add_choice_fields(self, tags):
        self.fields["sections"] = ChoicesField(Section.objects.order_by("position", "name"), label="Sections")
        self.fields["tags"] = ChoicesField(tags.order_by("name"), label="Topics")


class SignupForm(ChoicesMixin, CachedPageFormGuard):
    """Address, optional name, sections and tags; the stamp vouches for the consent wording shown.

    A valid form's `cleaned_data["stamp"]` is that wording, what the consent record keeps.
    """

    stamp_salt = "subscriptions.signup-form"
    stamp_max_age = STAMP_MAX_AGE
    guard_messages = REJECTION_MESSAGES

    email = AddressField(
        label="Email address",
        max_length=254,
        error_messages={"required": "Enter your email address."},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "maxlength": 254}),
    )
    name = NameField(
        label="Your name",
        required=False,
        max_length=100,
        help_text="So our mail can greet you.",
        widget=forms.TextInput(attrs={"autocomplete": "name", "maxlength": 100}),
    )

    field_order = ["email", "name", "honeypot", "stamp"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_choice_fields(popular_tags())

    def stamp_content(self) -> str:
        return services.consent_text()

    def show_again(self) -> "SignupForm":
        """Ready this refused form to be shown again: the reader's values, its errors and a new stamp."""
        data = self.data.copy()
        for name in ("email", "name"):
            data[name] = printable(data.get(name, ""))[:300]
        data["honeypot"] = ""
        data["stamp"] = self.make_stamp()
        self.data = data
        return self


class ConfirmForm(forms.Form):
    """The confirm page's one field: how our mail greets the reader (shown, so they see what was typed)."""

    name = NameField(
        label="Your name",
        required=False,
        max_length=100,
        help_text="Our newsletter greets you with it. Leave it empty for a plain “Hello”.",
        widget=forms.TextInput(attrs={"autocomplete": "name", "maxlength": 100}),
    )


class PreferencesForm(ChoicesMixin, forms.Form):
    """What a subscriber follows; the tags offered are the popular ones plus those they already follow."""

    def __init__(self, *args, subscriber, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "sections": list(subscriber.sections.values_list("pk", flat=True)),
                "tags": list(subscriber.tags.values_list("pk", flat=True)),
            },
        )
        super().__init__(*args, **kwargs)
        followed = Tag.objects.filter(pk__in=subscriber.tags.values("pk"))
        self.add_choice_fields(Tag.objects.filter(Q(pk__in=popular_tags().values("pk")) | Q(pk__in=followed)))
