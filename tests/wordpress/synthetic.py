"""A WordPress export of any size, made on the fly (for the streaming test and bench/wxr_stream.py)."""

import io

HEAD = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="https://wordpress.org/export/1.2/"
 xmlns:excerpt="https://wordpress.org/export/1.2/excerpt/">
<channel><title>Synthetic</title><link>https://synthetic.example</link>
<wp:base_blog_url>https://synthetic.example</wp:base_blog_url>
"""
TAIL = b"</channel></rss>\n"
PARAGRAPH = "<p>Port traffic rose again as feeder lines added calls &amp; cranes worked late. </p>" * 8


def item(n: int) -> bytes:
    comments = "".join(
        f"<wp:comment><wp:comment_id>{n * 10 + c}</wp:comment_id>"
        f"<wp:comment_author>Reader {c}</wp:comment_author>"
        f"<wp:comment_content><![CDATA[Comment {c} on story {n}.]]></wp:comment_content>"
        f"<wp:comment_approved>1</wp:comment_approved><wp:comment_parent>{n * 10 + c - 1 if c else 0}"
        "</wp:comment_parent></wp:comment>"
        for c in range(3)
    )
    return (
        f"<item><title>Story {n}</title><link>https://synthetic.example/{n}/</link>"
        f"<dc:creator>desk</dc:creator><content:encoded><![CDATA[{PARAGRAPH}]]></content:encoded>"
        f"<wp:post_id>{n}</wp:post_id><wp:post_date_gmt>2024-01-01 00:00:00</wp:post_date_gmt>"
        f"<wp:post_name>story-{n}</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
        f'<category domain="category" nicename="news">News</category>{comments}</item>\n'
    ).encode()


class SyntheticExport(io.RawIOBase):
    """A readable stream of `items` posts, generated as it is read: the file never exists whole."""

    def __init__(self, items: int):
        self.items, self.next_item, self.buffer = items, 0, bytearray(HEAD)
        self.size = len(HEAD) + len(TAIL) + sum(len(item(n)) for n in (0,)) * items  # close enough

    def readable(self):
        return True

    def readinto(self, target) -> int:
        while len(self.buffer) < len(target) and self.next_item <= self.items:
            if self.next_item == self.items:
                self.buffer += TAIL
            else:
                self.buffer += item(self.next_item)
            self.next_item += 1
        n = min(len(target), len(self.buffer))
        target[:n] = self.buffer[:n]
        del self.buffer[:n]
        return n
