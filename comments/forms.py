"""The reader's comment form and the report form.

The comment form sits under every story, on pages cached for every reader, so it
carries the guard for such forms (newsroom.forms_on_cached_pages): a honeypot and a
signed stamp naming the story it was shown for, good for FORM_MAX_AGE. A
reply to a missing or hidden comment, or to one at the deepest level, and a story
closed to comments are form errors too, each with one clear message. Nothing is
saved when the form is invalid.
"""

import unicodedata
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from newsroom.forms_on_cached_pages import HONEYPOT, TAMPERED, CachedPageFormGuard

from .models import Comment, Report

CLOSED = "closed"
BAD_PARENT = "bad_parent"
FORM_MAX_AGE = 2 * 3600  # a cached page (minutes old) left open in a tab for an hour or so

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


def story_label(article) -> str:
    """How a form names its story: "articles.article:<pk>", what the stamp vouches for."""
    content_type = ContentType.objects.get_for_model(article)
    return f"{content_type.app_label}.{content_type.model}:{article.pk}"


class CommentForm(CachedPageFormGuard):
    """Name, email, optional website and the comment; signed-in readers give neither name nor email."""

    stamp_salt = "comments.form"
    stamp_max_age = FORM_MAX_AGE
    guard_messages = REJECTION_MESSAGES

    # Which story the form posts to; the view reads them, the stamp vouches for them.
    content_type = forms.CharField(required=False, widget=forms.HiddenInput)
    object_pk = forms.CharField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(
        label="Name", max_length=50, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label="Email",
        help_text="Never shown. We use it to confirm your comment and to tell you of replies.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    url = forms.URLField(
        label="Website",
        required=False,
        max_length=200,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    comment = forms.CharField(
        label="Comment", max_length=settings.COMMENT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 6})
    )
    followup = forms.BooleanField(label="Notify me of replies to my comment", required=False)
    # Hidden fields are read as text and checked in clean(), so anything a reader
    # could not have typed gets one clear refusal instead of a field error.
    reply_to = forms.CharField(required=False, initial=0, widget=forms.HiddenInput)
    replied_to = forms.CharField(required=False, widget=forms.HiddenInput)

    field_order = ["content_type", "object_pk", "stamp", "name", "email", "url", "comment"]

    def __init__(self, target_object, data=None, initial=None, *, user=None, **kwargs):
        self.target_object = target_object
        self.user = user if user is not None and user.is_authenticated else None
        self.parent = self.replied_to_comment = None
        app_model, _, pk = story_label(target_object).rpartition(":")
        initial = {"content_type": app_model, "object_pk": pk, **(initial or {})}
        super().__init__(data=data, initial=initial, **kwargs)
        if self.user:
            del self.fields["name"], self.fields["email"]

    def stamp_content(self) -> str:
        return story_label(self.target_object)

    # Field checks ------------------------------------------------------------

    def clean_stamp(self) -> str:
        if super().clean_stamp() != self.stamp_content():  # a form shown for another story
            raise forms.ValidationError(REJECTION_MESSAGES[TAMPERED], code=TAMPERED)
        return ""

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

    def clean(self):
        cleaned = super().clean()
        if self.guard_refusal() == TAMPERED:
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
        return self.guard_refusal()

    def comment_data(self) -> dict:
        """What the posting service saves, from a valid form: the reader's words and who they are."""
        cleaned = self.cleaned_data
        if self.user:
            name, email = (self.user.get_full_name() or self.user.get_username())[:50], self.user.email
        else:
            name, email = cleaned["name"], cleaned["email"]
        return {
            "content_type": ContentType.objects.get_for_model(self.target_object),
            "user": self.user,
            "user_name": name,
            "user_email": email,
            "user_url": cleaned["url"],
            "comment": cleaned["comment"],
            "submit_date": timezone.now(),
            "parent_id": cleaned["reply_to"],
            "replied_to_id": self.replied_to_comment.pk if self.replied_to_comment else None,
            "followup": cleaned["followup"],
        }

    def ready_to_resend(self) -> None:
        """After a refusal, show the form again bound to what the reader sent, with its errors.

        It gets a fresh stamp (so it can be sent as it is once corrected) and an empty honeypot;
        a reply whose comment cannot take one becomes a comment at the top.
        """
        data = self.data.copy()
        data["stamp"], data["honeypot"] = self.make_stamp(), ""
        if self.rejection() == BAD_PARENT:
            data["reply_to"], data["replied_to"] = "0", ""
        self.data = data

    def answered(self) -> Comment | None:
        """The visible comment on this story that this form replies to, whatever else was wrong with it."""
        if self.parent is not None:
            return self.replied_to_comment or self.parent
        try:
            pk = _as_id(self.data.get("reply_to"))
        except forms.ValidationError:
            return None
        return Comment.objects.visible().for_story(self.target_object).filter(pk=pk).first() if pk else None


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="What is wrong with this comment?", choices=Report.Reason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="Anything a moderator should know",  # field.html adds "(optional)"
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_note(self):
        return _no_control_characters(
            self.cleaned_data["note"].replace("\r\n", "\n").replace("\n", " ").strip()
        )
