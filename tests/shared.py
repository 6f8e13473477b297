"""What a few tests read from ../shared, the material every developer and CI has beside the project.

The schema.org vocabulary (tests/schemaorg.py checks JSON-LD against it) and the sitemap
XSDs (tests/articles/test_sitemaps.py validates the sitemaps against them) are not
copied into the project. Without them those tests are skipped with a message naming the
file, unless NEWSROOM_REQUIRE_SHARED=1 (as in CI), where they fail. NEWSROOM_SHARED names
another folder to read them from (a git worktree has no ../shared of its own).
"""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("NEWSROOM_SHARED") or ROOT.parent / "shared")


def shared_file(relative: str, what: str) -> Path:
    """The file `relative` in ../shared, or a skip (a failure in CI) saying that `what` is missing."""
    path = SHARED / relative
    if not path.is_file():
        message = (
            f"{what} is missing: this test reads {path} (../shared/{relative} beside the project, "
            "or set NEWSROOM_SHARED to the folder that holds it)"
        )
        if os.environ.get("NEWSROOM_REQUIRE_SHARED") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return path
