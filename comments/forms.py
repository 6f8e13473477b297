"""The reader's comment form, with the guards django-comments-xtd leaves out.

xtd 2.10 answers a reply to a missing comment, or one past the maximum depth,
with a 500; here both are form errors, like every other rejection: a filled
honeypot, an altered or expired security hash, a story that is closed to
comments. Nothing is saved when the form is invalid.

There is no "sent too fast" rule: the form sits on pages cached for every reader,
so the time it carries is when the page was cached, not when this reader saw it.
The signed time only bounds how long a form stays good (COMMENTS_TIMEOUT).
"""

import time
import unicodedata
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.utils.crypto import salted_hmac
from django_comments.forms import DEFAULT_COMMENTS_TIMEOUT as COMMENTS_TIMEOUT
from django_comments_xtd.forms import XtdCommentForm

from .models import Comment, Report

HONEYPOT = "honeypot"
TAMPERED = "tampered"
CLOSED = "closed"
BAD_PARENT = "bad_parent"

REJECTION_MESSAGES = {
    HONEYPOT: "Your comment was not posted: a field that only automated programs fill in was filled in.",
    TAMPERED: "This form was changed or has expired. Your text is kept below: please send it again.",
    CLOSED: "Comments are closed on this story.",
    BAD_PARENT: "The comment you are replying to is not available for replies.",
}


def _no_control_characters(value: str) -> str:
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise forms.ValidationError("Use letters, digits and punctuation only.")
    return value


def _as_id(value) -> int:
    value = str(value or "0").strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 18:  # "²" is a digit to isdigit() only
        raise forms.ValidationError(REJECTION_MESSAGES[BAD_PARENT], code=BAD_PARENT)
    return int(value)


