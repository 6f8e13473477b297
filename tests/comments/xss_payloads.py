"""Hostile text a reader could send as a comment, a name or a website, for the XSS tests.

Every payload, if a page ever let it run, calls a marker with its own number:
`__xss(N)` (or `alert(N)` / `top.__xss(N)` inside frames), which the browser
tests hook and record. The server-side tests only need the shapes: script
elements, event handlers, dangerous URL schemes, broken-out attributes.

`PAYLOADS` is a list of (number, text); `$N` in the templates below becomes the
number. Numbers are stable: a payload keeps its number when others are added
at the end.
"""

import base64

MARK = "$N"


def _b64_html(html: str) -> str:
    return base64.b64encode(html.encode()).decode()


# One entry per line: each is a template in which $N is the payload's number.
_TEMPLATES: list[str] = [
    # --- script elements ---------------------------------------------------------------------
    "<script>__xss($N)</script>",
    "<SCRIPT>alert($N)</SCRIPT>",
    "<ScRiPt type=module>__xss($N)</sCrIpT>",
    '<script src="data:text/javascript,__xss($N)"></script>',
    "<script/any>__xss($N)</script>",
    "<script\x0c>__xss($N)</script>",
    "<scr<script>ipt>__xss($N)</scr</script>ipt>",
    "<<script>script>__xss($N)<</script>/script>",
    "</textarea><script>__xss($N)</script>",
    "</title><script>__xss($N)</script>",
    "</p></div></article></li></ol></section><script>__xss($N)</script>",
    "</script><script>__xss($N)</script>",
    # --- event handlers --------------------------------------------------------------------------
    "<img src=x onerror=__xss($N)>",
    "<IMG SRC=x OnErRoR=alert($N)>",
    "<img src=\"x\" onerror='__xss($N)'/>",
    "<img/src/onerror=__xss($N)>",
    "<img src=x:y onerror=&#95;&#95;xss($N)>",
    "<img src=x onerror=\\u005f\\u005fxss($N)>",
    '<img src=x onerror="&#x5F;&#x5F;xss($N)">',
    '<img srcset=",,x" onerror=__xss($N)>',
    "<picture><source srcset=x><img src=x onerror=__xss($N)></picture>",
    "<body onload=__xss($N)>",
    "<body onpageshow=__xss($N)>",
    "<details open ontoggle=__xss($N)>",
    "<video><source onerror=__xss($N)></video>",
    "<video src=x onerror=__xss($N)></video>",
    "<audio src=x onerror=__xss($N)>",
    "<input autofocus onfocus=__xss($N)>",
    "<select autofocus onfocus=__xss($N)></select>",
    "<textarea autofocus onfocus=__xss($N)></textarea>",
    "<marquee onstart=__xss($N)>news</marquee>",
    '<div style="position:fixed;inset:0" onmouseover=__xss($N)>hover</div>',
    '<a href="#" onclick=__xss($N)>click me</a>',
    "<a href=https://example.org/ onmouseover=__xss($N)>example</a>",
    "<template><img src=x onerror=__xss($N)></template>",
    # --- SVG -------------------------------------------------------------------------------------
    "<svg onload=__xss($N)>",
    "<svg/onload=__xss($N)//",
    "<svg><script>__xss($N)</script></svg>",
    '<svg><script href="data:,__xss($N)"/></svg>',
    "<svg><animate onbegin=__xss($N) attributeName=x dur=1s>",
    "<svg><set onbegin=__xss($N) attributeName=x to=1 />",
    "<svg><a><animate attributeName=href values=javascript:__xss($N) /><text y=20>go</text></a></svg>",
    "<svg><foreignObject><img src=x onerror=__xss($N)></foreignObject></svg>",
    "<svg><use href=\"data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'>"
    "<image href='x' onerror='__xss($N)'/></svg>#x\"/></svg>",
    # --- frames, objects and forms ---------------------------------------------------------------
    '<iframe src="javascript:top.__xss($N)"></iframe>',
    '<iframe srcdoc="<script>top.__xss($N)</script>"></iframe>',
    '<iframe srcdoc="&lt;img src=x onerror=top.__xss($N)&gt;"></iframe>',
    '<object data="javascript:top.__xss($N)"></object>',
    '<embed src="data:text/html,<script>top.__xss($N)</script>">',
    '<form action="javascript:__xss($N)"><button>Send</button></form>',
    "<button formaction=javascript:__xss($N)>Send</button>",
    '<meta http-equiv="refresh" content="0;url=javascript:__xss($N)">',
    '<base href="javascript:__xss($N)//">',
    "<math><mtext><table><mglyph><style><img src=x onerror=__xss($N)>",
    '<noscript><p title="</noscript><img src=x onerror=__xss($N)>">',
    # --- URLs with a script scheme -----------------------------------------------------------------
    "javascript:__xss($N)",
    "JaVaScRiPt:alert($N)",
    " javascript:__xss($N)",
    "java\tscript:__xss($N)",
    "java\nscript:__xss($N)",
    "jav&#x09;ascript:__xss($N)",
    "\x01javascript:__xss($N)",
    "&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;__xss($N)",
    "&#x6A;avascript&colon;__xss($N)",
    "javascript&#58;__xss($N)",
    "javascript://example.org/%0A__xss($N)",
    "data:text/html,<script>__xss($N)</script>",
    "data:text/html;base64,{b64:<script>top.__xss($N)</script>}",
    "vbscript:alert($N)",
    '<a href="javascript:__xss($N)">read more</a>',
    '<a href="JAVASCRIPT:alert($N)">read more</a>',
    '<a href="jav&#x09;ascript:__xss($N)">read more</a>',
    '<a href=" &#14; javascript:__xss($N)">read more</a>',
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112'
    '&#0000116&#0000058__xss($N)">read more</a>',
    '<a href="data:text/html,<script>top.__xss($N)</script>">read more</a>',
    # --- web addresses that try to leave their attribute -------------------------------------------
    'https://example.org/"onmouseover="__xss($N)',
    "https://example.org/'><script>__xss($N)</script>",
    "http://example.org/?q=<img src=x onerror=__xss($N)>",
    'https://example.org/#"><svg onload=__xss($N)>',
    'www.example.org/"onclick="__xss($N)',
    "https://example.org/&quot;onmouseover=&quot;__xss($N)",
    "https://example.org/&lt;script&gt;__xss($N)&lt;/script&gt;",
    "https://example.org/javascript:__xss($N)",
    'reader@example.org"><img src=x onerror=__xss($N)>',
    "mailto:reader@example.org?body=<script>__xss($N)</script>",
    # --- markdown-looking links ------------------------------------------------------------------
    "[the report](javascript:__xss($N))",
    "[the report](javascript&#58;__xss($N))",
    '![photo](x" onerror="__xss($N))',
    '[the report](https://example.org/"onmouseover="__xss($N))',
    "<javascript:__xss($N)>",
    # --- attribute breakouts -----------------------------------------------------------------------
    '"><img src=x onerror=__xss($N)>',
    "'><svg onload=__xss($N)>",
    '" autofocus onfocus="__xss($N)',
    "' onmouseover='__xss($N)",
    "`><img src=x onerror=__xss($N)>",
    '"/><script>__xss($N)</script>',
    # --- style ----------------------------------------------------------------------------------------
    '<div style="background:url(javascript:__xss($N))">styled</div>',
    '<p style="width:expression(__xss($N))">styled</p>',
    "<style>@import 'javascript:__xss($N)';</style>",
    '<style>*{background:url("javascript:__xss($N)")}</style><img src=x onerror=__xss($N)>',
    '<link rel=stylesheet href="javascript:__xss($N)">',
    # --- template and script-string injection -------------------------------------------------------
    "{{7*7}}<script>__xss($N)</script>",
    "{% debug %}{{ request }}<img src=x onerror=__xss($N)>",
    "{% load static %}{% static '\"><script>__xss($N)</script>' %}",
    "${__xss($N)}",
    "{{constructor.constructor('__xss($N)')()}}",
    "<%= __xss($N) %>#{__xss($N)}",
    "';__xss($N);//",
    '";__xss($N);//',
    # --- encodings and look-alikes ------------------------------------------------------------------
    "+ADw-script+AD4-__xss($N)+ADw-/script+AD4-",
    "\uff1cscript\uff1e__xss($N)\uff1c/script\uff1e",
    "\\u003cscript\\u003e__xss($N)\\u003c/script\\u003e",
    "&lt;script&gt;__xss($N)&lt;/script&gt;",
    "&amp;lt;img src=x onerror=__xss($N)&amp;gt;",
    "%3Cscript%3E__xss($N)%3C/script%3E",
    "%253Cscript%253E__xss($N)%253C%252Fscript%253E",
    "\xbcscript\xbe__xss($N)\xbc/script\xbe",
    "\ufeff<script>__xss($N)</script>",
    "<\u200bscript>__xss($N)</script>",
    "\u202e<img src=x onerror=__xss($N)>",
    "<img src=x onerror=__xss($N)\u2028>",
    # --- HTML comments and CDATA --------------------------------------------------------------------
    "<!--<script>--><script>__xss($N)</script><!--</script>-->",
    "<!--><img src=x onerror=__xss($N)>-->",
    "<!-- --!><img src=x onerror=__xss($N)> -->",
    "<![CDATA[<script>__xss($N)</script>]]>",
    "<!--[if gte IE 4]><script>__xss($N)</script><![endif]-->",
    '<?xml version="1.0"?><img src=x onerror=__xss($N)>',
    # --- web addresses the form accepts, each trying to break out of its href -----------------------------
    'https://example.org/?q="><script>__xss($N)</script>',
    "https://example.org/'onmouseover='__xss($N)'",
    "http://example.org/#javascript:__xss($N)",
    "https://example.org/<svg/onload=__xss($N)>",
    "https://example.org/?next=javascript:__xss($N)&x=%22%3E%3Cscript%3E",
]


def _render(number: int, template: str) -> str:
    text = template.replace(MARK, str(number))
    if "{b64:" in text:
        head, _, rest = text.partition("{b64:")
        inner, _, tail = rest.rpartition("}")
        text = head + _b64_html(inner) + tail
    return text


PAYLOADS: list[tuple[int, str]] = [(n, _render(n, t)) for n, t in enumerate(_TEMPLATES, start=1)]

NAME_MAX_LENGTH = 50


def as_name(text: str) -> str:
    """What fits in the name field (50 characters)."""
    return text[:NAME_MAX_LENGTH]
