"""What the fuzz pass sends: hostile text, numbers and bytes, written on the wire by hand.

Django's test client encodes str values as strict UTF-8, so it could never send a
lone surrogate or a byte that is not UTF-8. Here every value is percent-encoded
from bytes we choose: characters U+DC80..U+DCFF stand for the raw bytes 0x80..0xFF
(Python's surrogateescape), other lone surrogates go out as their (invalid) UTF-8
bytes, and everything else as UTF-8.
"""

import traceback
from urllib.parse import quote_from_bytes

from hypothesis import strategies as st

PIECES = (
    "\x00", "\r\n", "\n", "\r", "\t", "\x0b", "\x1b[31m", "%", "%00", "%0d%0a", "%ff", "%zz", "%%",
    "\udcff", "\udc80", "\ud800", "\udfff", "\u2028", "\u2029", "\ufeff", "\u202e", "\u200b", "\U0001f600",
    "é", "ß", "İ", "ǅ", "٣", "１", "²", "½", "ⅷ", "'", '"', "`", "<", ">", "<script>", "&", "&amp;", "=", "+",
    ";", "#", "?", "/", "../", "\\", "{{", "{%", "%s", "${", "*", ":*", "!", "|", "(", ")", "-", "OR", " ",
    "-1", "0", "00", "1", "1.5", "1e309", "NaN", "inf", "0x1f", "9" * 20, "9" * 400, "18446744073709551616",
    "9223372036854775807", "9223372036854775808", "-9223372036854775809", "2147483648",
    "@", "a@b", "a@b.c", "a@[::1]", "x@example.org", "http://", "https://[", "javascript:alert(1)",
    "null", "true", "[]", "{}", "None",
)  # fmt: skip

pieces = st.sampled_from(PIECES)

values = st.one_of(
    st.text(max_size=30),
    st.lists(pieces | st.text(max_size=4), max_size=6).map("".join),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.binary(max_size=30).map(lambda raw: raw.decode("utf-8", "surrogateescape")),
    st.tuples(pieces | st.text(min_size=1, max_size=3), st.integers(300, 3000)).map(lambda p: p[0] * p[1]),
)

# Query-string and form keys: the ones the site reads, and anything else.
KNOWN_KEYS = ("page", "q", "comments", "posted", "p", "email", "utm_source", "format")
keys = st.sampled_from(KNOWN_KEYS) | values

pairs = st.lists(st.tuples(keys, values), max_size=4)

header_values = st.one_of(values, pieces)
HEADERS = ("Cookie", "If-None-Match", "If-Modified-Since", "Accept-Language", "Origin", "Sec-Fetch-Site",
           "Accept", "Range", "Referer")  # fmt: skip
headers = st.dictionaries(st.sampled_from(HEADERS), header_values, max_size=3)


def wire(text: str) -> bytes:
    """The bytes a hostile client sends for `text` (see the module docstring)."""
    out = bytearray()
    for ch in text:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:
            out.append(code - 0xDC00)
        else:
            out += ch.encode("utf-8", "surrogatepass")
    return bytes(out)


def quoted(text: str) -> str:
    return quote_from_bytes(wire(text), safe="")


def encode(pairs) -> str:
    """application/x-www-form-urlencoded, from (key, value) pairs of any text."""
    return "&".join(f"{quoted(str(key))}={quoted(str(value))}" for key, value in pairs)


def header_safe(headers: dict) -> dict:
    """Header values as latin-1 text (WSGI's own reading of bytes), never with a line break."""
    return {
        name: wire(value).decode("latin-1").replace("\r", " ").replace("\n", " ")
        for name, value in headers.items()
    }


def fetch(client, method: str, path: str, *, query=(), form=None, headers=None):
    url = f"{path}?{encode(query)}" if query else path
    if method == "POST":
        body = encode(form.items() if isinstance(form, dict) else form or ()).encode("ascii")
        return client.generic(
            "POST",
            url,
            data=body,
            content_type="application/x-www-form-urlencoded",
            headers=header_safe(headers or {}),
        )
    return client.generic(method, url, headers=header_safe(headers or {}))


def assert_no_server_error(response, what: str) -> None:
    if response.status_code >= 500:
        exc_info = getattr(response, "exc_info", None)
        trace = "".join(traceback.format_exception(*exc_info)) if exc_info else "(no exception recorded)"
        raise AssertionError(f"{what} answered {response.status_code}\n{trace}")
