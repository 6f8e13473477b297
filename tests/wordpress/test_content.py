"""WordPress markup into Newsroom HTML and text (wordpress.content), before sanitising."""

from articles.sanitize import sanitize_html
from wordpress.content import comment_text, excerpt_text, post_html


def test_classic_text_gets_paragraphs_and_line_breaks():
    html = post_html("First line\nsecond line\n\nNew paragraph.")
    assert html == "<p>First line<br>\nsecond line</p>\n<p>New paragraph.</p>"


def test_existing_blocks_and_preformatted_text_are_left_alone():
    html = post_html("<h2>Heading</h2>\n\n<pre>a\n\nb</pre>\n\nText")
    assert html == "<h2>Heading</h2>\n<pre>a\n\nb</pre>\n<p>Text</p>"


def test_block_editor_comments_and_more_tags_go():
    html = post_html(
        '<!-- wp:paragraph {"x":1} -->\n<p>One</p>\n<!-- /wp:paragraph -->\n<!--more-->\n<p>Two</p>'
    )
    assert "wp:" not in html and "more" not in html
    assert html == "<p>One</p>\n\n<p>Two</p>"


def test_caption_becomes_a_figure_with_its_caption():
    counts = {}
    html = post_html(
        '[caption id="a1" width="300"]<img src="/x.jpg" alt="Quay"> The quay at dawn[/caption]', counts
    )
    assert html == '<figure><img src="/x.jpg" alt="Quay"><figcaption>The quay at dawn</figcaption></figure>'
    assert sanitize_html(html).count("<figcaption>The quay at dawn</figcaption>") == 1
    assert counts == {"caption": 1}


def test_embed_becomes_a_link_and_gallery_goes():
    html = post_html('[embed]https://video.example.org/v/1[/embed]\n\n[gallery ids="1,2"]')
    assert '<a href="https://video.example.org/v/1">https://video.example.org/v/1</a>' in html
    assert "gallery" not in html


def test_unknown_brackets_are_text_not_shortcodes():
    assert post_html("He said [sic] it twice [1].") == "<p>He said [sic] it twice [1].</p>"


def test_embed_of_a_javascript_url_is_not_a_link():
    assert "<a" not in post_html("[embed]javascript:alert(1)[/embed]")


def test_comment_html_becomes_plain_text_keeping_link_targets():
    text = comment_text('See <a href="https://example.org/r">the report</a> &amp; <b>more</b>.<br />Thanks.')
    assert text == "See the report (https://example.org/r) & more.\nThanks."


def test_comment_link_whose_text_is_its_address_is_not_repeated():
    assert comment_text('<a href="https://example.org">https://example.org</a>') == "https://example.org"


def test_excerpt_is_plain_text_cut_at_a_word():
    assert excerpt_text("<p>Ships &amp; cranes</p>", 600) == "Ships & cranes"
    assert excerpt_text("word " * 200, 30) == "word word word word word word…"


def test_text_beside_a_list_gets_no_line_breaks_inside_the_list():
    html = post_html("Ports:\n<ul>\n<li>Kembang</li>\n<li>Tanjung</li>\n</ul>")
    assert html == "Ports:\n<ul>\n<li>Kembang</li>\n<li>Tanjung</li>\n</ul>"
