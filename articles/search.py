"""Search for readers at /search/?q=.

On PostgreSQL it is full-text search: Article.search_vector is kept current by
a database trigger (migration 0004), queries are read with websearch syntax
("port strike" -rail OR tanker) and the 'english' configuration, matches come
from the GIN index, the newest RANKED_MATCHES of them are ranked with ts_rank
(older ones follow, newest first) and the shown page's snippets come from
ts_headline. Search pages are cached for anonymous readers like the others.

Anywhere else (SQLite in development and tests) a simpler match stands in:
every word of the query must appear in the headline, standfirst or body,
headline matches rank first and the snippet is cut around the first match.

Either way the snippet is escaped text with only <mark> tags added.
"""

import html
import re
import unicodedata
from contextlib import contextmanager

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    IntegerField,
    Q,
    Value,
    When,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import RowNumber
from django.http import Http404
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .caching import cache_for_readers
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
    # A run of "-" (websearch's NOT) nests one NOT in another; PostgreSQL gives up ("tsquery
    # stack too small") long before 200 characters of them. One says the same.
    text = re.sub(r"(?:-\s*)+-", "-", text)
    return text[:MAX_QUERY_LENGTH].strip()


@cache_for_readers(reads=("q", "page"))
def search_view(request):
    query = clean_query(request.GET.get("q", ""))
    articles = search_articles(query) if query else Article.objects.none()
    paginator = Paginator(articles, PER_PAGE)
    number = request.GET.get("page", 1)
    try:
        with index_only():
            if isinstance(articles, RankedMatches):  # the page's ids and the count in one query
                text = str(number)
                wanted = int(text) if text.isascii() and text.isdigit() and len(text) <= 6 else 1
                articles.prepare((max(wanted, 1) - 1) * PER_PAGE, max(wanted, 1) * PER_PAGE)
            page_obj = paginator.page(number)
            results = list(page_obj.object_list)
    except (PageNotAnInteger, EmptyPage) as exc:
        raise Http404("No such page of results.") from exc
    prefetch_related_objects(results, "authors")
    if connection.vendor == "postgresql":
        snippets = headlines(query, [article.pk for article in results])
        for article in results:
            article.snippet = render_headline(snippets.get(article.pk))
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


def search_articles(query: str):
    """Public stories matching `query`, best first."""
    articles = Article.objects.published().select_related("section")
    if connection.vendor == "postgresql":
        return _postgres_search(articles, query)
    return _simple_search(articles, query)


# PostgreSQL ----------------------------------------------------------------

# Ranking reads each match's whole vector (kept out of line, ~4 kB a story), which is
# what a search costs; matching and counting use the GIN index alone. So only the newest
# RANKED_MATCHES matches are ordered by relevance, and any older ones follow them,
# newest first: a common word on 10,000 stories stays a fast search.
RANKED_MATCHES = 100


def _query(query: str) -> SearchQuery:
    return SearchQuery(query, search_type="websearch", config="english")


def _postgres_search(articles, query: str):
    return RankedMatches(articles, query)


class RankedMatches:
    """A PostgreSQL search's matches, best first, read a page at a time (what Paginator needs).

    One query orders the matches by rank and date carrying only their ids, and
    counts them in the same pass (COUNT(*) OVER ()); then the page's stories are
    read by id. Sorting every match's whole row to keep twenty, and scanning the
    matches a second time to count them, was most of what a common word cost.
    """

    def __init__(self, articles, query: str):
        search_query = _query(query)
        newest_first = [F("published_at").desc(nulls_last=True), F("id").desc()]
        self.articles = articles.defer("body", "search_vector")
        self.matches = (
            articles.filter(search_vector=search_query)
            .annotate(
                recency=Window(RowNumber(), order_by=newest_first),
                rank=Case(
                    When(recency__lte=RANKED_MATCHES, then=SearchRank(F("search_vector"), search_query)),
                    default=Value(0.0),
                    output_field=FloatField(),
                ),
                total=Window(Count("id")),
            )
            .order_by("-rank", *newest_first)
        )
        self.ordered = True  # for Paginator, which warns about unordered lists
        self.page: tuple[int, int] | None = None  # the window the ids below are for
        self.ids: list[int] = []
        self.total: int | None = None

    def prepare(self, start: int, stop: int) -> None:
        """Read the ids of matches start to stop, and the number of matches, in one query."""
        rows = list(self.matches.values_list("pk", "total")[start:stop])
        self.page, self.ids = (start, stop), [pk for pk, _total in rows]
        if rows:
            self.total = rows[0][1]
        elif start == 0:
            self.total = 0

    def count(self) -> int:
        if self.total is None:  # asked for a page past the end: count them the plain way
            self.total = self.matches.order_by().count()
        return self.total

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("RankedMatches is read by slices of a page")
        start, stop = index.start or 0, index.stop
        # Paginator asks for the last page as [start:count], inside the window prepared for it.
        if self.page is None or start != self.page[0] or stop is None or stop > self.page[1]:
            self.prepare(start, stop)
        ids = self.ids[: stop - start] if stop is not None else self.ids
        found = self.articles.filter(pk__in=ids).select_related("section").in_bulk()
        return [found[pk] for pk in ids if pk in found]


