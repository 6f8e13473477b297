"""The sign-up form (the full page and the call to action under every story) and the preferences form.

Guards, as on the comment form: a honeypot, and a signed stamp saying when the
form was shown and which consent wording it showed. A form whose stamp was
altered or is older than a day is refused with the reader's values kept. Names
and addresses with control characters (a CR/LF smuggling mail headers, a NUL)
are refused too. There is no "sent too fast" rule: the form is on pages cached
for every reader, so its stamp tells when the page was cached, not when this
reader saw it.
"""

import time
import unicodedata

from django import forms
from django.core import signing
from django.db.models import Count, Q, Subquery
from taggit.models import Tag

from articles.models import Article, Section

from . import services

STAMP_SALT = "subscriptions.signup-form"
STAMP_MAX_AGE = 24 * 3600  # a page cached (minutes), then left open in a tab all day, still works
POPULAR_TAGS = 30

HONEYPOT = "honeypot"
TAMPERED = "tampered"

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


def form_stamp() -> str:
    """The hidden value of a freshly shown form: the time and the consent wording, signed."""
    return signing.dumps({"t": int(time.time()), "c": services.consent_text()}, salt=STAMP_SALT)


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

    def _check_values(self, value):
        for pk in value:
            # isdecimal() alone lets other scripts' digits in; an id has at most 18 of them (bigint).
            if not (isinstance(pk, str) and pk.isascii() and pk.isdecimal() and len(pk) <= 18):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


class ChoicesMixin:
    """Sections and tags to follow; none ticked means every story."""

    def add_choice_fields(self, tags):
        self.fields["sections"] = ChoicesField(Section.objects.order_by("position", "name"), label="Sections")
        self.fields["tags"] = ChoicesField(tags.order_by("name"), label="Topics")


class SignupForm(ChoicesMixin, forms.Form):
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
    honeypot = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    # Read as text and checked in clean_shown(), so whatever arrives gets one clear refusal.
    shown = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_choice_fields(popular_tags())
        if not self.is_bound:
            self.initial.setdefault("shown", form_stamp())

    def clean_honeypot(self):
        if self.cleaned_data["honeypot"]:
            raise forms.ValidationError(REJECTION_MESSAGES[HONEYPOT], code=HONEYPOT)
        return ""

    def clean_shown(self):
        """The consent wording the reader saw, once the stamp proves the form is ours and not too old."""
        try:
            stamp = signing.loads(self.cleaned_data["shown"], salt=STAMP_SALT)
            shown_at, consent = int(stamp["t"]), str(stamp["c"])
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            raise forms.ValidationError(REJECTION_MESSAGES[TAMPERED], code=TAMPERED) from None
        if time.time() - shown_at > STAMP_MAX_AGE:
            raise forms.ValidationError(REJECTION_MESSAGES[TAMPERED], code=TAMPERED)
        return consent

    def show_again(self) -> "SignupForm":
        """Ready this refused form to be shown again: the reader's values, its errors and a new stamp."""
        data = self.data.copy()
        for name in ("email", "name"):
            data[name] = printable(data.get(name, ""))[:300]
        data["honeypot"] = ""
        data["shown"] = form_stamp()
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
