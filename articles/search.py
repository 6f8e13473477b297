"""Search for readers at /search/?q=.

On PostgreSQL it is full-text search through the ORM: Article.search_vector is
kept current by a database trigger (migration 0004) and indexed with GIN, queries
are read with websearch syntax ("port strike" -rail OR tanker) and the 'english'
configuration (SearchQuery), the newest RANKED_MATCHES matches are ranked
(SearchRank; older ones follow, newest first) and the shown page's snippets come
from SearchHeadline. Search pages are cached for anonymous readers like the others.

Anywhere else (SQLite in development and tests) a simpler match stands in:
every word of the query must appear in the headline, standfirst or body,
headline matches rank first and the snippet is cut around the first match.

Either way the snippet is escaped text with only <mark> tags added.
"""

import html
import re
import unicodedata
from contextlib import contextmanager

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connection, transaction
from django.db.models import (
    Case,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
    Window,
)
from django.db.models.functions import (
    Cast,
    Coalesce,
    Concat,
    Greatest,
    Least,
    Lower,
    NullIf,
    Replace,
    RowNumber,
    StrIndex,
    Substr,
)
from django.http import Http404
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .caching import cache_for_readers
from .models import NEWEST_FIRST, Article

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
PER_PAGE = 20

# Private-use characters mark the highlighted words while the snippet is still
# raw text; they are removed from the text first, so only SearchHeadline adds them.
START, STOP = "\ue000", "\ue001"
_SENTINELS = re.compile(f"({START}|{STOP})")
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"\w+")

# For the simple match only: words too common to mean anything (PostgreSQL's
# 'english' configuration drops these and many more by itself).
STOP_WORDS = frozenset(
    "a an and are as at be but by for from has have he her his i in is it its no not of on or "
    "our she so that the their them they this to was we were what when which who will with you".split()
)


def clean_query(raw: str) -> str:
    """The query as typed, without control characters, spaces collapsed, at most 200 characters."""
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cs") else ch for ch in raw)
    text = " ".join(text.split())
    # A run of "-" (websearch's NOT) nests one NOT in another; PostgreSQL gives up ("tsquery
    # stack too small") long before 200 characters of them. One says the same.
    text = re.sub(r"(?:-\s*)+-", "-", text)
    return text[:MAX_QUERY_LENGTH].strip()


@cache_for_readers(reads=("q", "page"))
def search_view(request):
    query = clean_query(request.GET.get("q", ""))
    paginator = Paginator(search_articles(query) if query else Article.objects.none(), PER_PAGE)
    try:
        with index_only():
            page_obj = paginator.page(request.GET.get("page", 1))
            results = list(page_obj.object_list)
    except (PageNotAnInteger, EmptyPage) as exc:
        raise Http404("No such page of results.") from exc
    add_snippets(query, results)
    page_obj.object_list = results
    return render(
        request,
        "articles/search.html",
        {"query": query, "page_obj": page_obj, "paginator": paginator, "articles": results},
    )