# ts_headline parses all the text it is given (~0.7 ms for a 4 kB story), so it is given a
# window of the text around the first likely match, found in Python, not the whole story.
WINDOW_BEFORE, WINDOW = 300, 1200
_HEADLINE_OPTIONS = (
    f'StartSel="{START}", StopSel="{STOP}", MaxWords=25, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "'
)
_TEXTS_SQL = (
    "SELECT id, standfirst, body, querytree(websearch_to_tsquery('english', %s))"
    ' FROM "articles_article" WHERE id = ANY(%s)'
)
_HEADLINE_SQL = (
    "SELECT t.pk, ts_headline('english', t.doc, websearch_to_tsquery('english', %s), %s)"
    " FROM unnest(%s::bigint[], %s::text[]) AS t(pk, doc)"
)


def _document(standfirst: str, body: str) -> str:
    """What ts_headline reads: the standfirst as HTML text and the body without its tags."""
    text = f"{html.escape(standfirst or '', quote=False)} {_TAG.sub(' ', body or '')}"
    return _SENTINELS.sub("", text)


_LEXEME = re.compile(r"(!?)'((?:[^']|'')+)'")


def _word_starts(querytree: str):
    """A pattern for where the query's lexemes may start in a text, or None.

    The 'english' stems are, nearly always, starts of the words they stand for
    ("budget", "particip"); a few end in a letter the word does not ("happi"), so
    long ones are looked for without their last letter. Negated lexemes (!'rail')
    are never highlighted, so never looked for.
    """
    lexemes = {text.replace("''", "'") for negated, text in _LEXEME.findall(querytree or "") if not negated}
    starts = {lexeme[:-1] if len(lexeme) > 4 else lexeme for lexeme in lexemes}
    if not starts:
        return None
    alternatives = "|".join(map(re.escape, sorted(starts, key=len, reverse=True)))
    return re.compile(rf"\b(?:{alternatives})", re.I)


def _window(text: str, pattern) -> str:
    """About WINDOW characters of `text` holding the most different query words close together.

    ts_headline shows a passage (a "cover") holding every word a query asks for together,
    so the window must hold them all where the whole text does.
    """
    if len(text) <= WINDOW or pattern is None:
        return text
    hits = [(found.start(), found.group().lower()) for found in pattern.finditer(text)]
    if not hits:
        return text
    reach = WINDOW - WINDOW_BEFORE
    best, best_count, end, seen = hits[0][0], 0, 0, {}
    for position, word in hits:  # a sliding window over the hits
        while end < len(hits) and hits[end][0] < position + reach:
            seen[hits[end][1]] = seen.get(hits[end][1], 0) + 1
            end += 1
        if len(seen) > best_count:
            best, best_count = position, len(seen)
        seen[word] -= 1
        if not seen[word]:
            del seen[word]
    start = max(0, best - WINDOW_BEFORE)
    if start:
        start = text.find(" ", start) + 1 or start  # from a word's beginning
    return text[start : start + WINDOW]


def headlines(query: str, pks: list[int]) -> dict[int, str]:
    """ts_headline's snippets for the stories shown (never for every match), on windows of their text."""
    if not pks:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_TEXTS_SQL, [query, pks])
        rows = cursor.fetchall()
    pattern = _word_starts(rows[0][3] if rows else "")
    texts = {pk: _document(standfirst, body) for pk, standfirst, body, _tree in rows}
    windows = {pk: _window(text, pattern) for pk, text in texts.items()}
    snippets = _headlines(query, windows)
    # A window that missed (a stem that is not a word start) is done again on the whole text.
    missed = {
        pk: texts[pk] for pk, snippet in snippets.items() if START not in snippet and windows[pk] != texts[pk]
    }
    if missed:
        snippets |= _headlines(query, missed)
    return snippets


def _headlines(query: str, documents: dict[int, str]) -> dict[int, str]:
    with connection.cursor() as cursor:
        cursor.execute(_HEADLINE_SQL, [query, _HEADLINE_OPTIONS, list(documents), list(documents.values())])
        return dict(cursor.fetchall())


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
