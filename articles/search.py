"""Search for readers at /search/?q=.

On PostgreSQL it is full-text search: Article.search_vector is kept current by
a database trigger (migration 0004), queries are read with websearch syntax
("port strike" -rail OR tanker) and the 'english' configuration, results are
ranked with ts_rank and snippets come from ts_headline.

Anywhere else (SQLite in development and tests) a simpler match stands in:
every word of the query must appear in the headline, standfirst or body,
headline matches rank first and the snippet is cut around the first match.

Either way the snippet is escaped text with only <mark> tags added.
"""

import html
import re
import unicodedata

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connection
from django.db.models import Case, F, Func, IntegerField, Q, TextField, Value, When
from django.db.models.functions import Concat, Replace
from django.http import Http404
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import Article

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
PER_PAGE = 20

# Private-use characters mark the highlighted words while the snippet is still
# raw text; they are removed from the text first, so only ts_headline adds them.
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
    return text[:MAX_QUERY_LENGTH].strip()


def search_view(request):
    query = clean_query(request.GET.get("q", ""))
    articles = search_articles(query) if query else Article.objects.none()
    paginator = Paginator(articles, PER_PAGE)
    try:
        page_obj = paginator.page(request.GET.get("page", 1))
    except (PageNotAnInteger, EmptyPage) as exc:
        raise Http404("No such page of results.") from exc
    results = list(page_obj.object_list)
    if connection.vendor == "postgresql":
        for article in results:
            article.snippet = render_headline(article.search_snippet)
    else:
        include, _exclude = split_words(query)
        for article in results:
            article.snippet = simple_snippet(article, include)
    page_obj.object_list = results
    return render(
        request,
        "articles/search.html",
        {"query": query, "page_obj": page_obj, "paginator": paginator, "articles": results},
    )


def search_articles(query: str):
    """Public stories matching `query`, best first."""
    articles = Article.objects.published().select_related("section").prefetch_related("authors")
    if connection.vendor == "postgresql":
        return _postgres_search(articles, query)
    return _simple_search(articles, query)


# PostgreSQL ----------------------------------------------------------------


def _without_sentinels(expression):
    for sentinel in (START, STOP):
        expression = Replace(expression, Value(sentinel), Value(""), output_field=TextField())
    return expression


def _html_escaped(expression):
    """Plain text (the standfirst) written as HTML text, like the stripped body."""
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        expression = Replace(expression, Value(char), Value(entity), output_field=TextField())
    return expression


def _postgres_search(articles, query: str):
    search_query = SearchQuery(query, search_type="websearch", config="english")
    body_text = Func(
        F("body"),
        Value("<[^>]+>"),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )
    text = _without_sentinels(
        Concat(_html_escaped(F("standfirst")), Value(" "), body_text, output_field=TextField())
    )
    return (
        articles.filter(search_vector=search_query)
        .annotate(
            rank=SearchRank(F("search_vector"), search_query),
            search_snippet=SearchHeadline(
                text,
                search_query,
                config="english",
                start_sel=START,
                stop_sel=STOP,
                max_words=25,
                min_words=12,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .order_by("-rank", F("published_at").desc(nulls_last=True), "-id")
    )


def render_headline(raw: str | None) -> str:
    """ts_headline's output as safe HTML: text escaped, sentinels turned into <mark>."""
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


# Anything else -------------------------------------------------------------


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
    return articles.annotate(rank=rank).order_by("-rank", F("published_at").desc(nulls_last=True), "-id")


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
