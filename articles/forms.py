import json

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime
from django.urls import reverse
from django.utils.http import urlencode
from django_prose_editor.widgets import AdminProseEditorWidget
from taggit.models import Tag
from taggit.utils import parse_tags

from newsroom.text import clean_text

from .conflicts import changes_since
from .models import Article
from .slugs import is_old_slug_of_another, unique_slug

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


def split_tags(text: str) -> list[str]:
    """Tag names in `text`: commas separate them (so "Green fuel" alone is one tag), quotes keep a comma."""
    return parse_tags(f"{text or ''},")  # with a comma in it, taggit splits on commas only


def tags_text(names) -> str:
    """Names as the tag field shows them: "Ports, Green fuel"; a name with a comma is quoted."""
    return ", ".join(f'"{name}"' if "," in name else name for name in names)


class TagsInput(forms.TextInput):
    """A text box of comma-separated tags; editor-tags.js turns it into chips with suggestions."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        query = urlencode({"app_label": "articles", "model_name": "article", "field_name": "tags"})
        context["widget"]["attrs"].update(
            {
                "data-tag-names": json.dumps(sorted(split_tags(value), key=str.casefold) if value else []),
                "data-suggest-url": f"{reverse('admin:autocomplete')}?{query}",
                "autocomplete": "off",
            }
        )
        return context


class ArticleAdminForm(forms.ModelForm):
    """The story form: a rich-text body, tags typed in one box, and a time to schedule."""

    tags = forms.CharField(
        required=False,
        max_length=2000,
        label="Tags",
        widget=TagsInput(attrs={"class": "vLargeTextField tags-field"}),
        help_text="Separate tags with commas. A tag that exists already is reused, whatever its capitals.",
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
        self.taken_slug = ""  # the slug asked for, when another story had it (see clean_slug)
        if self.instance.pk and "tags" in self.fields:
            self.initial["tags"] = tags_text(sorted(self.instance.tags.names(), key=str.casefold))
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

    def clean_slug(self):
        """The slug asked for, or, when another story has (or had) it, the next free one ("…-2").

        The reader's address and the old addresses' redirects need a slug no other story
        uses; the same headline twice is still two stories, as in WordPress. The story's
        own slug always stays; `taken_slug` keeps what was asked for, for the admin to say.
        """
        wanted = self.cleaned_data.get("slug")
        pk = self.instance.pk
        if not wanted or (pk and wanted == self.instance.slug):  # read before the form sets it
            return wanted
        if Article.objects.filter(slug=wanted).exclude(pk=pk).exists() or is_old_slug_of_another(wanted, pk):
            self.taken_slug = wanted
            return unique_slug(Article, wanted, exclude_pk=pk)
        return wanted

    def clean_tags(self):
        """Tag names as they will be stored (newsroom.text's rule); one with nothing visible is refused."""
        names = [clean_text(name, multiline=False).strip() for name in split_tags(self.cleaned_data["tags"])]
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
        """The story's tags become those named; taggit matches an existing tag whatever its capitals."""
        if "tags" not in self.fields:
            return
        article.tags.set(self.cleaned_data.get("tags", []))


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