@contextmanager
def index_only():
    """On PostgreSQL, match through the GIN index, never by reading every story's vector.

    The planner prices `@@` as if it were free, so for a common word it often prefers a
    sequential scan, which reads every story's vector (out of line, ~4 kB each) and is
    ten to twenty times slower. The setting ends with the transaction.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        yield


def add_snippets(query: str, results: list[Article]) -> None:
    """Give each result its `snippet`: text around the query's words, escaped, the words in <mark>.

    On PostgreSQL the same query reads the results' image fields, left out of the ranking's rows.
    """
    include, _exclude = split_words(query)
    if connection.vendor != "postgresql":
        for article in results:
            article.snippet = simple_snippet(article, include)
        return
    rows = {
        row["pk"]: row
        for row in Article.objects.filter(pk__in=[article.pk for article in results])
        .annotate(snippet=SearchHeadline(_window(include), _search_query(query), **HEADLINE_OPTIONS))
        .values("pk", "snippet", *ON_THUMBNAILS)
    }
    for article in results:
        row = rows.get(article.pk, {})
        article.snippet = render_headline(row.get("snippet"))
        for name in ON_THUMBNAILS:  # the size first: setting the image then reads no other field
            setattr(article, name, row.get(name))


def search_articles(query: str) -> QuerySet[Article]:
    """Public stories matching `query`, best first, with their sections and authors."""
    articles = Article.objects.published().select_related("section").prefetch_related("authors")
    if connection.vendor == "postgresql":
        return _postgres_search(articles, query)
    return _simple_search(articles, query)


# PostgreSQL ----------------------------------------------------------------

# Ranking reads each match's whole vector (kept out of line, ~4 kB a story), which is
# what a search costs; matching and counting use the GIN index alone. So only the newest
# RANKED_MATCHES matches are ordered by relevance, and any older ones follow them,
# newest first: a common word on 10,000 stories stays a fast search.
RANKED_MATCHES = 100


def _search_query(query: str) -> SearchQuery:
    return SearchQuery(query, search_type="websearch", config="english")


def _postgres_search(articles, query: str):
    search_query = _search_query(query)
    rank = SearchRank(F("search_vector"), search_query)
    return (
        articles.only(*ON_RESULTS)  # the matches are sorted by rank: the narrower the rows, the faster
        .filter(search_vector=search_query)
        .annotate(
            recency=Window(RowNumber(), order_by=NEWEST_FIRST),
            rank=Case(
                When(recency__lte=RANKED_MATCHES, then=rank), default=Value(0.0), output_field=FloatField()
            ),
        )
        .order_by("-rank", *NEWEST_FIRST)
    )


HEADLINE_OPTIONS = {
    "config": "english",
    "start_sel": START,
    "stop_sel": STOP,
    "max_words": 25,
    "min_words": 12,
    "max_fragments": 2,
    "fragment_delimiter": " … ",
}
# What a result shows: its headline, section, time and address. Its thumbnail (the image's
# renditions, size and alt text) is read with the snippet, for the shown page only.
ON_RESULTS = ("headline", "slug", "published_at", "section__name", "section__slug")
ON_THUMBNAILS = (
    "lead_image_width",
    "lead_image_height",
    "lead_image",
    "lead_image_renditions",
    "lead_image_alt",
)

# SearchHeadline parses all the text it is given (~0.7 ms for a 4 kB story), so it is given
# WINDOW characters of it, from WINDOW_BEFORE before the first of the query's words.
WINDOW_BEFORE, WINDOW = 300, 1200


def _window(words: list[str]):
    """The part of the document around the first place one of `words` (or its stem) appears.

    The 'english' stems are nearly always starts of their words, so the first six letters
    of a word find it and its other forms ("budgets", "budgeted").
    """
    document = _document()
    found = [NullIf(StrIndex(Lower(document), Value(word[:6])), Value(0)) for word in words] or [Value(1)]
    first = Coalesce(Least(*found) if len(found) > 1 else found[0], Value(1))
    return Substr(document, Greatest(first - Value(WINDOW_BEFORE), Value(1)), Value(WINDOW))


def _document():
    """What the snippet is cut from: the standfirst as HTML text, the body without its tags; no sentinels."""

    def text(value: str) -> Value:
        return Value(value, output_field=TextField())

    standfirst = Cast("standfirst", TextField())
    for character, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        standfirst = Replace(standfirst, text(character), text(entity))
    body = Func(
        F("body"), text("<[^>]+>"), text(" "), text("g"), function="regexp_replace", output_field=TextField()
    )
    document = Concat(standfirst, text(" "), body, output_field=TextField())
    for sentinel in (START, STOP):
        document = Replace(document, text(sentinel), text(""))
    return document


def render_headline(raw: str | None) -> str:
    """SearchHeadline's output as safe HTML: text escaped, sentinels turned into <mark>."""
    parts = []
    for piece in _SENTINELS.split(raw or ""):
        if piece == START:
            parts.append("<mark>")
        elif piece == STOP:
            parts.append("</mark>")
        else:
            # The text still carries the body's entities (&lt; &amp; …): decode, then escape once.
            parts.append(escape(html.unescape(piece)))
    return mark_safe(_squeeze("".join(parts)))  # noqa: S308 - every piece of text is escaped


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# Anything else (SQLite); split_words() also gives the words PostgreSQL snippets look for


def split_words(query: str) -> tuple[list[str], list[str]]:
    """The words to look for and the words to leave out (-word), at most 8 in all."""
    include, exclude = [], []
    for token in query.split():
        target = exclude if token.startswith("-") and len(token) > 1 else include
        for word in _WORD.findall(token):
            word = word.lower()
            if word in STOP_WORDS or word in include or word in exclude:
                continue
            if len(include) + len(exclude) < MAX_WORDS:
                target.append(word)
    return include, exclude


def _simple_search(articles, query: str):
    include, exclude = split_words(query)
    if not include:
        return articles.none()
    rank = Value(0)
    for word in include:
        articles = articles.filter(_any_field(word))
        rank = rank + Case(
            When(headline__icontains=word, then=Value(4)),
            When(standfirst__icontains=word, then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
    for word in exclude:
        articles = articles.exclude(_any_field(word))
    return articles.annotate(rank=rank).order_by("-rank", *NEWEST_FIRST)


def _any_field(word: str) -> Q:
    return Q(headline__icontains=word) | Q(standfirst__icontains=word) | Q(body__icontains=word)


def plain_text(article) -> str:
    body = html.unescape(_TAG.sub(" ", article.body or ""))
    return " ".join(f"{article.standfirst} {body}".split())


def simple_snippet(article, words: list[str], width: int = 240) -> str:
    """About `width` characters of text around the first match, matches in <mark>."""
    text = plain_text(article)
    if not words:
        return escape(text[:width])
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.I)
    first = pattern.search(text)
    start = 0
    if first and first.start() > width // 3:
        start = text.rfind(" ", 0, first.start() - width // 3) + 1
    end = len(text)
    if end - start > width:
        end = text.find(" ", start + width)
        end = len(text) if end == -1 else end
    parts = ["… "] if start > 0 else []
    position = start
    for match in pattern.finditer(text, start, end):
        parts.append(escape(text[position : match.start()]))
        parts.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    parts.append(escape(text[position:end]))
    if end < len(text):
        parts.append(" …")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped
