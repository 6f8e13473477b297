"""Building admin form posts the way a browser sends them."""

from articles.forms import tags_text
from articles.models import Article

INLINES = ("bylines", "corrections")


def management_form(prefix: str, total: int = 0, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def article_form_data(article: Article | None = None, **fields) -> dict:
    """The change form of `article` (or an empty add form) as posted, with `fields` on top."""
    data = {
        "headline": "",
        "slug": "",
        "standfirst": "",
        "body": "",
        "section": "",
        "source": "",
        "original_url": "",
        "tags": "",
        "lead_image_alt": "",
        "lead_image_caption": "",
        "lead_image_credit": "",
        "meta_description": "",
        "comments_open": "on",
    }
    if article is not None:
        data.update(
            headline=article.headline,
            slug=article.slug,
            standfirst=article.standfirst,
            body=article.body,
            section=str(article.section_id or ""),
            source=str(article.source_id or ""),
            original_url=article.original_url,
            base_revision=str(article.revision),
        )
        bylines = list(article.bylines.all())
        data.update(management_form("bylines", len(bylines), len(bylines)))
        for i, byline in enumerate(bylines):
            data.update(
                {
                    f"bylines-{i}-id": str(byline.pk),
                    f"bylines-{i}-article": str(article.pk),
                    f"bylines-{i}-author": str(byline.author_id),
                    f"bylines-{i}-position": str(byline.position),
                }
            )
        corrections = list(article.corrections.all())
        data.update(management_form("corrections", len(corrections), len(corrections)))
        for i, correction in enumerate(corrections):
            data.update(
                {
                    f"corrections-{i}-id": str(correction.pk),
                    f"corrections-{i}-article": str(article.pk),
                    f"corrections-{i}-text": correction.text,
                    f"corrections-{i}-corrected_at_0": correction.corrected_at.strftime("%Y-%m-%d"),
                    f"corrections-{i}-corrected_at_1": correction.corrected_at.strftime("%H:%M:%S"),
                }
            )
        data["tags"] = tags_text(article.tags.names())
    else:
        for prefix in INLINES:
            data.update(management_form(prefix))
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def admin_payload(section, **overrides) -> dict:
    """A complete, valid add-story post in `section`, with `overrides` on top."""
    return (
        article_form_data(
            headline="Harbour board approves new berth",
            slug="harbour-board-approves-new-berth",
            standfirst="The decision ends a year of talks.",
            body="<p>The board voted on Tuesday.</p>",
            section=section.pk,
            _save="Save",
        )
        | overrides
    )


def form_errors(response) -> str:
    """The admin form's and inlines' errors, for assertion messages."""
    if response.context is None:
        return ""
    form = response.context.get("adminform")
    formsets = response.context.get("inline_admin_formsets") or []
    errors = [form.form.errors.as_text()] if form else []
    errors += [str(f.formset.errors) + str(f.formset.non_form_errors()) for f in formsets]
    return "\n".join(errors)
