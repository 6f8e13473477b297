"""The body allowlist: hostile HTML comes out harmless, an editor's HTML comes out intact."""

import re
from html.parser import HTMLParser

import pytest

from articles.models import Article
from articles.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, sanitize_html
from tests.articles.helpers import admin_payload, form_errors
from tests.factories import ArticleFactory, SectionFactory

ADD_URL = "/admin/articles/article/add/"

URL_ATTRIBUTES = {"href", "src", "cite"}
SAFE_SCHEMES = {"http", "https", "mailto"}
DANGEROUS_SCHEMES = {"javascript", "vbscript", "data"}
# What browsers ignore inside a URL: ASCII whitespace and C0 control characters.
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_EVENT_HANDLER_IN_TAG = re.compile(r"<[a-z][^>]*\son\w+\s*=", re.IGNORECASE)


def url_scheme(value: str) -> str | None:
    """The scheme a browser would see in `value` (already entity-decoded), None if relative."""
    match = _SCHEME.match(_IGNORED_IN_URLS.sub("", value).lower())
    return match.group(1) if match else None


class _Collector(HTMLParser):
    """Every start tag with its (entity-decoded) attributes, and anything that is not markup."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.other: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_comment(self, data):
        self.other.append(f"comment {data!r}")

    def handle_decl(self, decl):
        self.other.append(f"declaration {decl!r}")

    def unknown_decl(self, data):
        self.other.append(f"declaration {data!r}")

    def handle_pi(self, data):
        self.other.append(f"processing instruction {data!r}")


def parse(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector


def problems_in(html: str) -> list[str]:
    """Everything in `html` that the allowlist should have removed; empty when safe."""
    problems = []
    lowered = html.lower()
    if "<script" in lowered:
        problems.append("a <script> tag")
    if _EVENT_HANDLER_IN_TAG.search(html):
        problems.append("an on…= event handler inside a tag")
    parsed = parse(html)
    problems += parsed.other
    for tag, attrs in parsed.tags:
        if tag not in ALLOWED_TAGS:
            problems.append(f"tag <{tag}> is not allowed")
            continue
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | ({"rel"} if tag == "a" else set())
        for name, value in attrs:
            value = value or ""
            if name not in allowed:
                problems.append(f"attribute {name}= is not allowed on <{tag}>")
            if name.startswith("on"):
                problems.append(f"event handler {name}= on <{tag}>")
            scheme = url_scheme(value)
            if scheme in DANGEROUS_SCHEMES:
                problems.append(f"{scheme}: URL in <{tag} {name}={value!r}>")
            elif name in URL_ATTRIBUTES and scheme is not None and scheme not in SAFE_SCHEMES:
                problems.append(f"{scheme}: URL in <{tag} {name}={value!r}>")
            if tag == "a" and name == "rel" and value != "noopener noreferrer":
                problems.append(f"rel={value!r} on a link")
    return problems


XSS_PAYLOADS = [
    # Script tags, in every spelling.
    pytest.param("<script>alert(1)</script>", id="script"),
    pytest.param("<SCRIPT>alert(1)</SCRIPT>", id="script-upper"),
    pytest.param("<ScRiPt src=//evil.example/x.js></sCrIpT>", id="script-mixed-case-src"),
    pytest.param("<script type='text/javascript'>alert(1)</script>", id="script-type"),
    pytest.param("<scr<script>ipt>alert(1)</scr</script>ipt>", id="script-nested-split"),
    pytest.param(
        "&lt;script&gt;alert(1)&lt;/script&gt;<script>alert(2)</script>",
        id="script-escaped-and-real",
    ),
    pytest.param('"><script>alert(1)</script>', id="attribute-breakout-script"),
    # Event handlers.
    pytest.param("<img src=x onerror=alert(1)>", id="img-onerror"),
    pytest.param("<IMG SRC=x OnErRoR=alert(1)>", id="img-onerror-mixed-case"),
    pytest.param("<img src=x onerror=alert(1)//", id="img-onerror-unclosed"),
    pytest.param("<img src=x:alert(alt) onerror=eval(src) alt=0>", id="img-onerror-eval-src"),
    pytest.param("<body onload=alert(1)>", id="body-onload"),
    pytest.param('<p onmouseover="alert(1)">hover</p>', id="p-onmouseover"),
    pytest.param("<input autofocus onfocus=alert(1)>", id="input-autofocus-onfocus"),
    pytest.param("<a href=/ok onclick=alert(1)>x</a>", id="a-onclick"),
    pytest.param("<details open ontoggle=alert(1)>", id="details-ontoggle"),
    pytest.param("<video><source onerror=alert(1)></video>", id="video-source-onerror"),
    pytest.param("<audio src=x onerror=alert(1)>", id="audio-onerror"),
    pytest.param("<xss onpointerover=alert(1)>x</xss>", id="custom-tag-onpointerover"),
    pytest.param("<marquee onstart=alert(1)>x</marquee>", id="marquee-onstart"),
    pytest.param("<p>unclosed <img src=x onerror=alert(1) <b>", id="unclosed-tag"),
    # Dangerous URL schemes in href and src.
    pytest.param('<a href="javascript:alert(1)">x</a>', id="href-javascript"),
    pytest.param('<a href="JaVaScRiPt:alert(1)">x</a>', id="href-javascript-mixed-case"),
    pytest.param('<a href="  javascript:alert(1)">x</a>', id="href-javascript-leading-space"),
    pytest.param('<a href="\x01javascript:alert(1)">x</a>', id="href-javascript-control-char"),
    pytest.param('<a href="java\tscript:alert(1)">x</a>', id="href-javascript-tab"),
    pytest.param('<a href="java\nscript:alert(1)">x</a>', id="href-javascript-newline"),
    pytest.param('<a href="java&#x09;script:alert(1)">x</a>', id="href-javascript-entity-tab"),
    pytest.param('<a href="jav&#x0A;ascript:alert(1)">x</a>', id="href-javascript-entity-newline"),
    pytest.param(
        '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
        id="href-javascript-decimal-entities",
    ),
    pytest.param('<a href="&#x6A;avascript&colon;alert(1)">x</a>', id="href-javascript-named-colon"),
    pytest.param('<a href="vbscript:msgbox(1)">x</a>', id="href-vbscript"),
    pytest.param(
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
        id="href-data-base64",
    ),
    pytest.param('<a href="DATA:text/html,%3Cscript%3Ealert(1)%3C/script%3E">x</a>', id="href-data-upper"),
    pytest.param('<img src="javascript:alert(1)">', id="img-src-javascript"),
    pytest.param('<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">', id="img-src-data-svg"),
    pytest.param("<img src=`javascript:alert(1)`>", id="img-src-backticks"),
    # cite is a URL attribute too (allowed on blockquote and q).
    pytest.param('<blockquote cite="JavaScript:alert(1)">q</blockquote>', id="blockquote-cite-javascript"),
    pytest.param('<q cite="vbscript:msgbox(1)">q</q>', id="q-cite-vbscript"),
    pytest.param(
        '<blockquote cite="&#100;ata:text/html,<script>alert(1)</script>">q</blockquote>',
        id="blockquote-cite-data-entity",
    ),
    # SVG and MathML.
    pytest.param("<svg><script>alert(1)</script></svg>", id="svg-script"),
    pytest.param("<svg onload=alert(1)>", id="svg-onload"),
    pytest.param('<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>', id="svg-xlink-href"),
    pytest.param("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", id="math-mglyph-style"),
    pytest.param('<math href="javascript:alert(1)">click</math>', id="math-href"),
    # Embedding, forms and document-level tags.
    pytest.param('<iframe src="javascript:alert(1)"></iframe>', id="iframe-src"),
    pytest.param('<iframe srcdoc="<script>alert(1)</script>"></iframe>', id="iframe-srcdoc"),
    pytest.param('<object data="javascript:alert(1)"></object>', id="object-data"),
    pytest.param('<embed src="data:text/html,<script>alert(1)</script>">', id="embed-src-data"),
    pytest.param('<form action="javascript:alert(1)"><input type=submit></form>', id="form-action"),
    pytest.param('<form><button formaction="javascript:alert(1)">go</button></form>', id="button-formaction"),
    pytest.param("<isindex action=javascript:alert(1) type=submit>", id="isindex-action"),
    pytest.param('<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', id="meta-refresh"),
    pytest.param('<base href="javascript:alert(1)//">', id="base-href"),
    pytest.param('<link rel="stylesheet" href="javascript:alert(1)">', id="link-stylesheet"),
    # Styles.
    pytest.param("<style>body{background:url(javascript:alert(1))}</style>", id="style-url"),
    pytest.param("<style>p{width:expression(alert(1))}</style>", id="style-expression"),
    pytest.param('<p style="background-image:url(javascript:alert(1))">x</p>', id="style-attr-url"),
    pytest.param('<div style="width: expression(alert(1))">x</div>', id="style-attr-expression"),
    pytest.param(
        '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
        id="table-background",
    ),
    # Parser confusion.
    pytest.param("<!--<script>alert(1)</script>-->", id="comment-script"),
    pytest.param("<!--><script>alert(1)</script>-->", id="comment-breakout"),
    pytest.param('<noscript><p title="</noscript><img src=x onerror=alert(1)>">', id="noscript-title"),
    pytest.param("<template><script>alert(1)</script></template>", id="template-script"),
    pytest.param("<![CDATA[<script>alert(1)</script>]]>", id="cdata-script"),
    pytest.param('<a href="https://example.org/" target="_blank" rel="opener">x</a>', id="rel-opener"),
]


def test_enough_payloads():
    assert len({p.values[0] for p in XSS_PAYLOADS}) >= 35


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payload_is_neutralised(payload):
    cleaned = sanitize_html(payload)
    assert problems_in(cleaned) == [], cleaned


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_sanitising_is_stable(payload):
    """Cleaning clean output again changes nothing: what is stored is a fixed point."""
    once = sanitize_html(payload)
    assert sanitize_html(once) == once


def test_the_checker_itself_catches_dangerous_html():
    """Guard against a test that can never fail."""
    assert problems_in("<script>alert(1)</script>")
    assert problems_in('<img src="x" onerror="alert(1)">')
    assert problems_in('<a href=" JAVA\tscript:alert(1)">x</a>')
    assert problems_in('<blockquote cite="data:text/html,x">q</blockquote>')
    assert problems_in("<iframe></iframe>")
    assert problems_in('<p class="x">y</p>')
    assert problems_in("<!-- hi -->")
    assert problems_in('<a href="/news/" rel="noopener noreferrer">ok</a>') == []


# --- what an editor writes survives -------------------------------------------------


@pytest.mark.parametrize(
    "html",
    [
        pytest.param("<p>The board voted on Tuesday.</p>", id="paragraph"),
        pytest.param("<h2>What happens next</h2><h3>Costs</h3><h4>Jobs</h4>", id="headings"),
        pytest.param("<p><strong>Bold</strong>, <em>italic</em>, <b>b</b> and <i>i</i>.</p>", id="emphasis"),
        pytest.param("<ul><li>One</li><li>Two</li></ul>", id="bullet-list"),
        pytest.param('<ol start="3"><li>Three</li><li>Four</li></ol>', id="ordered-list"),
        pytest.param(
            '<blockquote cite="https://example.org/speech"><p>We will build it.</p></blockquote>',
            id="blockquote",
        ),
        pytest.param(
            '<table><thead><tr><th scope="col">Year</th><th scope="col">Tonnes</th></tr></thead>'
            "<tbody><tr><td>2024</td><td>1,200</td></tr></tbody></table>",
            id="table",
        ),
        pytest.param("<p>Line one<br>line two</p><hr><p>After</p>", id="br-hr"),
        pytest.param(
            '<figure><img src="https://cdn.example.org/a.jpg" alt="The quay at dawn">'
            "<figcaption>The quay</figcaption></figure>",
            id="figure-img",
        ),
        pytest.param('<p><abbr title="Port Authority">PA</abbr> said <q>no</q>.</p>', id="abbr-q"),
        pytest.param("<pre><code>x = 1</code></pre>", id="code"),
    ],
)
def test_good_html_survives_unchanged(html):
    assert sanitize_html(html) == html


@pytest.mark.parametrize(
    "href",
    [
        "https://example.org/report?id=1&amp;page=2",
        "http://example.org/",
        "mailto:desk@example.org",
        "/news/",
    ],
)
def test_links_keep_their_url_and_get_rel_noopener(href):
    cleaned = sanitize_html(f'<p>Read <a href="{href}" title="The report">it</a>.</p>')
    assert cleaned == (f'<p>Read <a href="{href}" title="The report" rel="noopener noreferrer">it</a>.</p>')


def test_disallowed_tags_keep_their_text():
    assert sanitize_html("<h1>Big</h1><div><span>inside</span></div>") == "Biginside"


@pytest.mark.parametrize("empty", ["", None, "<p></p>", "<p><br></p>", "  <p></p>\n"])
def test_empty_editor_paragraph_becomes_empty_string(empty):
    assert sanitize_html(empty) == ""


def test_script_only_body_becomes_empty_string():
    assert sanitize_html("<p><script>alert(1)</script></p>") == ""


# --- the body is cleaned wherever it is saved -----------------------------------------------

MALICIOUS_BODY = (
    "<p>Hello <strong>reader</strong></p>"
    '<script>alert(1)</script><img src=x onerror=alert(1)><a href="javascript:alert(1)">x</a>'
    '<iframe src="https://evil.example/"></iframe><p style="color:red" onclick="alert(1)">end</p>'
)


def assert_clean_body(body: str) -> None:
    assert problems_in(body) == [], body
    assert "<p>Hello <strong>reader</strong></p>" in body
    assert "<p>end</p>" in body
    assert "alert" not in body


@pytest.mark.django_db
def test_article_save_stores_sanitised_body():
    article = ArticleFactory(body=MALICIOUS_BODY)
    article.refresh_from_db()
    assert_clean_body(article.body)
    assert article.body == sanitize_html(MALICIOUS_BODY)


@pytest.mark.django_db
def test_article_save_sanitises_an_edited_body():
    article = ArticleFactory()
    article = Article.objects.get(pk=article.pk)
    article.body = MALICIOUS_BODY
    article.save()
    article.refresh_from_db()
    assert_clean_body(article.body)


@pytest.mark.django_db
def test_objects_create_stores_sanitised_body():
    article = Article.objects.create(headline="H", slug="h", body=MALICIOUS_BODY)
    assert_clean_body(Article.objects.get(pk=article.pk).body)


@pytest.mark.django_db
def test_admin_add_form_renders(editor_client):
    """The add page works, and its inline formsets use the prefixes the POSTs below send."""
    response = editor_client.get(ADD_URL)
    assert response.status_code == 200
    content = response.content.decode()
    for prefix in ("bylines", "corrections"):
        assert f'name="{prefix}-TOTAL_FORMS"' in content
        assert f'name="{prefix}-INITIAL_FORMS"' in content
    for field in ("headline", "slug", "standfirst", "body", "section", "tags"):
        assert f'name="{field}"' in content


@pytest.mark.django_db
def test_admin_add_stores_sanitised_body(editor_client):
    section = SectionFactory()
    response = editor_client.post(ADD_URL, admin_payload(section, body=MALICIOUS_BODY))
    assert response.status_code == 302, form_errors(response)
    article = Article.objects.get(slug="harbour-board-approves-new-berth")
    assert_clean_body(article.body)


@pytest.mark.django_db
def test_admin_change_stores_sanitised_body(editor_client):
    article = ArticleFactory()
    response = editor_client.post(
        f"/admin/articles/article/{article.pk}/change/",
        admin_payload(
            article.section, slug=article.slug, body=MALICIOUS_BODY, base_revision=article.revision
        ),
    )
    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert_clean_body(article.body)