class CommentForm(XtdCommentForm):
    """Name, email, optional website and the comment; signed-in readers give neither name nor email."""

    # Hidden fields are read as text and checked in clean_*(), so anything a reader
    # could not have typed gets one clear refusal instead of a field error.
    security_hash = forms.CharField(widget=forms.HiddenInput)
    timestamp = forms.CharField(widget=forms.HiddenInput)
    reply_to = forms.CharField(required=False, initial=0, widget=forms.HiddenInput)
    replied_to = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, target_object, data=None, initial=None, *, user=None, **kwargs):
        self.user = user if user is not None and user.is_authenticated else None
        super().__init__(target_object, data=data, initial=initial, **kwargs)
        fields = self.fields
        fields["name"].widget = forms.TextInput(attrs={"autocomplete": "name", "maxlength": 50})
        fields["email"].label = "Email"
        fields[
            "email"
        ].help_text = "Never shown. We use it to confirm your comment and to tell you of replies."
        fields["email"].widget = forms.EmailInput(attrs={"autocomplete": "email"})
        fields["url"] = forms.URLField(
            label="Website",
            required=False,
            max_length=200,
            assume_scheme="https",
            widget=forms.URLInput(attrs={"autocomplete": "url"}),
        )
        fields["comment"].widget = forms.Textarea(attrs={"rows": 6, "maxlength": settings.COMMENT_MAX_LENGTH})
        fields["comment"].max_length = settings.COMMENT_MAX_LENGTH
        fields["followup"].label = "Notify me of replies to my comment"
        fields["followup"].widget = forms.CheckboxInput()
        fields["honeypot"].label = "Leave this field empty"
        fields["honeypot"].widget = forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"})
        if self.user:
            del fields["name"], fields["email"]

    # Field checks ------------------------------------------------------------

    def clean_name(self):
        return _no_control_characters(self.cleaned_data["name"].strip())

    def clean_url(self):
        url = self.cleaned_data["url"]
        if url and urlsplit(url).scheme not in ("http", "https"):
            raise forms.ValidationError("Enter a web address starting with http:// or https://.")
        return url

    def clean_comment(self):
        text = self.cleaned_data["comment"].strip()
        if not text:
            raise forms.ValidationError("Write a comment first.")
        return text

    def clean_honeypot(self):
        if self.cleaned_data["honeypot"]:
            raise forms.ValidationError(REJECTION_MESSAGES[HONEYPOT], code=HONEYPOT)
        return ""

    def generate_security_hash(self, content_type, object_pk, timestamp):
        value = "-".join((content_type, object_pk, timestamp))
        return salted_hmac("newsroom.comments.CommentForm", value, algorithm="sha256").hexdigest()

    def clean_security_hash(self):
        try:
            return super().clean_security_hash()
        except forms.ValidationError:
            raise forms.ValidationError(REJECTION_MESSAGES[TAMPERED], code=TAMPERED) from None

    def clean_timestamp(self):
        value = self.cleaned_data["timestamp"]
        if not (value.isascii() and value.isdigit() and len(value) <= 12) or (
            time.time() - int(value) > COMMENTS_TIMEOUT
        ):
            raise forms.ValidationError(REJECTION_MESSAGES[TAMPERED], code=TAMPERED)
        return int(value)

    def clean(self):
        cleaned = super().clean()
        if self.errors.get("security_hash") or self.errors.get("timestamp"):
            return cleaned
        if not self.target_object.comments_are_open:
            raise forms.ValidationError(REJECTION_MESSAGES[CLOSED], code=CLOSED)
        self.parent, self.replied_to_comment = self._check_reply(
            _as_id(cleaned.get("reply_to")), _as_id(cleaned.get("replied_to"))
        )
        cleaned["reply_to"] = self.parent.pk if self.parent else 0
        return cleaned

    def _check_reply(self, reply_to, replied_to):
        """The parent must be a visible comment on this story, above the deepest level."""
        if not reply_to:
            if replied_to:
                raise forms.ValidationError(REJECTION_MESSAGES[BAD_PARENT], code=BAD_PARENT)
            return None, None
        on_story = Comment.objects.visible().for_story(self.target_object)
        wanted = {reply_to} | ({replied_to} if replied_to else set())
        found = {c.pk: c for c in on_story.filter(pk__in=wanted)}
        parent = found.get(reply_to)
        if parent is None or parent.level >= settings.COMMENTS_MAX_DEPTH - 1:
            raise forms.ValidationError(REJECTION_MESSAGES[BAD_PARENT], code=BAD_PARENT)
        replied = None
        if replied_to:
            replied = found.get(replied_to)
            if replied is None or replied.parent_id != parent.pk:
                raise forms.ValidationError(REJECTION_MESSAGES[BAD_PARENT], code=BAD_PARENT)
        return parent, replied

    # Results -------------------------------------------------------------------

    def rejection(self) -> str | None:
        """The code of the rule that refused this form outright, if one did."""
        for error in self.non_field_errors().as_data():
            if error.code in REJECTION_MESSAGES:
                return error.code
        for field in ("honeypot", "security_hash", "timestamp"):
            for error in self.errors.as_data().get(field, []):
                if error.code in REJECTION_MESSAGES:
                    return error.code
        return None

    def get_comment_create_data(self, site_id=None):
        if self.user:
            self.cleaned_data["name"] = (self.user.get_full_name() or self.user.get_username())[:50]
            self.cleaned_data["email"] = self.user.email
        data = super().get_comment_create_data(site_id=site_id)
        data.pop("content_object", None)
        data["replied_to_id"] = self.replied_to_comment.pk if self.replied_to_comment else None
        data["user"] = self.user
        return data

    def kept_values(self) -> dict:
        """What the reader typed, to put back in a fresh form after a refusal."""
        names = ("name", "email", "url", "comment", "followup", "reply_to", "replied_to")
        return {name: self.data.get(name, "") for name in names if name in self.fields}


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="What is wrong with this comment?", choices=Report.Reason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="Anything a moderator should know (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_note(self):
        return _no_control_characters(
            self.cleaned_data["note"].replace("\r\n", "\n").replace("\n", " ").strip()
        )
