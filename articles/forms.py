from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminSplitDateTime, AutocompleteSelectMultiple
from django_prose_editor.widgets import AdminProseEditorWidget
from taggit.models import Tag
from taggit.utils import parse_tags

from .models import Article

EDITOR_CONFIG = {
    "extensions": {
        "Bold": True,
        "Italic": True,
        "Strike": True,
        "Subscript": True,
        "Superscript": True,
        "Heading": {"levels": [2, 3, 4]},
        "BulletList": True,
        "OrderedList": True,
        "ListItem": True,
        "Blockquote": True,
        "HorizontalRule": True,
        "HardBreak": True,
        "Paragraph": True,
        "Document": True,
        "Text": True,
        "Link": {"enableTarget": False},
        "Table": True,
        "TableRow": True,
        "TableHeader": True,
        "TableCell": True,
        "History": True,
    }
}


class ArticleAdminForm(forms.ModelForm):
    """The story form: a rich-text body, tags picked or typed, and a time to schedule."""

    tags = forms.ModelMultipleChoiceField(
        queryset=Tag.objects.all(),
        required=False,
        widget=AutocompleteSelectMultiple(Article._meta.get_field("tags"), admin.site),
        help_text="Start typing to find existing tags.",
    )
    new_tags = forms.CharField(
        required=False,
        max_length=500,
        label="New tags",
        help_text="Tags that do not exist yet, separated by commas.",
    )
    schedule_at = forms.SplitDateTimeField(
        required=False,
        label="Schedule for",
        widget=AdminSplitDateTime,
        help_text="Fill this in and press “Schedule” to publish the story at that time.",
    )

    class Meta:
        model = Article
        # Tags are the declared field above; the admin's fieldsets choose the rest.
        exclude = ["tags"]  # noqa: DJ006
        widgets = {"body": AdminProseEditorWidget(config=EDITOR_CONFIG, preset="configurable")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "tags" in self.fields:
            self.initial["tags"] = [t.pk for t in self.instance.tags.all()]

    def clean_new_tags(self):
        names = parse_tags(self.cleaned_data["new_tags"])
        too_long = [name for name in names if len(name) > 100]
        if too_long:
            raise forms.ValidationError("A tag may be at most 100 characters long.")
        return names

    def save_tags(self, article: Article) -> None:
        if "tags" not in self.fields:
            return
        tags = list(self.cleaned_data.get("tags") or [])
        article.tags.set([*tags, *self.cleaned_data.get("new_tags", [])])


class ScheduleForm(forms.Form):
    """The intermediate page of the “Schedule” list action."""

    at = forms.SplitDateTimeField(label="Publish at", widget=AdminSplitDateTime)
