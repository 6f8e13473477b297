"""Turning WordPress post and comment text into what Newsroom stores.

Post content arrives in one of two shapes: block-editor HTML wrapped in
`<!-- wp:… -->` comments, or classic-editor text where blank lines stand for
paragraphs (WordPress adds the <p> tags only when it displays a post). Both
carry shortcodes. Here the block comments go, paragraphs are made, the common
shortcodes become plain HTML, the unknown ones leave their inner text; the
result then goes through `articles.sanitize` like every story body.
"""

import html
import re

from django.utils.html import escape

_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:.*?-->", re.S)
_MORE = re.compile(r"<!--\s*(more|nextpage|noteaser)\b.*?-->", re.S | re.I)

# Shortcodes WordPress and its common plugins ship. Anything else in [brackets]
# is left alone: "[sic]" or "[1]" in a story is text, not markup.
KNOWN_SHORTCODES = {
    "caption", "wp_caption", "gallery", "embed", "audio", "video", "playlist",
    "code", "sourcecode", "source", "youtube", "vimeo", "tweet", "twitter", "instagram",
    "soundcloud", "googlemaps", "contact-form", "contact-form-7", "polldaddy", "archives",
    "simple", "jetpack_subscription_form", "wpvideo", "slideshow", "dailymotion", "ted",
}  # fmt: skip

_SHORTCODE = re.compile(
    r"\[(?P<name>[a-zA-Z_][\w-]*)(?P<attrs>(?:\s[^\]]*)?)\s*/?\]"
    r"(?:(?P<inner>.*?)\[/(?P=name)\])?",
    re.S,
)
_ATTR = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")
_BLOCK_TAGS = re.compile(
    r"</?(p|div|h[1-6]|ul|ol|li|blockquote|pre|table|thead|tbody|tr|td|th|figure|figcaption|hr|"
    r"dl|dt|dd|address|section|article|aside|header|footer|nav|form|fieldset|details|summary|"
    r"script|style)\b",
    re.I,
)
_CAPTIONED = re.compile(r"^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", re.S | re.I)
_PRE = re.compile(r"(<pre\b.*?</pre>)", re.S | re.I)


def attributes(text: str) -> dict[str, str]:
    return {
        m.group(1).lower(): html.unescape(m.group(2) or m.group(3) or m.group(4) or "")
        for m in _ATTR.finditer(text)
    }


def _link(url: str, label: str = "") -> str:
    if not re.match(r"^https?://", url or "", re.I):
        return escape(label)
    return f'<a href="{escape(url)}">{escape(label or url)}</a>'


def _shortcode(match: re.Match, counts: dict) -> str:
    name = match.group("name").lower()
    if name not in KNOWN_SHORTCODES:
        return match.group(0)
    attrs = attributes(match.group("attrs") or "")
    inner = match.group("inner") or ""
    counts[name] = counts.get(name, 0) + 1
    if name in ("caption", "wp_caption"):
        # [caption]<a><img></a> The caption text[/caption] -> a figure
        found = _CAPTIONED.match(inner)
        picture, caption = (found.group(1), found.group(2)) if found else ("", inner)
        caption = caption.strip() or attrs.get("caption", "")
        figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
        return f"<figure>{picture.strip()}{figcaption}</figure>"
    if name in ("embed", "youtube", "vimeo", "tweet", "twitter", "instagram", "soundcloud", "wpvideo"):
        url = (inner or attrs.get("url") or attrs.get("src") or "").strip()
        return f"<p>{_link(url)}</p>" if url else ""
    if name in ("audio", "video"):
        url = next((attrs[k] for k in ("src", "mp3", "m4a", "ogg", "wav", "mp4", "webm") if k in attrs), "")
        return f"<p>{_link(url, f'Listen: {url}' if name == 'audio' else f'Watch: {url}')}</p>" if url else ""
    if name in ("code", "sourcecode", "source"):
        return f"<pre><code>{inner}</code></pre>"
    # gallery, playlist, forms, polls, archives and the like need WordPress to run; their inner text stays.
    return inner


def autop(text: str) -> str:
    """WordPress's wpautop, in short: blank lines separate paragraphs, single newlines are <br>."""
    pieces = _PRE.split(text.replace("\r\n", "\n").replace("\r", "\n"))
    out = []
    for piece in pieces:
        if _PRE.fullmatch(piece):
            out.append(piece)
            continue
        for block in re.split(r"\n\s*\n", piece):
            block = block.strip()
            if not block:
                continue
            if _BLOCK_TAGS.search(block):  # HTML blocks (lists, tables, quotes) keep their own shape
                out.append(block)
            else:
                out.append("<p>" + re.sub(r"\s*\n\s*", "<br>\n", block) + "</p>")
    return "\n".join(out)


def post_html(content: str, counts: dict | None = None) -> str:
    """A post's content as story-body HTML, before sanitising."""
    counts = {} if counts is None else counts
    is_blocks = "<!-- wp:" in content
    text = _BLOCK_COMMENT.sub("", content)
    text = _MORE.sub("", text)
    text = _SHORTCODE.sub(lambda m: _shortcode(m, counts), text)
    return re.sub(r"\n\s*\n\s*", "\n\n", text).strip() if is_blocks else autop(text)


_TAG = re.compile(r"<[^>]*>")
_ANCHOR = re.compile(r"""<a\b[^>]*?href\s*=\s*(["'])(.*?)\1[^>]*>(.*?)</a>""", re.S | re.I)


def comment_text(content: str) -> str:
    """A WordPress comment (which may hold a little HTML) as the plain text Newsroom comments are."""
    text = content.replace("\r\n", "\n").replace("\r", "\n")

    def anchor(match):
        url, label = html.unescape(match.group(2)).strip(), _TAG.sub("", match.group(3)).strip()
        return (
            label
            if not label or url in (label, f"http://{label}", f"https://{label}")
            else f"{label} ({url})"
        )

    text = _ANCHOR.sub(anchor, text)
    text = re.sub(r"<br\s*/?>", "\n", text, flags=re.I)
    text = re.sub(r"</p\s*>\s*", "\n\n", text, flags=re.I)
    text = _TAG.sub("", text)
    text = html.unescape(text)
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def excerpt_text(content: str, limit: int) -> str:
    """An excerpt as a standfirst: plain text, cut at a word boundary within `limit` characters."""
    without_shortcodes = _SHORTCODE.sub(
        lambda m: "" if m.group("name").lower() in KNOWN_SHORTCODES else m.group(0), content
    )
    text = " ".join(html.unescape(_TAG.sub(" ", without_shortcodes)).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if text[limit - 1] != " ":  # the cut falls inside a word: drop that word
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"
