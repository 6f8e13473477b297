from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminSplitDateTime, AutocompleteSelectMultiple
from django_prose_editor.widgets import AdminProseEditorWidget
from taggit.models import Tag
from taggit.utils import parse_tags

from newsroom.text import clean_text

from .conflicts import changes_since
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
        # The package turns the browser's spell checker off by default; a newsroom wants it on.
        "NoSpellCheck": False,
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

    base_revision = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    class Meta:
        model = Article
        # Tags are the declared field above; the admin's fieldsets choose the rest.
        exclude = ["tags"]  # noqa: DJ006
        widgets = {"body": AdminProseEditorWidget(config=EDITOR_CONFIG, preset="configurable")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "tags" in self.fields:
            self.initial["tags"] = [t.pk for t in self.instance.tags.all()]
        self.conflict = None  # what others changed, when this save is refused as stale (conflicts.py)
        if self.instance.pk:
            self.initial["base_revision"] = self.instance.revision

    def clean(self):
        """Refuse a save made from an older revision than the stored one, showing what changed since.

        After the refusal the form carries the stored revision, so pressing Save again,
        once the editor has merged, saves their version knowingly.
        """
        cleaned = super().clean()
        if self.instance.pk and "base_revision" in self.fields:
            stored = Article.objects.filter(pk=self.instance.pk).values_list("revision", flat=True).first()
            base = cleaned.get("base_revision")
            if stored is not None and (base is None or stored > base):  # the count only grows
                self.conflict = changes_since(article=self.instance, base_revision=base)
                self.data = self.data.copy()
                self.data[self.add_prefix("base_revision")] = str(self.conflict.stored_revision)
                raise forms.ValidationError(
                    "Nothing was saved: someone else saved this story after you opened it (see above). "
                    "Your text is still here; merge their changes and Save again to keep your version.",
                    code="stale",
                )
        return cleaned

    def clean_new_tags(self):
        """Tag names as they will be stored (newsroom.text's rule); one with nothing visible is refused."""
        names = [
            clean_text(name, multiline=False).strip() for name in parse_tags(self.cleaned_data["new_tags"])
        ]
        if not all(names):
            raise forms.ValidationError(
                "A tag needs a visible name: one of these is only spaces, control or direction characters."
            )
        if any(len(name) > 100 for name in names):
            raise forms.ValidationError("A tag may be at most 100 characters long.")
        first_spelling = {}
        for name in names:  # "Green fuel, green fuel" is one tag, as taggit matches names
            first_spelling.setdefault(name.casefold(), name)
        return list(first_spelling.values())

    def save_tags(self, article: Article) -> None:
        if "tags" not in self.fields:
            return
        tags = list(self.cleaned_data.get("tags") or [])
        article.tags.set([*tags, *self.cleaned_data.get("new_tags", [])])


class TagForm(forms.ModelForm):
    """The admin's tag form: a name with nothing visible is refused, as in the story form."""

    class Meta:
        model = Tag
        fields = ["name", "slug"]

    def clean_name(self):
        name = clean_text(self.cleaned_data["name"], multiline=False).strip()
        if not name:
            raise forms.ValidationError(
                "A tag needs a visible name, not only spaces, control or direction characters."
            )
        return name


class ScheduleForm(forms.Form):
    """The intermediate page of the “Schedule” list action."""

    at = forms.SplitDateTimeField(label="Publish at", widget=AdminSplitDateTime)
