import io
from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image

FIXTURES = Path(__file__).parent / "fixtures"
THEME_DATA = FIXTURES / "themeunittestdata.wordpress.xml"
SMALL = FIXTURES / "newsroom-small.xml"
SMALL_V2 = FIXTURES / "newsroom-small-v2.xml"
OLD_WXR = FIXTURES / "wxr-1.1-http.xml"


def import_wordpress(path, *args) -> str:
    """Run the command as an editor would; its summary (stdout)."""
    out = io.StringIO()
    call_command("import_wordpress", str(path), "--no-progress", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def summary_row(output: str, kind: str) -> tuple[int, int, int, int]:
    """(created, updated, unchanged, skipped) for `kind` from the summary table; zeros when absent."""
    for line in output.splitlines():
        if line.startswith(kind) and line[len(kind) :][:1] == " " and line.split()[-1].isdigit():
            numbers = line[len(kind) :].split()
            if len(numbers) == 4:
                return tuple(int(n) for n in numbers)
    return (0, 0, 0, 0)


@pytest.fixture
def media_dir(tmp_path):
    """A copy of wp-content/uploads holding the small export's two pictures."""
    root = tmp_path / "uploads"
    (root / "2024" / "03").mkdir(parents=True)
    Image.new("RGB", (800, 600), (30, 90, 160)).save(root / "2024" / "03" / "crane.jpg")
    Image.new("RGB", (1200, 800), (160, 90, 30)).save(root / "2024" / "03" / "crane-lead.jpg")
    return root


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):
    """Each test stores files in its own folder, so names never collide with another test's."""
    settings.MEDIA_ROOT = tmp_path / "media"
