"""Bad files stop cleanly, naming the line, and change nothing; big files stream in flat memory."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, Section
from comments.models import Comment
from wordpress.importing import Importer
from wordpress.models import ImportedObject, OldAddress

from .conftest import FIXTURES, SMALL, import_wordpress, summary_row

pytestmark = pytest.mark.django_db


def database_rows():
    return [m.objects.count() for m in (Article, Comment, Section, ImportedObject, OldAddress)]


def test_malformed_file_names_the_line_and_changes_nothing():
    before = database_rows()
    with pytest.raises(CommandError) as error:
        import_wordpress(FIXTURES / "malformed.xml")
    assert str(error.value) == (
        "malformed.xml: The file is not well-formed XML at line 266, column 48: "
        "Opening and ending tag mismatch: title line 266 and titel. Nothing was imported."
    )
    assert database_rows() == before  # the three posts read before line 266 were rolled back


def test_truncated_file_says_so_and_changes_nothing():
    before = database_rows()
    message = r"truncated\.xml: The file ends too early \(truncated\?\) at line 61"
    with pytest.raises(CommandError, match=message):
        import_wordpress(FIXTURES / "truncated.xml")
    assert database_rows() == before


def test_continue_on_error_keeps_what_came_before_a_broken_line():
    with pytest.raises(CommandError, match="line 266.*The items before it were imported"):
        import_wordpress(FIXTURES / "malformed.xml", "--continue-on-error")
    assert sorted(Article.objects.values_list("slug", flat=True)) == [
        "a-draft-about-feeder-lines", "cranes-arrive", "dredging-bill",
    ]  # fmt: skip


def test_continue_on_error_reports_a_failing_item_and_imports_the_rest(monkeypatch):
    real_post = Importer.post

    def post_failing_on_103(self, item, key):
        if item.wp_id == 103:
            raise ValueError("the database said no")
        return real_post(self, item, key)

    monkeypatch.setattr(Importer, "post", post_failing_on_103)
    output = import_wordpress(SMALL, "--continue-on-error")
    assert "Failed (1):\n  post 103 ('Pending: the dredging bill') at line " in output
    assert ": the database said no" in output
    assert summary_row(output, "stories") == (5, 0, 0, 3)
    assert not Article.objects.filter(slug="dredging-bill").exists()


def test_without_continue_on_error_a_failing_item_rolls_everything_back(monkeypatch):
    def failing(self, item, key):
        raise ValueError("the database said no")

    monkeypatch.setattr(Importer, "page", failing)
    with pytest.raises(CommandError, match=r"Could not import page 200 .* at line \d+: the database said no"):
        import_wordpress(SMALL)
    assert Article.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"   \n", "The file is empty."),
        (b"PK\x03\x04 a zip file", "not well-formed XML at line 1"),
        (b'<?xml version="1.0"?><html><body>Not found</body></html>', "not a WordPress export"),
        (b'<?xml version="1.0"?><rss><channel><item><title>\xff\xfe</title></item></channel></rss>',
         "not well-formed XML at line 1"),
    ],
)  # fmt: skip
def test_files_that_are_not_exports(tmp_path, content, message):
    path = tmp_path / "export.xml"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        import_wordpress(path)


def test_missing_file_and_media_folder_are_clear_errors(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_wordpress", str(tmp_path / "nope.xml"))
    with pytest.raises(CommandError, match="no such folder"):
        call_command("import_wordpress", str(SMALL), "--media-dir", str(tmp_path / "nope"))


REFUSED = r"The file declares a document type \(<!DOCTYPE …>\), which WordPress exports never do"


def test_external_entities_are_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    path = tmp_path / "xxe.xml"
    path.write_text(
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<rss xmlns:wp="https://wordpress.org/export/1.2/"><channel><item><title>Hi &x;</title>'
        "<wp:post_id>1</wp:post_id><wp:status>draft</wp:status><wp:post_type>post</wp:post_type>"
        "</item></channel></rss>"
    )
    with pytest.raises(CommandError, match=REFUSED):
        import_wordpress(path)
    assert not Article.objects.exists()


def test_entity_expansion_bomb_is_refused(tmp_path):
    entities = '<!ENTITY a0 "xxxxxxxxxx">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
    )
    path = tmp_path / "bomb.xml"
    path.write_text(
        f'<?xml version="1.0"?><!-- a comment --><!DOCTYPE rss [{entities}]>'
        "<rss><channel><title>&a9;</title></channel></rss>"
    )
    with pytest.raises(CommandError, match=REFUSED):
        import_wordpress(path)


def test_a_dtd_hidden_after_a_megabyte_of_comment_is_not_used(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    path = tmp_path / "hidden.xml"
    path.write_text(
        f'<?xml version="1.0"?><!--{"x" * 1_100_000}--><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<rss xmlns:wp="https://wordpress.org/export/1.2/"><channel><item><title>Hi &x;</title>'
        "<wp:post_id>1</wp:post_id><wp:status>draft</wp:status><wp:post_type>post</wp:post_type>"
        "</item></channel></rss>"
    )
    import_wordpress(path)
    assert Article.objects.get().headline == "Hi &x;"


def test_a_huge_text_is_refused(tmp_path):
    path = tmp_path / "huge.xml"
    path.write_text(
        '<?xml version="1.0"?><rss xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<item><title>Big</title><content:encoded><![CDATA[{'x' * 11_000_000}]]></content:encoded>"
        "</item></channel></rss>"
    )
    message = r"huge\.xml: The file holds a text too large to read \(over 10 MB\)"
    with pytest.raises(CommandError, match=message):
        import_wordpress(path)


READ_AND_REPORT_PEAK = """
import io, resource, sys
from tests.wordpress.synthetic import SyntheticExport
from wordpress import wxr
items = sum(isinstance(r, wxr.Item) for r in wxr.read(io.BufferedReader(SyntheticExport(int(sys.argv[1])))))
print(items, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def peak_rss_reading(items: int) -> int:
    """The peak resident memory, in kB, of a fresh process that reads `items` posts (libxml2's too)."""
    done = subprocess.run(
        [sys.executable, "-c", READ_AND_REPORT_PEAK, str(items)],
        cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, check=True,
    )  # fmt: skip
    read, peak = map(int, done.stdout.split())
    assert read == items
    return peak


def test_parsing_streams_in_flat_memory():
    """Four times the posts, the same memory: the reader holds about one chunk of the file at a time."""
    small, large = peak_rss_reading(4_000), peak_rss_reading(16_000)  # about 7 MB and 30 MB of XML
    assert large < small + 8_000, f"peak RSS {small:,} kB for 4,000 posts, {large:,} kB for 16,000"
